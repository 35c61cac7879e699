//! `rds-multi-az-support`: RDS instances run in several Availability Zones.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::RdsInstance;

use super::rds::is_cluster_engine;

/// `rds-multi-az-support` (AWS managed rule RDS_MULTI_AZ_SUPPORT).
///
/// Documented logic: NON_COMPLIANT when `multiAZ` is not enabled. Aurora, DocumentDB and
/// Neptune instances are NOT_APPLICABLE (their clusters provide availability).
///
/// Read replicas are judged like any instance, as by the managed rule. Extension: the
/// ferrule parameter `excludeReadReplicas` (off by default) makes them NOT_APPLICABLE,
/// for accounts that judge Multi-AZ on the primary only.
pub struct RdsMultiAzSupport;

/// `excludeReadReplicas` (ferrule's own).
const EXCLUDE_READ_REPLICAS: ParamSpec = ParamSpec::optional(
    "excludeReadReplicas",
    ParamKind::Bool,
    "ferrule extension: read replicas are NOT_APPLICABLE (off: judged like any instance, as AWS does)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "rds-multi-az-support",
    description: "RDS DB instances have Multi-AZ enabled.",
    resource_types: &["AWS::RDS::DBInstance"],
    parameters: &[EXCLUDE_READ_REPLICAS],
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsMultiAzSupport {
    type View = RdsInstance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, db: &RdsInstance, params: &Params) -> Verdict {
        if is_cluster_engine(db) {
            return Verdict::not_applicable(format!(
                "{} instances get their availability from the cluster",
                db.engine_lower()
            ));
        }
        if db.is_read_replica() && params.bool(&EXCLUDE_READ_REPLICAS) == Some(true) {
            return Verdict::not_applicable("read replicas are excluded (excludeReadReplicas)");
        }
        if db.multi_az == Some(true) {
            Verdict::compliant("Multi-AZ is enabled")
        } else {
            Verdict::non_compliant("Multi-AZ is not enabled")
        }
    }
}

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn db(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::RDS::DBInstance", "configuration": configuration})
    }

    #[test]
    fn multiAZ_on_is_compliant_and_off_or_absent_is_not() {
        let on = db(json!({"engine": "mysql", "multiAZ": true}));
        let (c, a) = verdict(&RdsMultiAzSupport, on, json!({}));
        assert_eq!(c, Compliant);
        assert_eq!(a, "Multi-AZ is enabled");
        for off in [
            json!({"engine": "mysql", "multiAZ": false}),
            json!({"engine": "postgres"}),
        ] {
            let (c, a) = verdict(&RdsMultiAzSupport, db(off), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "Multi-AZ is not enabled");
        }
    }

    #[test]
    fn aurora_documentdb_and_neptune_instances_are_not_applicable() {
        for engine in [
            "aurora-mysql",
            "Aurora-PostgreSQL",
            "aurora",
            "docdb",
            "neptune",
        ] {
            let member = db(json!({"engine": engine, "multiAZ": false}));
            let (c, a) = verdict(&RdsMultiAzSupport, member, json!({}));
            assert_eq!(c, NotApplicable, "{engine}");
            assert_eq!(
                a,
                format!(
                    "{} instances get their availability from the cluster",
                    engine.to_ascii_lowercase()
                )
            );
        }
    }

    #[test]
    fn a_read_replica_is_judged_unless_excludeReadReplicas() {
        let replica = || {
            db(json!({"engine": "mysql", "multiAZ": false,
                      "readReplicaSourceDBInstanceIdentifier": "db-0"}))
        };
        for p in [json!({}), json!({"excludeReadReplicas": "false"})] {
            let (c, a) = verdict(&RdsMultiAzSupport, replica(), p);
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "Multi-AZ is not enabled");
        }
        let (c, a) = verdict(
            &RdsMultiAzSupport,
            replica(),
            json!({"excludeReadReplicas": "true"}),
        );
        assert_eq!(c, NotApplicable);
        assert_eq!(a, "read replicas are excluded (excludeReadReplicas)");
    }

    #[test]
    fn excludeReadReplicas_leaves_primaries_judged() {
        let primary = db(json!({"engine": "mysql", "multiAZ": false}));
        let (c, _) = verdict(
            &RdsMultiAzSupport,
            primary,
            json!({"excludeReadReplicas": "true"}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn an_unreadable_setting_is_non_compliant_and_says_why() {
        let bad = db(json!({"engine": "mysql", "multiAZ": {"on": true}}));
        let (c, a) = verdict(&RdsMultiAzSupport, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("configuration cannot be read"), "{a}");
    }
}
