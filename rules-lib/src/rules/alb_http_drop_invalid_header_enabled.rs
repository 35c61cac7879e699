//! `alb-http-drop-invalid-header-enabled`: ALBs drop invalid HTTP header fields.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::ElbV2LoadBalancer;

/// The ALB attribute the rule reads.
const ATTRIBUTE: &str = "routing.http.drop_invalid_header_fields.enabled";

/// `alb-http-drop-invalid-header-enabled` (AWS managed rule
/// ALB_HTTP_DROP_INVALID_HEADER_ENABLED).
///
/// Documented logic: checks that Application Load Balancers are configured to drop
/// invalid HTTP headers; NON_COMPLIANT if `routing.http.drop_invalid_header_fields.enabled`
/// is false. No parameters.
///
/// Choices: Network and Gateway Load Balancers (which have no such attribute) are
/// NOT_APPLICABLE; an absent attribute is the ALB default, false (items recorded before
/// the attribute existed come out NON_COMPLIANT).
pub struct AlbHttpDropInvalidHeaderEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "alb-http-drop-invalid-header-enabled",
    description: "Application Load Balancers drop invalid HTTP header fields.",
    resource_types: &["AWS::ElasticLoadBalancingV2::LoadBalancer"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for AlbHttpDropInvalidHeaderEnabled {
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
        if !lb.is_application() {
            return Verdict::not_applicable(format!(
                "the load balancer is of type {}: only Application Load Balancers have {ATTRIBUTE}",
                lb.type_name()
            ));
        }
        lb.flag_verdict(
            ATTRIBUTE,
            "invalid HTTP header fields are dropped",
            "invalid HTTP header fields are not dropped",
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
    fn an_alb_dropping_invalid_headers_is_compliant() {
        let on = lb("application", json!([{"key": ATTRIBUTE, "value": "true"}]));
        assert_eq!(
            verdict(&AlbHttpDropInvalidHeaderEnabled, on, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn an_alb_not_dropping_them_or_not_saying_is_non_compliant() {
        let off = lb("application", json!([{"key": ATTRIBUTE, "value": "false"}]));
        let (c, a) = verdict(&AlbHttpDropInvalidHeaderEnabled, off, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("is false"), "{a}");
        let absent = lb(
            "application",
            json!([{"key": "idle_timeout.timeout_seconds", "value": "60"}]),
        );
        let (c, a) = verdict(&AlbHttpDropInvalidHeaderEnabled, absent, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("not set"), "{a}");
    }

    #[test]
    fn other_load_balancer_types_are_not_applicable() {
        for t in ["network", "gateway"] {
            let (c, _) = verdict(
                &AlbHttpDropInvalidHeaderEnabled,
                lb(t, json!([])),
                json!({}),
            );
            assert_eq!(c, NotApplicable);
        }
    }
}
