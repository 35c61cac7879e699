//! The `sagemaker-endpoint-configuration-kms-key-configured` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::SagemakerEndpointConfigurationKmsKeyConfigured);
