//! `approved-amis-by-id`: instances run an approved AMI.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::Ec2Instance;

/// `approved-amis-by-id` (AWS managed rule APPROVED_AMIS_BY_ID).
///
/// Documented logic: NON_COMPLIANT when the instance's AMI (`imageId`) is not in
/// `amiIds`, a required comma-separated list.
pub struct ApprovedAmisById;

/// `amiIds`.
const AMI_IDS: ParamSpec =
    ParamSpec::required("amiIds", ParamKind::Csv, "Comma-separated approved AMI IDs");

static SPEC: RuleSpec = RuleSpec {
    name: "approved-amis-by-id",
    description: "EC2 instances run one of the approved AMIs.",
    resource_types: &["AWS::EC2::Instance"],
    parameters: &[AMI_IDS],
    ..RuleSpec::CHANGE
};

impl ItemRule for ApprovedAmisById {
    type View = Ec2Instance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, instance: &Ec2Instance, params: &Params) -> Verdict {
        let allowed = params.list(&AMI_IDS).unwrap_or_default();
        match instance.image_id.as_deref() {
            Some(ami) if allowed.iter().any(|a| a == ami) => {
                Verdict::compliant(format!("AMI {ami} is approved"))
            }
            Some(ami) => {
                Verdict::non_compliant(format!("AMI {ami} is not one of the approved AMIs"))
            }
            None => Verdict::non_compliant("the item records no AMI"),
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
    fn an_ami_in_amiIds_is_compliant() {
        let (c, a) = verdict(
            &ApprovedAmisById,
            instance(json!({"imageId": "ami-0b"})),
            json!({"amiIds": "ami-0a, ami-0b"}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "AMI ami-0b is approved");
    }

    #[test]
    fn an_ami_not_in_amiIds_is_non_compliant_and_named() {
        let (c, a) = verdict(
            &ApprovedAmisById,
            instance(json!({"imageId": "ami-0c"})),
            json!({"amiIds": "ami-0a,ami-0b"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "AMI ami-0c is not one of the approved AMIs");
    }

    #[test]
    fn amis_are_compared_exactly() {
        let (c, _) = verdict(
            &ApprovedAmisById,
            instance(json!({"imageId": "AMI-0A"})),
            json!({"amiIds": "ami-0a"}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn an_instance_without_an_ami_is_non_compliant() {
        for configuration in [json!({}), json!({"imageId": null}), json!({"imageId": 7})] {
            let (c, a) = verdict(
                &ApprovedAmisById,
                instance(configuration),
                json!({"amiIds": "ami-0a"}),
            );
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "the item records no AMI");
        }
    }

    #[test]
    fn amiIds_is_required() {
        assert!(SPEC.parameter("amiIds").is_some_and(|p| p.required));
    }
}
