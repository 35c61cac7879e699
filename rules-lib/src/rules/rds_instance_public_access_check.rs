//! `rds-instance-public-access-check`: RDS instances are not publicly accessible.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::{as_bool, config_value};

/// `rds-instance-public-access-check` (AWS managed rule RDS_INSTANCE_PUBLIC_ACCESS_CHECK).
///
/// Documented logic: NON_COMPLIANT when `publiclyAccessible` is true.
pub struct RdsInstancePublicAccessCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "rds-instance-public-access-check",
    description: "RDS DB instances are not publicly accessible.",
    resource_types: &["AWS::RDS::DBInstance"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::Critical,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for RdsInstancePublicAccessCheck {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        if config_value(item, "publiclyAccessible").and_then(as_bool) == Some(true) {
            Ok(Verdict::non_compliant(
                "the DB instance is publicly accessible",
            ))
        } else {
            Ok(Verdict::compliant(
                "the DB instance is not publicly accessible",
            ))
        }
    }
}
