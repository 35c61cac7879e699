//! `iam-user-no-policies-check`: IAM users get permissions from groups or roles only.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::iam_entities::{names, IamEntity, USER};

/// `iam-user-no-policies-check` (AWS managed rule IAM_USER_NO_POLICIES_CHECK).
///
/// Documented logic: "Checks if none of your AWS Identity and Access Management (IAM)
/// users have policies attached. IAM users must inherit permissions from IAM groups or
/// roles. The rule is NON_COMPLIANT if there is at least one policy that is attached to
/// the IAM user." Configuration changes of `AWS::IAM::User`; no parameters.
///
/// Ferrule: NON_COMPLIANT when `attachedManagedPolicies` or `userPolicyList` is not
/// empty (naming the policies), COMPLIANT when both are empty or absent.
///
/// Choices: inline policies count as attached (they grant the user permissions
/// directly, and Security Hub IAM.2, built on this rule, counts them); a permissions
/// boundary (`permissionsBoundary`) grants nothing and does not count.
pub struct IamUserNoPoliciesCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "iam-user-no-policies-check",
    description: "IAM users have no attached managed or inline policies.",
    resource_types: &[USER],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for IamUserNoPoliciesCheck {
    type View = IamEntity;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, user: &IamEntity, _params: &Params) -> Verdict {
        let policies: Vec<&str> = user
            .attached_managed_policies
            .iter()
            .map(|p| p.name())
            .chain(user.user_policy_list.iter().map(|p| p.name()))
            .collect();
        if policies.is_empty() {
            Verdict::compliant(format!(
                "user {} has no policy of its own",
                user.label(item)
            ))
        } else {
            Verdict::non_compliant(format!(
                "user {} has {} polic{} attached directly: {}",
                user.label(item),
                policies.len(),
                if policies.len() == 1 { "y" } else { "ies" },
                names(policies.iter().copied())
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn user(configuration: Value) -> Value {
        json!({"resourceType": "AWS::IAM::User", "configuration": configuration})
    }

    #[test]
    fn managed_or_inline_policies_are_non_compliant() {
        let r = IamUserNoPoliciesCheck;
        let managed = user(json!({"userName": "bob", "attachedManagedPolicies": [
            {"policyName": "AdministratorAccess", "policyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]}));
        let (c, a) = verdict(&r, managed, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "user bob has 1 policy attached directly: AdministratorAccess"
        );
        let inline = user(
            json!({"userName": "bob", "userPolicyList": [{"policyName": "inline-1"}],
                                 "attachedManagedPolicies": [{"policyArn": "arn:aws:iam::1:policy/p"}]}),
        );
        let (c, a) = verdict(&r, inline, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("2 policies") && a.contains("arn:aws:iam::1:policy/p, inline-1"),
            "{a}"
        );
    }

    #[test]
    fn no_policies_is_compliant_and_a_boundary_does_not_count() {
        let r = IamUserNoPoliciesCheck;
        let none = user(
            json!({"userName": "alice", "groupList": ["devs"], "userPolicyList": [],
                               "attachedManagedPolicies": []}),
        );
        assert_eq!(verdict(&r, none, json!({})).0, Compliant);
        let bounded = user(json!({"userName": "alice", "permissionsBoundary": {
            "permissionsBoundaryType": "Policy",
            "permissionsBoundaryArn": "arn:aws:iam::aws:policy/PowerUserAccess"}}));
        assert_eq!(verdict(&r, bounded, json!({})).0, Compliant);
    }
}
