//! What the IAM account rules share: the credential report joined to the users' ids
//! and judged user by user, the account summary judged as the account, and, for unit
//! tests, a fake IAM.

use std::collections::BTreeMap;

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::{CredentialRow, IamApi, IamUser};
use crate::item::Timestamp;
use crate::rule::AccountContext;

/// Every IAM user (ListUsers, for the user id AWS Config records them by) with its row
/// of the credential report; `None` for a user the report does not list yet (IAM makes
/// a new report at most every 4 hours). The root user's row is left out, and so are
/// rows of users that no longer exist.
async fn users_with_report(
    iam: &dyn IamApi,
) -> Result<Vec<(IamUser, Option<CredentialRow>)>, RuleError> {
    let report = iam.credential_report().await?;
    let users = iam.list_users().await?;
    Ok(users
        .into_iter()
        .map(|u| {
            let row = report
                .iter()
                .find(|r| !r.is_root() && r.user() == u.name)
                .cloned();
            (u, row)
        })
        .collect())
}

/// The verdict on a user the credential report does not list yet.
fn not_in_report(user: &IamUser) -> Verdict {
    Verdict::not_applicable(format!(
        "user {} is not in the credential report yet (IAM makes one at most every 4 \
         hours); it is judged once it is",
        user.name
    ))
}

/// The evaluation of a user: `AWS::IAM::User` with the user id, as AWS Config records
/// users.
pub(crate) fn user_evaluation(user: IamUser, v: Verdict, at: Timestamp) -> Evaluation {
    Evaluation::new("AWS::IAM::User", user.id, v.compliance, &v.annotation, at)
}

/// One evaluation per IAM user ([`users_with_report`], [`user_evaluation`]): `verdict`
/// judges a user the credential report lists, from its name and row; a user the report
/// does not list yet is NOT_APPLICABLE until the next report.
pub(crate) async fn judge_report_users(
    iam: &dyn IamApi,
    at: Timestamp,
    verdict: impl Fn(&str, &CredentialRow) -> Verdict,
) -> Result<Vec<Evaluation>, RuleError> {
    Ok(users_with_report(iam)
        .await?
        .into_iter()
        .map(|(user, row)| {
            let v = match &row {
                None => not_in_report(&user),
                Some(row) => verdict(&user.name, row),
            };
            user_evaluation(user, v, at)
        })
        .collect())
}

/// The one `AWS::::Account` evaluation of a rule that judges IAM's account summary
/// (GetAccountSummary's `SummaryMap`) with `verdict`.
pub(crate) fn judge_account_summary<'a>(
    ctx: &'a AccountContext<'a>,
    verdict: fn(&BTreeMap<String, i64>) -> Verdict,
) -> BoxFuture<'a, Result<Vec<Evaluation>, RuleError>> {
    Box::pin(async move {
        let summary = ctx.iam()?.account_summary().await?;
        Ok(vec![ctx.account_evaluation(verdict(&summary))?])
    })
}

/// Whole days from `then` to `now` (0 when `then` is later).
pub(crate) fn days_between(then: Timestamp, now: Timestamp) -> i64 {
    (now.epoch_millis() - then.epoch_millis()).max(0) / 86_400_000
}

/// Whether more than `days` days (to the millisecond) passed from `then` to `now`.
pub(crate) fn older_than(then: Timestamp, now: Timestamp, days: i64) -> bool {
    now.epoch_millis() - then.epoch_millis() > days.saturating_mul(86_400_000)
}

#[cfg(test)]
pub(crate) mod fake {
    use std::collections::BTreeMap;

    use crate::config_api::BoxFuture;
    use crate::error::ApiError;
    use crate::iam_api::{CredentialRow, IamApi, IamUser, PasswordPolicy};

    /// Fixed IAM answers for unit tests (the end-to-end tests use moto's IAM).
    #[derive(Default)]
    pub struct FakeIam {
        /// The summary's `AccountAccessKeysPresent` unless `summary` gives it.
        pub root_keys: i64,
        pub users: Vec<(IamUser, usize)>,
        pub policy: Option<PasswordPolicy>,
        /// GetAccountSummary's map (`AccountAccessKeysPresent` is `root_keys` unless
        /// given here).
        pub summary: BTreeMap<String, i64>,
        /// The credential report's rows.
        pub report: Vec<CredentialRow>,
    }

    impl FakeIam {
        /// One user per credential-report row (id `AIDA` and the upper-cased name, no
        /// MFA device), with that report.
        pub fn with_report(rows: Vec<CredentialRow>) -> Self {
            FakeIam {
                users: rows
                    .iter()
                    .map(|r| {
                        let name = r.user().to_string();
                        (
                            IamUser {
                                id: format!("AIDA{}", name.to_uppercase()),
                                name,
                            },
                            0,
                        )
                    })
                    .collect(),
                report: rows,
                ..Default::default()
            }
        }
    }

    impl IamApi for FakeIam {
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
        fn account_summary(&self) -> BoxFuture<'_, Result<BTreeMap<String, i64>, ApiError>> {
            Box::pin(async move {
                let mut m = self.summary.clone();
                m.entry("AccountAccessKeysPresent".into())
                    .or_insert(self.root_keys);
                Ok(m)
            })
        }
        fn credential_report(&self) -> BoxFuture<'_, Result<Vec<CredentialRow>, ApiError>> {
            Box::pin(async move { Ok(self.report.clone()) })
        }
    }
}
