//! `redshift-cluster-configuration-check`: Redshift clusters have the expected
//! encryption, audit logging and node types.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use super::datastores::RedshiftCluster;

/// `redshift-cluster-configuration-check` (AWS managed rule
/// REDSHIFT_CLUSTER_CONFIGURATION_CHECK).
///
/// Documented logic: NON_COMPLIANT if the cluster is not encrypted
/// (`clusterDbEncrypted`, required, default TRUE), or does not have audit logging enabled
/// (`loggingEnabled`, required, default TRUE), or (`nodeTypes`, default dc1.large) its
/// node type is not one of those given.
///
/// Choices:
/// - "or encrypted with another key" in the documentation cannot be checked (the rule
///   takes no key) and is not;
/// - a `false` boolean parameter skips its check (it does not require the opposite); the
///   booleans are read in any case (`TRUE`, as AWS's conformance packs write them);
/// - audit logging is `supplementaryConfiguration.LoggingStatus.loggingEnabled`;
/// - node types are checked only when `nodeTypes` is given: the documented default
///   dc1.large (a retired type) is what templates fill in, never applied at evaluation;
///   node types compare case-insensitively;
/// - every failed check is listed in the annotation.
pub struct RedshiftClusterConfigurationCheck;

/// `clusterDbEncrypted`.
const CLUSTER_DB_ENCRYPTED: ParamSpec = ParamSpec::required(
    "clusterDbEncrypted",
    ParamKind::BoolAnyCase,
    "Database encryption is enabled",
)
.with_default("TRUE");

/// `loggingEnabled`.
const LOGGING_ENABLED: ParamSpec = ParamSpec::required(
    "loggingEnabled",
    ParamKind::BoolAnyCase,
    "Audit logging is enabled",
)
.with_default("TRUE");

/// `nodeTypes`.
const NODE_TYPES: ParamSpec = ParamSpec::optional(
    "nodeTypes",
    ParamKind::Csv,
    "Allowed node types (comma-separated)",
)
.with_default("dc1.large");

static SPEC: RuleSpec = RuleSpec {
    name: "redshift-cluster-configuration-check",
    description: "Redshift clusters are encrypted, have audit logging enabled and use one of nodeTypes when set.",
    resource_types: &["AWS::Redshift::Cluster"],
    parameters: &[CLUSTER_DB_ENCRYPTED, LOGGING_ENABLED, NODE_TYPES],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for RedshiftClusterConfigurationCheck {
    type View = RedshiftCluster;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, c: &RedshiftCluster, params: &Params) -> Verdict {
        let mut problems = Vec::new();
        let mut checked = Vec::new();
        if params.bool(&CLUSTER_DB_ENCRYPTED) == Some(true) {
            checked.push("encrypted");
            if c.encrypted != Some(true) {
                problems.push("the cluster is not encrypted".to_string());
            }
        }
        if params.bool(&LOGGING_ENABLED) == Some(true) {
            checked.push("audit logging enabled");
            if c.logging_enabled != Some(true) {
                problems.push("audit logging is not enabled".to_string());
            }
        }
        if let Some(types) = params.list(&NODE_TYPES).filter(|l| !l.is_empty()) {
            let node = c.node_type.as_deref().unwrap_or("");
            if types.iter().any(|t| t.eq_ignore_ascii_case(node)) {
                checked.push("node type allowed");
            } else {
                let shown = if node.is_empty() { "unrecorded" } else { node };
                problems.push(format!(
                    "node type {shown} is not one of {}",
                    types.join(", ")
                ));
            }
        }
        if !problems.is_empty() {
            Verdict::non_compliant(problems.join("; "))
        } else if checked.is_empty() {
            Verdict::compliant("no check is enabled by the parameters")
        } else {
            Verdict::compliant(format!("the cluster is {}", checked.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn cluster(encrypted: bool, logging: bool, node: &str) -> Value {
        json!({"resourceType": "AWS::Redshift::Cluster",
               "configuration": {"clusterIdentifier": "c1", "nodeType": node, "encrypted": encrypted},
               "supplementaryConfiguration": {"LoggingStatus": {"loggingEnabled": logging}}})
    }

    fn both() -> Value {
        json!({"clusterDbEncrypted": "TRUE", "loggingEnabled": "true"})
    }

    #[test]
    fn encrypted_and_logging_is_compliant() {
        let (c, a) = verdict(
            &RedshiftClusterConfigurationCheck,
            cluster(true, true, "ra3.xlplus"),
            both(),
        );
        assert_eq!(
            (c, a.as_str()),
            (Compliant, "the cluster is encrypted, audit logging enabled")
        );
    }

    #[test]
    fn every_failure_is_listed() {
        let (c, a) = verdict(
            &RedshiftClusterConfigurationCheck,
            cluster(false, false, "ra3.xlplus"),
            both(),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "the cluster is not encrypted; audit logging is not enabled"
        );
        let (c, a) = verdict(
            &RedshiftClusterConfigurationCheck,
            cluster(true, false, "ra3.xlplus"),
            both(),
        );
        assert_eq!(
            (c, a.as_str()),
            (NonCompliant, "audit logging is not enabled")
        );
    }

    #[test]
    fn no_logging_status_recorded_is_not_enabled() {
        let item =
            json!({"resourceType": "AWS::Redshift::Cluster", "configuration": {"encrypted": true}});
        let (c, a) = verdict(&RedshiftClusterConfigurationCheck, item, both());
        assert_eq!(
            (c, a.as_str()),
            (NonCompliant, "audit logging is not enabled")
        );
    }

    #[test]
    fn a_false_parameter_skips_its_check() {
        let p = json!({"clusterDbEncrypted": "false", "loggingEnabled": "FALSE"});
        let (c, a) = verdict(
            &RedshiftClusterConfigurationCheck,
            cluster(false, false, "dc2.large"),
            p,
        );
        assert_eq!(
            (c, a.as_str()),
            (Compliant, "no check is enabled by the parameters")
        );
        let p = json!({"clusterDbEncrypted": "true", "loggingEnabled": "false"});
        assert_eq!(
            verdict(
                &RedshiftClusterConfigurationCheck,
                cluster(true, false, "x"),
                p
            )
            .0,
            Compliant
        );
    }

    #[test]
    fn node_types_are_checked_only_when_given() {
        let mut p = both();
        p["nodeTypes"] = json!("dc2.large, RA3.XLPLUS");
        assert_eq!(
            verdict(
                &RedshiftClusterConfigurationCheck,
                cluster(true, true, "ra3.xlplus"),
                p.clone()
            )
            .0,
            Compliant
        );
        let (c, a) = verdict(
            &RedshiftClusterConfigurationCheck,
            cluster(true, true, "dc1.large"),
            p,
        );
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("node type dc1.large is not one of dc2.large, RA3.XLPLUS"),
            "{a}"
        );
        // Without nodeTypes, the documented default dc1.large is not applied.
        assert_eq!(
            verdict(
                &RedshiftClusterConfigurationCheck,
                cluster(true, true, "ra3.4xlarge"),
                both()
            )
            .0,
            Compliant
        );
    }
}
