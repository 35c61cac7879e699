//! `ec2-instance-profile-attached`: EC2 instances have an IAM instance profile.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use crate::views::Ec2Instance;

/// `ec2-instance-profile-attached` (AWS managed rule EC2_INSTANCE_PROFILE_ATTACHED).
///
/// Documented logic: checks if an EC2 instance has an IAM profile attached to it;
/// NON_COMPLIANT if no IAM profile is attached. Parameter `IamInstanceProfileArnList`
/// (optional CSV): the instance profile ARNs that can be attached.
///
/// Data: `configuration.iamInstanceProfile.arn` (and `.id`).
///
/// Choices: with `IamInstanceProfileArnList` set, an attached profile not in the list is
/// NON_COMPLIANT (exact ARN match), and so is a profile recorded without an ARN (it
/// cannot be confirmed); without the parameter any attached profile is COMPLIANT.
pub struct Ec2InstanceProfileAttached;

/// `IamInstanceProfileArnList`.
const PROFILE_ARNS: ParamSpec = ParamSpec::optional(
    "IamInstanceProfileArnList",
    ParamKind::Csv,
    "Comma-separated list of IAM profile Amazon Resource Names (ARNs) that can be attached to Amazon EC2 instances",
);

static SPEC: RuleSpec = RuleSpec {
    name: "ec2-instance-profile-attached",
    description: "EC2 instances have an IAM instance profile attached (one of IamInstanceProfileArnList when set).",
    resource_types: &["AWS::EC2::Instance"],
    parameters: &[PROFILE_ARNS],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for Ec2InstanceProfileAttached {
    type View = Ec2Instance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, instance: &Ec2Instance, params: &Params) -> Verdict {
        let Some(profile) = instance
            .iam_instance_profile
            .as_ref()
            .filter(|p| p.arn.is_some() || p.id.is_some())
        else {
            return Verdict::non_compliant("no IAM instance profile is attached");
        };
        let name = profile
            .arn
            .as_deref()
            .or(profile.id.as_deref())
            .unwrap_or("");
        let Some(allowed) = params.list(&PROFILE_ARNS).filter(|l| !l.is_empty()) else {
            return Verdict::compliant(format!("IAM instance profile {name} is attached"));
        };
        match profile.arn.as_deref() {
            Some(arn) if allowed.iter().any(|a| a == arn) => {
                Verdict::compliant(format!("IAM instance profile {arn} is attached"))
            }
            Some(arn) => Verdict::non_compliant(format!(
                "IAM instance profile {arn} is not one of IamInstanceProfileArnList ({})",
                allowed.join(", ")
            )),
            None => Verdict::non_compliant(format!(
                "the attached IAM instance profile {name} has no recorded ARN, so IamInstanceProfileArnList cannot be confirmed"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    const ARN: &str = "arn:aws:iam::123456789012:instance-profile/web";

    fn instance(configuration: Value) -> Value {
        json!({"resourceType": "AWS::EC2::Instance", "configuration": configuration})
    }

    fn with_profile() -> Value {
        instance(
            json!({"instanceId": "i-1", "iamInstanceProfile": {"arn": ARN, "id": "AIPAEXAMPLE"}}),
        )
    }

    #[test]
    fn an_attached_profile_is_compliant() {
        let (c, a) = verdict(&Ec2InstanceProfileAttached, with_profile(), json!({}));
        assert_eq!(c, Compliant);
        assert!(a.contains(ARN), "{a}");
    }

    #[test]
    fn no_profile_is_non_compliant() {
        for conf in [
            json!({"instanceId": "i-1"}),
            json!({"iamInstanceProfile": null}),
            json!({"iamInstanceProfile": {}}),
        ] {
            let (c, a) = verdict(&Ec2InstanceProfileAttached, instance(conf), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "no IAM instance profile is attached");
        }
    }

    #[test]
    fn the_arn_list_limits_the_profiles() {
        let p = json!({"IamInstanceProfileArnList": format!("arn:aws:iam::123456789012:instance-profile/other,{ARN}")});
        assert_eq!(
            verdict(&Ec2InstanceProfileAttached, with_profile(), p).0,
            Compliant
        );
        let p = json!({"IamInstanceProfileArnList": "arn:aws:iam::123456789012:instance-profile/other"});
        assert_eq!(
            verdict(&Ec2InstanceProfileAttached, with_profile(), p.clone()).0,
            NonCompliant
        );
        let id_only = instance(json!({"iamInstanceProfile": {"id": "AIPAEXAMPLE"}}));
        let (c, a) = verdict(&Ec2InstanceProfileAttached, id_only, p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("cannot be confirmed"), "{a}");
    }
}
