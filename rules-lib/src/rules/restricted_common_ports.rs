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
