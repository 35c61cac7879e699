//! `rds-multi-az-support`: RDS instances run in several Availability Zones.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec};

use super::rds::{engine, is_cluster_engine, is_read_replica};
use super::{as_bool, config_value};

/// `rds-multi-az-support` (AWS managed rule RDS_MULTI_AZ_SUPPORT).
///
/// Documented logic: NON_COMPLIANT when `multiAZ` is not enabled. Aurora, DocumentDB and
/// Neptune instances are NOT_APPLICABLE (their clusters provide availability).
///
/// Choice: read replicas are NOT_APPLICABLE too; Multi-AZ is a property of the primary.
pub struct RdsMultiAzSupport;

static SPEC: RuleSpec = RuleSpec {
    name: "rds-multi-az-support",
    description: "RDS DB instances have Multi-AZ enabled.",
    resource_types: &["AWS::RDS::DBInstance"],
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsMultiAzSupport {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        if is_cluster_engine(item) {
            return Verdict::not_applicable(format!(
                "{} instances get their availability from the cluster",
                engine(item)
            ));
        }
        if is_read_replica(item) {
            return Verdict::not_applicable(
                "read replicas are not checked for Multi-AZ",
            );
        }
        if config_value(item, "multiAZ").and_then(as_bool) == Some(true) {
            Verdict::compliant("Multi-AZ is enabled")
        } else {
            Verdict::non_compliant("Multi-AZ is not enabled")
        }
    }
}
