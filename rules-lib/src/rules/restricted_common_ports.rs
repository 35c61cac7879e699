//! `restricted-common-ports`: risky ports are not open to the world.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::SecurityGroup;

/// `restricted-common-ports` (AWS managed rule RESTRICTED_INCOMING_TRAFFIC).
///
/// Documented logic: NON_COMPLIANT when an ingress rule admits TCP traffic to one of
/// the blocked ports from 0.0.0.0/0 (or ::/0). Parameters `blockedPort1`..`blockedPort5`
/// default to 20, 21, 3389, 3306 and 4333.
///
/// `blockedPorts` (a comma-separated list) is the newer way to give the ports.
///
/// Choices: without `blockedPorts`, the defaults apply per parameter when it is absent
/// (the ports are the rule's point, so they are not left unchecked). With it, the ports
/// checked are its ports plus any `blockedPortN` given explicitly, and the five defaults
/// are not added (how the two combine is undocumented; this never checks less than what
/// was written). All-protocol rules and port ranges count; ::/0 counts as well as
/// 0.0.0.0/0. Periodic runs every 24 hours as well as on changes, as AWS triggers it.
pub struct RestrictedCommonPorts;

const DEFAULTS: [(&ParamSpec, u16); 5] = [
    (&BLOCKED_PORT1, 20),
    (&BLOCKED_PORT2, 21),
    (&BLOCKED_PORT3, 3389),
    (&BLOCKED_PORT4, 3306),
    (&BLOCKED_PORT5, 4333),
];

/// `blockedPort1`.
const BLOCKED_PORT1: ParamSpec =
    ParamSpec::optional("blockedPort1", ParamKind::Port, "A blocked TCP port").with_default("20");

/// `blockedPort2`.
const BLOCKED_PORT2: ParamSpec =
    ParamSpec::optional("blockedPort2", ParamKind::Port, "A blocked TCP port").with_default("21");

/// `blockedPort3`.
const BLOCKED_PORT3: ParamSpec =
    ParamSpec::optional("blockedPort3", ParamKind::Port, "A blocked TCP port").with_default("3389");

/// `blockedPort4`.
const BLOCKED_PORT4: ParamSpec =
    ParamSpec::optional("blockedPort4", ParamKind::Port, "A blocked TCP port").with_default("3306");

/// `blockedPort5`.
const BLOCKED_PORT5: ParamSpec =
    ParamSpec::optional("blockedPort5", ParamKind::Port, "A blocked TCP port").with_default("4333");

/// `blockedPorts`.
const BLOCKED_PORTS: ParamSpec = ParamSpec::optional(
    "blockedPorts",
    ParamKind::PortRanges,
    "Comma-separated blocked TCP ports or ranges, e.g. 20,21,3306,3389",
);

