//! The `s3-bucket-versioning-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::S3BucketVersioningEnabled);
