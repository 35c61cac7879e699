//! The `vpc-sg-open-only-to-authorized-ports` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::VpcSgOpenOnlyToAuthorizedPorts);
