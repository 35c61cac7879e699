//! The `ecr-private-tag-immutability-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::EcrPrivateTagImmutabilityEnabled);
