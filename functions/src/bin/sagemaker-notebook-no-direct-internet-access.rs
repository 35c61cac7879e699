//! The `sagemaker-notebook-no-direct-internet-access` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::SagemakerNotebookNoDirectInternetAccess);
