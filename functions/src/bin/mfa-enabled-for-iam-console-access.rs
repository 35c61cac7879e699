//! The `mfa-enabled-for-iam-console-access` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::MfaEnabledForIamConsoleAccess);
