//! The `approved-amis-by-id` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::ApprovedAmisById);
