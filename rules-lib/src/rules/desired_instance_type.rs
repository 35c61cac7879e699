//! `desired-instance-type`: instances are of an allowed type.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::config_str;

/// `desired-instance-type` (AWS managed rule DESIRED_INSTANCE_TYPE).
///
/// Documented logic: NON_COMPLIANT when the instance type is not in `instanceType`, a
/// required comma-separated list (e.g. `t2.small, m4.large`).
///
/// Choice: types are compared exactly (they are lower case in both the item and AWS's
/// examples).
pub struct DesiredInstanceType;

/// `instanceType`.
const INSTANCE_TYPE: ParamSpec = ParamSpec::required(
    "instanceType",
    ParamKind::Csv,
    "Comma-separated allowed instance types, e.g. t3.micro,m5.large",
    );

static SPEC: RuleSpec = RuleSpec {
    name: "desired-instance-type",
    description: "EC2 instances are of one of the allowed instance types.",
    resource_types: &["AWS::EC2::Instance"],
    parameters: &[INSTANCE_TYPE],
    severity: Severity::Low,
    ..RuleSpec::CHANGE
};

impl ItemRule for DesiredInstanceType {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, params: &Params) -> Verdict {
        let allowed = params.list(&INSTANCE_TYPE).unwrap_or_default();
        match config_str(item, "instanceType") {
            Some(t) if allowed.iter().any(|a| a == t) => {
                Verdict::compliant(format!("instance type {t} is allowed"))
            }
            Some(t) => Verdict::non_compliant(format!(
                "instance type {t} is not one of {}",
                allowed.join(", ")
            )),
            None => Verdict::non_compliant("the item records no instance type"),
        }
    }
}
