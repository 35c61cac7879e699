//! The `ecr-private-image-scanning-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::EcrPrivateImageScanningEnabled);
