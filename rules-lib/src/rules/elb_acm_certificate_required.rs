//! `elb-acm-certificate-required`: Classic Load Balancers use ACM certificates.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::{ClassicListener, ClassicLoadBalancer};

/// `elb-acm-certificate-required` (AWS managed rule ELB_ACM_CERTIFICATE_REQUIRED).
///
/// Documented logic: checks if Classic Load Balancers use SSL certificates provided by
/// AWS Certificate Manager ("to use this rule, use an SSL or HTTPS listener"); Security
/// Hub ELB.2 fails a Classic Load Balancer with an HTTPS/SSL listener that does not use
/// an ACM certificate. No parameters.
///
/// Data: `configuration.listenerDescriptions[].listener.protocol` and
/// `.sslcertificateId`.
///
/// Choices: a load balancer without an SSL or HTTPS listener is NOT_APPLICABLE; a
/// certificate is from ACM when its ARN's service field is `acm` (any partition; IAM
/// server certificates are `arn:<partition>:iam::...:server-certificate/...`); an
/// SSL/HTTPS listener without a certificate ID is NON_COMPLIANT.
pub struct ElbAcmCertificateRequired;

static SPEC: RuleSpec = RuleSpec {
    name: "elb-acm-certificate-required",
    description: "The SSL and HTTPS listeners of Classic Load Balancers use ACM certificates.",
    resource_types: &["AWS::ElasticLoadBalancing::LoadBalancer"],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// Whether `arn` is an ACM certificate ARN.
fn is_acm(arn: &str) -> bool {
    let mut parts = arn.trim().split(':');
    parts.next() == Some("arn") && parts.nth(1) == Some("acm")
}

impl ItemRule for ElbAcmCertificateRequired {
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
            ClassicListener::is_secure,
            "the load balancer has no SSL or HTTPS listener",
            |l| match l.ssl_certificate_id.as_deref() {
                Some(c) if is_acm(c) => None,
                Some(c) => Some(format!("{} uses {c}", l.label())),
                None => Some(format!("{} records no certificate", l.label())),
            },
            "every SSL and HTTPS listener uses an ACM certificate",
            "listeners without an ACM certificate",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    const ACM: &str =
        "arn:aws:acm:us-east-1:111122223333:certificate/0f1e2d3c-aaaa-bbbb-cccc-111122223333";
    const IAM: &str = "arn:aws:iam::111122223333:server-certificate/legacy-cert";

    fn clb(listeners: Value) -> Value {
        json!({"resourceType": "AWS::ElasticLoadBalancing::LoadBalancer",
               "configuration": {"loadBalancerName": "CLB1", "listenerDescriptions": listeners}})
    }

    fn listener(protocol: &str, port: i64, cert: Option<&str>) -> Value {
        let mut l = json!({"protocol": protocol, "loadBalancerPort": port,
                           "instanceProtocol": "HTTP", "instancePort": 80});
        if let Some(c) = cert {
            l["sslcertificateId"] = c.into();
        }
        json!({"listener": l, "policyNames": []})
    }

    #[test]
    fn acm_certificates_on_every_secure_listener_are_compliant() {
        let ok = clb(json!([
            listener("HTTPS", 443, Some(ACM)),
            listener("HTTP", 80, None)
        ]));
        assert_eq!(
            verdict(&ElbAcmCertificateRequired, ok, json!({})).0,
            Compliant
        );
        let gov = ACM.replace("arn:aws:", "arn:aws-us-gov:");
        let ok = clb(json!([listener("SSL", 443, Some(&gov))]));
        assert_eq!(
            verdict(&ElbAcmCertificateRequired, ok, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn iam_or_missing_certificates_are_non_compliant() {
        let (c, a) = verdict(
            &ElbAcmCertificateRequired,
            clb(json!([listener("SSL", 443, Some(IAM))])),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("server-certificate/legacy-cert"), "{a}");
        let (c, a) = verdict(
            &ElbAcmCertificateRequired,
            clb(json!([listener("HTTPS", 443, None)])),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("records no certificate"), "{a}");
    }

    #[test]
    fn no_secure_listener_is_not_applicable() {
        let plain = clb(json!([listener("HTTP", 80, None)]));
        assert_eq!(
            verdict(&ElbAcmCertificateRequired, plain, json!({})).0,
            NotApplicable
        );
    }
}
