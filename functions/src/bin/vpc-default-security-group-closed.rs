//! The `vpc-default-security-group-closed` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::VpcDefaultSecurityGroupClosed);
