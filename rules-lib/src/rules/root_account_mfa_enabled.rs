//! `root-account-mfa-enabled`: the root user signs in with MFA.

use std::collections::BTreeMap;

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::params::Params;
use crate::rule::{AccountContext, AccountRule, Rule, RuleKind, RuleSpec, Severity, ACCOUNT};

use super::iam_account::judge_account_summary;

/// `root-account-mfa-enabled` (AWS managed rule ROOT_ACCOUNT_MFA_ENABLED).
///
/// Documented logic: "Checks if the root user of your AWS account requires multi-factor
/// authentication for console sign-in. The rule is NON_COMPLIANT if the AWS Identity and
/// Access Management (IAM) root account user does not have multi-factor authentication
/// (MFA) enabled." And: "This rule returns NOT_APPLICABLE if root user credentials are
/// not present" (member accounts whose root credentials were removed). Periodic, no
/// parameters. One result on `AWS::::Account` with the account id.
///
/// Ferrule reads IAM GetAccountSummary: NOT_APPLICABLE when `AccountPasswordPresent`,
/// `AccountAccessKeysPresent` and `AccountSigningCertificatesPresent` are all 0;
/// otherwise COMPLIANT when `AccountMFAEnabled` is 1, NON_COMPLIANT when it is 0.
///
/// Choices: a "present" key missing from the summary counts as present (the API
/// reference does not list `AccountPasswordPresent` although IAM returns it), so the
/// rule judges rather than calls the account credential-free; a missing
/// `AccountMFAEnabled` is NON_COMPLIANT. Any MFA device type counts (hardware MFA is
/// `root-account-hardware-mfa-enabled`).
pub struct RootAccountMfaEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "root-account-mfa-enabled",
    description: "The root user has MFA enabled (where it has credentials).",
    resource_types: &[ACCOUNT],
    severity: Severity::Critical,
    permissions: &["iam:GetAccountSummary"],
    ..RuleSpec::PERIODIC
};

const PRESENT_KEYS: [&str; 3] = [
    "AccountPasswordPresent",
    "AccountAccessKeysPresent",
    "AccountSigningCertificatesPresent",
];

/// The verdict from IAM's account summary.
fn verdict(summary: &BTreeMap<String, i64>) -> Verdict {
    let present: Vec<&str> = PRESENT_KEYS
        .into_iter()
        .filter(|k| summary.get(*k).is_none_or(|v| *v > 0))
        .collect();
    if present.is_empty() {
        return Verdict::not_applicable(
            "the root user has no credentials (no password, access key or signing certificate)",
        );
    }
    match summary.get("AccountMFAEnabled") {
        Some(v) if *v > 0 => Verdict::compliant("the root user has MFA enabled"),
        Some(_) => Verdict::non_compliant("the root user does not have MFA enabled"),
        None => Verdict::non_compliant(
            "the root user's MFA status is not in the account summary (AccountMFAEnabled)",
        ),
    }
}

impl Rule for RootAccountMfaEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Account(self)
    }
}

impl AccountRule for RootAccountMfaEnabled {
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
    use crate::item::Timestamp;
    use crate::rules::iam_account::fake::FakeIam;

    fn iam(pairs: &[(&str, i64)]) -> FakeIam {
        FakeIam {
            summary: pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            ..Default::default()
        }
    }

    /// The verdict on the summary `iam` answers.
    async fn judge(iam: &FakeIam) -> Result<Verdict, RuleError> {
        Ok(verdict(&iam.account_summary().await?))
    }

    const CREDENTIALS: [(&str, i64); 3] = [
        ("AccountPasswordPresent", 1),
        ("AccountAccessKeysPresent", 0),
        ("AccountSigningCertificatesPresent", 0),
    ];

    #[tokio::test]
    async fn mfa_on_is_compliant_and_off_is_not() {
        let on = iam(&[
            CREDENTIALS[0],
            CREDENTIALS[1],
            CREDENTIALS[2],
            ("AccountMFAEnabled", 1),
        ]);
        assert_eq!(judge(&on).await.unwrap().compliance, Compliance::Compliant);
        let off = iam(&[
            CREDENTIALS[0],
            CREDENTIALS[1],
            CREDENTIALS[2],
            ("AccountMFAEnabled", 0),
        ]);
        let v = judge(&off).await.unwrap();
        assert_eq!(v.compliance, Compliance::NonCompliant);
        assert_eq!(v.annotation, "the root user does not have MFA enabled");
        let unknown = iam(&CREDENTIALS);
        let v = judge(&unknown).await.unwrap();
        assert_eq!(v.compliance, Compliance::NonCompliant);
        assert!(
            v.annotation.contains("AccountMFAEnabled"),
            "{}",
            v.annotation
        );
    }

    #[tokio::test]
    async fn no_root_credentials_is_not_applicable() {
        let none = iam(&[
            ("AccountPasswordPresent", 0),
            ("AccountAccessKeysPresent", 0),
            ("AccountSigningCertificatesPresent", 0),
            ("AccountMFAEnabled", 0),
        ]);
        assert_eq!(
            judge(&none).await.unwrap().compliance,
            Compliance::NotApplicable
        );
        // Access keys alone are credentials.
        let keys = iam(&[
            ("AccountPasswordPresent", 0),
            ("AccountAccessKeysPresent", 1),
            ("AccountSigningCertificatesPresent", 0),
            ("AccountMFAEnabled", 0),
        ]);
        assert_eq!(
            judge(&keys).await.unwrap().compliance,
            Compliance::NonCompliant
        );
        // A missing "present" key counts as present.
        let partial = iam(&[
            ("AccountAccessKeysPresent", 0),
            ("AccountSigningCertificatesPresent", 0),
            ("AccountMFAEnabled", 0),
        ]);
        assert_eq!(
            judge(&partial).await.unwrap().compliance,
            Compliance::NonCompliant
        );
    }

    #[tokio::test]
    async fn one_account_result() {
        let on = iam(&[CREDENTIALS[0], ("AccountMFAEnabled", 1)]);
        let ctx = AccountContext {
            account_id: Some("123456789012"),
            at: Timestamp::now(),
            iam: Some(&on),
        };
        let e = AccountRule::judge(&RootAccountMfaEnabled, &ctx, &Params::default())
            .await
            .unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].compliance_resource_type, ACCOUNT);
        assert_eq!(e[0].compliance_resource_id, "123456789012");
        assert_eq!(e[0].compliance_type, Compliance::Compliant);
    }
}
