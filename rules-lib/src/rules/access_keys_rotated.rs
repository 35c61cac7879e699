//! `access-keys-rotated`: active IAM access keys are younger than `maxAccessKeyAge` days.

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::{CredentialRow, IamApi};
use crate::item::Timestamp;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{AccountContext, AccountRule, Rule, RuleKind, RuleSpec};

use super::iam_account::{days_between, judge_report_users, older_than};

/// `access-keys-rotated` (AWS managed rule ACCESS_KEYS_ROTATED).
///
/// Documented logic: "Checks if active IAM access keys are rotated (changed) within the
/// number of days specified in `maxAccessKeyAge`. The rule is NON_COMPLIANT if access
/// keys are not rotated within the specified time period. The default value is 90
/// days." "This rule does not apply to AWS account root user access keys." Periodic;
/// parameter `maxAccessKeyAge` (int, default 90); results on `AWS::IAM::User`.
///
/// Ferrule reads the credential report and ListUsers (for the user ids): one result per
/// user, with the user id as resource id. NON_COMPLIANT when an active key
/// (`access_key_N_active` true) was created or last rotated
/// (`access_key_N_last_rotated`) more than `maxAccessKeyAge` days before the run;
/// COMPLIANT otherwise.
///
/// Choices: without the parameter the documented default, 90 days, applies; exactly
/// `maxAccessKeyAge` days old is still COMPLIANT; a user without an active key is
/// COMPLIANT (nothing to rotate); an active key whose rotation date the report does not
/// give counts as not rotated (NON_COMPLIANT); a user the report does not list yet is
/// NOT_APPLICABLE until the next report; the root user's keys are not judged.
pub struct AccessKeysRotated;

/// `maxAccessKeyAge`.
const MAX_ACCESS_KEY_AGE: ParamSpec = ParamSpec::optional(
    "maxAccessKeyAge",
    ParamKind::Int,
    "Maximum number of days without rotation (90 when unset)",
)
.with_default("90");

static SPEC: RuleSpec = RuleSpec {
    name: "access-keys-rotated",
    description: "Active IAM access keys were rotated within maxAccessKeyAge days.",
    resource_types: &["AWS::IAM::User"],
    parameters: &[MAX_ACCESS_KEY_AGE],
    permissions: &[
        "iam:GenerateCredentialReport",
        "iam:GetCredentialReport",
        "iam:ListUsers",
    ],
    ..RuleSpec::PERIODIC
};

fn verdict(name: &str, row: &CredentialRow, max_days: i64, at: Timestamp) -> Verdict {
    let mut active = 0;
    let mut stale = Vec::new();
    for n in [1, 2] {
        if !row.flag(&format!("access_key_{n}_active")) {
            continue;
        }
        active += 1;
        match row.time(&format!("access_key_{n}_last_rotated")) {
            Some(t) if !older_than(t, at, max_days) => {}
            Some(t) => stale.push(format!("key {n} is {} days old", days_between(t, at))),
            None => stale.push(format!("key {n} has no rotation date")),
        }
    }
    if active == 0 {
        Verdict::compliant(format!("user {name} has no active access key"))
    } else if stale.is_empty() {
        Verdict::compliant(format!(
            "user {name}'s active access keys were rotated within {max_days} days"
        ))
    } else {
        Verdict::non_compliant(format!(
            "user {name}: {} (maxAccessKeyAge {max_days})",
            stale.join(", ")
        ))
    }
}

/// One evaluation per user.
pub(crate) async fn judge(
    iam: &dyn IamApi,
    params: &Params,
    at: Timestamp,
) -> Result<Vec<Evaluation>, RuleError> {
    let max_days = params.int(&MAX_ACCESS_KEY_AGE).unwrap_or(90);
    judge_report_users(iam, at, |name, row| verdict(name, row, max_days, at)).await
}

impl Rule for AccessKeysRotated {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Account(self)
    }
}

impl AccountRule for AccessKeysRotated {
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
    use crate::iam_api::IamUser;
    use crate::rules::iam_account::fake::FakeIam;
    use serde_json::json;

    fn at() -> Timestamp {
        Timestamp::parse("2025-06-30T00:00:00Z").unwrap()
    }

    fn row(name: &str, k1: (&str, &str), k2: (&str, &str)) -> CredentialRow {
        CredentialRow::from_pairs([
            ("user", name),
            ("access_key_1_active", k1.0),
            ("access_key_1_last_rotated", k1.1),
            ("access_key_2_active", k2.0),
            ("access_key_2_last_rotated", k2.1),
        ])
    }

    const NONE: (&str, &str) = ("false", "N/A");

    fn run(rows: Vec<CredentialRow>, params: serde_json::Value) -> Vec<(Compliance, String)> {
        let iam = FakeIam::with_report(rows);
        let (params, _) =
            Params::parse(SPEC.name, SPEC.parameters, params.as_object().unwrap()).unwrap();
        let e = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(judge(&iam, &params, at()))
            .unwrap();
        e.into_iter()
            .map(|e| {
                assert_eq!(e.compliance_resource_type, "AWS::IAM::User");
                (e.compliance_type, e.annotation.unwrap_or_default())
            })
            .collect()
    }

    #[test]
    fn keys_older_than_90_days_by_default_are_non_compliant() {
        let got = run(
            vec![
                row("fresh", ("true", "2025-05-01T00:00:00+00:00"), NONE),
                row(
                    "stale",
                    ("true", "2025-05-01T00:00:00+00:00"),
                    ("true", "2024-01-01T00:00:00+00:00"),
                ),
                row("keyless", NONE, NONE),
                // An old key that is not active does not count.
                row("inactive", ("false", "2020-01-01T00:00:00+00:00"), NONE),
                row("undated", ("true", "N/A"), NONE),
            ],
            json!({}),
        );
        assert_eq!(got[0].0, Compliant);
        assert_eq!(
            got[1],
            (
                NonCompliant,
                "user stale: key 2 is 546 days old (maxAccessKeyAge 90)".into()
            )
        );
        assert_eq!(
            got[2],
            (Compliant, "user keyless has no active access key".into())
        );
        assert_eq!(got[3].0, Compliant);
        assert_eq!(got[4].0, NonCompliant);
        assert!(got[4].1.contains("no rotation date"), "{}", got[4].1);
    }

    #[test]
    fn max_access_key_age_sets_the_limit_inclusively() {
        // 2025-05-31 is exactly 30 days before the run.
        let r = || vec![row("u", ("true", "2025-05-31T00:00:00+00:00"), NONE)];
        assert_eq!(run(r(), json!({"maxAccessKeyAge": "30"}))[0].0, Compliant);
        assert_eq!(
            run(r(), json!({"maxAccessKeyAge": "29"}))[0].0,
            NonCompliant
        );
    }

    #[test]
    fn users_missing_from_the_report_are_not_applicable() {
        let iam = FakeIam {
            users: vec![(
                IamUser {
                    name: "new".into(),
                    id: "AIDANEW".into(),
                },
                0,
            )],
            ..Default::default()
        };
        let e = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(judge(&iam, &Params::default(), at()))
            .unwrap();
        assert_eq!(e[0].compliance_type, NotApplicable);
        assert_eq!(e[0].compliance_resource_id, "AIDANEW");
    }
}
