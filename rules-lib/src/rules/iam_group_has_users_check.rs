//! `iam-group-has-users-check`: IAM groups have members.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::Untyped;

use super::iam_entities::{names, GROUP, USER};

/// `iam-group-has-users-check` (AWS managed rule IAM_GROUP_HAS_USERS_CHECK).
///
/// Documented logic: "Checks whether IAM groups have at least one IAM user."
/// Configuration changes of `AWS::IAM::Group`; no parameters.
///
/// The group's configuration has no member list: AWS Config records membership as the
/// item's relationships (`AWS::IAM::User`, relationship name `Contains User`). Ferrule:
/// COMPLIANT when at least one relationship is to an `AWS::IAM::User` (whatever its
/// name, compared without regard to case), NON_COMPLIANT when there is none.
///
/// Caveat: an item whose relationships were left out (a hand-made item, or one cut
/// down for size) looks empty; the engine fetches the full item for oversized change
/// notifications, so deployed rules see the recorded relationships.
pub struct IamGroupHasUsersCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "iam-group-has-users-check",
    description: "IAM groups have at least one IAM user.",
    resource_types: &[GROUP],
    severity: Severity::Low,
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for IamGroupHasUsersCheck {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        let group = super::config_str(item, "groupName")
            .or(item.resource_name.as_deref())
            .unwrap_or(&item.resource_id);
        let users: Vec<&str> = item
            .relationships
            .iter()
            .filter(|r| {
                r.resource_type
                    .as_deref()
                    .is_some_and(|t| t.eq_ignore_ascii_case(USER))
            })
            .map(|r| {
                r.resource_name
                    .as_deref()
                    .or(r.resource_id.as_deref())
                    .unwrap_or("(unnamed)")
            })
            .collect();
        if users.is_empty() {
            Verdict::non_compliant(format!("group {group} has no IAM user"))
        } else {
            Verdict::compliant(format!(
                "group {group} has {} user(s): {}",
                users.len(),
                names(users.iter().copied())
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

    fn group(relationships: Value) -> Value {
        json!({"resourceType": "AWS::IAM::Group", "relationships": relationships,
               "configuration": {"groupName": "devs", "groupPolicyList": []}})
    }

    #[test]
    fn a_user_relationship_is_compliant() {
        let r = IamGroupHasUsersCheck;
        // Event shape (`name`) and API shape (`relationshipName`) alike.
        for key in ["name", "relationshipName"] {
            let g = group(
                json!([{"resourceType": "AWS::IAM::User", "resourceId": "AIDAALICE",
                                  "resourceName": "alice", key: "Contains User"}]),
            );
            let (c, a) = verdict(&r, g, json!({}));
            assert_eq!(
                (c, a.as_str()),
                (Compliant, "group devs has 1 user(s): alice")
            );
        }
    }

    #[test]
    fn no_user_relationship_is_non_compliant() {
        let r = IamGroupHasUsersCheck;
        let (c, a) = verdict(&r, group(json!([])), json!({}));
        assert_eq!(
            (c, a.as_str()),
            (NonCompliant, "group devs has no IAM user")
        );
        let policy_only = group(
            json!([{"resourceType": "AWS::IAM::Policy", "resourceId": "ANPA1",
            "resourceName": "p", "relationshipName": "Is attached to CustomerManagedPolicy"}]),
        );
        assert_eq!(verdict(&r, policy_only, json!({})).0, NonCompliant);
    }
}
