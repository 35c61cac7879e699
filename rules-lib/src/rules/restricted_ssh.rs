//! `restricted-ssh`: no security group admits SSH from anywhere.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::SecurityGroup;

/// `restricted-ssh` (AWS managed rule INCOMING_SSH_DISABLED).
///
/// Documented logic: NON_COMPLIANT when an ingress rule admits TCP port 22 from
/// 0.0.0.0/0 or ::/0. Rules for all protocols (`-1`) and port ranges that include 22
/// count.
///
/// Choice: an unreadable `ipPermissions` is NON_COMPLIANT with the reason (the group
/// cannot be shown to be closed).
pub struct RestrictedSsh;

/// The remediation: AWS-DisableIncomingSSHOnPort22. Removes the group's rules admitting TCP 22 from anywhere. Manual: it cuts SSH access that someone may rely on.
static REMEDIATION: Remediation = Remediation {
    document: "AWS-DisableIncomingSSHOnPort22",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("SecurityGroupIds"),
    ],
    actions: &[
        "ec2:DescribeSecurityGroups",
        "ec2:RevokeSecurityGroupIngress",
    ],
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/disable-incoming-ssh.html",
    ..Remediation::MANUAL
};

static SPEC: RuleSpec = RuleSpec {
    name: "restricted-ssh",
    description: "Security groups do not admit SSH (TCP 22) from 0.0.0.0/0 or ::/0.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    severity: Severity::High,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    remediation: Some(&REMEDIATION),
    ..RuleSpec::CHANGE
};

impl ItemRule for RestrictedSsh {
    type View = SecurityGroup;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, group: &SecurityGroup, _params: &Params) -> Verdict {
        let perms = &group.ingress;
        let open: Vec<String> = perms
            .iter()
            .filter(|p| p.admits("tcp", 22) && p.is_open_to_world())
            .map(|p| format!("{} from {}", p.describe(), p.open_cidrs().join(" and ")))
            .collect();
        if open.is_empty() {
            Verdict::compliant("no ingress rule admits SSH from anywhere")
        } else {
            Verdict::non_compliant(format!("SSH is open to the world: {}", open.join("; ")))
        }
    }
}

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn group(perms: Value) -> Value {
        json!({"resourceType": "AWS::EC2::SecurityGroup",
               "configuration": {"groupId": "sg-1", "groupName": "g", "ipPermissions": perms}})
    }

    #[test]
    fn ssh_from_ipv4_anywhere_is_non_compliant_and_named() {
        let g = group(json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                              "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}]));
        let (c, a) = verdict(&RestrictedSsh, g, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "SSH is open to the world: tcp 22 from 0.0.0.0/0");
    }

    #[test]
    fn ssh_from_ipv6_anywhere_is_non_compliant() {
        let g = group(json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                              "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]));
        let (c, a) = verdict(&RestrictedSsh, g, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "SSH is open to the world: tcp 22 from ::/0");
    }

    #[test]
    fn protocols_given_by_number_count() {
        let g = group(json!([{"ipProtocol": "6", "fromPort": 22, "toPort": 22,
                              "ipRanges": ["0.0.0.0/0"]}]));
        let (c, a) = verdict(&RestrictedSsh, g, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "SSH is open to the world: tcp 22 from 0.0.0.0/0");
    }

    #[test]
    fn all_protocol_rules_and_ranges_including_22_count() {
        let g = group(json!([
            {"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"]},
            {"ipProtocol": "tcp", "fromPort": 0, "toPort": 1024, "ipRanges": ["0.0.0.0/0", "::/0"]}
        ]));
        let (c, a) = verdict(&RestrictedSsh, g, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "SSH is open to the world: all traffic from 0.0.0.0/0; \
             tcp 0-1024 from 0.0.0.0/0 and ::/0"
        );
    }

    #[test]
    fn other_ports_protocols_and_restricted_sources_are_compliant() {
        for perms in [
            json!([{"ipProtocol": "tcp", "fromPort": 23, "toPort": 1024, "ipRanges": ["0.0.0.0/0"]}]),
            json!([{"ipProtocol": "udp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]}]),
            json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["10.0.0.0/8"]}]),
            json!([{"ipProtocol": "-1", "ipv6Ranges": [{"cidrIpv6": "2001:db8::/32"}]}]),
            json!([]),
            Value::Null,
        ] {
            let (c, a) = verdict(&RestrictedSsh, group(perms.clone()), json!({}));
            assert_eq!(c, Compliant, "{perms}");
            assert_eq!(a, "no ingress rule admits SSH from anywhere");
        }
    }

    #[test]
    fn unreadable_ipPermissions_are_non_compliant_and_say_why() {
        let (c, a) = verdict(&RestrictedSsh, group(json!({"fromPort": 22})), json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("configuration cannot be read"), "{a}");
        assert!(
            a.contains("configuration.ipPermissions is not a list"),
            "{a}"
        );
        let g =
            group(json!([{"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": [5]}]));
        let (c, a) = verdict(&RestrictedSsh, g, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("configuration.ipPermissions[0].ipRanges holds 5"),
            "{a}"
        );
    }

    #[test]
    fn it_runs_on_changes_and_every_24_hours_as_the_managed_rule() {
        assert_eq!(SPEC.trigger, Trigger::Both(Frequency::TwentyFourHours));
    }
}
