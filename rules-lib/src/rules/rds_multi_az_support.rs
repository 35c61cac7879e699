//! `rds-multi-az-support`: RDS instances run in several Availability Zones.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

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
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for RdsMultiAzSupport {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        if is_cluster_engine(item) {
            return Ok(Verdict::not_applicable(format!(
                "{} instances get their availability from the cluster",
                engine(item)
            )));
        }
        if is_read_replica(item) {
            return Ok(Verdict::not_applicable(
                "read replicas are not checked for Multi-AZ",
            ));
        }
        if config_value(item, "multiAZ").and_then(as_bool) == Some(true) {
            Ok(Verdict::compliant("Multi-AZ is enabled"))
        } else {
            Ok(Verdict::non_compliant("Multi-AZ is not enabled"))
        }
    }
}
