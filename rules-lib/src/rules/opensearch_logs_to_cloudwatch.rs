//! `opensearch-logs-to-cloudwatch`: OpenSearch domains send their logs to CloudWatch
//! Logs.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use super::datastores::{bad_parameter, OpenSearchDomain};

/// `opensearch-logs-to-cloudwatch` (AWS managed rule OPENSEARCH_LOGS_TO_CLOUDWATCH).
///
/// Documented logic: NON_COMPLIANT if logging to CloudWatch Logs is not configured;
/// `logTypes` (optional, comma-separated: `search`, `index`, `error`) names the logs
/// that must be enabled. Elasticsearch domains are not evaluated.
///
/// A log type is enabled when its `LogPublishingOptions` entry (`search` =
/// `SEARCH_SLOW_LOGS`, `index` = `INDEX_SLOW_LOGS`, `error` = `ES_APPLICATION_LOGS`) has
/// `Enabled` true and a `CloudWatchLogsLogGroupArn`.
///
/// Choices: without `logTypes`, one enabled log of the three is enough (the documented
/// "not configured"; `AUDIT_LOGS` alone does not count, as it is not a `logTypes`
/// value); `logTypes` values compare case-insensitively, and any other value makes the
/// rule NON_COMPLIANT with the parameter error, rather than pass every domain.
pub struct OpensearchLogsToCloudwatch;

/// `logTypes`.
const LOG_TYPES: ParamSpec = ParamSpec::optional(
    "logTypes",
    ParamKind::Csv,
    "Log types that must be published: search, index, error (comma-separated)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "opensearch-logs-to-cloudwatch",
    description:
        "OpenSearch Service domains publish their logs (logTypes when set) to CloudWatch Logs.",
    resource_types: &["AWS::OpenSearch::Domain"],
    parameters: &[LOG_TYPES],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// `logTypes` values and their `LogPublishingOptions` keys.
const LOGS: &[(&str, &str)] = &[
    ("search", "SEARCH_SLOW_LOGS"),
    ("index", "INDEX_SLOW_LOGS"),
    ("error", "ES_APPLICATION_LOGS"),
];

impl ItemRule for OpensearchLogsToCloudwatch {
    type View = OpenSearchDomain;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, d: &OpenSearchDomain, params: &Params) -> Verdict {
        let Some(wanted) = params.list(&LOG_TYPES).filter(|l| !l.is_empty()) else {
            let on: Vec<&str> = LOGS
                .iter()
                .filter(|(_, key)| d.publishes(key))
                .map(|(name, _)| *name)
                .collect();
            return if on.is_empty() {
                Verdict::non_compliant(
                    "the domain publishes no search, index or error logs to CloudWatch Logs",
                )
            } else {
                Verdict::compliant(format!(
                    "the domain publishes {} logs to CloudWatch Logs",
                    on.join(", ")
                ))
            };
        };
        let mut missing = Vec::new();
        for w in wanted {
            let Some((name, key)) = LOGS.iter().find(|(n, _)| n.eq_ignore_ascii_case(w)) else {
                return bad_parameter("logTypes", w, "search, index or error");
            };
            if !d.publishes(key) && !missing.contains(name) {
                missing.push(*name);
            }
        }
        if missing.is_empty() {
            Verdict::compliant(format!(
                "the domain publishes {} logs to CloudWatch Logs",
                wanted.join(", ").to_ascii_lowercase()
            ))
        } else {
            Verdict::non_compliant(format!(
                "the domain does not publish {} logs to CloudWatch Logs",
                missing.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    const GROUP: &str = "arn:aws:logs:us-east-2:123456789012:log-group:/aws/opensearch/test";

    fn domain(logs: Value) -> Value {
        json!({"resourceType": "AWS::OpenSearch::Domain",
               "configuration": {"DomainName": "test", "LogPublishingOptions": logs}})
    }

    fn on() -> Value {
        json!({"Enabled": true, "CloudWatchLogsLogGroupArn": GROUP})
    }

    #[test]
    fn without_log_types_one_published_log_is_enough() {
        let app = domain(json!({"ES_APPLICATION_LOGS": on()}));
        let (c, a) = verdict(&OpensearchLogsToCloudwatch, app, json!({}));
        assert_eq!(
            (c, a.as_str()),
            (
                Compliant,
                "the domain publishes error logs to CloudWatch Logs"
            )
        );
        let (c, a) = verdict(&OpensearchLogsToCloudwatch, domain(json!({})), json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no search, index or error logs"), "{a}");
        let none = json!({"resourceType": "AWS::OpenSearch::Domain", "configuration": {}});
        assert_eq!(
            verdict(&OpensearchLogsToCloudwatch, none, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn audit_logs_alone_do_not_count() {
        let audit = domain(json!({"AUDIT_LOGS": on()}));
        assert_eq!(
            verdict(&OpensearchLogsToCloudwatch, audit, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn a_log_is_published_only_when_enabled_with_a_log_group() {
        for off in [
            json!({"Enabled": false, "CloudWatchLogsLogGroupArn": GROUP}),
            json!({"Enabled": true}),
            json!({"Enabled": true, "CloudWatchLogsLogGroupArn": ""}),
            json!(null),
        ] {
            let d = domain(json!({"SEARCH_SLOW_LOGS": off}));
            assert_eq!(
                verdict(&OpensearchLogsToCloudwatch, d, json!({})).0,
                NonCompliant
            );
        }
    }

    #[test]
    fn log_types_must_all_be_published() {
        let d = domain(json!({"SEARCH_SLOW_LOGS": on(), "INDEX_SLOW_LOGS": on()}));
        let p = json!({"logTypes": "search, Index"});
        assert_eq!(
            verdict(&OpensearchLogsToCloudwatch, d.clone(), p).0,
            Compliant
        );
        let p = json!({"logTypes": "search,index,error"});
        let (c, a) = verdict(&OpensearchLogsToCloudwatch, d, p);
        assert_eq!(
            (c, a.as_str()),
            (
                NonCompliant,
                "the domain does not publish error logs to CloudWatch Logs"
            )
        );
    }

    #[test]
    fn an_unknown_log_type_is_reported_as_a_parameter_error() {
        let d = domain(json!({"ES_APPLICATION_LOGS": on()}));
        let (c, a) = verdict(
            &OpensearchLogsToCloudwatch,
            d,
            json!({"logTypes": "error,audit"}),
        );
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("rule parameter `logTypes` has value `audit`"),
            "{a}"
        );
    }
}
