//! The `iam-policy-no-statements-with-full-access` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::IamPolicyNoStatementsWithFullAccess);
