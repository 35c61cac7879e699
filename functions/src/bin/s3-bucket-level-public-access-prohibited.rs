//! The `s3-bucket-level-public-access-prohibited` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::S3BucketLevelPublicAccessProhibited);
