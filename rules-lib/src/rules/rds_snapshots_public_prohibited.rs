//! `rds-snapshots-public-prohibited`: RDS snapshots are not shared publicly.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::datastores::RdsSnapshot;

/// `rds-snapshots-public-prohibited` (AWS managed rule RDS_SNAPSHOTS_PUBLIC_PROHIBITED).
///
/// Documented logic: NON_COMPLIANT if any existing or new Amazon RDS snapshot (DB
/// snapshot or DB cluster snapshot) is public. No parameters.
///
/// A snapshot is public when its `restore` attribute lists `all`: read from
/// `supplementaryConfiguration.DBSnapshotAttributes` (DB snapshots) or
/// `DBClusterSnapshotAttributes` (cluster snapshots), as Config records the
/// DescribeDB(Cluster)SnapshotAttributes result.
///
/// Choices: a snapshot whose item records no attribute list is COMPLIANT, with the
/// annotation saying none was recorded (automated snapshots cannot be shared, and Config
/// records the attributes of every manual one); attribute names and the `all` value
/// compare case-insensitively.
pub struct RdsSnapshotsPublicProhibited;

static SPEC: RuleSpec = RuleSpec {
    name: "rds-snapshots-public-prohibited",
    description: "RDS DB snapshots and DB cluster snapshots are not public.",
    resource_types: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
    severity: Severity::Critical,
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsSnapshotsPublicProhibited {
    type View = RdsSnapshot;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, snap: &RdsSnapshot, _params: &Params) -> Verdict {
        let Some(attributes) = &snap.attributes else {
            return Verdict::compliant(
                "the snapshot is not public (no snapshot attributes recorded)",
            );
        };
        let public = attributes.iter().any(|a| {
            a.attribute_name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("restore"))
                && a.attribute_values
                    .iter()
                    .any(|v| v.eq_ignore_ascii_case("all"))
        });
        if public {
            Verdict::non_compliant("the snapshot is public: its restore attribute includes all")
        } else {
            Verdict::compliant("the snapshot is not public")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn snap(cluster: bool, values: Value) -> Value {
        let (t, key) = if cluster {
            ("AWS::RDS::DBClusterSnapshot", "DBClusterSnapshotAttributes")
        } else {
            ("AWS::RDS::DBSnapshot", "DBSnapshotAttributes")
        };
        json!({"resourceType": t, "configuration": {"snapshotType": "manual"},
               "supplementaryConfiguration": {key: [{"attributeName": "restore", "attributeValues": values}]}})
    }

    #[test]
    fn restore_by_all_is_public_for_both_types() {
        for cluster in [false, true] {
            let (c, a) = verdict(
                &RdsSnapshotsPublicProhibited,
                snap(cluster, json!(["all"])),
                json!({}),
            );
            assert_eq!(c, NonCompliant);
            assert!(a.contains("public"), "{a}");
            let shared = snap(cluster, json!(["123456789012"]));
            assert_eq!(
                verdict(&RdsSnapshotsPublicProhibited, shared, json!({})).0,
                Compliant
            );
            assert_eq!(
                verdict(
                    &RdsSnapshotsPublicProhibited,
                    snap(cluster, json!([])),
                    json!({})
                )
                .0,
                Compliant
            );
        }
    }

    #[test]
    fn attributes_recorded_as_json_text_are_read() {
        let item = json!({"resourceType": "AWS::RDS::DBSnapshot", "configuration": {},
            "supplementaryConfiguration": {"DBSnapshotAttributes":
                "[{\"attributeName\":\"restore\",\"attributeValues\":[\"all\"]}]"}});
        assert_eq!(
            verdict(&RdsSnapshotsPublicProhibited, item, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn the_other_types_key_is_not_read() {
        // A DB snapshot is judged on DBSnapshotAttributes only.
        let item = json!({"resourceType": "AWS::RDS::DBSnapshot", "configuration": {},
            "supplementaryConfiguration": {"DBClusterSnapshotAttributes":
                [{"attributeName": "restore", "attributeValues": ["all"]}]}});
        let (c, a) = verdict(&RdsSnapshotsPublicProhibited, item, json!({}));
        assert_eq!(c, Compliant);
        assert!(a.contains("no snapshot attributes recorded"), "{a}");
    }

    #[test]
    fn no_attributes_recorded_is_compliant_and_says_so() {
        let item = json!({"resourceType": "AWS::RDS::DBClusterSnapshot", "configuration": {}});
        let (c, a) = verdict(&RdsSnapshotsPublicProhibited, item, json!({}));
        assert_eq!(c, Compliant);
        assert!(a.contains("no snapshot attributes recorded"), "{a}");
    }

    #[test]
    fn other_attributes_do_not_count() {
        let item = json!({"resourceType": "AWS::RDS::DBSnapshot", "configuration": {},
            "supplementaryConfiguration": {"DBSnapshotAttributes":
                [{"attributeName": "other", "attributeValues": ["all"]}]}});
        assert_eq!(
            verdict(&RdsSnapshotsPublicProhibited, item, json!({})).0,
            Compliant
        );
    }
}
