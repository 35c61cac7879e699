//! The `opensearch-encrypted-at-rest` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::OpensearchEncryptedAtRest);
