//! `rds-storage-encrypted`: RDS storage is encrypted, optionally with a given key.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::RdsInstance;

use super::kms_key::allowed_key_verdict;

/// `rds-storage-encrypted` (AWS managed rule RDS_STORAGE_ENCRYPTED).
///
/// Documented logic: NON_COMPLIANT when `storageEncrypted` is false; with `kmsKeyId`,
/// also when the instance uses another key.
///
/// Choice: `kmsKeyId` matches by key ID or key ARN (see [`crate::kms`]).
pub struct RdsStorageEncrypted;

/// `kmsKeyId`.
const KMS_KEY_ID: ParamSpec = ParamSpec::optional(
    "kmsKeyId",
    ParamKind::String,
    "ID or ARN of the KMS key the storage must be encrypted with",
);

static SPEC: RuleSpec = RuleSpec {
    name: "rds-storage-encrypted",
    description:
        "RDS DB instances have encrypted storage, with the given KMS key when kmsKeyId is set.",
    resource_types: &["AWS::RDS::DBInstance"],
    parameters: &[KMS_KEY_ID],
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

impl ItemRule for RdsStorageEncrypted {
    type View = RdsInstance;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, db: &RdsInstance, params: &Params) -> Verdict {
        if db.storage_encrypted != Some(true) {
            return Verdict::non_compliant("storage is not encrypted");
        }
        let want = params.str(&KMS_KEY_ID);
        allowed_key_verdict(
            "storage is encrypted",
            db.kms_key_id.as_deref(),
            want.as_ref().map(std::slice::from_ref),
            "kmsKeyId",
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

    fn db(encrypted: Value, key: Value) -> Value {
        json!({"resourceType": "AWS::RDS::DBInstance", "resourceId": "db-1",
               "configuration": {"dBInstanceIdentifier": "db-1", "engine": "postgres",
                                 "storageEncrypted": encrypted, "kmsKeyId": key}})
    }

    #[test]
    fn encrypted_storage_is_compliant_without_parameters() {
        let (c, a) = verdict(
            &RdsStorageEncrypted,
            db(json!(true), json!(KEY_ARN)),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, format!("storage is encrypted with KMS key {KEY_ARN}"));
        let (c, a) = verdict(
            &RdsStorageEncrypted,
            db(json!("true"), Value::Null),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "storage is encrypted");
    }

    #[test]
    fn unencrypted_or_unrecorded_storage_is_non_compliant() {
        for encrypted in [json!(false), json!("false"), Value::Null] {
            let (c, a) = verdict(
                &RdsStorageEncrypted,
                db(encrypted.clone(), Value::Null),
                json!({}),
            );
            assert_eq!(c, NonCompliant, "{encrypted}");
            assert_eq!(a, "storage is not encrypted");
        }
        let (c, a) = verdict(
            &RdsStorageEncrypted,
            db(json!(false), json!(KEY_ARN)),
            json!({"kmsKeyId": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "storage is not encrypted");
    }

    #[test]
    fn kms_key_id_matches_by_key_id_or_key_arn() {
        for (param, recorded) in [(KEY_ARN, KEY_ARN), (KEY_ID, KEY_ARN), (KEY_ARN, KEY_ID)] {
            let (c, a) = verdict(
                &RdsStorageEncrypted,
                db(json!(true), json!(recorded)),
                json!({"kmsKeyId": param}),
            );
            assert_eq!(c, Compliant, "{param} against {recorded}");
            assert_eq!(a, format!("storage is encrypted with KMS key {recorded}"));
        }
    }

    #[test]
    fn another_key_is_non_compliant_and_named() {
        let (c, a) = verdict(
            &RdsStorageEncrypted,
            db(json!(true), json!(OTHER_ARN)),
            json!({"kmsKeyId": KEY_ID}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            format!("storage is encrypted, but the KMS key {OTHER_ARN} is not one of kmsKeyId ({KEY_ID})")
        );
        // An alias cannot be resolved to its key from the item.
        let (c, _) = verdict(
            &RdsStorageEncrypted,
            db(json!(true), json!(KEY_ARN)),
            json!({"kmsKeyId": "alias/aws/rds"}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn with_kms_key_id_an_instance_recording_no_key_cannot_be_confirmed() {
        let (c, a) = verdict(
            &RdsStorageEncrypted,
            db(json!(true), Value::Null),
            json!({"kmsKeyId": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            format!(
                "storage is encrypted, but the item records no KMS key, so kmsKeyId ({KEY_ARN}) \
                 cannot be confirmed"
            )
        );
    }

    #[test]
    fn an_empty_kms_key_id_is_absent() {
        let (c, _) = verdict(
            &RdsStorageEncrypted,
            db(json!(true), json!(OTHER_ARN)),
            json!({"kmsKeyId": ""}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn an_unreadable_setting_is_non_compliant_and_says_why() {
        for bad in [
            db(json!({"on": 1}), Value::Null),
            db(json!(true), json!(["k"])),
        ] {
            let (c, a) = verdict(&RdsStorageEncrypted, bad, json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.starts_with("configuration cannot be read"), "{a}");
        }
    }
}