static SPEC: RuleSpec = RuleSpec {
    name: "restricted-common-ports",
    description: "Security groups do not admit the blocked TCP ports (20, 21, 3389, 3306, 4333 by default) from anywhere.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    parameters: &[BLOCKED_PORT1, BLOCKED_PORT2, BLOCKED_PORT3, BLOCKED_PORT4, BLOCKED_PORT5, BLOCKED_PORTS],
    severity: Severity::High,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

impl ItemRule for RestrictedCommonPorts {
    type View = SecurityGroup;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, group: &SecurityGroup, params: &Params) -> Verdict {
        let mut blocked: Vec<(u16, u16)> = Vec::new();
        let listed = params.ports(&BLOCKED_PORTS).unwrap_or_default();
        for (param, default) in DEFAULTS {
            // With blockedPorts, only the blockedPortN given count (not their defaults).
            let port = match (params.int(param), listed.is_empty()) {
                (Some(p), _) => p as u16,
                (None, true) => default,
                (None, false) => continue,
            };
            blocked.push((port, port));
        }
        blocked.extend(listed.iter().copied());
        blocked.sort_unstable();
        blocked.dedup();
        let perms = &group.ingress;
        let open: Vec<String> = blocked
            .iter()
            .filter_map(|&(a, b)| {
                let p = perms.iter().find(|p| {
                    (p.protocol == "all" || p.protocol == "tcp")
                        && p.from_port <= b
                        && a <= p.to_port
                        && p.is_open_to_world()
                })?;
                let ports = if a == b {
                    format!("port {a}")
                } else {
                    format!("ports {a}-{b}")
                };
                Some(format!(
                    "{ports} ({} from {})",
                    p.describe(),
                    p.open_cidrs().join(" and ")
                ))
            })
            .collect();
        if open.is_empty() {
            Verdict::compliant("no blocked port is open to the world")
        } else {
            Verdict::non_compliant(format!(
                "blocked ports open to the world: {}",
                open.join("; ")
            ))
        }
    }
}

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn group(perms: Value) -> Value {
        json!({"resourceType": "AWS::EC2::SecurityGroup",
               "configuration": {"groupId": "sg-1", "groupName": "g", "ipPermissions": perms}})
    }

    fn tcp(from: u16, to: u16, cidr: &str) -> Value {
        json!({"ipProtocol": "tcp", "fromPort": from, "toPort": to, "ipRanges": [cidr]})
    }

    fn open(port: u16) -> Value {
        group(json!([tcp(port, port, "0.0.0.0/0")]))
    }

    fn judge(item: Value, params: Value) -> (Compliance, String) {
        verdict(&RestrictedCommonPorts, item, params)
    }

    #[test]
    fn without_parameters_the_five_default_ports_are_blocked() {
        for port in [20, 21, 3389, 3306, 4333] {
            let (c, a) = judge(open(port), json!({}));
            assert_eq!(c, NonCompliant, "{port}");
            assert_eq!(
                a,
                format!("blocked ports open to the world: port {port} (tcp {port} from 0.0.0.0/0)")
            );
        }
        for port in [22, 80, 443] {
            let (c, a) = judge(open(port), json!({}));
            assert_eq!(c, Compliant, "{port}");
            assert_eq!(a, "no blocked port is open to the world");
        }
    }

    #[test]
    fn a_blockedPortN_given_replaces_its_own_default_only() {
        let p = json!({"blockedPort1": "8080"});
        assert_eq!(judge(open(8080), p.clone()).0, NonCompliant);
        assert_eq!(
            judge(open(20), p.clone()).0,
            Compliant,
            "20 was blockedPort1's default"
        );
        for port in [21, 3389, 3306, 4333] {
            assert_eq!(judge(open(port), p.clone()).0, NonCompliant, "{port}");
        }
        let p = json!({"blockedPort5": "5432"});
        assert_eq!(judge(open(5432), p.clone()).0, NonCompliant);
        assert_eq!(judge(open(4333), p).0, Compliant);
    }

    #[test]
    fn each_blockedPortN_is_read() {
        for n in 1..=5 {
            let p = json!({(format!("blockedPort{n}")): "9999"});
            assert_eq!(judge(open(9999), p).0, NonCompliant, "blockedPort{n}");
        }
    }

    #[test]
    fn blockedPorts_replaces_the_defaults() {
        let p = json!({"blockedPorts": "8000-8100, 9200"});
        let (c, a) = judge(open(8080), p.clone());
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "blocked ports open to the world: ports 8000-8100 (tcp 8080 from 0.0.0.0/0)"
        );
        assert_eq!(judge(open(9200), p.clone()).0, NonCompliant);
        for port in [20, 21, 3389, 3306, 4333] {
            assert_eq!(judge(open(port), p.clone()).0, Compliant, "{port}");
        }
    }

    #[test]
    fn blockedPorts_adds_the_blockedPortN_given_explicitly() {
        let p = json!({"blockedPorts": "9200", "blockedPort3": "3389", "blockedPort4": "27017"});
        for port in [9200, 3389, 27017] {
            assert_eq!(judge(open(port), p.clone()).0, NonCompliant, "{port}");
        }
        for port in [20, 21, 3306, 4333] {
            assert_eq!(judge(open(port), p.clone()).0, Compliant, "{port}");
        }
    }

    #[test]
    fn all_protocol_rules_and_port_ranges_count() {
        let all = group(json!([{"ipProtocol": "-1", "ipRanges": ["0.0.0.0/0"]}]));
        let (c, a) = judge(all, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "blocked ports open to the world: port 20 (all traffic from 0.0.0.0/0); \
             port 21 (all traffic from 0.0.0.0/0); port 3306 (all traffic from 0.0.0.0/0); \
             port 3389 (all traffic from 0.0.0.0/0); port 4333 (all traffic from 0.0.0.0/0)"
        );
        let range = group(json!([tcp(3000, 4000, "0.0.0.0/0")]));
        let (c, a) = judge(range, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "blocked ports open to the world: port 3306 (tcp 3000-4000 from 0.0.0.0/0); \
             port 3389 (tcp 3000-4000 from 0.0.0.0/0)"
        );
    }

    #[test]
    fn ipv6_anywhere_counts_as_well_as_ipv4() {
        let v6 = group(
            json!([{"ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389,
                               "ipv6Ranges": [{"cidrIpv6": "::/0"}]}]),
        );
        let (c, a) = judge(v6, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "blocked ports open to the world: port 3389 (tcp 3389 from ::/0)"
        );
    }

    #[test]
    fn udp_and_restricted_sources_are_compliant() {
        let udp = group(json!([{"ipProtocol": "udp", "fromPort": 20, "toPort": 21,
                                "ipRanges": ["0.0.0.0/0"]}]));
        assert_eq!(judge(udp, json!({})).0, Compliant);
        let private = group(json!([tcp(3389, 3389, "10.0.0.0/8")]));
        assert_eq!(judge(private, json!({})).0, Compliant);
        let none = json!({"resourceType": "AWS::EC2::SecurityGroup",
                          "configuration": {"groupId": "sg-1"}});
        assert_eq!(judge(none, json!({})).0, Compliant);
    }

    #[test]
    fn unreadable_ipPermissions_are_non_compliant_and_say_why() {
        let (c, a) = judge(group(json!("tcp 22")), json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("configuration cannot be read"), "{a}");
        assert!(
            a.contains("configuration.ipPermissions is not a list"),
            "{a}"
        );
    }

    #[test]
    fn it_runs_on_changes_and_every_24_hours_as_the_managed_rule() {
        assert_eq!(SPEC.trigger, Trigger::Both(Frequency::TwentyFourHours));
    }
}
