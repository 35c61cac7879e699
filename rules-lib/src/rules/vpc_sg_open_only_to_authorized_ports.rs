//! `vpc-sg-open-only-to-authorized-ports`: world-open ingress only on authorized ports.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::SecurityGroup;

/// `vpc-sg-open-only-to-authorized-ports` (AWS managed rule
/// VPC_SG_OPEN_ONLY_TO_AUTHORIZED_PORTS).
///
/// Documented logic: NON_COMPLIANT when a security group admits traffic from 0.0.0.0/0
/// or ::/0 on a port not listed in `authorizedTcpPorts` / `authorizedUdpPorts`
/// (comma-separated ports and ranges such as `443,1020-1025`).
///
/// A group with no rule open to 0.0.0.0/0 or ::/0 is NOT_APPLICABLE, as the current
/// documentation says: the rule judges only what is open to the world.
///
/// Choices: a world-open rule is authorized only when its whole port range lies inside
/// the authorized ranges of its protocol; all-protocol rules and protocols other than
/// TCP and UDP (ICMP, say) open to the world are NON_COMPLIANT. With neither parameter
/// every world-open rule is NON_COMPLIANT.
pub struct VpcSgOpenOnlyToAuthorizedPorts;

/// `authorizedTcpPorts`.
const AUTHORIZED_TCP_PORTS: ParamSpec = ParamSpec::optional(
    "authorizedTcpPorts",
    ParamKind::PortRanges,
    "TCP ports and ranges that may be open to the world, e.g. 443,1020-1025",
);

/// `authorizedUdpPorts`.
const AUTHORIZED_UDP_PORTS: ParamSpec = ParamSpec::optional(
    "authorizedUdpPorts",
    ParamKind::PortRanges,
    "UDP ports and ranges that may be open to the world",
);

static SPEC: RuleSpec = RuleSpec {
    name: "vpc-sg-open-only-to-authorized-ports",
    description: "Security groups admit traffic from anywhere only on authorized TCP/UDP ports.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    parameters: &[AUTHORIZED_TCP_PORTS, AUTHORIZED_UDP_PORTS],
    severity: Severity::High,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

fn covered(ranges: &[(u16, u16)], from: u16, to: u16) -> bool {
    // Every port from..=to lies in some range: walk the ranges in order.
    let mut sorted = ranges.to_vec();
    sorted.sort();
    let mut next = from as u32;
    for (a, b) in sorted {
        if (a as u32) <= next && (b as u32) >= next {
            next = b as u32 + 1;
        }
        if next > to as u32 {
            return true;
        }
    }
    next > to as u32
}

impl ItemRule for VpcSgOpenOnlyToAuthorizedPorts {
    type View = SecurityGroup;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, group: &SecurityGroup, params: &Params) -> Verdict {
        let perms = &group.ingress;
        if !perms.iter().any(|p| p.is_open_to_world()) {
            return Verdict::not_applicable(
                "no inbound rule admits traffic from 0.0.0.0/0 or ::/0",
            );
        }
        let tcp = params.ports(&AUTHORIZED_TCP_PORTS).unwrap_or_default();
        let udp = params.ports(&AUTHORIZED_UDP_PORTS).unwrap_or_default();
        let bad: Vec<String> = perms
            .iter()
            .filter(|p| p.is_open_to_world())
            .filter(|p| match p.protocol.as_str() {
                "tcp" => !covered(tcp, p.from_port, p.to_port),
                "udp" => !covered(udp, p.from_port, p.to_port),
                _ => true,
            })
            .map(|p| format!("{} from {}", p.describe(), p.open_cidrs().join(" and ")))
            .collect();
        if bad.is_empty() {
            Verdict::compliant("traffic from anywhere is admitted only on authorized ports")
        } else {
            Verdict::non_compliant(format!(
                "unauthorized ports open to the world: {}",
                bad.join("; ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn ranges_cover_exactly() {
        use super::covered;
        assert!(covered(&[(443, 443)], 443, 443));
        assert!(covered(&[(1020, 1022), (1023, 1025)], 1020, 1025));
        assert!(!covered(&[(1020, 1022), (1024, 1025)], 1020, 1025));
        assert!(!covered(&[], 22, 22));
        assert!(covered(&[(0, 65535)], 0, 65535));
    }
}
