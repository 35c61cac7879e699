//! `vpc-sg-open-only-to-authorized-ports`: world-open ingress only on authorized ports.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::network::permissions;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

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

static SPEC: RuleSpec = RuleSpec {
    name: "vpc-sg-open-only-to-authorized-ports",
    description: "Security groups admit traffic from anywhere only on authorized TCP/UDP ports.",
    resource_types: &["AWS::EC2::SecurityGroup"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[
        ParamSpec::optional(
            "authorizedTcpPorts",
            ParamKind::PortRanges,
            "TCP ports and ranges that may be open to the world, e.g. 443,1020-1025",
        ),
        ParamSpec::optional(
            "authorizedUdpPorts",
            ParamKind::PortRanges,
            "UDP ports and ranges that may be open to the world",
        ),
    ],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
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

impl Rule for VpcSgOpenOnlyToAuthorizedPorts {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let perms = match permissions(item, false) {
            Ok(p) => p,
            Err(e) => return Ok(Verdict::non_compliant(e)),
        };
        if !perms.iter().any(|p| p.is_open_to_world()) {
            return Ok(Verdict::not_applicable(
                "no inbound rule admits traffic from 0.0.0.0/0 or ::/0",
            ));
        }
        let tcp = params.ports("authorizedTcpPorts").unwrap_or_default();
        let udp = params.ports("authorizedUdpPorts").unwrap_or_default();
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
            Ok(Verdict::compliant(
                "traffic from anywhere is admitted only on authorized ports",
            ))
        } else {
            Ok(Verdict::non_compliant(format!(
                "unauthorized ports open to the world: {}",
                bad.join("; ")
            )))
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
