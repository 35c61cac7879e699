//! Security-group analysis: ingress rules in the old (`ipRanges: ["..."]`) and new
//! (`ipv4Ranges: [{cidrIp}]`, `ipv6Ranges: [{cidrIpv6}]`) formats, protocols, ports and
//! port ranges, and CIDR openness for IPv4 and IPv6.

use serde_json::Value;

use crate::item::ConfigurationItem;

/// One ingress permission, normalised.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Permission {
    /// `tcp`, `udp`, `icmp`, `icmpv6`, `all`, or the protocol number as given.
    pub protocol: String,
    /// First port (inclusive); 0 for all-traffic rules.
    pub from_port: u16,
    /// Last port (inclusive); 65535 for all-traffic rules.
    pub to_port: u16,
    /// IPv4 and IPv6 CIDRs the permission admits.
    pub cidrs: Vec<String>,
}

impl Permission {
    /// Whether the permission admits any address (0.0.0.0/0 or ::/0).
    pub fn is_open_to_world(&self) -> bool {
        self.cidrs.iter().any(|c| is_open_cidr(c))
    }

    /// The open CIDRs (0.0.0.0/0, ::/0) it admits.
    pub fn open_cidrs(&self) -> Vec<&str> {
        self.cidrs
            .iter()
            .map(String::as_str)
            .filter(|c| is_open_cidr(c))
            .collect()
    }

    /// Whether `port` over `protocol` (`tcp` or `udp`) is admitted.
    pub fn admits(&self, protocol: &str, port: u16) -> bool {
        (self.protocol == "all" || self.protocol == protocol)
            && self.from_port <= port
            && port <= self.to_port
    }

    /// `tcp 22`, `tcp 1020-1025`, `all traffic`.
    pub fn describe(&self) -> String {
        match (self.protocol.as_str(), self.from_port, self.to_port) {
            ("all", _, _) => "all traffic".into(),
            (p, a, b) if a == b => format!("{p} {a}"),
            (p, 0, 65535) => format!("{p} all ports"),
            (p, a, b) => format!("{p} {a}-{b}"),
        }
    }
}

/// Whether a CIDR admits every address: a prefix length of zero, whatever the address
/// before it and however it is spelled (`0.0.0.0/0`, `::/0`, `0:0:0:0:0:0:0:0/0`, and
/// the malformed `0.0.0.0/00`, `::/00`, `0/0`, `10.1.2.3/0`).
///
/// Choice: EC2 refuses some of the malformed spellings and Config would never record
/// them, but a template, a plan or a hand-made item can carry them, and a prefix of
/// zero bits matches every address: calling such a rule closed would pass a port that
/// is open to the world, so any zero prefix counts as open.
pub fn is_open_cidr(cidr: &str) -> bool {
    match cidr.trim().rsplit_once('/') {
        Some((_, prefix)) => {
            let p = prefix.trim();
            !p.is_empty() && p.bytes().all(|b| b == b'0')
        }
        None => false,
    }
}

fn normalise_protocol(v: Option<&Value>) -> String {
    let p = match v {
        Some(Value::String(s)) => s.to_ascii_lowercase(),
        Some(Value::Number(n)) => n.to_string(),
        _ => "all".into(),
    };
    match p.as_str() {
        "-1" | "all" | "" => "all".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        _ => p,
    }
}

