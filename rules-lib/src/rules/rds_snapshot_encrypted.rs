//! `rds-snapshot-encrypted`: RDS snapshots are encrypted.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::datastores::RdsSnapshot;

/// `rds-snapshot-encrypted` (AWS managed rule RDS_SNAPSHOT_ENCRYPTED).
///
/// Documented logic: NON_COMPLIANT if an Amazon RDS DB snapshot is not encrypted. The
/// rule covers DB snapshots (`configuration.encrypted`) and DB cluster snapshots
/// (`configuration.storageEncrypted`). No parameters.
///
/// Choices: an absent flag is not encrypted; when a snapshot records only the other
/// type's field, that field is read (both mean the same); the key (`kmsKeyId`) is not
/// checked, as the managed rule takes no key parameter.
pub struct RdsSnapshotEncrypted;

static SPEC: RuleSpec = RuleSpec {
    name: "rds-snapshot-encrypted",
    description: "RDS DB snapshots and DB cluster snapshots are encrypted.",
    resource_types: &["AWS::RDS::DBSnapshot", "AWS::RDS::DBClusterSnapshot"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsSnapshotEncrypted {
    type View = RdsSnapshot;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, snap: &RdsSnapshot, _params: &Params) -> Verdict {
        match snap.encrypted {
            Some(true) => Verdict::compliant("the snapshot is encrypted"),
            _ => Verdict::non_compliant("the snapshot is not encrypted"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn item(t: &str, configuration: Value) -> Value {
        json!({"resourceType": t, "configuration": configuration})
    }

    #[test]
    fn db_snapshots_read_encrypted() {
        let t = "AWS::RDS::DBSnapshot";
        assert_eq!(
            verdict(
                &RdsSnapshotEncrypted,
                item(t, json!({"encrypted": true})),
                json!({})
            )
            .0,
            Compliant
        );
        for off in [
            json!({"encrypted": false}),
            json!({}),
            json!({"encrypted": "false"}),
        ] {
            let (c, a) = verdict(&RdsSnapshotEncrypted, item(t, off), json!({}));
            assert_eq!(
                (c, a.as_str()),
                (NonCompliant, "the snapshot is not encrypted")
            );
        }
    }

    #[test]
    fn cluster_snapshots_read_storage_encrypted() {
        let t = "AWS::RDS::DBClusterSnapshot";
        assert_eq!(
            verdict(
                &RdsSnapshotEncrypted,
                item(t, json!({"storageEncrypted": true})),
                json!({})
            )
            .0,
            Compliant
        );
        let off = item(t, json!({"storageEncrypted": false, "encrypted": true}));
        assert_eq!(
            verdict(&RdsSnapshotEncrypted, off, json!({})).0,
            NonCompliant
        );
        assert_eq!(
            verdict(&RdsSnapshotEncrypted, item(t, json!({})), json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn the_other_types_field_is_read_when_the_own_one_is_absent() {
        let db = item("AWS::RDS::DBSnapshot", json!({"storageEncrypted": true}));
        assert_eq!(verdict(&RdsSnapshotEncrypted, db, json!({})).0, Compliant);
        let cl = item("AWS::RDS::DBClusterSnapshot", json!({"encrypted": true}));
        assert_eq!(verdict(&RdsSnapshotEncrypted, cl, json!({})).0, Compliant);
    }
}
