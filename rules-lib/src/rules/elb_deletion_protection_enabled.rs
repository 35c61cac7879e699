//! `elb-deletion-protection-enabled`: ELBv2 load balancers cannot be deleted by accident.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::ElbV2LoadBalancer;

/// `elb-deletion-protection-enabled` (AWS managed rule ELB_DELETION_PROTECTION_ENABLED).
///
/// Documented logic: checks whether an Elastic Load Balancer has deletion protection
/// enabled; NON_COMPLIANT if `deletion_protection.enabled` is false. No parameters.
///
/// Data: attribute `deletion_protection.enabled` of
/// `supplementaryConfiguration.LoadBalancerAttributes`.
///
/// Choices: every ELBv2 type is judged (application, network, gateway: Security Hub
/// ELB.6 covers all three); an absent attribute is the ELB default, false.
pub struct ElbDeletionProtectionEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "elb-deletion-protection-enabled",
    description:
        "Application, Network and Gateway Load Balancers have deletion protection enabled.",
    resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for ElbDeletionProtectionEnabled {
    type View = ElbV2LoadBalancer;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        lb: &ElbV2LoadBalancer,
        _params: &Params,
    ) -> Verdict {
        lb.flag_verdict(
            "deletion_protection.enabled",
            "deletion protection is enabled",
            "deletion protection is not enabled",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn lb(lb_type: &str, attrs: Value) -> Value {
        json!({"resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer",
               "configuration": {"type": lb_type},
               "supplementaryConfiguration": {"LoadBalancerAttributes": attrs}})
    }

    #[test]
    fn protection_on_is_compliant_for_every_type() {
        for t in ["application", "network", "gateway"] {
            let on = lb(
                t,
                json!([{"key": "deletion_protection.enabled", "value": "true"}]),
            );
            assert_eq!(
                verdict(&ElbDeletionProtectionEnabled, on, json!({})).0,
                Compliant
            );
        }
    }

    #[test]
    fn protection_off_or_absent_is_non_compliant() {
        let off = lb(
            "network",
            json!([{"key": "deletion_protection.enabled", "value": "false"}]),
        );
        let (c, a) = verdict(&ElbDeletionProtectionEnabled, off, json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "deletion protection is not enabled (deletion_protection.enabled is false)"
        );
        let absent = lb("application", json!([]));
        assert_eq!(
            verdict(&ElbDeletionProtectionEnabled, absent, json!({})).0,
            NonCompliant
        );
        let none = json!({"resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer",
                          "configuration": {"type": "application"}});
        assert_eq!(
            verdict(&ElbDeletionProtectionEnabled, none, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn attribute_keys_and_values_are_read_leniently() {
        let on = lb(
            "application",
            json!([{"Key": "deletion_protection.enabled", "Value": true}]),
        );
        assert_eq!(
            verdict(&ElbDeletionProtectionEnabled, on, json!({})).0,
            Compliant
        );
        let bad = lb(
            "application",
            json!({"deletion_protection.enabled": "true"}),
        );
        let (c, a) = verdict(&ElbDeletionProtectionEnabled, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("LoadBalancerAttributes"), "{a}");
    }
}
