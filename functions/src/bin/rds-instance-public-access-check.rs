//! The `rds-instance-public-access-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::RdsInstancePublicAccessCheck);
