//! The `s3-bucket-logging-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::S3BucketLoggingEnabled);
