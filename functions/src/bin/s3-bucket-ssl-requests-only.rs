//! The `s3-bucket-ssl-requests-only` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::S3BucketSslRequestsOnly);
