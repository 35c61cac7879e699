//! The `opensearch-node-to-node-encryption-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::OpensearchNodeToNodeEncryptionCheck);
