//! `elb-tls-https-listeners-only`: Classic Load Balancers listen with SSL or HTTPS only.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::network_services::ClassicLoadBalancer;

/// `elb-tls-https-listeners-only` (AWS managed rule ELB_TLS_HTTPS_LISTENERS_ONLY).
///
/// Documented logic: checks if the Classic Load Balancer is configured with SSL or
/// HTTPS listeners. NOT_APPLICABLE when it has no listener; NON_COMPLIANT if a listener
/// is not SSL or HTTPS; otherwise COMPLIANT. No parameters.
///
/// Data: `configuration.listenerDescriptions[].listener.protocol`.
///
/// Choice: only the front-end `protocol` counts (client to load balancer, as Security
/// Hub ELB.3 says); the back-end `instanceProtocol` is not judged. Protocols compare
/// case-insensitively.
pub struct ElbTlsHttpsListenersOnly;

static SPEC: RuleSpec = RuleSpec {
    name: "elb-tls-https-listeners-only",
    description: "Every listener of a Classic Load Balancer uses SSL or HTTPS.",
    resource_types: &["AWS::ElasticLoadBalancing::LoadBalancer"],
    severity: Severity::High,
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for ElbTlsHttpsListenersOnly {
    type View = ClassicLoadBalancer;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        lb: &ClassicLoadBalancer,
        _params: &Params,
    ) -> Verdict {
        lb.listeners_verdict(
            |_| true,
            "the load balancer has no listener",
            |l| (!l.is_secure()).then(|| l.label()),
            "every listener uses SSL or HTTPS",
            "listeners not using SSL or HTTPS",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn clb(listeners: &[(&str, i64)]) -> Value {
        let d: Vec<Value> = listeners
            .iter()
            .map(|(p, port)| {
                json!({"listener": {"protocol": p, "loadBalancerPort": port,
                                                  "instanceProtocol": "HTTP", "instancePort": 80},
                                     "policyNames": []})
            })
            .collect();
        json!({"resourceType": "AWS::ElasticLoadBalancing::LoadBalancer",
               "configuration": {"loadBalancerName": "CLB1", "listenerDescriptions": d}})
    }

    #[test]
    fn ssl_and_https_listeners_only_are_compliant() {
        let ok = clb(&[("HTTPS", 443), ("ssl", 8443)]);
        assert_eq!(
            verdict(&ElbTlsHttpsListenersOnly, ok, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn any_plain_listener_is_non_compliant_and_named() {
        let (c, a) = verdict(
            &ElbTlsHttpsListenersOnly,
            clb(&[("HTTPS", 443), ("HTTP", 80)]),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "listeners not using SSL or HTTPS: HTTP:80");
        let tcp = clb(&[("TCP", 25)]);
        assert_eq!(
            verdict(&ElbTlsHttpsListenersOnly, tcp, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn no_listener_is_not_applicable() {
        assert_eq!(
            verdict(&ElbTlsHttpsListenersOnly, clb(&[]), json!({})).0,
            NotApplicable
        );
        let absent = json!({"resourceType": "AWS::ElasticLoadBalancing::LoadBalancer",
                            "configuration": {"loadBalancerName": "CLB1"}});
        assert_eq!(
            verdict(&ElbTlsHttpsListenersOnly, absent, json!({})).0,
            NotApplicable
        );
    }
}
