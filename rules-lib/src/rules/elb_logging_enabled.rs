//! `elb-logging-enabled`: Application and Classic Load Balancers write access logs.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::{View, ViewError};

use super::network_services::{ClassicLoadBalancer, ElbV2LoadBalancer};

/// `elb-logging-enabled` (AWS managed rule ELB_LOGGING_ENABLED).
///
/// Documented logic: checks if the Application Load Balancer and the Classic Load
/// Balancer have logging enabled. NON_COMPLIANT if `access_logs.s3.enabled` is false or
/// `access_logs.s3.bucket` is not the bucket given in `s3BucketNames`. The rule does not
/// apply to Network Load Balancers or Gateway Load Balancers.
///
/// Data: ELBv2 attributes `access_logs.s3.enabled` / `access_logs.s3.bucket` from
/// `supplementaryConfiguration.LoadBalancerAttributes` (a `{key, value}` list); Classic
/// `supplementaryConfiguration.LoadBalancerAttributes.accessLog.enabled` /
/// `.s3BucketName`.
///
/// Choices:
/// - ELBv2 load balancers of any type but `application` are NOT_APPLICABLE.
/// - An absent setting is the ELB default: logging off.
/// - The documentation says "the s3BucketName" (singular) of a list parameter: the log
///   bucket must be one of the listed names (exact match; bucket names are lower case).
pub struct ElbLoggingEnabled;

/// `s3BucketNames`.
const S3_BUCKET_NAMES: ParamSpec = ParamSpec::optional(
    "s3BucketNames",
    ParamKind::Csv,
    "Comma-separated list of Amazon S3 bucket names for Amazon ELB to deliver the log files",
);

static SPEC: RuleSpec = RuleSpec {
    name: "elb-logging-enabled",
    description: "Application and Classic Load Balancers have access logging enabled (to s3BucketNames when set).",
    resource_types: &[
        "AWS::ElasticLoadBalancing::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
    ],
    parameters: &[S3_BUCKET_NAMES],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// What the rule reads, by load balancer generation.
pub enum LoadBalancerLogging {
    /// `AWS::ElasticLoadBalancing::LoadBalancer`.
    Classic(ClassicLoadBalancer),
    /// `AWS::ElasticLoadBalancingV2::LoadBalancer`.
    V2(ElbV2LoadBalancer),
}

impl View for LoadBalancerLogging {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        if item.resource_type == "AWS::ElasticLoadBalancing::LoadBalancer" {
            ClassicLoadBalancer::from_item(item).map(Self::Classic)
        } else {
            ElbV2LoadBalancer::from_item(item).map(Self::V2)
        }
    }
}

