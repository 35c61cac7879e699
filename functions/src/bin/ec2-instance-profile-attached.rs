//! The `ec2-instance-profile-attached` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::Ec2InstanceProfileAttached);
