//! `iam-policy-no-statements-with-full-access`: no customer managed policy allows every
//! action of a service (`service:*`).

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::policy::Effect;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::IamPolicy;

use super::config_value;

/// `iam-policy-no-statements-with-full-access` (AWS managed rule
/// IAM_POLICY_NO_STATEMENTS_WITH_FULL_ACCESS).
///
/// Documented logic: "Checks if AWS Identity and Access Management (IAM) policies that
/// you create grant permissions to all actions on individual AWS resources. The rule is
/// NON_COMPLIANT if any customer managed IAM policy allows full access to at least 1 AWS
/// service." "This rule will return COMPLIANT if you use prefixed actions with a
/// suffixed wildcard (for example, `ec2:Describe*`). This rule will only return
/// NON_COMPLIANT if you use unrestricted wildcards (for example, `ec2:*`)." It evaluates
/// customer managed policies only, not inline or AWS managed ones. Configuration
/// changes of `AWS::IAM::Policy`. Optional parameter `excludePermissionBoundaryPolicy`
/// (boolean, default false): when true, policies used as permissions boundaries are not
/// evaluated.
///
/// Ferrule reads the default version's document (shared [`IamPolicy`] view):
/// NON_COMPLIANT when an `Allow` statement's `Action` has an entry `<service>:*` (or
/// `*`, or `*:*`), naming the statements; COMPLIANT otherwise. AWS managed policies
/// (`arn:aws:iam::aws:policy/...`) are NOT_APPLICABLE; with
/// `excludePermissionBoundaryPolicy` true, so is a policy whose
/// `permissionsBoundaryUsageCount` is above 0.
///
/// Choices: actions compare without regard to case, as IAM does; `Resource` does not
/// matter (full access on one resource is still full access to the service); `*` is
/// full access to every service and counts; `NotAction` is not flagged, as the
/// documentation speaks of `Action` only; a policy without a default version document,
/// or whose document cannot be read, is NON_COMPLIANT with the reason, as in
/// `iam-policy-no-statements-with-admin-access`.
pub struct IamPolicyNoStatementsWithFullAccess;

/// `excludePermissionBoundaryPolicy`.
const EXCLUDE_PERMISSION_BOUNDARY_POLICY: ParamSpec = ParamSpec::optional(
    "excludePermissionBoundaryPolicy",
    ParamKind::Bool,
    "Do not evaluate policies used as permissions boundaries",
)
.with_default("false");

static SPEC: RuleSpec = RuleSpec {
    name: "iam-policy-no-statements-with-full-access",
    description: "Customer managed IAM policies do not allow every action of a service.",
    resource_types: &["AWS::IAM::Policy"],
    parameters: &[EXCLUDE_PERMISSION_BOUNDARY_POLICY],
    severity: Severity::High,
    preventive: false,
    ..RuleSpec::CHANGE
};

/// Whether an action grants every action of its service (`s3:*`, `*`, `*:*`).
fn is_full_access(action: &str) -> bool {
    let a = action.trim();
    a == "*" || a.split_once(':').is_some_and(|(_, name)| name == "*")
}

