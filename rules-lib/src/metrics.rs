//! What each invocation tells operators, as CloudWatch metrics with no SDK call and no
//! extra permission: one line of CloudWatch embedded metric format (EMF) on stdout per
//! invocation, which CloudWatch Logs turns into metrics in the `ferrule` namespace, each
//! twice: per rule (dimension `RuleName`) and for all rules together (no dimension: what
//! the alarms in `cloudformation/alerts.yaml` watch, one alarm for every rule however
//! many are deployed).
//!
//! The metrics: evaluations by compliance type, PutEvaluations calls, AWS calls retried,
//! evaluations re-sent after a `FailedEvaluations` answer, evaluations this invocation
//! did not deliver (it failed, and Config retries it), invocations failed, and duration.
//! The line also carries the Lambda request ID (a property, not a dimension).

use serde_json::{json, Map, Value};

/// The EMF namespace.
pub const NAMESPACE: &str = "ferrule";

/// The dimension every metric has.
pub const DIMENSION: &str = "RuleName";

/// One invocation's figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InvocationMetrics {
    /// The rule (the dimension's value).
    pub rule: &'static str,
    /// COMPLIANT evaluations.
    pub compliant: usize,
    /// NON_COMPLIANT evaluations.
    pub non_compliant: usize,
    /// NOT_APPLICABLE evaluations.
    pub not_applicable: usize,
    /// PutEvaluations calls the service accepted.
    pub put_evaluations_calls: usize,
    /// AWS calls retried (throttling, 5xx, connection errors).
    pub retries: u64,
    /// Evaluations sent again after a `FailedEvaluations` answer.
    pub resent: usize,
    /// Evaluations judged but not delivered by this invocation.
    pub undelivered: usize,
    /// Whether the invocation failed.
    pub failed: bool,
    /// Wall time of the invocation, in milliseconds.
    pub duration_ms: f64,
}

impl InvocationMetrics {
    /// Empty figures for `rule`.
    pub fn new(rule: &'static str) -> Self {
        Self {
            rule,
            ..Self::default()
        }
    }

    /// Evaluations judged.
    pub fn evaluated(&self) -> usize {
        self.compliant + self.non_compliant + self.not_applicable
    }

    /// The metrics with their units, in the order the line lists them.
    pub fn values(&self) -> [(&'static str, &'static str, f64); 9] {
        [
            ("Compliant", "Count", self.compliant as f64),
            ("NonCompliant", "Count", self.non_compliant as f64),
            ("NotApplicable", "Count", self.not_applicable as f64),
            (
                "PutEvaluationsCalls",
                "Count",
                self.put_evaluations_calls as f64,
            ),
            ("Retries", "Count", self.retries as f64),
            ("ResentEvaluations", "Count", self.resent as f64),
            ("UndeliveredEvaluations", "Count", self.undelivered as f64),
            (
                "FailedInvocations",
                "Count",
                if self.failed { 1.0 } else { 0.0 },
            ),
            ("Duration", "Milliseconds", self.duration_ms),
        ]
    }

    /// The EMF line (one line of JSON, no newline), stamped `timestamp_ms`.
    pub fn emf_line(&self, request_id: &str, timestamp_ms: u64) -> String {
        let values = self.values();
        let definitions: Vec<Value> = values
            .iter()
            .map(|(name, unit, _)| json!({"Name": name, "Unit": unit}))
            .collect();
        let mut root = Map::new();
        root.insert(
            "_aws".into(),
            json!({
                "Timestamp": timestamp_ms,
                "CloudWatchMetrics": [{
                    "Namespace": NAMESPACE,
                    "Dimensions": [[DIMENSION], []],
                    "Metrics": definitions,
                }],
            }),
        );
        root.insert(DIMENSION.into(), Value::from(self.rule));
        for (name, _, value) in values {
            root.insert(name.into(), json!(value));
        }
        root.insert("RequestId".into(), Value::from(request_id));
        Value::Object(root).to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_emf_line_declares_every_metric_it_carries_under_the_rule_dimension() {
        let m = InvocationMetrics {
            compliant: 2,
            non_compliant: 1,
            put_evaluations_calls: 1,
            retries: 3,
            duration_ms: 12.5,
            ..InvocationMetrics::new("encrypted-volumes")
        };
        let line = m.emf_line("req-1", 1_700_000_000_000);
        assert!(!line.contains('\n'));
        let v: Value = serde_json::from_str(&line).unwrap();
        let directive = &v["_aws"]["CloudWatchMetrics"][0];
        assert_eq!(v["_aws"]["Timestamp"], 1_700_000_000_000u64);
        assert_eq!(directive["Namespace"], NAMESPACE);
        assert_eq!(directive["Dimensions"], json!([["RuleName"], []]));
        assert_eq!(v["RuleName"], "encrypted-volumes");
        assert_eq!(v["RequestId"], "req-1");
        let declared = directive["Metrics"].as_array().unwrap();
        assert_eq!(declared.len(), 9);
        for d in declared {
            let name = d["Name"].as_str().unwrap();
            assert!(v[name].is_number(), "{name} is declared but has no value");
            assert!(["Count", "Milliseconds"].contains(&d["Unit"].as_str().unwrap()));
        }
        assert_eq!(v["Compliant"], 2.0);
        assert_eq!(v["NonCompliant"], 1.0);
        assert_eq!(v["Retries"], 3.0);
        assert_eq!(v["FailedInvocations"], 0.0);
        assert_eq!(v["Duration"], 12.5);
    }

    #[test]
    fn a_failed_invocation_counts_one_failure_and_what_it_did_not_deliver() {
        let m = InvocationMetrics {
            non_compliant: 4,
            undelivered: 4,
            failed: true,
            ..InvocationMetrics::new("restricted-ssh")
        };
        let v: Value = serde_json::from_str(&m.emf_line("r", 0)).unwrap();
        assert_eq!(v["FailedInvocations"], 1.0);
        assert_eq!(v["UndeliveredEvaluations"], 4.0);
        assert_eq!(m.evaluated(), 4);
    }
}
