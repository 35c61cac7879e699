//! `vpc-default-security-group-closed`: default security groups admit nothing.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};
use crate::views::SecurityGroup;

/// `vpc-default-security-group-closed` (AWS managed rule
/// VPC_DEFAULT_SECURITY_GROUP_CLOSED).
///
/// Documented logic: NON_COMPLIANT when the default security group of a VPC has any
/// inbound or outbound rule. Security groups that are not default are NOT_APPLICABLE.
pub struct VpcDefaultSecurityGroupClosed;

static SPEC: RuleSpec = RuleSpec {
    name: "vpc-default-security-group-closed",
    description: "The default security group of every VPC has no inbound or outbound rules.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    ..RuleSpec::CHANGE
};

impl ItemRule for VpcDefaultSecurityGroupClosed {
    type View = SecurityGroup;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, group: &SecurityGroup, _params: &Params) -> Verdict {
        if group.group_name.as_deref() != Some("default") {
            return Verdict::not_applicable("not a default security group");
        }
        match (group.ingress.len(), group.egress.len()) {
            (0, 0) => Verdict::compliant("the default security group has no rules"),
            (i, e) => Verdict::non_compliant(format!(
                "the default security group has {i} inbound and {e} outbound rules"
            )),
        }
    }
}
