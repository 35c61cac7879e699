//! The `opensearch-logs-to-cloudwatch` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::OpensearchLogsToCloudwatch);
