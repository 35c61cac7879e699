//! The `ec2-volume-inuse-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::Ec2VolumeInuseCheck);
