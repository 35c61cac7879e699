//! The `cloud-trail-log-file-validation-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::CloudTrailLogFileValidationEnabled);
