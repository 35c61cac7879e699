//! `eks-cluster-logging-enabled`: EKS clusters send every control plane log type.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::EksCluster;

/// The control plane log types EKS offers today.
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

/// `eks-cluster-logging-enabled` (AWS managed rule EKS_CLUSTER_LOGGING_ENABLED).
///
/// Documented logic: checks if an Amazon EKS cluster is configured with logging
/// enabled; NON_COMPLIANT if logging is not enabled for all log types. Periodic. No
/// parameters (unlike `eks-cluster-log-enabled`, a different rule with `logTypes`).
///
/// Data: `configuration.Logging.ClusterLogging.EnabledTypes[].Type` (PascalCase,
/// CloudFormation shape; only enabled types are listed).
///
/// Choices: "all log types" are the five EKS offers today (`api`, `audit`,
/// `authenticator`, `controllerManager`, `scheduler`), a constant to extend if EKS adds
/// one; types compare case-insensitively; no `Logging` means none enabled.
pub struct EksClusterLoggingEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "eks-cluster-logging-enabled",
    description: "EKS clusters have every control plane log type enabled.",
    resource_types: &["AWS::EKS::Cluster"],
    ..RuleSpec::PERIODIC
};

impl ItemRule for EksClusterLoggingEnabled {
    type View = EksCluster;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, cluster: &EksCluster, _params: &Params) -> Verdict {
        let enabled: Vec<&str> = cluster
            .logging
            .as_ref()
            .and_then(|l| l.cluster_logging.as_ref())
            .map(|c| {
                c.enabled_types
                    .iter()
                    .filter_map(|t| t.r#type.as_deref())
                    .collect()
            })
            .unwrap_or_default();
        let missing: Vec<&str> = LOG_TYPES
            .into_iter()
            .filter(|t| !enabled.iter().any(|e| e.trim().eq_ignore_ascii_case(t)))
            .collect();
        if missing.is_empty() {
            Verdict::compliant("every control plane log type is enabled")
        } else {
            Verdict::non_compliant(format!(
                "control plane log types not enabled: {}",
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

    fn cluster(types: &[&str]) -> Value {
        let t: Vec<Value> = types.iter().map(|t| json!({"Type": t})).collect();
        json!({"resourceType": "AWS::EKS::Cluster",
               "configuration": {"Name": "prod", "Logging": {"ClusterLogging": {"EnabledTypes": t}}}})
    }

    #[test]
    fn all_five_types_are_compliant() {
        let c = cluster(&[
            "api",
            "audit",
            "authenticator",
            "controllermanager",
            "scheduler",
        ]);
        assert_eq!(
            verdict(&EksClusterLoggingEnabled, c, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn missing_types_are_non_compliant_and_named() {
        let (c, a) = verdict(
            &EksClusterLoggingEnabled,
            cluster(&["api", "audit"]),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "control plane log types not enabled: authenticator, controllerManager, scheduler"
        );
        let none = json!({"resourceType": "AWS::EKS::Cluster", "configuration": {"Name": "prod"}});
        assert_eq!(
            verdict(&EksClusterLoggingEnabled, none, json!({})).0,
            NonCompliant
        );
    }
}
