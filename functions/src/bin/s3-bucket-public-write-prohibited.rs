//! The `s3-bucket-public-write-prohibited` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::S3BucketPublicWriteProhibited);
