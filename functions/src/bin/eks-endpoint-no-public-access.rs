//! The `eks-endpoint-no-public-access` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::EksEndpointNoPublicAccess);