/// `permissionsBoundaryUsageCount`, as a number or its text.
fn boundary_usage(item: &ConfigurationItem) -> Option<i64> {
    match config_value(item, "permissionsBoundaryUsageCount")? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

impl ItemRule for IamPolicyNoStatementsWithFullAccess {
    type View = IamPolicy;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, policy: &IamPolicy, params: &Params) -> Verdict {
        if policy.is_aws_managed() {
            return Verdict::not_applicable("AWS managed policies are not checked");
        }
        if params.bool(&EXCLUDE_PERMISSION_BOUNDARY_POLICY) == Some(true) {
            if let Some(n) = boundary_usage(item).filter(|n| *n > 0) {
                return Verdict::not_applicable(format!(
                    "the policy is used as a permissions boundary ({n} time(s)) and \
                     excludePermissionBoundaryPolicy is true"
                ));
            }
        }
        let doc = match &policy.default_document {
            None => {
                return Verdict::non_compliant(
                    "the item carries no default policy version document to check",
                )
            }
            Some(Err(e)) => {
                return Verdict::non_compliant(format!(
                    "the default policy version cannot be read: {e}"
                ))
            }
            Some(Ok(doc)) => doc,
        };
        let hits: Vec<String> = doc
            .statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
            .filter_map(|s| {
                let full: Vec<&str> = s
                    .action
                    .iter()
                    .map(String::as_str)
                    .filter(|a| is_full_access(a))
                    .collect();
                (!full.is_empty()).then(|| format!("{} ({})", s.sid, full.join(", ")))
            })
            .collect();
        if hits.is_empty() {
            Verdict::compliant("no statement grants full access to a service")
        } else {
            Verdict::non_compliant(format!(
                "statement {} grant{} full access to a service (an unrestricted wildcard action)",
                hits.join(", "),
                if hits.len() == 1 { "s" } else { "" }
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn policy(arn: &str, statements: Value, boundary_uses: i64) -> Value {
        let doc = json!({"Version": "2012-10-17", "Statement": statements}).to_string();
        json!({"resourceType": "AWS::IAM::Policy", "configuration": {
            "policyName": "p", "arn": arn, "defaultVersionId": "v1",
            "permissionsBoundaryUsageCount": boundary_uses,
            "policyVersionList": [{"versionId": "v1", "isDefaultVersion": true,
                                   "document": urlencode(&doc)}]}})
    }

    fn urlencode(s: &str) -> String {
        percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC).to_string()
    }

    const ARN: &str = "arn:aws:iam::123456789012:policy/p";

    #[test]
    fn service_wildcards_are_non_compliant_whatever_the_resource() {
        let r = IamPolicyNoStatementsWithFullAccess;
        for action in [
            json!("s3:*"),
            json!(["ec2:Describe*", "EC2:*"]),
            json!("*"),
            json!("*:*"),
        ] {
            let p = policy(
                ARN,
                json!([{"Sid": "Wide", "Effect": "Allow", "Action": action,
                                        "Resource": "arn:aws:s3:::my-bucket/*"}]),
                0,
            );
            let (c, a) = verdict(&r, p, json!({}));
            assert_eq!(c, NonCompliant, "{action}");
            assert!(a.starts_with("statement Wide ("), "{a}");
        }
    }

    #[test]
    fn suffixed_wildcards_deny_and_not_action_are_compliant() {
        let r = IamPolicyNoStatementsWithFullAccess;
        for st in [
            json!({"Effect": "Allow", "Action": ["ec2:Describe*", "s3:Get*"], "Resource": "*"}),
            json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*"}),
            json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        ] {
            let (c, a) = verdict(&r, policy(ARN, json!([st]), 0), json!({}));
            assert_eq!(c, Compliant, "{st} {a}");
        }
    }

    #[test]
    fn aws_managed_policies_are_not_applicable() {
        let r = IamPolicyNoStatementsWithFullAccess;
        let p = policy(
            "arn:aws:iam::aws:policy/AmazonS3FullAccess",
            json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
            0,
        );
        assert_eq!(verdict(&r, p, json!({})).0, NotApplicable);
    }

    #[test]
    fn boundary_policies_are_excluded_only_when_asked() {
        let r = IamPolicyNoStatementsWithFullAccess;
        let wide = json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]);
        let used = policy(ARN, wide.clone(), 2);
        let (c, a) = verdict(
            &r,
            used.clone(),
            json!({"excludePermissionBoundaryPolicy": "true"}),
        );
        assert_eq!(c, NotApplicable);
        assert!(a.contains("permissions boundary (2"), "{a}");
        assert_eq!(
            verdict(
                &r,
                used,
                json!({"excludePermissionBoundaryPolicy": "false"})
            )
            .0,
            NonCompliant
        );
        let unused = policy(ARN, wide, 0);
        assert_eq!(
            verdict(
                &r,
                unused,
                json!({"excludePermissionBoundaryPolicy": "true"})
            )
            .0,
            NonCompliant
        );
    }

    #[test]
    fn a_missing_or_unreadable_document_is_non_compliant() {
        let r = IamPolicyNoStatementsWithFullAccess;
        let none = json!({"resourceType": "AWS::IAM::Policy",
                          "configuration": {"arn": ARN, "policyVersionList": []}});
        let (c, a) = verdict(&r, none, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no default policy version"), "{a}");
        let bad = json!({"resourceType": "AWS::IAM::Policy", "configuration": {"arn": ARN,
            "policyVersionList": [{"versionId": "v1", "isDefaultVersion": true, "document": "{not json"}]}});
        let (c, a) = verdict(&r, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("cannot be read"), "{a}");
    }
}
