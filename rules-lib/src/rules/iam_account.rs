//! What the periodic IAM rules share: the account-level evaluation and the IAM client.

use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::SdkIamApi;
use crate::rule::PeriodicContext;

/// The resource type of account-level results.
pub(crate) const ACCOUNT: &str = "AWS::::Account";

/// The account-level evaluation of a periodic run.
pub(crate) fn account_evaluation(
    ctx: &PeriodicContext<'_>,
    verdict: Verdict,
) -> Result<Evaluation, RuleError> {
    let account = ctx.account_id.filter(|a| !a.is_empty()).ok_or_else(|| {
        RuleError::Failed("the event carries no account id (awsAccountId / accountId) to report an account-level result on".into())
    })?;
    Ok(Evaluation::new(
        ACCOUNT,
        account,
        verdict.compliance,
        &verdict.annotation,
        ctx.ordering_timestamp,
    ))
}

/// The IAM client for a periodic run, with the invocation's credentials.
pub(crate) fn iam_client(ctx: &PeriodicContext<'_>) -> Result<SdkIamApi, RuleError> {
    ctx.sdk_config
        .map(SdkIamApi::from_sdk_config)
        .ok_or_else(|| RuleError::Failed("this rule reads IAM and needs AWS credentials: run it as a deployed function (scans list it as not evaluated)".into()))
}

/// A periodic rule's answer to a change event: it judges the account, not an item.
pub(crate) fn periodic_only() -> Verdict {
    Verdict::not_applicable(
        "this rule is periodic: it judges the account, not configuration changes",
    )
}

#[cfg(test)]
pub(crate) mod fake {
    use crate::config_api::BoxFuture;
    use crate::error::ApiError;
    use crate::iam_api::{IamApi, IamUser, PasswordPolicy};

    /// Fixed IAM answers for unit tests (the end-to-end tests use moto's IAM).
    #[derive(Default)]
    pub struct FakeIam {
        pub root_keys: i64,
        pub users: Vec<(IamUser, usize)>,
        pub policy: Option<PasswordPolicy>,
    }

    impl IamApi for FakeIam {
        fn root_access_keys_present(&self) -> BoxFuture<'_, Result<i64, ApiError>> {
            Box::pin(async move { Ok(self.root_keys) })
        }
        fn list_users(&self) -> BoxFuture<'_, Result<Vec<IamUser>, ApiError>> {
            Box::pin(async move { Ok(self.users.iter().map(|(u, _)| u.clone()).collect()) })
        }
        fn mfa_devices<'a>(&'a self, user_name: &'a str) -> BoxFuture<'a, Result<usize, ApiError>> {
            Box::pin(async move {
                Ok(self
                    .users
                    .iter()
                    .find(|(u, _)| u.name == user_name)
                    .map_or(0, |(_, n)| *n))
            })
        }
        fn password_policy(&self) -> BoxFuture<'_, Result<Option<PasswordPolicy>, ApiError>> {
            Box::pin(async move { Ok(self.policy.clone()) })
        }
    }
}
