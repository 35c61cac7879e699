//! The `s3-account-level-public-access-blocks` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::S3AccountLevelPublicAccessBlocks);
