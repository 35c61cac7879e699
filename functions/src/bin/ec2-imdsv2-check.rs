//! The `ec2-imdsv2-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::Ec2Imdsv2Check);
