//! `alb-http-to-https-redirection-check`: ALB HTTP listeners redirect to HTTPS.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Deserialize;

use crate::evaluation::{Evaluation, Verdict};
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::Params;
use crate::rule::{ItemSet, Rule, RuleKind, RuleSpec, SetRule};
use crate::views::{configuration, de, View, ViewError};

use super::config_str;
use super::network_services::ElbV2LoadBalancer;

const LOAD_BALANCER: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
const LISTENER: &str = "AWS::ElasticLoadBalancingV2::Listener";

/// `alb-http-to-https-redirection-check` (AWS managed rule
/// ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK).
///
/// Documented logic: checks if HTTP to HTTPS redirection is configured on all HTTP
/// listeners of Application Load Balancers; NON_COMPLIANT if one or more HTTP listeners
/// do not have HTTP to HTTPS redirection configured, or forward to an HTTP listener
/// instead of redirecting. Periodic. No parameters. One result per load balancer.
///
/// Data: a set rule over the recorded `AWS::ElasticLoadBalancingV2::LoadBalancer`
/// items (`configuration.type`, `configuration.loadBalancerArn`) and
/// `AWS::ElasticLoadBalancingV2::Listener` items (PascalCase: `LoadBalancerArn`,
/// `Protocol`, `Port`, `DefaultActions[].Type`, `.RedirectConfig.Protocol`), read
/// through the Config API (no Elastic Load Balancing permissions). A listener belongs
/// to the load balancer whose ARN its `LoadBalancerArn` names (the load balancer item
/// lists no listener relationships).
///
/// Choices:
/// - Network and Gateway Load Balancers are NOT_APPLICABLE; so is an ALB without any
///   recorded listener (nothing to check).
/// - An HTTP listener passes when one of its default actions is `redirect` with
///   `RedirectConfig.Protocol` `HTTPS` (any case); `#{protocol}` (keeps HTTP), `HTTP`,
///   `forward`, `fixed-response` and authentication actions fail. Listener rules (path
///   and host conditions) are not recorded by AWS Config and are not judged: only the
///   default actions count.
/// - An ALB whose listeners are all HTTPS (no HTTP listener) is COMPLIANT.
/// - A listener item that cannot be read makes the load balancer its `LoadBalancerArn`
///   names NON_COMPLIANT, saying why.
pub struct AlbHttpToHttpsRedirectionCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "alb-http-to-https-redirection-check",
    description: "Every HTTP listener of an Application Load Balancer redirects to HTTPS.",
    resource_types: &[LOAD_BALANCER],
    ..RuleSpec::PERIODIC
};

/// A listener item read as its view, or why it cannot be.
type ReadListener = Result<Arc<Listener>, ViewError>;

