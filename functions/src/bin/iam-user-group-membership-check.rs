//! The `iam-user-group-membership-check` rule as an AWS Lambda function.
rules_lib::lambda_main!(rules_lib::rules::IamUserGroupMembershipCheck);
