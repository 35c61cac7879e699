//! The `root-account-mfa-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::RootAccountMfaEnabled);
