//! `mfa-enabled-for-iam-console-access`: IAM users with a console password have MFA.

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::{CredentialRow, IamApi};
use crate::item::Timestamp;
use crate::params::Params;
use crate::rule::{AccountContext, AccountRule, Rule, RuleKind, RuleSpec, Severity};

use super::iam_account::judge_report_users;

/// `mfa-enabled-for-iam-console-access` (AWS managed rule
/// MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS).
///
/// Documented logic: "Checks if AWS multi-factor authentication (MFA) is enabled for all
/// AWS Identity and Access Management (IAM) users that use a console password. The rule
/// is COMPLIANT if MFA is enabled." "Re-evaluating this rule within 4 hours of the first
/// evaluation will have no effect on the results" (the IAM credential report's
/// refresh interval). Periodic, no parameters; results on `AWS::IAM::User`.
///
/// Ferrule reads the credential report (GenerateCredentialReport, GetCredentialReport)
/// and ListUsers for the user ids: one result per user, with the user id as resource id
/// (as AWS Config records users). A user with a console password
/// (`password_enabled` true) is COMPLIANT when `mfa_active` is true, NON_COMPLIANT
/// when not.
///
/// Choices: a user without a console password is NOT_APPLICABLE (the rule is about
/// users that use one); a user the report does not list yet (created since the report
/// was made) is NOT_APPLICABLE until the next report; the root user is not judged
/// (`root-account-mfa-enabled` does that).
pub struct MfaEnabledForIamConsoleAccess;

static SPEC: RuleSpec = RuleSpec {
    name: "mfa-enabled-for-iam-console-access",
    description: "IAM users with a console password have MFA enabled.",
    resource_types: &["AWS::IAM::User"],
    severity: Severity::High,
    permissions: &[
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:ListUsers",
    ],
    ..RuleSpec::PERIODIC
};

fn verdict(name: &str, row: &CredentialRow) -> Verdict {
    if !row.flag("password_enabled") {
        return Verdict::not_applicable(format!("user {name} has no console password"));
    }
    if row.flag("mfa_active") {
        Verdict::compliant(format!("user {name} has a console password and MFA"))
    } else {
        Verdict::non_compliant(format!("user {name} has a console password without MFA"))
    }
}

/// One evaluation per user.
pub(crate) async fn judge(iam: &dyn IamApi, at: Timestamp) -> Result<Vec<Evaluation>, RuleError> {
    judge_report_users(iam, at, verdict).await
}

impl Rule for MfaEnabledForIamConsoleAccess {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Account(self)
    }
}

impl AccountRule for MfaEnabledForIamConsoleAccess {
    fn judge<'a>(
        &'a self,
        ctx: &'a AccountContext<'a>,
        _params: &'a Params,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>> {
        Box::pin(async move { judge(ctx.iam()?, ctx.at).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance;
    use crate::iam_api::IamUser;
    use crate::rules::iam_account::fake::FakeIam;

    fn user(name: &str, id: &str) -> (IamUser, usize) {
        (
            IamUser {
                name: name.into(),
                id: id.into(),
            },
            0,
        )
    }

    fn row(name: &str, password: &str, mfa: &str) -> CredentialRow {
        CredentialRow::from_pairs([
            ("user", name),
            ("password_enabled", password),
            ("mfa_active", mfa),
        ])
    }

    #[tokio::test]
    async fn console_users_need_mfa_and_others_are_not_applicable() {
        let iam = FakeIam {
            users: vec![
                user("alice", "AIDAALICE"),
                user("bob", "AIDABOB"),
                user("ci-bot", "AIDACIBOT"),
                user("new", "AIDANEW"),
            ],
            report: vec![
                row("<root_account>", "not_supported", "false"),
                row("alice", "true", "true"),
                row("bob", "true", "false"),
                row("ci-bot", "false", "false"),
                row("gone", "true", "false"),
            ],
            ..Default::default()
        };
        let e = judge(&iam, Timestamp::now()).await.unwrap();
        let got: Vec<(&str, &str, Compliance)> = e
            .iter()
            .map(|e| {
                (
                    e.compliance_resource_type.as_str(),
                    e.compliance_resource_id.as_str(),
                    e.compliance_type,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("AWS::IAM::User", "AIDAALICE", Compliance::Compliant),
                ("AWS::IAM::User", "AIDABOB", Compliance::NonCompliant),
                ("AWS::IAM::User", "AIDACIBOT", Compliance::NotApplicable),
                ("AWS::IAM::User", "AIDANEW", Compliance::NotApplicable),
            ]
        );
        assert_eq!(
            e[1].annotation.as_deref(),
            Some("user bob has a console password without MFA")
        );
        assert!(e[3]
            .annotation
            .as_deref()
            .unwrap()
            .contains("not in the credential report"));
    }
}
