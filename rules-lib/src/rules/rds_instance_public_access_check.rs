//! `rds-instance-public-access-check`: RDS instances are not publicly accessible.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::{as_bool, config_value};

/// `rds-instance-public-access-check` (AWS managed rule RDS_INSTANCE_PUBLIC_ACCESS_CHECK).
///
/// Documented logic: NON_COMPLIANT when `publiclyAccessible` is true.
pub struct RdsInstancePublicAccessCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "rds-instance-public-access-check",
    description: "RDS DB instances are not publicly accessible.",
    resource_types: &["AWS::RDS::DBInstance"],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsInstancePublicAccessCheck {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        if config_value(item, "publiclyAccessible").and_then(as_bool) == Some(true) {
            Verdict::non_compliant(
                "the DB instance is publicly accessible",
            )
        } else {
            Verdict::compliant(
                "the DB instance is not publicly accessible",
            )
        }
    }
}
