//! `vpc-default-security-group-closed`: default security groups admit nothing.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::SecurityGroup;

/// `vpc-default-security-group-closed` (AWS managed rule
/// VPC_DEFAULT_SECURITY_GROUP_CLOSED).
///
/// Documented logic: NON_COMPLIANT when the default security group of a VPC has any
/// inbound or outbound rule. Security groups that are not default are NOT_APPLICABLE.
pub struct VpcDefaultSecurityGroupClosed;

/// The remediation: AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules. Removes every inbound and outbound rule of the default security group (after checking it is named `default`). Manual: resources still using the default group lose their traffic.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-RemoveVPCDefaultSecurityGroupRules",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("GroupId"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "ec2:DescribeSecurityGroups",
        "ec2:RevokeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupIngress",
    ],
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-remove-default-secg-rules.html",
    ..Remediation::MANUAL
};

static SPEC: RuleSpec = RuleSpec {
    name: "vpc-default-security-group-closed",
    description: "The default security group of every VPC has no inbound or outbound rules.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    remediation: Some(&REMEDIATION),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn group(name: &str, ingress: Value, egress: Value) -> Value {
        json!({"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1",
               "configuration": {"groupName": name, "groupId": "sg-1", "vpcId": "vpc-1",
                                 "ipPermissions": ingress, "ipPermissionsEgress": egress}})
    }

    /// The rule a new default group starts with: everything from members of the group.
    fn from_itself() -> Value {
        json!([{"ipProtocol": "-1", "ipRanges": [], "ipv6Ranges": [],
                "userIdGroupPairs": [{"groupId": "sg-1", "userId": "123456789012"}]}])
    }

    /// The egress rule a new default group starts with: everything to anywhere.
    fn to_anywhere() -> Value {
        json!([{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"],
                "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}])
    }

    #[test]
    fn a_default_group_without_rules_is_compliant() {
        for (ingress, egress) in [(json!([]), json!([])), (Value::Null, Value::Null)] {
            let (c, a) = verdict(
                &VpcDefaultSecurityGroupClosed,
                group("default", ingress, egress),
                json!({}),
            );
            assert_eq!(c, Compliant);
            assert_eq!(a, "the default security group has no rules");
        }
    }

    #[test]
    fn a_default_group_as_created_is_non_compliant_and_counts_its_rules() {
        let (c, a) = verdict(
            &VpcDefaultSecurityGroupClosed,
            group("default", from_itself(), to_anywhere()),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the default security group has 1 inbound and 1 outbound rules"
        );
    }

    #[test]
    fn any_inbound_rule_alone_is_non_compliant() {
        let (c, a) = verdict(
            &VpcDefaultSecurityGroupClosed,
            group("default", from_itself(), json!([])),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the default security group has 1 inbound and 0 outbound rules"
        );
        let narrow = json!([{"ipProtocol": "tcp", "fromPort": 443, "toPort": 443,
                             "ipRanges": ["10.0.0.0/8"]},
                            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                             "ipv6Ranges": [{"cidrIpv6": "2001:db8::/32"}]}]);
        let (c, a) = verdict(
            &VpcDefaultSecurityGroupClosed,
            group("default", narrow, json!([])),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the default security group has 2 inbound and 0 outbound rules"
        );
    }

    #[test]
    fn any_outbound_rule_alone_is_non_compliant() {
        let (c, a) = verdict(
            &VpcDefaultSecurityGroupClosed,
            group("default", json!([]), to_anywhere()),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the default security group has 0 inbound and 1 outbound rules"
        );
    }

    #[test]
    fn groups_that_are_not_default_are_not_applicable_whatever_their_rules() {
        for name in ["web", "default-copy"] {
            for (ingress, egress) in [(json!([]), json!([])), (from_itself(), to_anywhere())] {
                let (c, a) = verdict(
                    &VpcDefaultSecurityGroupClosed,
                    group(name, ingress, egress),
                    json!({}),
                );
                assert_eq!(c, NotApplicable, "{name}");
                assert_eq!(a, "not a default security group");
            }
        }
        let unnamed = json!({"resourceType": "AWS::EC2::SecurityGroup",
                             "configuration": {"groupId": "sg-1", "ipPermissions": from_itself()}});
        assert_eq!(
            verdict(&VpcDefaultSecurityGroupClosed, unnamed, json!({})).0,
            NotApplicable
        );
    }

    #[test]
    fn unreadable_permissions_are_non_compliant_and_say_why() {
        let bad = group("default", json!("all"), json!([]));
        let (c, a) = verdict(&VpcDefaultSecurityGroupClosed, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(
            a.starts_with(
                "configuration cannot be read: configuration.ipPermissions is not a list"
            ),
            "{a}"
        );
        let bad = group(
            "default",
            json!([]),
            json!([{"ipProtocol": "-1", "ipRanges": [5]}]),
        );
        let (c, a) = verdict(&VpcDefaultSecurityGroupClosed, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("configuration.ipPermissionsEgress[0].ipRanges"),
            "{a}"
        );
    }
}
