//! `iam-user-unused-credentials-check`: IAM users' passwords and active access keys
//! were used within `maxCredentialUsageAge` days.

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::{CredentialRow, IamApi};
use crate::item::Timestamp;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{AccountContext, AccountRule, Rule, RuleKind, RuleSpec, Severity};

use super::iam_account::{days_between, judge_report_users, older_than};

/// `iam-user-unused-credentials-check` (AWS managed rule
/// IAM_USER_UNUSED_CREDENTIALS_CHECK).
///
/// Documented logic: "Checks if your AWS Identity and Access Management (IAM) users have
/// passwords or active access keys that have not been used within the specified number
/// of days you provided. The rule is NON_COMPLIANT if there are inactive accounts not
/// recently used." Re-evaluating within 4 hours has no effect (the IAM credential
/// report's refresh interval). Periodic; parameter `maxCredentialUsageAge` (int,
/// default 90: "Maximum number of days a credential cannot be used"); results on
/// `AWS::IAM::User`.
///
/// Ferrule reads the credential report and ListUsers (for the user ids): one result per
/// user, with the user id as resource id. NON_COMPLIANT when, more than
/// `maxCredentialUsageAge` days before the run, either
/// - the console password (`password_enabled` true) was last used
///   (`password_last_used`), or
/// - an active access key (`access_key_N_active` true) was last used
///   (`access_key_N_last_used_date`);
///
/// COMPLIANT otherwise, including users with neither a password nor an active key.
///
/// Choices: a credential never used is dated from when it was set (the password from
/// `password_last_changed`, else the user's `user_creation_time`; a key from
/// `access_key_N_last_rotated`, its creation), so a new credential has the same grace
/// period as the AWSConfigRemediation-RevokeUnusedIAMUserCredentials runbook gives;
/// a credential with no date at all counts as unused. Exactly `maxCredentialUsageAge`
/// days is still COMPLIANT. Without the parameter the documented default, 90, applies.
/// A user the report does not list yet is NOT_APPLICABLE until the next report; the
/// root user is not judged.
pub struct IamUserUnusedCredentialsCheck;

/// `maxCredentialUsageAge`.
const MAX_CREDENTIAL_USAGE_AGE: ParamSpec = ParamSpec::optional(
    "maxCredentialUsageAge",
    ParamKind::Int,
    "Maximum number of days a credential may go unused (90 when unset)",
)
.with_default("90");

/// The remediation: AWSConfigRemediation-RevokeUnusedIAMUserCredentials. Deactivates access keys and deletes console passwords unused for 90 days (MaxCredentialUsageAge; the rule's default, keep them equal; the resource id is the user id the rule reports). Manual: it removes credentials.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-RevokeUnusedIAMUserCredentials",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("IAMResourceId"),
        RemediationParam::fixed("MaxCredentialUsageAge", "90"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "config:ListDiscoveredResources",
        "iam:DeleteAccessKey",
        "iam:DeleteLoginProfile",
        "iam:GetAccessKeyLastUsed",
        "iam:GetLoginProfile",
        "iam:GetUser",
        "iam:ListAccessKeys",
        "iam:UpdateAccessKey",
    ],
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-revoke-iam-user.html",
    ..Remediation::MANUAL
};

static SPEC: RuleSpec = RuleSpec {
    name: "iam-user-unused-credentials-check",
    description:
        "IAM users' passwords and active access keys were used within maxCredentialUsageAge days.",
    resource_types: &["AWS::IAM::User"],
    parameters: &[MAX_CREDENTIAL_USAGE_AGE],
    severity: Severity::High,
    permissions: &[
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:ListUsers",
    ],
    remediation: Some(&REMEDIATION),
    ..RuleSpec::PERIODIC
};

fn verdict(name: &str, row: &CredentialRow, max_days: i64, at: Timestamp) -> Verdict {
    // (credential, the date it was last used or else set).
    let mut credentials: Vec<(String, Option<Timestamp>)> = Vec::new();
    if row.flag("password_enabled") {
        let t = row
            .time("password_last_used")
            .or_else(|| row.time("password_last_changed"))
            .or_else(|| row.time("user_creation_time"));
        credentials.push(("the password".into(), t));
    }
    for n in [1, 2] {
        if row.flag(&format!("access_key_{n}_active")) {
            let t = row
                .time(&format!("access_key_{n}_last_used_date"))
                .or_else(|| row.time(&format!("access_key_{n}_last_rotated")));
            credentials.push((format!("access key {n}"), t));
        }
    }
    if credentials.is_empty() {
        return Verdict::compliant(format!(
            "user {name} has no console password and no active access key"
        ));
    }
    let unused: Vec<String> = credentials
        .iter()
        .filter_map(|(what, t)| match t {
            Some(t) if !older_than(*t, at, max_days) => None,
            Some(t) => Some(format!("{what} unused for {} days", days_between(*t, at))),
            None => Some(format!("{what} has no usage date")),
        })
        .collect();
    if unused.is_empty() {
        Verdict::compliant(format!(
            "user {name}'s credentials were used within {max_days} days"
        ))
    } else {
        Verdict::non_compliant(format!(
            "user {name}: {} (maxCredentialUsageAge {max_days})",
            unused.join(", ")
        ))
    }
}

