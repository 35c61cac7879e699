//! `vpc-default-security-group-closed`: default security groups admit nothing.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::network::permissions;
use crate::params::Params;
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec};

use super::config_str;

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
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        if config_str(item, "groupName") != Some("default") {
            return Verdict::not_applicable("not a default security group");
        }
        let count = |egress| permissions(item, egress).map(|p| p.len());
        match (count(false), count(true)) {
            (Ok(0), Ok(0)) => Verdict::compliant(
                "the default security group has no rules",
            ),
            (Ok(i), Ok(e)) => Verdict::non_compliant(format!(
                "the default security group has {i} inbound and {e} outbound rules"
            )),
            (Err(e), _) | (_, Err(e)) => Verdict::non_compliant(e),
        }
    }
}
