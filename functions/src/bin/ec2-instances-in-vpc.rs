//! The `ec2-instances-in-vpc` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::Ec2InstancesInVpc);
