//! `desired-instance-type`: instances are of an allowed type.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::Ec2Instance;

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
    type View = Ec2Instance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, instance: &Ec2Instance, params: &Params) -> Verdict {
        let allowed = params.list(&INSTANCE_TYPE).unwrap_or_default();
        match instance.instance_type.as_deref() {
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

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn instance(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::EC2::Instance", "configuration": configuration})
    }

    #[test]
    fn a_type_in_instanceType_is_compliant() {
        let (c, a) = verdict(
            &DesiredInstanceType,
            instance(json!({"instanceType": "m4.large"})),
            json!({"instanceType": "t2.small, m4.large"}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "instance type m4.large is allowed");
    }

    #[test]
    fn another_type_is_non_compliant_and_the_allowed_ones_are_listed() {
        let (c, a) = verdict(
            &DesiredInstanceType,
            instance(json!({"instanceType": "m5.24xlarge"})),
            json!({"instanceType": "t2.small, m4.large"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "instance type m5.24xlarge is not one of t2.small, m4.large"
        );
    }

    #[test]
    fn types_are_compared_exactly() {
        let (c, _) = verdict(
            &DesiredInstanceType,
            instance(json!({"instanceType": "T2.Small"})),
            json!({"instanceType": "t2.small"}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn an_instance_without_a_type_is_non_compliant() {
        for configuration in [json!({}), json!({"instanceType": 2})] {
            let (c, a) = verdict(
                &DesiredInstanceType,
                instance(configuration),
                json!({"instanceType": "t2.small"}),
            );
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "the item records no instance type");
        }
    }

    #[test]
    fn instanceType_is_required() {
        assert!(SPEC.parameter("instanceType").is_some_and(|p| p.required));
    }
}
