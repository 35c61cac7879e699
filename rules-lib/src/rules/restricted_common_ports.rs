//! `restricted-common-ports`: risky ports are not open to the world.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::network::permissions;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

/// `restricted-common-ports` (AWS managed rule RESTRICTED_INCOMING_TRAFFIC).
///
/// Documented logic: NON_COMPLIANT when an ingress rule admits TCP traffic to one of
/// the blocked ports from 0.0.0.0/0 (or ::/0). Parameters `blockedPort1`..`blockedPort5`
/// default to 20, 21, 3389, 3306 and 4333.
///
/// Choices: the defaults apply per parameter when it is absent (the ports are the rule's
/// point, so they are not left unchecked); all-protocol rules and port ranges count;
/// ::/0 counts as well as 0.0.0.0/0.
pub struct RestrictedCommonPorts;

const DEFAULTS: [(&str, u16); 5] = [
    ("blockedPort1", 20),
    ("blockedPort2", 21),
    ("blockedPort3", 3389),
    ("blockedPort4", 3306),
    ("blockedPort5", 4333),
];

static SPEC: RuleSpec = RuleSpec {
    name: "restricted-common-ports",
    description: "Security groups do not admit the blocked TCP ports (20, 21, 3389, 3306, 4333 by default) from anywhere.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[
        ParamSpec::optional("blockedPort1", ParamKind::Port, "A blocked TCP port").with_default("20"),
        ParamSpec::optional("blockedPort2", ParamKind::Port, "A blocked TCP port").with_default("21"),
        ParamSpec::optional("blockedPort3", ParamKind::Port, "A blocked TCP port").with_default("3389"),
        ParamSpec::optional("blockedPort4", ParamKind::Port, "A blocked TCP port").with_default("3306"),
        ParamSpec::optional("blockedPort5", ParamKind::Port, "A blocked TCP port").with_default("4333"),
    ],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for RestrictedCommonPorts {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let mut blocked = Vec::new();
        for (name, default) in DEFAULTS {
            let port = params.int(name).map_or(default, |p| p as u16);
            if !blocked.contains(&port) {
                blocked.push(port);
            }
        }
        let perms = match permissions(item, false) {
            Ok(p) => p,
            Err(e) => return Ok(Verdict::non_compliant(e)),
        };
        let open: Vec<String> = blocked
            .iter()
            .filter_map(|port| {
                let p = perms
                    .iter()
                    .find(|p| p.admits("tcp", *port) && p.is_open_to_world())?;
                Some(format!(
                    "port {port} ({} from {})",
                    p.describe(),
                    p.open_cidrs().join(" and ")
                ))
            })
            .collect();
        if open.is_empty() {
            Ok(Verdict::compliant("no blocked port is open to the world"))
        } else {
            Ok(Verdict::non_compliant(format!(
                "blocked ports open to the world: {}",
                open.join("; ")
            )))
        }
    }
}
