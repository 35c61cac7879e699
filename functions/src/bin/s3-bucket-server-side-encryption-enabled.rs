//! The `s3-bucket-server-side-encryption-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::S3BucketServerSideEncryptionEnabled);
