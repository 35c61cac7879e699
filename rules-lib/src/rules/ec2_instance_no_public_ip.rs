//! `ec2-instance-no-public-ip`: instances have no public IPv4 address.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::config_str;

/// `ec2-instance-no-public-ip` (AWS managed rule EC2_INSTANCE_NO_PUBLIC_IP).
///
/// Documented logic: NON_COMPLIANT when the instance has a public IP address (IPv4 only;
/// the managed rule ignores IPv6).
///
/// Choice: a public address on any network interface (`association.publicIp`) counts,
/// not only `publicIpAddress`, so an Elastic IP on a secondary interface is found.
pub struct Ec2InstanceNoPublicIp;

static SPEC: RuleSpec = RuleSpec {
    name: "ec2-instance-no-public-ip",
    description: "EC2 instances have no public IPv4 address.",
    resource_types: &["AWS::EC2::Instance"],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

impl ItemRule for Ec2InstanceNoPublicIp {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        let mut ips: Vec<String> = config_str(item, "publicIpAddress")
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .into_iter()
            .collect();
        if let Some(Value::Array(nics)) = item.configuration.get("networkInterfaces") {
            for nic in nics {
                if let Some(ip) = nic
                    .get("association")
                    .and_then(|a| a.get("publicIp"))
                    .and_then(Value::as_str)
                {
                    if !ip.is_empty() && !ips.iter().any(|x| x == ip) {
                        ips.push(ip.to_string());
                    }
                }
            }
        }
        if ips.is_empty() {
            Verdict::compliant(
                "the instance has no public IPv4 address",
            )
        } else {
            Verdict::non_compliant(format!(
                "the instance has public IPv4 address {}",
                ips.join(", ")
            ))
        }
    }
}