/// `AWS::ElasticLoadBalancingV2::Listener` (CloudFormation shape).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Listener {
    #[serde(default, deserialize_with = "de::opt_text")]
    load_balancer_arn: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    protocol: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    port: Option<i64>,
    #[serde(default, deserialize_with = "de::list")]
    default_actions: Vec<Action>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Action {
    #[serde(default, rename = "Type", deserialize_with = "de::opt_text")]
    kind: Option<String>,
    #[serde(default)]
    redirect_config: Option<RedirectConfig>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
struct RedirectConfig {
    #[serde(default, deserialize_with = "de::opt_text")]
    protocol: Option<String>,
}

impl View for Listener {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

impl Listener {
    fn is_http(&self) -> bool {
        self.protocol
            .as_deref()
            .is_some_and(|p| p.trim().eq_ignore_ascii_case("HTTP"))
    }

    fn redirects_to_https(&self) -> bool {
        self.default_actions.iter().any(|a| {
            a.kind
                .as_deref()
                .is_some_and(|k| k.trim().eq_ignore_ascii_case("redirect"))
                && a.redirect_config
                    .as_ref()
                    .and_then(|r| r.protocol.as_deref())
                    .is_some_and(|p| p.trim().eq_ignore_ascii_case("HTTPS"))
        })
    }

    fn port_label(&self) -> String {
        self.port
            .map_or_else(|| "HTTP:?".to_string(), |p| format!("HTTP:{p}"))
    }
}

/// The verdict on one load balancer, given the listeners that name it.
fn verdict(lb: &ConfigurationItem, listeners: &[&ReadListener]) -> Verdict {
    let view = match lb.view::<ElbV2LoadBalancer>() {
        Ok(v) => v,
        Err(e) => return Verdict::non_compliant(e.to_string()),
    };
    if !view.is_application() {
        return Verdict::not_applicable(format!(
            "the load balancer is of type {}: the rule judges Application Load Balancers only",
            view.type_name()
        ));
    }
    if listeners.is_empty() {
        return Verdict::not_applicable("the load balancer has no recorded listener");
    }
    let mut failing = Vec::new();
    for l in listeners {
        match l {
            Err(e) => failing.push(format!("a listener cannot be read ({e})")),
            Ok(l) if l.is_http() && !l.redirects_to_https() => failing.push(l.port_label()),
            Ok(_) => {}
        }
    }
    if failing.is_empty() {
        Verdict::compliant("every HTTP listener redirects to HTTPS")
    } else {
        Verdict::non_compliant(format!(
            "HTTP listeners not redirecting to HTTPS: {}",
            failing.join(", ")
        ))
    }
}

impl Rule for AlbHttpToHttpsRedirectionCheck {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Set(self)
    }
}

impl SetRule for AlbHttpToHttpsRedirectionCheck {
    fn source_types(&self) -> &'static [&'static str] {
        &[LOAD_BALANCER, LISTENER]
    }

    fn judge(&self, items: &ItemSet, _params: &Params, at: Timestamp) -> Vec<Evaluation> {
        let read: Vec<(Option<String>, ReadListener)> = items
            .of_type(LISTENER)
            .iter()
            .map(|i| {
                let view = i.view::<Listener>();
                let arn = match &view {
                    Ok(l) => l.load_balancer_arn.clone(),
                    // An unreadable listener still names its load balancer, mostly.
                    Err(_) => config_str(i, "LoadBalancerArn").map(str::to_string),
                };
                (arn.map(|a| a.trim().to_string()), view)
            })
            .collect();
        let mut by_lb: HashMap<&str, Vec<&ReadListener>> = HashMap::new();
        for (arn, view) in &read {
            if let Some(arn) = arn {
                by_lb.entry(arn.as_str()).or_default().push(view);
            }
        }
        items
            .of_type(LOAD_BALANCER)
            .iter()
            .map(|lb| {
                let arn = lb
                    .view::<ElbV2LoadBalancer>()
                    .ok()
                    .and_then(|v| v.load_balancer_arn.clone())
                    .unwrap_or_else(|| lb.resource_id.clone());
                let mine: Vec<&ReadListener> = by_lb
                    .get(arn.as_str())
                    .or_else(|| by_lb.get(lb.resource_id.as_str()))
                    .cloned()
                    .unwrap_or_default();
                let v = verdict(lb, &mine);
                Evaluation::new(
                    lb.resource_type.clone(),
                    lb.resource_id.clone(),
                    v.compliance,
                    &v.annotation,
                    at,
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::rule::{now_or_never, SnapshotItems};
    use serde_json::{json, Value};

    const LB_ARN: &str =
        "arn:aws:elasticloadbalancing:us-east-2:111111111111:loadbalancer/app/test/abcd95d05fc9fc53";

    fn lb(arn: &str, lb_type: &str) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({
            "resourceType": LOAD_BALANCER, "resourceId": arn, "configurationItemStatus": "OK",
            "configuration": {"loadBalancerArn": arn, "type": lb_type, "loadBalancerName": "test"},
            "supplementaryConfiguration": {"LoadBalancerAttributes": []}}))
        .unwrap()
    }

    fn listener(
        id: &str,
        lb_arn: &str,
        protocol: &str,
        port: i64,
        actions: Value,
    ) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({
            "resourceType": LISTENER, "resourceId": format!("{lb_arn}/{id}"),
            "configurationItemStatus": "OK",
            "configuration": {"LoadBalancerArn": lb_arn, "Port": port, "Protocol": protocol,
                              "DefaultActions": actions, "Certificates": []}}))
        .unwrap()
    }

    fn redirect(protocol: &str) -> Value {
        json!([{"Type": "redirect", "Order": 1, "RedirectConfig": {"Protocol": protocol,
                "Port": "443", "Host": "#{host}", "Path": "/#{path}", "Query": "#{query}",
                "StatusCode": "HTTP_301"}}])
    }

    fn forward() -> Value {
        json!([{"Type": "forward", "TargetGroupArn": "arn:aws:elasticloadbalancing:us-east-2:111111111111:targetgroup/test/abcd"}])
    }

    fn run(items: &[ConfigurationItem]) -> Vec<(String, Compliance, String)> {
        let set = now_or_never(ItemSet::collect(
            &SnapshotItems(items),
            AlbHttpToHttpsRedirectionCheck.source_types(),
            Some("111111111111"),
        ))
        .unwrap()
        .unwrap();
        SetRule::judge(
            &AlbHttpToHttpsRedirectionCheck,
            &set,
            &Params::default(),
            Timestamp::now(),
        )
        .into_iter()
        .map(|e| {
            (
                e.compliance_resource_id,
                e.compliance_type,
                e.annotation.unwrap_or_default(),
            )
        })
        .collect()
    }

    #[test]
    fn http_listeners_redirecting_to_https_are_compliant() {
        let r = run(&[
            lb(LB_ARN, "application"),
            listener("80", LB_ARN, "HTTP", 80, redirect("HTTPS")),
            listener("443", LB_ARN, "HTTPS", 443, forward()),
        ]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, LB_ARN);
        assert_eq!(r[0].1, Compliant);
    }

    #[test]
    fn an_http_listener_forwarding_or_keeping_http_is_non_compliant() {
        let r = run(&[
            lb(LB_ARN, "application"),
            listener("80", LB_ARN, "HTTP", 80, forward()),
            listener("8080", LB_ARN, "http", 8080, redirect("#{protocol}")),
            listener("8081", LB_ARN, "HTTP", 8081, redirect("https")),
        ]);
        assert_eq!(r[0].1, NonCompliant);
        assert_eq!(
            r[0].2,
            "HTTP listeners not redirecting to HTTPS: HTTP:80, HTTP:8080"
        );
    }

    #[test]
    fn https_only_albs_are_compliant_and_listeners_of_other_albs_do_not_count() {
        let other = LB_ARN.replace("abcd95d05fc9fc53", "ffff95d05fc9fc53");
        let r = run(&[
            lb(LB_ARN, "application"),
            lb(&other, "application"),
            listener("443", LB_ARN, "HTTPS", 443, forward()),
            listener("80", &other, "HTTP", 80, forward()),
        ]);
        let of = |id: &str| r.iter().find(|e| e.0 == id).unwrap().1;
        assert_eq!(of(LB_ARN), Compliant);
        assert_eq!(of(&other), NonCompliant);
    }

    #[test]
    fn other_types_and_albs_without_listeners_are_not_applicable() {
        let nlb = LB_ARN.replace("/app/", "/net/");
        let r = run(&[
            lb(LB_ARN, "application"),
            lb(&nlb, "network"),
            listener("80", &nlb, "TCP", 80, forward()),
        ]);
        assert!(r.iter().all(|e| e.1 == NotApplicable), "{r:?}");
        assert!(
            r.iter().any(|e| e.2.contains("no recorded listener")),
            "{r:?}"
        );
    }

    #[test]
    fn an_unreadable_listener_is_reported() {
        let bad = ConfigurationItem::from_value(&json!({
            "resourceType": LISTENER, "resourceId": "l-bad", "configurationItemStatus": "OK",
            "configuration": {"LoadBalancerArn": LB_ARN, "DefaultActions": "oops"}}))
        .unwrap();
        let r = run(&[
            lb(LB_ARN, "application"),
            listener("443", LB_ARN, "HTTPS", 443, forward()),
            bad,
        ]);
        assert_eq!(r[0].1, NonCompliant);
        assert!(r[0].2.contains("cannot be read"), "{}", r[0].2);
    }
}