impl ItemRule for ElbLoggingEnabled {
    type View = LoadBalancerLogging;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        lb: &LoadBalancerLogging,
        params: &Params,
    ) -> Verdict {
        let (enabled, bucket) = match lb {
            LoadBalancerLogging::Classic(c) => (
                c.access_log.enabled == Some(true),
                c.access_log.s3_bucket_name.clone(),
            ),
            LoadBalancerLogging::V2(v2) => {
                if !v2.is_application() {
                    return Verdict::not_applicable(format!(
                        "the load balancer is of type {}: the rule judges Application and Classic Load Balancers only",
                        v2.type_name()
                    ));
                }
                (
                    v2.flag("access_logs.s3.enabled"),
                    v2.attribute("access_logs.s3.bucket")
                        .filter(|b| !b.is_empty())
                        .map(str::to_string),
                )
            }
        };
        if !enabled {
            return Verdict::non_compliant("access logging is not enabled");
        }
        let Some(allowed) = params.list(&S3_BUCKET_NAMES).filter(|l| !l.is_empty()) else {
            return Verdict::compliant(match bucket {
                Some(b) => format!("access logs are delivered to S3 bucket {b}"),
                None => "access logging is enabled".to_string(),
            });
        };
        match bucket {
            Some(b) if allowed.contains(&b) => {
                Verdict::compliant(format!("access logs are delivered to S3 bucket {b}"))
            }
            Some(b) => Verdict::non_compliant(format!(
                "access logs are delivered to S3 bucket {b}, not to one of s3BucketNames ({})",
                allowed.join(", ")
            )),
            None => Verdict::non_compliant(format!(
                "access logging is enabled but no log bucket is recorded, so s3BucketNames ({}) cannot be confirmed",
                allowed.join(", ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn alb(lb_type: &str, attrs: &[(&str, &str)]) -> Value {
        let attrs: Vec<Value> = attrs
            .iter()
            .map(|(k, v)| json!({"key": k, "value": v}))
            .collect();
        json!({"resourceType": "AWS::ElasticLoadBalancingV2::LoadBalancer",
               "configuration": {"type": lb_type, "loadBalancerName": "web"},
               "supplementaryConfiguration": {"LoadBalancerAttributes": attrs}})
    }

    fn clb(access_log: Value) -> Value {
        json!({"resourceType": "AWS::ElasticLoadBalancing::LoadBalancer",
               "configuration": {"loadBalancerName": "CLB1", "listenerDescriptions": []},
               "supplementaryConfiguration": {"LoadBalancerAttributes": {"accessLog": access_log}}})
    }

    const ON: [(&str, &str); 2] = [
        ("access_logs.s3.enabled", "true"),
        ("access_logs.s3.bucket", "my-elb-logs"),
    ];

    #[test]
    fn an_alb_with_logging_on_is_compliant_and_off_or_absent_is_not() {
        let (c, a) = verdict(&ElbLoggingEnabled, alb("application", &ON), json!({}));
        assert_eq!(c, Compliant);
        assert!(a.contains("my-elb-logs"), "{a}");
        let off = alb("application", &[("access_logs.s3.enabled", "false")]);
        assert_eq!(verdict(&ElbLoggingEnabled, off, json!({})).0, NonCompliant);
        assert_eq!(
            verdict(&ElbLoggingEnabled, alb("application", &[]), json!({})).0,
            NonCompliant
        );
        let text_case = alb("application", &[("access_logs.s3.enabled", " TRUE ")]);
        assert_eq!(
            verdict(&ElbLoggingEnabled, text_case, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn network_and_gateway_load_balancers_are_not_applicable() {
        for t in ["network", "gateway"] {
            let (c, a) = verdict(&ElbLoggingEnabled, alb(t, &[]), json!({}));
            assert_eq!(c, NotApplicable);
            assert!(a.contains(t), "{a}");
        }
    }

    #[test]
    fn a_classic_load_balancer_is_judged_by_its_access_log() {
        let on = clb(json!({"enabled": true, "s3BucketName": "my-elb-logs", "emitInterval": 60}));
        assert_eq!(verdict(&ElbLoggingEnabled, on, json!({})).0, Compliant);
        let off = clb(json!({"enabled": false}));
        assert_eq!(verdict(&ElbLoggingEnabled, off, json!({})).0, NonCompliant);
        let none = json!({"resourceType": "AWS::ElasticLoadBalancing::LoadBalancer",
                          "configuration": {"loadBalancerName": "CLB1"}});
        assert_eq!(verdict(&ElbLoggingEnabled, none, json!({})).0, NonCompliant);
    }

    #[test]
    fn s3_bucket_names_must_list_the_log_bucket() {
        let p = json!({"s3BucketNames": "other-bucket, my-elb-logs"});
        assert_eq!(
            verdict(&ElbLoggingEnabled, alb("application", &ON), p).0,
            Compliant
        );
        let (c, a) = verdict(
            &ElbLoggingEnabled,
            alb("application", &ON),
            json!({"s3BucketNames": "central-logs"}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("central-logs"), "{a}");
        let classic = clb(json!({"enabled": true, "s3BucketName": "my-elb-logs"}));
        let (c, _) = verdict(
            &ElbLoggingEnabled,
            classic,
            json!({"s3BucketNames": "central-logs"}),
        );
        assert_eq!(c, NonCompliant);
        let no_bucket = clb(json!({"enabled": true}));
        let (c, a) = verdict(
            &ElbLoggingEnabled,
            no_bucket,
            json!({"s3BucketNames": "central-logs"}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("cannot be confirmed"), "{a}");
    }
}
