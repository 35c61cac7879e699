//! The `redshift-require-tls-ssl` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::RedshiftRequireTlsSsl);