/// One evaluation per user.
pub(crate) async fn judge(
    iam: &dyn IamApi,
    params: &Params,
    at: Timestamp,
) -> Result<Vec<Evaluation>, RuleError> {
    let max_days = params.int(&MAX_CREDENTIAL_USAGE_AGE).unwrap_or(90);
    judge_report_users(iam, at, |name, row| verdict(name, row, max_days, at)).await
}

impl Rule for IamUserUnusedCredentialsCheck {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Account(self)
    }
}

impl AccountRule for IamUserUnusedCredentialsCheck {
    fn judge<'a>(
        &'a self,
        ctx: &'a AccountContext<'a>,
        params: &'a Params,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>> {
        Box::pin(async move { judge(ctx.iam()?, params, ctx.at).await })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::rules::iam_account::fake::FakeIam;
    use serde_json::json;

    const AT: &str = "2025-06-30T00:00:00Z";
    const RECENT: &str = "2025-06-01T08:00:00+00:00";
    const OLD: &str = "2024-11-01T00:00:00+00:00";

    fn row(name: &str, pairs: &[(&str, &str)]) -> CredentialRow {
        let mut r = CredentialRow::from_pairs(pairs.iter().copied());
        r.fields.insert("user".into(), name.into());
        r.fields.insert(
            "user_creation_time".into(),
            "2024-01-01T00:00:00+00:00".into(),
        );
        r
    }

    fn run(rows: Vec<CredentialRow>, params: serde_json::Value) -> Vec<(Compliance, String)> {
        let iam = FakeIam::with_report(rows);
        let (params, _) =
            Params::parse(SPEC.name, SPEC.parameters, params.as_object().unwrap()).unwrap();
        let e = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(judge(&iam, &params, Timestamp::parse(AT).unwrap()))
            .unwrap();
        e.into_iter()
            .map(|e| {
                assert_eq!(e.compliance_resource_type, "AWS::IAM::User");
                (e.compliance_type, e.annotation.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn passwords_and_active_keys_unused_for_90_days_are_non_compliant() {
        let got = run(
            vec![
                row(
                    "alice",
                    &[
                        ("password_enabled", "true"),
                        ("password_last_used", RECENT),
                        ("access_key_1_active", "true"),
                        ("access_key_1_last_used_date", RECENT),
                    ],
                ),
                row(
                    "bob",
                    &[("password_enabled", "true"), ("password_last_used", OLD)],
                ),
                row(
                    "ci",
                    &[
                        ("password_enabled", "false"),
                        ("access_key_1_active", "true"),
                        ("access_key_1_last_used_date", OLD),
                        ("access_key_2_active", "false"),
                        ("access_key_2_last_used_date", OLD),
                    ],
                ),
                row(
                    "idle",
                    &[
                        ("password_enabled", "false"),
                        ("access_key_1_active", "false"),
                    ],
                ),
            ],
            json!({}),
        );
        assert_eq!(got[0].0, Compliant);
        assert_eq!(
            got[1],
            (
                NonCompliant,
                "user bob: the password unused for 241 days (maxCredentialUsageAge 90)".into()
            )
        );
        assert_eq!(got[2].0, NonCompliant);
        assert!(
            got[2].1.contains("access key 1 unused") && !got[2].1.contains("key 2"),
            "{}",
            got[2].1
        );
        assert_eq!(
            got[3],
            (
                Compliant,
                "user idle has no console password and no active access key".into()
            )
        );
    }

    #[test]
    fn never_used_credentials_are_dated_from_when_they_were_set() {
        let got = run(
            vec![
                row(
                    "new-pw",
                    &[
                        ("password_enabled", "true"),
                        ("password_last_used", "no_information"),
                        ("password_last_changed", RECENT),
                    ],
                ),
                row(
                    "old-pw",
                    &[
                        ("password_enabled", "true"),
                        ("password_last_used", "N/A"),
                        ("password_last_changed", "N/A"),
                    ],
                ),
                row(
                    "new-key",
                    &[
                        ("access_key_1_active", "true"),
                        ("access_key_1_last_used_date", "N/A"),
                        ("access_key_1_last_rotated", RECENT),
                    ],
                ),
                row("undated-key", &[("access_key_1_active", "true")]),
            ],
            json!({}),
        );
        assert_eq!(got[0].0, Compliant);
        // Falls back to the user's creation, 2024-01-01.
        assert_eq!(got[1].0, NonCompliant);
        assert_eq!(got[2].0, Compliant);
        assert_eq!(got[3].0, NonCompliant);
        assert!(got[3].1.contains("no usage date"), "{}", got[3].1);
    }

    #[test]
    fn max_credential_usage_age_sets_the_limit_inclusively() {
        // 2025-05-31 is exactly 30 days before the run.
        let r = || {
            vec![row(
                "u",
                &[
                    ("password_enabled", "true"),
                    ("password_last_used", "2025-05-31T00:00:00+00:00"),
                ],
            )]
        };
        assert_eq!(
            run(r(), json!({"maxCredentialUsageAge": "30"}))[0].0,
            Compliant
        );
        assert_eq!(
            run(r(), json!({"maxCredentialUsageAge": "29"}))[0].0,
            NonCompliant
        );
    }
}
