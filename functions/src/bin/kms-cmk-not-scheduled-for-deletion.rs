//! The `kms-cmk-not-scheduled-for-deletion` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::KmsCmkNotScheduledForDeletion);
