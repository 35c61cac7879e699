//! The `lambda-function-public-access-prohibited` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::LambdaFunctionPublicAccessProhibited);
