//! `restricted-common-ports`: risky ports are not open to the world.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::network::permissions;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec, Severity};

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

const DEFAULTS: [(&ParamSpec, u16); 5] = [
    (&BLOCKED_PORT1, 20),
    (&BLOCKED_PORT2, 21),
    (&BLOCKED_PORT3, 3389),
    (&BLOCKED_PORT4, 3306),
    (&BLOCKED_PORT5, 4333),
];

/// `blockedPort1`.
const BLOCKED_PORT1: ParamSpec = ParamSpec::optional("blockedPort1", ParamKind::Port, "A blocked TCP port").with_default("20");

/// `blockedPort2`.
const BLOCKED_PORT2: ParamSpec = ParamSpec::optional("blockedPort2", ParamKind::Port, "A blocked TCP port").with_default("21");

/// `blockedPort3`.
const BLOCKED_PORT3: ParamSpec = ParamSpec::optional("blockedPort3", ParamKind::Port, "A blocked TCP port").with_default("3389");

/// `blockedPort4`.
const BLOCKED_PORT4: ParamSpec = ParamSpec::optional("blockedPort4", ParamKind::Port, "A blocked TCP port").with_default("3306");

/// `blockedPort5`.
const BLOCKED_PORT5: ParamSpec = ParamSpec::optional("blockedPort5", ParamKind::Port, "A blocked TCP port").with_default("4333");

static SPEC: RuleSpec = RuleSpec {
    name: "restricted-common-ports",
    description: "Security groups do not admit the blocked TCP ports (20, 21, 3389, 3306, 4333 by default) from anywhere.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    parameters: &[BLOCKED_PORT1, BLOCKED_PORT2, BLOCKED_PORT3, BLOCKED_PORT4, BLOCKED_PORT5],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

impl ItemRule for RestrictedCommonPorts {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, params: &Params) -> Verdict {
        let mut blocked = Vec::new();
        for (name, default) in DEFAULTS {
            let port = params.int(name).map_or(default, |p| p as u16);
            if !blocked.contains(&port) {
                blocked.push(port);
            }
        }
        let perms = match permissions(item, false) {
            Ok(p) => p,
            Err(e) => return Verdict::non_compliant(e),
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
            Verdict::compliant("no blocked port is open to the world")
        } else {
            Verdict::non_compliant(format!(
                "blocked ports open to the world: {}",
                open.join("; ")
            ))
        }
    }
}
