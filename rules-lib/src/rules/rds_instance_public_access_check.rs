//! `rds-instance-public-access-check`: RDS instances are not publicly accessible.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::RdsInstance;

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
    type View = RdsInstance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, db: &RdsInstance, _params: &Params) -> Verdict {
        if db.publicly_accessible == Some(true) {
            Verdict::non_compliant("the DB instance is publicly accessible")
        } else {
            Verdict::compliant("the DB instance is not publicly accessible")
        }
    }
}
