//! The `iam-group-has-users-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::IamGroupHasUsersCheck);
