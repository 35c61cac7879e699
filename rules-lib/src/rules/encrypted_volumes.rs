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
