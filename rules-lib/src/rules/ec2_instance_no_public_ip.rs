//! `ec2-instance-no-public-ip`: instances have no public IPv4 address.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::Ec2Instance;

/// `ec2-instance-no-public-ip` (AWS managed rule EC2_INSTANCE_NO_PUBLIC_IP).
///
/// Documented logic: NON_COMPLIANT when the instance has a public IP address (IPv4 only;
/// the managed rule ignores IPv6).
///
/// Choice: a public address on any network interface (`association.publicIp` of the
/// interface or of any of its `privateIpAddresses`) counts, not only `publicIpAddress`,
/// so an Elastic IP on a secondary interface or a secondary private address is found.
pub struct Ec2InstanceNoPublicIp;

static SPEC: RuleSpec = RuleSpec {
    name: "ec2-instance-no-public-ip",
    description: "EC2 instances have no public IPv4 address.",
    resource_types: &["AWS::EC2::Instance"],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

impl ItemRule for Ec2InstanceNoPublicIp {
    type View = Ec2Instance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, instance: &Ec2Instance, _params: &Params) -> Verdict {
        let mut ips: Vec<String> = instance
            .public_ip_address
            .iter()
            .filter(|s| !s.is_empty())
            .cloned()
            .collect();
        if let Value::Array(nics) = &instance.network_interfaces {
            // The interface's own association (its primary private address), then
            // those of each of its private addresses (an Elastic IP on a secondary one).
            for nic in nics {
                let addrs = nic
                    .get("privateIpAddresses")
                    .and_then(Value::as_array)
                    .map_or(&[][..], Vec::as_slice);
                for holder in std::iter::once(nic).chain(addrs) {
                    if let Some(ip) = holder
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
        }
        if ips.is_empty() {
            Verdict::compliant("the instance has no public IPv4 address")
        } else {
            Verdict::non_compliant(format!(
                "the instance has public IPv4 address {}",
                ips.join(", ")
            ))
        }
    }
}

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn instance(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::EC2::Instance", "configuration": configuration})
    }

    #[test]
    fn an_instance_without_a_public_address_is_compliant() {
        for configuration in [
            json!({"privateIpAddress": "10.0.0.5"}),
            json!({"publicIpAddress": null, "networkInterfaces": []}),
            json!({"publicIpAddress": "",
                   "networkInterfaces": [{"privateIpAddress": "10.0.0.5", "association": null}]}),
        ] {
            let (c, a) = verdict(&Ec2InstanceNoPublicIp, instance(configuration), json!({}));
            assert_eq!(c, Compliant);
            assert_eq!(a, "the instance has no public IPv4 address");
        }
    }

    #[test]
    fn publicIpAddress_is_non_compliant_and_named() {
        let (c, a) = verdict(
            &Ec2InstanceNoPublicIp,
            instance(json!({"publicIpAddress": "54.1.2.3"})),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the instance has public IPv4 address 54.1.2.3");
    }

    #[test]
    fn a_public_address_on_any_network_interface_counts() {
        let (c, a) = verdict(
            &Ec2InstanceNoPublicIp,
            instance(json!({"publicIpAddress": "54.1.2.3", "networkInterfaces": [
                {"association": {"publicIp": "54.1.2.3"}},
                {"association": {"publicIp": "3.4.5.6"}}]})),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the instance has public IPv4 address 54.1.2.3, 3.4.5.6");
        let (c, a) = verdict(
            &Ec2InstanceNoPublicIp,
            instance(json!({"networkInterfaces": [{"association": {"publicIp": "3.4.5.6"}}]})),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the instance has public IPv4 address 3.4.5.6");
    }

    #[test]
    fn an_elastic_ip_on_a_secondary_private_address_of_an_interface_counts() {
        let (c, a) = verdict(
            &Ec2InstanceNoPublicIp,
            instance(json!({"networkInterfaces": [{
                "privateIpAddress": "10.0.0.5",
                "privateIpAddresses": [
                    {"primary": true, "privateIpAddress": "10.0.0.5"},
                    {"primary": false, "privateIpAddress": "10.0.0.6",
                     "association": {"publicIp": "3.4.5.7"}}]}]})),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the instance has public IPv4 address 3.4.5.7");
    }

    #[test]
    fn ipv6_addresses_are_ignored_as_by_the_managed_rule() {
        let (c, _) = verdict(
            &Ec2InstanceNoPublicIp,
            instance(json!({"networkInterfaces": [
                {"ipv6Addresses": [{"ipv6Address": "2600:1f18::1"}]}]})),
            json!({}),
        );
        assert_eq!(c, Compliant);
    }
}
