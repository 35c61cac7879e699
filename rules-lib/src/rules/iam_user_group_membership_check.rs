//! `iam-user-group-membership-check`: IAM users belong to a group.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use super::iam_entities::{names, IamEntity, USER};

/// `iam-user-group-membership-check` (AWS managed rule IAM_USER_GROUP_MEMBERSHIP_CHECK).
///
/// Documented logic: "Checks whether IAM users are members of at least one IAM group."
/// Configuration changes of `AWS::IAM::User`. Optional parameter `groupNames`:
/// "Comma-separated list of IAM groups in which IAM users must be members. This rule
/// does not support group names with commas."
///
/// Ferrule reads the user's `groupList`: without `groupNames`, COMPLIANT when it names
/// at least one group, NON_COMPLIANT when it is empty or absent.
///
/// Choice: with `groupNames`, the user must be a member of at least one of the listed
/// groups (the rule's summary is "at least one IAM group"; reading the list as "all of
/// them" would make one list fit few users). Names compare without regard to case, as
/// IAM group names are unique regardless of case.
pub struct IamUserGroupMembershipCheck;

/// `groupNames`.
const GROUP_NAMES: ParamSpec = ParamSpec::optional(
    "groupNames",
    ParamKind::Csv,
    "Comma-separated IAM group names; the user must belong to at least one of them",
);

static SPEC: RuleSpec = RuleSpec {
    name: "iam-user-group-membership-check",
    description: "IAM users are members of at least one IAM group (one of groupNames when set).",
    resource_types: &[USER],
    parameters: &[GROUP_NAMES],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for IamUserGroupMembershipCheck {
    type View = IamEntity;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, user: &IamEntity, params: &Params) -> Verdict {
        let name = user.label(item);
        let groups = &user.group_list;
        match params.list(&GROUP_NAMES).filter(|l| !l.is_empty()) {
            None if groups.is_empty() => {
                Verdict::non_compliant(format!("user {name} is not a member of any IAM group"))
            }
            None => Verdict::compliant(format!(
                "user {name} is a member of {}",
                names(groups.iter().map(String::as_str))
            )),
            Some(wanted) => {
                let hits: Vec<&str> = groups
                    .iter()
                    .filter(|g| wanted.iter().any(|w| w.eq_ignore_ascii_case(g)))
                    .map(String::as_str)
                    .collect();
                if hits.is_empty() {
                    Verdict::non_compliant(format!(
                        "user {name} is not a member of any of {} (groups: {})",
                        names(wanted.iter().map(String::as_str)),
                        if groups.is_empty() {
                            "none".to_string()
                        } else {
                            names(groups.iter().map(String::as_str))
                        }
                    ))
                } else {
                    Verdict::compliant(format!(
                        "user {name} is a member of {}",
                        names(hits.iter().copied())
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
    use serde_json::{json, Value};

    fn user(groups: Value) -> Value {
        json!({"resourceType": "AWS::IAM::User",
               "configuration": {"userName": "alice", "groupList": groups}})
    }

    #[test]
    fn without_group_names_any_group_will_do() {
        let r = IamUserGroupMembershipCheck;
        let (c, a) = verdict(&r, user(json!(["devs"])), json!({}));
        assert_eq!(
            (c, a.as_str()),
            (Compliant, "user alice is a member of devs")
        );
        let (c, a) = verdict(&r, user(json!([])), json!({}));
        assert_eq!(
            (c, a.as_str()),
            (NonCompliant, "user alice is not a member of any IAM group")
        );
        assert_eq!(verdict(&r, user(Value::Null), json!({})).0, NonCompliant);
    }

    #[test]
    fn with_group_names_one_of_them_is_needed() {
        let r = IamUserGroupMembershipCheck;
        let p = json!({"groupNames": "admins, Developers"});
        let (c, a) = verdict(&r, user(json!(["readers", "developers"])), p.clone());
        assert_eq!(
            (c, a.as_str()),
            (Compliant, "user alice is a member of developers")
        );
        let (c, a) = verdict(&r, user(json!(["readers"])), p.clone());
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("any of admins, Developers (groups: readers)"),
            "{a}"
        );
        let (c, a) = verdict(&r, user(json!([])), p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("(groups: none)"), "{a}");
    }
}
