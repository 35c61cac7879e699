//! The `iam-policy-no-statements-with-admin-access` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::IamPolicyNoStatementsWithAdminAccess);
