//! `redshift-cluster-public-access-check`: Redshift clusters are not publicly
//! accessible.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::datastores::RedshiftCluster;

/// `redshift-cluster-public-access-check` (AWS managed rule
/// REDSHIFT_CLUSTER_PUBLIC_ACCESS_CHECK).
///
/// Documented logic: NON_COMPLIANT if `publiclyAccessible` is true in the cluster's
/// configuration item. No parameters.
///
/// Choices: absent or false is COMPLIANT, as the documented test reads; a pending change
/// (`pendingModifiedValues.publiclyAccessible`) is not considered, the current value
/// governs.
pub struct RedshiftClusterPublicAccessCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "redshift-cluster-public-access-check",
    description: "Redshift clusters are not publicly accessible.",
    resource_types: &["AWS::Redshift::Cluster"],
    severity: Severity::Critical,
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for RedshiftClusterPublicAccessCheck {
    type View = RedshiftCluster;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, c: &RedshiftCluster, _params: &Params) -> Verdict {
        if c.publicly_accessible == Some(true) {
            Verdict::non_compliant("the cluster is publicly accessible")
        } else {
            Verdict::compliant("the cluster is not publicly accessible")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn cluster(configuration: Value) -> Value {
        json!({"resourceType": "AWS::Redshift::Cluster", "configuration": configuration})
    }

    #[test]
    fn publicly_accessible_true_is_non_compliant_and_false_or_absent_compliant() {
        for public in [
            json!({"publiclyAccessible": true}),
            json!({"publiclyAccessible": "true"}),
        ] {
            let (c, a) = verdict(
                &RedshiftClusterPublicAccessCheck,
                cluster(public),
                json!({}),
            );
            assert_eq!(
                (c, a.as_str()),
                (NonCompliant, "the cluster is publicly accessible")
            );
        }
        for private in [json!({"publiclyAccessible": false}), json!({})] {
            assert_eq!(
                verdict(
                    &RedshiftClusterPublicAccessCheck,
                    cluster(private),
                    json!({})
                )
                .0,
                Compliant
            );
        }
    }

    #[test]
    fn a_pending_change_does_not_count() {
        let c = cluster(json!({"publiclyAccessible": false,
                               "pendingModifiedValues": {"publiclyAccessible": true}}));
        assert_eq!(
            verdict(&RedshiftClusterPublicAccessCheck, c, json!({})).0,
            Compliant
        );
    }
}
