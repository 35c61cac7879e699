//! The `cloud-trail-cloud-watch-logs-enabled` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::CloudTrailCloudWatchLogsEnabled);
