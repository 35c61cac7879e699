//! `iam-user-mfa-enabled`: every IAM user has an MFA device.

use crate::config_api::BoxFuture;
use crate::error::RuleError;
use crate::evaluation::{Evaluation, Verdict};
use crate::iam_api::IamApi;
use crate::item::Timestamp;
use crate::params::Params;
use crate::rule::{AccountContext, AccountRule, Rule, RuleKind, RuleSpec, Severity};

use super::iam_account::user_evaluation;

/// `iam-user-mfa-enabled` (AWS managed rule IAM_USER_MFA_ENABLED).
///
/// Documented logic: periodic; NON_COMPLIANT for each IAM user without MFA enabled. One
/// result per user on `AWS::IAM::User`, with the user id as resource id (as AWS Config
/// records users).
///
/// Choice: any MFA device (virtual, hardware, FIDO) counts; users without a console
/// password are judged too, as by the managed rule.
pub struct IamUserMfaEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "iam-user-mfa-enabled",
    description: "Every IAM user has an MFA device.",
    resource_types: &["AWS::IAM::User"],
    severity: Severity::High,
    permissions: &["iam:ListUsers", "iam:ListMFADevices"],
    ..RuleSpec::PERIODIC
};

/// One evaluation per user.
pub(crate) async fn judge(iam: &dyn IamApi, at: Timestamp) -> Result<Vec<Evaluation>, RuleError> {
    let mut out = Vec::new();
    for user in iam.list_users().await? {
        let devices = iam.mfa_devices(&user.name).await?;
        let v = if devices > 0 {
            Verdict::compliant(format!("user {} has {devices} MFA device(s)", user.name))
        } else {
            Verdict::non_compliant(format!("user {} has no MFA device", user.name))
        };
        out.push(user_evaluation(user, v, at));
    }
    Ok(out)
}

impl Rule for IamUserMfaEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Account(self)
    }
}

impl AccountRule for IamUserMfaEnabled {
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

    #[tokio::test]
    async fn one_result_per_user_by_user_id() {
        let iam = FakeIam {
            users: vec![
                (
                    IamUser {
                        name: "alice".into(),
                        id: "AIDAALICE".into(),
                    },
                    1,
                ),
                (
                    IamUser {
                        name: "bob".into(),
                        id: "AIDABOB".into(),
                    },
                    0,
                ),
            ],
            ..Default::default()
        };
        let e = judge(&iam, Timestamp::now()).await.unwrap();
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].compliance_resource_id.as_str(), e[0].compliance_type),
            ("AIDAALICE", Compliance::Compliant)
        );
        assert_eq!(
            (e[1].compliance_resource_id.as_str(), e[1].compliance_type),
            ("AIDABOB", Compliance::NonCompliant)
        );
        assert_eq!(
            e[1].annotation.as_deref(),
            Some("user bob has no MFA device")
        );
    }
}
