//! `ec2-volume-inuse-check`: EBS volumes are attached (and deleted with the instance).

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::EbsVolume;

/// `ec2-volume-inuse-check` (AWS managed rule EC2_VOLUME_INUSE_CHECK).
///
/// Documented logic: checks if EBS volumes are attached to EC2 instances; COMPLIANT if
/// attached to a running or stopped instance, NON_COMPLIANT if not attached or attached
/// to a terminated instance. Parameter `deleteOnTermination` (optional boolean, `True`
/// or `False`): when `True`, NON_COMPLIANT if the volume is not marked for deletion on
/// termination.
///
/// Data: `configuration.attachments[]` (`state`, `deleteOnTermination`) and
/// `configuration.state` (shared [`EbsVolume`] view).
///
/// Choices and divergences:
/// - An attachment counts unless its state is `detached`; with no attachment entries, a
///   volume `in-use` counts as attached.
/// - The instance's state is not on the volume item: EC2 detaches a volume when its
///   instance terminates, so a volume of a terminated instance is recorded without
///   attachments and is NON_COMPLIANT; in the brief window before that, it is judged
///   attached.
/// - `deleteOnTermination` `True`: every attachment must have `deleteOnTermination`
///   true (an attached volume with no attachment entry cannot be confirmed:
///   NON_COMPLIANT). `False` (or absent) does not judge the flag: the documentation
///   describes only `True`.
/// - The parameter reads `true`/`false` in any case; any other value is refused as a
///   parameter error (the managed rule marks resources NON_COMPLIANT instead).
pub struct Ec2VolumeInuseCheck;

/// `deleteOnTermination`.
const DELETE_ON_TERMINATION: ParamSpec = ParamSpec::optional(
    "deleteOnTermination",
    ParamKind::BoolAnyCase,
    "EBS volumes are marked for deletion when an instance is terminated (True or False)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "ec2-volume-inuse-check",
    description: "EBS volumes are attached to an instance (and marked for deletion on termination when deleteOnTermination is True).",
    resource_types: &["AWS::EC2::Volume"],
    parameters: &[DELETE_ON_TERMINATION],
    severity: Severity::Low,
    preventive: false,
    ..RuleSpec::CHANGE
};

fn text<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

impl ItemRule for Ec2VolumeInuseCheck {
    type View = EbsVolume;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, volume: &EbsVolume, params: &Params) -> Verdict {
        let attached: Vec<&Value> = volume
            .attachments
            .iter()
            .filter(|a| !text(a, "state").is_some_and(|s| s.eq_ignore_ascii_case("detached")))
            .collect();
        let in_use = volume
            .state
            .as_deref()
            .is_some_and(|s| s.eq_ignore_ascii_case("in-use"));
        if attached.is_empty() && !(volume.attachments.is_empty() && in_use) {
            return Verdict::non_compliant("the volume is not attached to an instance");
        }
        let instances: Vec<&str> = attached
            .iter()
            .filter_map(|a| text(a, "instanceId"))
            .collect();
        let to = if instances.is_empty() {
            String::new()
        } else {
            format!(" to {}", instances.join(", "))
        };
        if params.bool(&DELETE_ON_TERMINATION) != Some(true) {
            return Verdict::compliant(format!("the volume is attached{to}"));
        }
        if attached.is_empty() {
            return Verdict::non_compliant(
                "the volume is in use but records no attachment, so deleteOnTermination cannot be confirmed",
            );
        }
        let kept: Vec<&str> = attached
            .iter()
            .filter(|a| a.get("deleteOnTermination").and_then(super::as_bool) != Some(true))
            .map(|a| text(a, "instanceId").unwrap_or("an instance"))
            .collect();
        if kept.is_empty() {
            Verdict::compliant(format!(
                "the volume is attached{to} and deleted on termination"
            ))
        } else {
            Verdict::non_compliant(format!(
                "the volume is not marked for deletion on termination of {}",
                kept.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn volume(state: &str, attachments: Value) -> Value {
        json!({"resourceType": "AWS::EC2::Volume",
               "configuration": {"volumeId": "vol-1", "state": state, "attachments": attachments}})
    }

    fn attachment(dot: Value) -> Value {
        json!([{"volumeId": "vol-1", "instanceId": "i-1", "device": "/dev/xvda",
                "state": "attached", "deleteOnTermination": dot}])
    }

    #[test]
    fn an_attached_volume_is_compliant() {
        let (c, a) = verdict(
            &Ec2VolumeInuseCheck,
            volume("in-use", attachment(json!(false))),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert!(a.contains("i-1"), "{a}");
        let bare = volume("in-use", json!([]));
        assert_eq!(verdict(&Ec2VolumeInuseCheck, bare, json!({})).0, Compliant);
    }

    #[test]
    fn an_unattached_or_detached_volume_is_non_compliant() {
        let (c, a) = verdict(
            &Ec2VolumeInuseCheck,
            volume("available", json!([])),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "the volume is not attached to an instance");
        let detached = volume(
            "available",
            json!([{"instanceId": "i-1", "state": "detached"}]),
        );
        assert_eq!(
            verdict(&Ec2VolumeInuseCheck, detached, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn delete_on_termination_true_requires_the_flag() {
        let p = json!({"deleteOnTermination": "True"});
        let on = volume("in-use", attachment(json!(true)));
        assert_eq!(verdict(&Ec2VolumeInuseCheck, on, p.clone()).0, Compliant);
        let off = volume("in-use", attachment(json!(false)));
        let (c, a) = verdict(&Ec2VolumeInuseCheck, off.clone(), p.clone());
        assert_eq!(c, NonCompliant);
        assert!(a.contains("i-1"), "{a}");
        let bare = volume("in-use", json!([]));
        assert_eq!(verdict(&Ec2VolumeInuseCheck, bare, p).0, NonCompliant);
        let p = json!({"deleteOnTermination": "false"});
        assert_eq!(verdict(&Ec2VolumeInuseCheck, off, p).0, Compliant);
    }

    #[test]
    fn delete_on_termination_reads_true_or_false_in_any_case_only() {
        let parse = |v: &str| {
            let raw = json!({"deleteOnTermination": v});
            Params::parse(SPEC.name, SPEC.parameters, raw.as_object().unwrap()).map(|(p, _)| p)
        };
        assert_eq!(
            parse("TRUE").unwrap().bool(&DELETE_ON_TERMINATION),
            Some(true)
        );
        assert_eq!(
            parse("False").unwrap().bool(&DELETE_ON_TERMINATION),
            Some(false)
        );
        let e = parse("yes").unwrap_err();
        assert!(e.to_string().contains("deleteOnTermination"), "{e}");
    }
}
