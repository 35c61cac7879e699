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
