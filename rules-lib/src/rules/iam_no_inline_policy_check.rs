//! `iam-no-inline-policy-check`: IAM users, roles and groups have no inline policies.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::iam_entities::{names, IamEntity, GROUP, ROLE, USER};

/// `iam-no-inline-policy-check` (AWS managed rule IAM_NO_INLINE_POLICY_CHECK).
///
/// Documented logic: "Checks if the inline policy feature is not in use. The rule is
/// NON_COMPLIANT if an AWS Identity and Access Management (IAM) user, IAM role or IAM
/// group has any inline policy." Configuration changes of `AWS::IAM::User`,
/// `AWS::IAM::Role` and `AWS::IAM::Group`; no parameters.
///
/// Ferrule reads the inline policy list of the item's type (`userPolicyList`,
/// `rolePolicyList` or `groupPolicyList`): NON_COMPLIANT naming the policies when it
/// is not empty, COMPLIANT when it is empty or absent.
///
/// Choice: service-linked roles (path `/aws-service-role/`) are judged like any other
/// role, as the documentation makes no exception.
pub struct IamNoInlinePolicyCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "iam-no-inline-policy-check",
    description: "IAM users, roles and groups have no inline policies.",
    resource_types: &[USER, ROLE, GROUP],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for IamNoInlinePolicyCheck {
    type View = IamEntity;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, entity: &IamEntity, _params: &Params) -> Verdict {
        let kind = item
            .resource_type
            .rsplit("::")
            .next()
            .unwrap_or("entity")
            .to_ascii_lowercase();
        let inline = entity.inline_policies(&item.resource_type);
        if inline.is_empty() {
            Verdict::compliant(format!(
                "{kind} {} has no inline policy",
                entity.label(item)
            ))
        } else {
            Verdict::non_compliant(format!(
                "{kind} {} has {} inline polic{}: {}",
                entity.label(item),
                inline.len(),
                if inline.len() == 1 { "y" } else { "ies" },
                names(inline.iter().map(|p| p.name()))
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

    fn item(resource_type: &str, configuration: Value) -> Value {
        json!({"resourceType": resource_type, "configuration": configuration})
    }

    #[test]
    fn each_type_is_judged_on_its_own_inline_list() {
        let r = IamNoInlinePolicyCheck;
        let doc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        for (t, name_key, list_key) in [
            (USER, "userName", "userPolicyList"),
            (ROLE, "roleName", "rolePolicyList"),
            (GROUP, "groupName", "groupPolicyList"),
        ] {
            let with = item(
                t,
                json!({ name_key: "x", list_key: [{"policyName": "inline-1", "policyDocument": doc}] }),
            );
            let (c, a) = verdict(&r, with, json!({}));
            assert_eq!(c, NonCompliant, "{t}");
            assert!(a.ends_with("x has 1 inline policy: inline-1"), "{a}");
            let empty = item(t, json!({ name_key: "x", list_key: [] }));
            assert_eq!(verdict(&r, empty, json!({})).0, Compliant, "{t}");
            let absent = item(t, json!({ name_key: "x" }));
            assert_eq!(verdict(&r, absent, json!({})).0, Compliant, "{t}");
        }
    }

    #[test]
    fn another_type_list_does_not_count_and_many_are_summarised() {
        let r = IamNoInlinePolicyCheck;
        // A role is judged on rolePolicyList only.
        let role = item(
            ROLE,
            json!({"roleName": "app", "userPolicyList": [{"policyName": "p"}]}),
        );
        assert_eq!(verdict(&r, role, json!({})).0, Compliant);
        let many: Vec<Value> = (1..=7)
            .map(|i| json!({"policyName": format!("p{i}")}))
            .collect();
        let user = item(USER, json!({"userName": "bob", "userPolicyList": many}));
        let (c, a) = verdict(&r, user, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("7 inline policies: p1, p2, p3, p4, p5 and 2 more"),
            "{a}"
        );
    }

    #[test]
    fn service_linked_roles_are_judged_and_other_types_are_not_applicable() {
        let r = IamNoInlinePolicyCheck;
        let slr = item(
            ROLE,
            json!({"roleName": "AWSServiceRoleForX", "path": "/aws-service-role/",
                                    "rolePolicyList": [{"policyName": "p"}]}),
        );
        assert_eq!(verdict(&r, slr, json!({})).0, NonCompliant);
        let policy = item("AWS::IAM::Policy", json!({}));
        assert_eq!(verdict(&r, policy, json!({})).0, NotApplicable);
    }
}