fn port(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The item's `configuration.ipPermissions` (ingress) or `ipPermissionsEgress`.
pub fn permissions(item: &ConfigurationItem, egress: bool) -> Result<Vec<Permission>, String> {
    let key = if egress {
        "ipPermissionsEgress"
    } else {
        "ipPermissions"
    };
    permissions_of(item.configuration.get(key), key)
}

/// A recorded permission list (`ipPermissions` or `ipPermissionsEgress`, named `key` in
/// errors), normalised; absent or null is none.
pub fn permissions_of(list: Option<&Value>, key: &str) -> Result<Vec<Permission>, String> {
    let list = match list {
        None | Some(Value::Null) => return Ok(Vec::new()),
        Some(Value::Array(l)) => l,
        Some(_) => return Err(format!("configuration.{key} is not a list")),
    };
    let mut out = Vec::new();
    for (i, p) in list.iter().enumerate() {
        let protocol = normalise_protocol(p.get("ipProtocol"));
        let (from, to) = match (port(p.get("fromPort")), port(p.get("toPort"))) {
            _ if protocol == "all" => (0, 65535),
            // An inverted range (fromPort > toPort) is refused by EC2 and never recorded
            // by Config; read from a template or a hand-made item it admits every port
            // between its two bounds, so an open port inside is never called closed.
            (Some(a), Some(b)) if a >= 0 && b >= 0 => {
                let (lo, hi) = (a.min(b), a.max(b));
                (lo.min(65535) as u16, hi.min(65535) as u16)
            }
            // tcp/udp with no or -1 ports means all ports
            _ => (0, 65535),
        };
        let mut cidrs = Vec::new();
        for (field, inner) in [
            ("ipRanges", "cidrIp"),
            ("ipv4Ranges", "cidrIp"),
            ("ipv6Ranges", "cidrIpv6"),
        ] {
            match p.get(field) {
                None | Some(Value::Null) => {}
                Some(Value::Array(ranges)) => {
                    for r in ranges {
                        match r {
                            Value::String(s) => cidrs.push(s.clone()),
                            Value::Object(o) => {
                                if let Some(c) = o.get(inner).and_then(Value::as_str) {
                                    cidrs.push(c.to_string());
                                }
                            }
                            _ => return Err(format!("configuration.{key}[{i}].{field} holds {r}")),
                        }
                    }
                }
                Some(_) => return Err(format!("configuration.{key}[{i}].{field} is not a list")),
            }
        }
        cidrs.sort();
        cidrs.dedup();
        out.push(Permission {
            protocol,
            from_port: from,
            to_port: to,
            cidrs,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(perms: Value) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({"resourceType": "AWS::EC2::SecurityGroup", "resourceId": "sg-1", "configuration": {"ipPermissions": perms}})).unwrap()
    }

    #[test]
    fn old_and_new_formats_and_all_traffic() {
        let p = permissions(&item(json!([
            {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22, "ipRanges": ["0.0.0.0/0"]},
            {"ipProtocol": "-1", "ipv4Ranges": [{"cidrIp": "10.0.0.0/8"}], "ipv6Ranges": [{"cidrIpv6": "::/0"}]},
            {"ipProtocol": "6", "fromPort": 1020, "toPort": 1025, "ipv4Ranges": [{"cidrIp": "0.0.0.0/0"}]}
        ])), false)
        .unwrap();
        assert!(p[0].is_open_to_world() && p[0].admits("tcp", 22) && !p[0].admits("udp", 22));
        assert!(
            p[1].is_open_to_world() && p[1].admits("udp", 53) && p[1].describe() == "all traffic"
        );
        assert!(p[2].admits("tcp", 1023) && !p[2].admits("tcp", 1026));
        assert_eq!(p[2].describe(), "tcp 1020-1025");
    }

    #[test]
    fn open_cidrs() {
        assert!(
            is_open_cidr("0.0.0.0/0") && is_open_cidr("::/0") && is_open_cidr("0:0:0:0:0:0:0:0/0")
        );
        assert!(
            !is_open_cidr("10.0.0.0/8") && !is_open_cidr("0.0.0.0/1") && !is_open_cidr("::/128")
        );
    }

    #[test]
    fn malformed_zero_prefixes_count_as_open_to_the_world() {
        for c in ["0.0.0.0/00", "::/00", "0/0", " 10.1.2.3/0 ", "0.0.0.0/000"] {
            assert!(is_open_cidr(c), "{c}");
        }
        for c in ["0.0.0.0", "0.0.0.0/", "0.0.0.0/10", "::/01"] {
            assert!(!is_open_cidr(c), "{c}");
        }
    }

    #[test]
    fn an_inverted_port_range_admits_every_port_between_its_bounds() {
        let p = permissions(
            &item(json!([{"ipProtocol": "tcp", "fromPort": 3389, "toPort": 22, "ipRanges": ["0.0.0.0/00"]}])),
            false,
        )
        .unwrap();
        assert!(p[0].admits("tcp", 22) && p[0].admits("tcp", 3389) && p[0].admits("tcp", 80));
        assert!(!p[0].admits("tcp", 3390));
        assert!(p[0].is_open_to_world());
    }
}
