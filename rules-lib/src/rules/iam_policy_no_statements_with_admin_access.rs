//! `iam-policy-no-statements-with-admin-access`: no customer-managed policy grants
//! `"Action": "*"` on `"Resource": "*"`.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::PolicyDocument;
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::{as_bool, config_str, config_value};

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
pub struct IamPolicyNoStatementsWithAdminAccess;

static SPEC: RuleSpec = RuleSpec {
    name: "iam-policy-no-statements-with-admin-access",
    description: "Customer-managed IAM policies do not allow every action on every resource.",
    resource_types: &["AWS::IAM::Policy"],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

impl ItemRule for IamPolicyNoStatementsWithAdminAccess {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        let arn = config_str(item, "arn")
            .or(item.arn.as_deref())
            .unwrap_or("");
        if arn.contains(":iam::aws:policy/") {
            return Verdict::not_applicable(
                "AWS managed policies are not checked",
            );
        }
        let versions = match config_value(item, "policyVersionList") {
            Some(Value::Array(v)) => v.as_slice(),
            _ => &[],
        };
        let default_id = config_str(item, "defaultVersionId");
        let default = versions
            .iter()
            .find(|v| v.get("isDefaultVersion").and_then(as_bool) == Some(true))
            .or_else(|| {
                versions
                    .iter()
                    .find(|v| v.get("versionId").and_then(Value::as_str) == default_id)
            });
        let Some(document) = default
            .and_then(|v| v.get("document"))
            .filter(|d| !d.is_null())
        else {
            return Verdict::non_compliant(
                "the item carries no default policy version document to check",
            );
        };
        match PolicyDocument::from_value(document) {
            Err(e) => Verdict::non_compliant(format!(
                "the default policy version cannot be read: {e}"
            )),
            Ok(doc) => {
                let admin = doc.admin_statements();
                if admin.is_empty() {
                    Verdict::compliant(
                        "no statement allows every action on every resource",
                    )
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
