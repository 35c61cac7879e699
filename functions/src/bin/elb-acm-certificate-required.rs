//! The `elb-acm-certificate-required` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::ElbAcmCertificateRequired);
