//! `ec2-instance-no-public-ip`: instances have no public IPv4 address.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

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
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for Ec2InstanceNoPublicIp {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
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
            Ok(Verdict::compliant(
                "the instance has no public IPv4 address",
            ))
        } else {
            Ok(Verdict::non_compliant(format!(
                "the instance has public IPv4 address {}",
                ips.join(", ")
            )))
        }
    }
}
