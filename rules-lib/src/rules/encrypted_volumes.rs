//! `encrypted-volumes`: attached EBS volumes are encrypted, optionally with given keys.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::EbsVolume;

use super::kms_key::allowed_key_verdict;

/// `encrypted-volumes` (AWS managed rule ENCRYPTED_VOLUMES).
///
/// Documented logic: checks whether EBS volumes that are in an attached state are
/// encrypted and, when `kmsId` is given, encrypted with that KMS key. NON_COMPLIANT when
/// an attached volume is unencrypted or uses another key.
///
/// Choices where the documentation is silent:
/// - "Attached" means `configuration.attachments` has an entry (or `state` is
///   `in-use`). Volumes that are not attached are NOT_APPLICABLE.
/// - `kmsId` matches the volume's `kmsKeyId` by key ID or key ARN. As an extension it
///   may list several keys, comma-separated (a key ID has no commas, so a single value
///   means what it means for the managed rule).
pub struct EncryptedVolumes;

/// `kmsId`.
const KMS_ID: ParamSpec = ParamSpec::optional(
    "kmsId",
    ParamKind::Csv,
    "ID or ARN of the KMS key the volumes must be encrypted with (comma-separated for several)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "encrypted-volumes",
    description: "Attached EBS volumes are encrypted, with the given KMS key when kmsId is set.",
    resource_types: &["AWS::EC2::Volume"],
    parameters: &[KMS_ID],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

impl ItemRule for EncryptedVolumes {
    type View = EbsVolume;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, volume: &EbsVolume, params: &Params) -> Verdict {
        if !volume.is_attached() {
            return Verdict::not_applicable("the volume is not attached to an instance");
        }
        if volume.encrypted != Some(true) {
            return Verdict::non_compliant("the attached volume is not encrypted");
        }
        allowed_key_verdict(
            "the volume is encrypted",
            volume.kms_key_id.as_deref(),
            params.list(&KMS_ID),
            "kmsId",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    const KEY_ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const OTHER_ARN: &str =
        "arn:aws:kms:us-east-1:123456789012:key/ffffffff-12ab-34cd-56ef-1234567890ab";

    fn attachment() -> Value {
        json!([{"instanceId": "i-1", "device": "/dev/xvda", "state": "attached"}])
    }

    fn volume(state: &str, attachments: Value, encrypted: Value, key: Value) -> Value {
        json!({"resourceType": "AWS::EC2::Volume", "resourceId": "vol-1",
               "configuration": {"volumeId": "vol-1", "state": state,
                                 "attachments": attachments, "encrypted": encrypted,
                                 "kmsKeyId": key}})
    }

    fn attached(encrypted: Value, key: Value) -> Value {
        volume("in-use", attachment(), encrypted, key)
    }

    #[test]
    fn an_attached_encrypted_volume_is_compliant_without_parameters() {
        let (c, a) = verdict(
            &EncryptedVolumes,
            attached(json!(true), json!(KEY_ARN)),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, format!("the volume is encrypted with KMS key {KEY_ARN}"));
        let (c, a) = verdict(
            &EncryptedVolumes,
            attached(json!("true"), Value::Null),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "the volume is encrypted");
    }

    #[test]
    fn an_attached_unencrypted_volume_is_non_compliant() {
        for encrypted in [json!(false), json!("false"), Value::Null] {
            let (c, a) = verdict(
                &EncryptedVolumes,
                attached(encrypted.clone(), Value::Null),
                json!({}),
            );
            assert_eq!(c, NonCompliant, "{encrypted}");
            assert_eq!(a, "the attached volume is not encrypted");
        }
        let (c, _) = verdict(
            &EncryptedVolumes,
            attached(json!(false), Value::Null),
            json!({"kmsId": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn attached_means_an_attachment_or_state_in_use() {
        let by_attachment = volume("available", attachment(), json!(false), Value::Null);
        assert_eq!(
            verdict(&EncryptedVolumes, by_attachment, json!({})).0,
            NonCompliant
        );
        let by_state = volume("in-use", json!([]), json!(false), Value::Null);
        assert_eq!(
            verdict(&EncryptedVolumes, by_state, json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn volumes_that_are_not_attached_are_not_applicable() {
        for (state, attachments) in [("available", json!([])), ("creating", Value::Null)] {
            for encrypted in [json!(false), json!(true)] {
                let v = volume(state, attachments.clone(), encrypted, Value::Null);
                let (c, a) = verdict(&EncryptedVolumes, v, json!({"kmsId": KEY_ARN}));
                assert_eq!(c, NotApplicable, "{state}");
                assert_eq!(a, "the volume is not attached to an instance");
            }
        }
    }

    #[test]
    fn kms_id_matches_by_key_id_or_key_arn() {
        for (param, recorded) in [
            (KEY_ARN, KEY_ARN),
            (KEY_ID, KEY_ARN),
            (KEY_ARN, KEY_ID),
            (KEY_ID, KEY_ID),
        ] {
            let (c, a) = verdict(
                &EncryptedVolumes,
                attached(json!(true), json!(recorded)),
                json!({"kmsId": param}),
            );
            assert_eq!(c, Compliant, "{param} against {recorded}");
            assert_eq!(
                a,
                format!("the volume is encrypted with KMS key {recorded}")
            );
        }
    }

    #[test]
    fn another_key_is_non_compliant_and_named() {
        let (c, a) = verdict(
            &EncryptedVolumes,
            attached(json!(true), json!(OTHER_ARN)),
            json!({"kmsId": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            format!(
                "the volume is encrypted, but the KMS key {OTHER_ARN} is not one of kmsId \
                 ({KEY_ARN})"
            )
        );
    }

    #[test]
    fn kms_id_may_list_several_keys() {
        let p = json!({"kmsId": format!("{OTHER_ARN}, {KEY_ID}")});
        for recorded in [KEY_ARN, OTHER_ARN] {
            let (c, _) = verdict(
                &EncryptedVolumes,
                attached(json!(true), json!(recorded)),
                p.clone(),
            );
            assert_eq!(c, Compliant, "{recorded}");
        }
        let third = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000";
        let (c, a) = verdict(&EncryptedVolumes, attached(json!(true), json!(third)), p);
        assert_eq!(c, NonCompliant);
        assert!(
            a.ends_with(&format!("is not one of kmsId ({OTHER_ARN}, {KEY_ID})")),
            "{a}"
        );
    }

    #[test]
    fn with_kms_id_a_volume_recording_no_key_cannot_be_confirmed() {
        let (c, a) = verdict(
            &EncryptedVolumes,
            attached(json!(true), Value::Null),
            json!({"kmsId": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            format!(
                "the volume is encrypted, but the item records no KMS key, so kmsId ({KEY_ARN}) \
                 cannot be confirmed"
            )
        );
    }

    #[test]
    fn an_empty_kms_id_allows_any_key() {
        for p in [json!({"kmsId": ""}), json!({"kmsId": " , "})] {
            let (c, _) = verdict(
                &EncryptedVolumes,
                attached(json!(true), json!(OTHER_ARN)),
                p.clone(),
            );
            assert_eq!(c, Compliant, "{p}");
        }
    }

    #[test]
    fn an_unreadable_setting_is_non_compliant_and_says_why() {
        for bad in [
            attached(json!("yes"), Value::Null),
            volume("in-use", json!("vol-1"), json!(true), Value::Null),
        ] {
            let (c, a) = verdict(&EncryptedVolumes, bad, json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.starts_with("configuration cannot be read"), "{a}");
        }
    }
}
