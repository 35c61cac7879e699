//! `desired-instance-type`: instances are of an allowed type.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::config_str;

/// `desired-instance-type` (AWS managed rule DESIRED_INSTANCE_TYPE).
///
/// Documented logic: NON_COMPLIANT when the instance type is not in `instanceType`, a
/// required comma-separated list (e.g. `t2.small, m4.large`).
///
/// Choice: types are compared exactly (they are lower case in both the item and AWS's
/// examples).
pub struct DesiredInstanceType;

static SPEC: RuleSpec = RuleSpec {
    name: "desired-instance-type",
    description: "EC2 instances are of one of the allowed instance types.",
    resource_types: &["AWS::EC2::Instance"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[ParamSpec::required(
        "instanceType",
        ParamKind::Csv,
        "Comma-separated allowed instance types, e.g. t3.micro,m5.large",
    )],
    severity: Severity::Low,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for DesiredInstanceType {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let allowed = params.list("instanceType").unwrap_or_default();
        match config_str(item, "instanceType") {
            Some(t) if allowed.iter().any(|a| a == t) => {
                Ok(Verdict::compliant(format!("instance type {t} is allowed")))
            }
            Some(t) => Ok(Verdict::non_compliant(format!(
                "instance type {t} is not one of {}",
                allowed.join(", ")
            ))),
            None => Ok(Verdict::non_compliant("the item records no instance type")),
        }
    }
}
