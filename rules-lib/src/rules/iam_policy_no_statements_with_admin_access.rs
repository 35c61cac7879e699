//! `iam-policy-no-statements-with-admin-access`: no customer-managed policy grants
//! `"Action": "*"` on `"Resource": "*"`.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::IamPolicy;

/// `iam-policy-no-statements-with-admin-access` (AWS managed rule
/// IAM_POLICY_NO_STATEMENTS_WITH_ADMIN_ACCESS).
///
/// Documented logic: NON_COMPLIANT when a customer-managed policy has an Allow statement
/// with `"Action": "*"` over `"Resource": "*"`. Only the default version counts. AWS
/// managed policies (`arn:aws:iam::aws:policy/...`) are NOT_APPLICABLE.
///
/// Choices: the default version is the one with `isDefaultVersion` true, or else the one
/// named by `defaultVersionId`; documents are read as objects, JSON text or URL-encoded
/// text. `*:*` counts as `*`. An unreadable default document is NON_COMPLIANT with the
/// reason.
///
/// `excludePermissionBoundaryPolicy` (`true`): a policy used as a permissions boundary
/// (`permissionsBoundaryUsageCount` above 0) is NOT_APPLICABLE, since a boundary limits
/// permissions rather than grants them.
pub struct IamPolicyNoStatementsWithAdminAccess;

/// `excludePermissionBoundaryPolicy`.
const EXCLUDE_PERMISSION_BOUNDARY_POLICY: ParamSpec = ParamSpec::optional(
    "excludePermissionBoundaryPolicy",
    ParamKind::BoolAnyCase,
    "Policies used as permissions boundaries are NOT_APPLICABLE",
);

static SPEC: RuleSpec = RuleSpec {
    name: "iam-policy-no-statements-with-admin-access",
    description: "Customer-managed IAM policies do not allow every action on every resource.",
    resource_types: &["AWS::IAM::Policy"],
    parameters: &[EXCLUDE_PERMISSION_BOUNDARY_POLICY],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

impl ItemRule for IamPolicyNoStatementsWithAdminAccess {
    type View = IamPolicy;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, policy: &IamPolicy, params: &Params) -> Verdict {
        if policy.is_aws_managed() {
            return Verdict::not_applicable("AWS managed policies are not checked");
        }
        if params.bool(&EXCLUDE_PERMISSION_BOUNDARY_POLICY) == Some(true)
            && policy.permissions_boundary_usage_count.unwrap_or(0) > 0
        {
            return Verdict::not_applicable(
                "the policy is used as a permissions boundary (excludePermissionBoundaryPolicy)",
            );
        }
        match &policy.default_document {
            None => Verdict::non_compliant(
                "the item carries no default policy version document to check",
            ),
            Some(Err(e)) => {
                Verdict::non_compliant(format!("the default policy version cannot be read: {e}"))
            }
            Some(Ok(doc)) => {
                let admin = doc.admin_statements();
                if admin.is_empty() {
                    Verdict::compliant("no statement allows every action on every resource")
                } else {
                    Verdict::non_compliant(format!(
                        "statement {} allows \"*\" actions on \"*\" resources",
                        admin.join(", ")
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn policy(arn: &str, statement: serde_json::Value, boundary_uses: i64) -> serde_json::Value {
        json!({"resourceType": "AWS::IAM::Policy", "configuration": {
            "arn": arn, "defaultVersionId": "v1", "permissionsBoundaryUsageCount": boundary_uses,
            "policyVersionList": [{"versionId": "v1", "isDefaultVersion": true,
                "document": {"Version": "2012-10-17", "Statement": [statement]}}]}})
    }

    const MINE: &str = "arn:aws:iam::123456789012:policy/p";

    #[test]
    fn star_on_star_is_non_compliant_and_narrower_grants_are_not() {
        let admin = json!({"Sid": "all", "Effect": "Allow", "Action": "*", "Resource": "*"});
        let (c, a) = verdict(
            &IamPolicyNoStatementsWithAdminAccess,
            policy(MINE, admin, 0),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("statement all"), "{a}");
        let narrow = json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"});
        assert_eq!(
            verdict(
                &IamPolicyNoStatementsWithAdminAccess,
                policy(MINE, narrow, 0),
                json!({})
            )
            .0,
            Compliant
        );
    }

    #[test]
    fn aws_managed_policies_are_not_applicable() {
        let admin = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
        let arn = "arn:aws:iam::aws:policy/AdministratorAccess";
        assert_eq!(
            verdict(
                &IamPolicyNoStatementsWithAdminAccess,
                policy(arn, admin, 0),
                json!({})
            )
            .0,
            NotApplicable
        );
    }

    #[test]
    fn boundaries_are_excluded_only_when_asked() {
        let admin = json!({"Effect": "Allow", "Action": "*", "Resource": "*"});
        let item = policy(MINE, admin, 2);
        assert_eq!(
            verdict(
                &IamPolicyNoStatementsWithAdminAccess,
                item.clone(),
                json!({})
            )
            .0,
            NonCompliant
        );
        let excluded = json!({"excludePermissionBoundaryPolicy": "True"});
        assert_eq!(
            verdict(
                &IamPolicyNoStatementsWithAdminAccess,
                item,
                excluded.clone()
            )
            .0,
            NotApplicable
        );
        let unused = policy(
            MINE,
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
            0,
        );
        assert_eq!(
            verdict(&IamPolicyNoStatementsWithAdminAccess, unused, excluded).0,
            NonCompliant
        );
    }
}
