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
