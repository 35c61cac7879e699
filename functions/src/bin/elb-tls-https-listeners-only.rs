//! The `elb-tls-https-listeners-only` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::ElbTlsHttpsListenersOnly);
