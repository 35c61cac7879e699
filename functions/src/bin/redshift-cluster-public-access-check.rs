//! The `redshift-cluster-public-access-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::RedshiftClusterPublicAccessCheck);
