//! What the IAM user, role and group rules share: one typed view of the three types.

use serde::Deserialize;

use crate::item::ConfigurationItem;
use crate::views::{configuration, View, ViewError};

/// `AWS::IAM::User`.
pub(crate) const USER: &str = "AWS::IAM::User";
/// `AWS::IAM::Role`.
pub(crate) const ROLE: &str = "AWS::IAM::Role";
/// `AWS::IAM::Group`.
pub(crate) const GROUP: &str = "AWS::IAM::Group";

/// `AWS::IAM::User`, `AWS::IAM::Role` or `AWS::IAM::Group`: names and policies.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IamEntity {
    /// `userName` (users).
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub user_name: Option<String>,
    /// `roleName` (roles).
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub role_name: Option<String>,
    /// `groupName` (groups).
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub group_name: Option<String>,
    /// `userPolicyList`: a user's inline policies.
    #[serde(default, deserialize_with = "crate::views::de::list")]
    pub user_policy_list: Vec<InlinePolicy>,
    /// `rolePolicyList`: a role's inline policies.
    #[serde(default, deserialize_with = "crate::views::de::list")]
    pub role_policy_list: Vec<InlinePolicy>,
    /// `groupPolicyList`: a group's inline policies.
    #[serde(default, deserialize_with = "crate::views::de::list")]
    pub group_policy_list: Vec<InlinePolicy>,
    /// `attachedManagedPolicies`.
    #[serde(default, deserialize_with = "crate::views::de::list")]
    pub attached_managed_policies: Vec<AttachedPolicy>,
    /// `groupList`: the groups a user belongs to (names).
    #[serde(default, deserialize_with = "crate::views::de::list")]
    pub group_list: Vec<String>,
}

/// One inline policy (its document is not read).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InlinePolicy {
    /// `policyName`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub policy_name: Option<String>,
}

/// One attached managed policy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachedPolicy {
    /// `policyName`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub policy_name: Option<String>,
    /// `policyArn`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub policy_arn: Option<String>,
}

impl View for IamEntity {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

impl IamEntity {
    /// The entity's name (user, role or group name), or the item's resource name or id.
    pub fn label<'a>(&'a self, item: &'a ConfigurationItem) -> &'a str {
        self.user_name
            .as_deref()
            .or(self.role_name.as_deref())
            .or(self.group_name.as_deref())
            .or(item.resource_name.as_deref())
            .unwrap_or(&item.resource_id)
    }

    /// The inline policies of an item of this resource type.
    pub fn inline_policies(&self, resource_type: &str) -> &[InlinePolicy] {
        match resource_type {
            USER => &self.user_policy_list,
            ROLE => &self.role_policy_list,
            GROUP => &self.group_policy_list,
            _ => &[],
        }
    }
}

/// Names for an annotation: the first few, then how many more.
pub(crate) fn names<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let all: Vec<&str> = names.into_iter().collect();
    let shown = all.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    match all.len() {
        n if n > 5 => format!("{shown} and {} more", n - 5),
        _ => shown,
    }
}

impl InlinePolicy {
    /// The policy name, or `(unnamed)`.
    pub fn name(&self) -> &str {
        self.policy_name.as_deref().unwrap_or("(unnamed)")
    }
}

impl AttachedPolicy {
    /// The policy name, else its ARN, else `(unnamed)`.
    pub fn name(&self) -> &str {
        self.policy_name
            .as_deref()
            .or(self.policy_arn.as_deref())
            .unwrap_or("(unnamed)")
    }
}
