//! `api-gw-execution-logging-enabled`: API Gateway stages log execution at ERROR or INFO.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::{configuration, de, View, ViewError};

use super::network_services::{map, RestStage};

/// `api-gw-execution-logging-enabled` (AWS managed rule API_GW_EXECUTION_LOGGING_ENABLED).
///
/// Documented logic: checks if all methods in Amazon API Gateway stages have logging
/// enabled; NON_COMPLIANT if logging is not enabled, or if `loggingLevel` is neither
/// ERROR nor INFO. Parameter `loggingLevel` (optional, default `ERROR,INFO`): the
/// accepted levels, comma-separated.
///
/// Data: REST stages (`AWS::ApiGateway::Stage`) `configuration.methodSettings{k}.loggingLevel`;
/// HTTP and WebSocket stages (`AWS::ApiGatewayV2::Stage`)
/// `configuration.defaultRouteSettings.loggingLevel` and
/// `configuration.routeSettings{k}.loggingLevel`.
///
/// Choices:
/// - Without `loggingLevel` the accepted levels are ERROR and INFO (the documented
///   default, applied by the rule); levels compare case-insensitively.
/// - REST: no `methodSettings` at all means no method logs: NON_COMPLIANT. Every entry
///   (the stage-wide `*/*` and each method override) must have an accepted level; an
///   entry without `loggingLevel` counts as `OFF`.
/// - V2: the default route's level must be accepted (absent: NON_COMPLIANT); a route
///   override is judged only when it sets a level (otherwise it inherits the default).
///   (The rule's published reference implementation, awslabs/aws-config-rules
///   API_GW_EXECUTION_LOGGING_ENABLED, reads only the default route; judging overrides
///   follows the documented "all methods".)
/// - `loggingLevel` values are not checked against ERROR/INFO/OFF (the reference
///   implementation refuses other words); a word that is no level simply never matches.
/// - HTTP APIs have no execution logging, so their stages never carry a level. The stage
///   item does not say whether its API is HTTP or WebSocket (that is on the
///   `AWS::ApiGatewayV2::Api` item), and the managed rule scopes in every
///   `AWS::ApiGatewayV2::Stage`: like the documentation read literally, an HTTP API
///   stage is NON_COMPLIANT, and the annotation says why. Scope the rule to
///   `AWS::ApiGateway::Stage` to judge REST APIs only.
pub struct ApiGwExecutionLoggingEnabled;

/// `loggingLevel`.
const LOGGING_LEVEL: ParamSpec = ParamSpec::optional(
    "loggingLevel",
    ParamKind::Csv,
    "Comma-separated list of specific logging levels (for example, ERROR, INFO or ERROR,INFO)",
)
.with_default("ERROR,INFO");

static SPEC: RuleSpec = RuleSpec {
    name: "api-gw-execution-logging-enabled",
    description: "Every method of an API Gateway stage has execution logging at an accepted level (ERROR or INFO).",
    resource_types: &["AWS::ApiGateway::Stage", "AWS::ApiGatewayV2::Stage"],
    parameters: &[LOGGING_LEVEL],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// What the rule reads, by API Gateway generation.
pub enum StageLogging {
    /// `AWS::ApiGateway::Stage`.
    Rest(RestStage),
    /// `AWS::ApiGatewayV2::Stage`.
    V2(V2Stage),
}

/// `AWS::ApiGatewayV2::Stage`: the route logging levels.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct V2Stage {
    /// `defaultRouteSettings`.
    #[serde(default)]
    default_route_settings: Option<RouteSettings>,
    /// `routeSettings`, by route key.
    #[serde(default, deserialize_with = "map")]
    route_settings: BTreeMap<String, RouteSettings>,
}

/// Route settings.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct RouteSettings {
    #[serde(default, deserialize_with = "de::opt_text")]
    logging_level: Option<String>,
}

impl View for StageLogging {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        if item.resource_type == "AWS::ApiGatewayV2::Stage" {
            configuration(item).map(Self::V2)
        } else {
            RestStage::from_item(item).map(Self::Rest)
        }
    }
}

