//! `ec2-instances-in-vpc`: EC2 instances run in a VPC (the given one when set).

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use crate::views::Ec2Instance;

/// `ec2-instances-in-vpc` (AWS managed rule INSTANCES_IN_VPC: the identifier differs
/// from the name).
///
/// Documented logic: checks if EC2 instances belong to a virtual private cloud (VPC);
/// optionally, `vpcId` (String) names the VPC the instances must be in.
///
/// Data: `configuration.vpcId`.
///
/// Choices: an instance without `vpcId` (EC2-Classic) is NON_COMPLIANT; with `vpcId`
/// set, an instance in another VPC is NON_COMPLIANT (exact, case-sensitive match as VPC
/// IDs are lower case).
pub struct Ec2InstancesInVpc;

/// `vpcId`.
const VPC_ID: ParamSpec = ParamSpec::optional(
    "vpcId",
    ParamKind::String,
    "VPC ID that contains these EC2 instances",
);

static SPEC: RuleSpec = RuleSpec {
    name: "ec2-instances-in-vpc",
    description: "EC2 instances run in a VPC (vpcId when set).",
    resource_types: &["AWS::EC2::Instance"],
    parameters: &[VPC_ID],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for Ec2InstancesInVpc {
    type View = Ec2Instance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, instance: &Ec2Instance, params: &Params) -> Verdict {
        let Some(vpc) = instance.vpc_id.as_deref() else {
            return Verdict::non_compliant("the instance is not in a VPC");
        };
        match params.str(&VPC_ID) {
            Some(wanted) if wanted != vpc => {
                Verdict::non_compliant(format!("the instance is in {vpc}, not in vpcId {wanted}"))
            }
            _ => Verdict::compliant(format!("the instance is in {vpc}")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn instance(vpc: Option<&str>) -> serde_json::Value {
        let mut c = json!({"instanceId": "i-1", "subnetId": "subnet-1"});
        if let Some(v) = vpc {
            c["vpcId"] = v.into();
        }
        json!({"resourceType": "AWS::EC2::Instance", "configuration": c})
    }

    #[test]
    fn an_instance_in_a_vpc_is_compliant_and_a_classic_one_is_not() {
        assert_eq!(
            verdict(&Ec2InstancesInVpc, instance(Some("vpc-1")), json!({})).0,
            Compliant
        );
        let (c, a) = verdict(&Ec2InstancesInVpc, instance(None), json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the instance is not in a VPC");
    }

    #[test]
    fn vpc_id_names_the_vpc() {
        let p = json!({"vpcId": "vpc-1"});
        assert_eq!(
            verdict(&Ec2InstancesInVpc, instance(Some("vpc-1")), p.clone()).0,
            Compliant
        );
        let (c, a) = verdict(&Ec2InstancesInVpc, instance(Some("vpc-2")), p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("not in vpcId vpc-1"), "{a}");
    }
}
