//! `iam-root-access-key-check`: the root user has no access keys.

use std::collections::BTreeMap;

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::params::Params;
use crate::rule::{AccountContext, AccountRule, Rule, RuleKind, RuleSpec, Severity, ACCOUNT};

use super::iam_account::judge_account_summary;

/// `iam-root-access-key-check` (AWS managed rule IAM_ROOT_ACCESS_KEY_CHECK).
///
/// Documented logic: periodic; NON_COMPLIANT when the root user has access keys
/// (IAM GetAccountSummary `AccountAccessKeysPresent` > 0). One result on
/// `AWS::::Account` with the account id.
pub struct IamRootAccessKeyCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "iam-root-access-key-check",
    description: "The root user has no access keys.",
    resource_types: &[ACCOUNT],
    severity: Severity::Critical,
    permissions: &["iam:GetAccountSummary"],
    ..RuleSpec::PERIODIC
};

/// The verdict from IAM's account summary (`AccountAccessKeysPresent` absent: none).
fn verdict(summary: &BTreeMap<String, i64>) -> Verdict {
    let keys = summary
        .get("AccountAccessKeysPresent")
        .copied()
        .unwrap_or(0);
    if keys > 0 {
        Verdict::non_compliant(format!(
            "the root user has {keys} access key(s); delete them and use IAM roles"
        ))
    } else {
        Verdict::compliant("the root user has no access keys")
    }
}

impl Rule for IamRootAccessKeyCheck {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Account(self)
    }
}

impl AccountRule for IamRootAccessKeyCheck {
    fn judge<'a>(
        &'a self,
        ctx: &'a AccountContext<'a>,
        _params: &'a Params,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>> {
        judge_account_summary(ctx, verdict)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance;
    use crate::iam_api::IamApi;
    use crate::rules::iam_account::fake::FakeIam;

    /// The verdict on the summary `iam` answers.
    async fn judge(iam: &FakeIam) -> Result<Verdict, RuleError> {
        Ok(verdict(&iam.account_summary().await?))
    }

    #[tokio::test]
    async fn root_keys_are_non_compliant() {
        let v = judge(&FakeIam {
            root_keys: 1,
            ..Default::default()
        })
        .await
        .unwrap();
        assert_eq!(v.compliance, Compliance::NonCompliant);
        let v = judge(&FakeIam::default()).await.unwrap();
        assert_eq!(v.compliance, Compliance::Compliant);
        assert_eq!(verdict(&BTreeMap::new()).compliance, Compliance::Compliant);
    }
}