impl ItemRule for ApiGwExecutionLoggingEnabled {
    type View = StageLogging;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, stage: &StageLogging, params: &Params) -> Verdict {
        let accepted: Vec<String> = match params.list(&LOGGING_LEVEL).filter(|l| !l.is_empty()) {
            Some(l) => l.iter().map(|s| s.to_ascii_uppercase()).collect(),
            None => vec!["ERROR".into(), "INFO".into()],
        };
        let ok = |level: &str| {
            accepted
                .iter()
                .any(|a| a.eq_ignore_ascii_case(level.trim()))
        };
        let wanted = accepted.join(", ");
        match stage {
            StageLogging::Rest(rest) => {
                if rest.method_settings.is_empty() {
                    return Verdict::non_compliant(
                        "the stage has no method settings: execution logging is not enabled",
                    );
                }
                let failing: Vec<String> = rest
                    .method_settings
                    .iter()
                    .filter_map(|(k, m)| {
                        let level = m.logging_level.as_deref().unwrap_or("OFF");
                        (!ok(level)).then(|| format!("{k} logs at {level}"))
                    })
                    .collect();
                if failing.is_empty() {
                    Verdict::compliant(format!("every method logs at {wanted}"))
                } else {
                    Verdict::non_compliant(format!(
                        "methods not logging at {wanted}: {}",
                        failing.join("; ")
                    ))
                }
            }
            StageLogging::V2(v2) => {
                let default = v2
                    .default_route_settings
                    .as_ref()
                    .and_then(|d| d.logging_level.as_deref());
                let Some(level) = default else {
                    return Verdict::non_compliant(
                        "the default route sets no execution logging level (HTTP APIs have no \
                         execution logging; WebSocket stages must set ERROR or INFO)",
                    );
                };
                let mut failing: Vec<String> = Vec::new();
                if !ok(level) {
                    failing.push(format!("the default route logs at {level}"));
                }
                for (k, r) in &v2.route_settings {
                    if let Some(l) = r.logging_level.as_deref().filter(|l| !ok(l)) {
                        failing.push(format!("route {k} logs at {l}"));
                    }
                }
                if failing.is_empty() {
                    Verdict::compliant(format!("every route logs at {wanted}"))
                } else {
                    Verdict::non_compliant(format!(
                        "not logging at {wanted}: {}",
                        failing.join("; ")
                    ))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn rest(method_settings: Value) -> Value {
        json!({"resourceType": "AWS::ApiGateway::Stage",
               "configuration": {"stageName": "prod", "methodSettings": method_settings}})
    }

    fn v2(default: Value, routes: Value) -> Value {
        json!({"resourceType": "AWS::ApiGatewayV2::Stage",
               "configuration": {"stageName": "prod", "defaultRouteSettings": default,
                                 "routeSettings": routes}})
    }

    #[test]
    fn rest_stages_logging_every_method_at_error_or_info_are_compliant() {
        let s = rest(
            json!({"*/*": {"loggingLevel": "INFO"}, "~1orders/GET": {"loggingLevel": "ERROR"}}),
        );
        assert_eq!(
            verdict(&ApiGwExecutionLoggingEnabled, s, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn rest_stages_with_a_method_off_or_no_settings_are_non_compliant() {
        let s =
            rest(json!({"*/*": {"loggingLevel": "INFO"}, "~1orders/GET": {"loggingLevel": "OFF"}}));
        let (c, a) = verdict(&ApiGwExecutionLoggingEnabled, s, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("~1orders/GET logs at OFF"), "{a}");
        let (c, a) = verdict(&ApiGwExecutionLoggingEnabled, rest(json!({})), json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no method settings"), "{a}");
        let s = rest(json!({"*/*": {"metricsEnabled": true}}));
        let (c, a) = verdict(&ApiGwExecutionLoggingEnabled, s, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("*/* logs at OFF"), "{a}");
        let null = rest(Value::Null);
        assert_eq!(
            verdict(&ApiGwExecutionLoggingEnabled, null, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn logging_level_narrows_the_accepted_levels() {
        let s = rest(json!({"*/*": {"loggingLevel": "INFO"}}));
        let (c, a) = verdict(
            &ApiGwExecutionLoggingEnabled,
            s.clone(),
            json!({"loggingLevel": "ERROR"}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("not logging at ERROR"), "{a}");
        let (c, _) = verdict(
            &ApiGwExecutionLoggingEnabled,
            s,
            json!({"loggingLevel": "info"}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn v2_stages_are_judged_by_the_default_route_and_overrides_that_set_a_level() {
        let ok = v2(
            json!({"loggingLevel": "ERROR"}),
            json!({"$connect": {"dataTraceEnabled": true}}),
        );
        assert_eq!(
            verdict(&ApiGwExecutionLoggingEnabled, ok, json!({})).0,
            Compliant
        );
        let off_route = v2(
            json!({"loggingLevel": "ERROR"}),
            json!({"$connect": {"loggingLevel": "OFF"}}),
        );
        let (c, a) = verdict(&ApiGwExecutionLoggingEnabled, off_route, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("route $connect logs at OFF"), "{a}");
        let off = v2(json!({"loggingLevel": "OFF"}), json!({}));
        assert_eq!(
            verdict(&ApiGwExecutionLoggingEnabled, off, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn http_api_stages_without_a_level_are_non_compliant_and_say_why() {
        let http = v2(json!({"detailedMetricsEnabled": false}), json!({}));
        let (c, a) = verdict(&ApiGwExecutionLoggingEnabled, http, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("HTTP APIs have no execution logging"), "{a}");
    }
}
