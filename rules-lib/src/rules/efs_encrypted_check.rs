//! `efs-encrypted-check`: EFS file systems are encrypted (with the given key when set).

use serde::Deserialize;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::{configuration, de, View, ViewError};

use super::kms_key::allowed_key_verdict;

/// `efs-encrypted-check` (AWS managed rule EFS_ENCRYPTED_CHECK).
///
/// Documented logic: periodic; NON_COMPLIANT if the file system's `Encrypted` is false,
/// or if its `KmsKeyId` does not match the `KmsKeyId` parameter (optional: the ARN of
/// the KMS key).
///
/// Divergence: the managed rule reads `DescribeFileSystems`; this rule judges the
/// recorded `AWS::EFS::FileSystem` items (`configuration.Encrypted`,
/// `configuration.KmsKeyId`), swept on schedule through the Config API, so it sees only
/// file systems the recorder records.
///
/// Choices: `Encrypted` absent is not encrypted; the key matches by key ID or key ARN
/// (either may be given), or by the same alias.
pub struct EfsEncryptedCheck;

/// `KmsKeyId`.
const KMS_KEY_ID: ParamSpec = ParamSpec::optional(
    "KmsKeyId",
    ParamKind::String,
    "ARN (or ID) of the KMS key the file systems must be encrypted with",
);

static SPEC: RuleSpec = RuleSpec {
    name: "efs-encrypted-check",
    description: "EFS file systems are encrypted (with KmsKeyId when set).",
    resource_types: &["AWS::EFS::FileSystem"],
    parameters: &[KMS_KEY_ID],
    ..RuleSpec::PERIODIC
};

/// `AWS::EFS::FileSystem` (PascalCase, as Cloud Control records it).
#[derive(Debug, Deserialize, Default)]
#[serde(rename_all = "PascalCase")]
pub struct EfsFileSystem {
    /// `Encrypted`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    encrypted: Option<bool>,
    /// `KmsKeyId`.
    #[serde(default, deserialize_with = "de::opt_text")]
    kms_key_id: Option<String>,
}

impl View for EfsFileSystem {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

impl ItemRule for EfsEncryptedCheck {
    type View = EfsFileSystem;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, fs: &EfsFileSystem, params: &Params) -> Verdict {
        if fs.encrypted != Some(true) {
            return Verdict::non_compliant("the file system is not encrypted");
        }
        let want = params.str(&KMS_KEY_ID);
        allowed_key_verdict(
            "the file system is encrypted",
            fs.kms_key_id.as_deref(),
            want.as_ref().map(std::slice::from_ref),
            "KmsKeyId",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/0e6c91d5-e23b-4ed3-bd36-1561fbbc0a2d";

    fn fs(configuration: Value) -> Value {
        json!({"resourceType": "AWS::EFS::FileSystem", "configuration": configuration})
    }

    #[test]
    fn encrypted_is_compliant_and_not_or_absent_is_not() {
        let on = fs(json!({"FileSystemId": "fs-1", "Encrypted": true, "KmsKeyId": KEY}));
        assert_eq!(verdict(&EfsEncryptedCheck, on, json!({})).0, Compliant);
        for off in [json!({"Encrypted": false}), json!({"FileSystemId": "fs-2"})] {
            let (c, a) = verdict(&EfsEncryptedCheck, fs(off), json!({}));
            assert_eq!(
                (c, a.as_str()),
                (NonCompliant, "the file system is not encrypted")
            );
        }
    }

    #[test]
    fn the_key_must_match_kms_key_id_by_id_or_arn() {
        let on = fs(json!({"Encrypted": true, "KmsKeyId": KEY}));
        assert_eq!(
            verdict(&EfsEncryptedCheck, on.clone(), json!({"KmsKeyId": KEY})).0,
            Compliant
        );
        let by_id = json!({"KmsKeyId": "0e6c91d5-e23b-4ed3-bd36-1561fbbc0a2d"});
        assert_eq!(verdict(&EfsEncryptedCheck, on.clone(), by_id).0, Compliant);
        let other = json!({"KmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/ffff"});
        let (c, a) = verdict(&EfsEncryptedCheck, on, other);
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("not one of KmsKeyId (arn:aws:kms:us-east-1:123456789012:key/ffff)"),
            "{a}"
        );
        let no_key = fs(json!({"Encrypted": true}));
        let (c, a) = verdict(&EfsEncryptedCheck, no_key, json!({"KmsKeyId": KEY}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("records no KMS key"), "{a}");
    }

    #[test]
    fn the_rule_is_periodic() {
        assert!(crate::rule::Rule::spec(&EfsEncryptedCheck)
            .trigger
            .periodic());
    }
}
