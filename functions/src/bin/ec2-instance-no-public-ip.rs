//! The `ec2-instance-no-public-ip` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::Ec2InstanceNoPublicIp);
