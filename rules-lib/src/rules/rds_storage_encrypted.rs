//! `rds-storage-encrypted`: RDS storage is encrypted, optionally with a given key.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::kms::key_matches;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::{as_bool, config_str, config_value};

/// `rds-storage-encrypted` (AWS managed rule RDS_STORAGE_ENCRYPTED).
///
/// Documented logic: NON_COMPLIANT when `storageEncrypted` is false; with `kmsKeyId`,
/// also when the instance uses another key.
///
/// Choice: `kmsKeyId` matches by key ID or key ARN (see [`crate::kms`]).
pub struct RdsStorageEncrypted;

static SPEC: RuleSpec = RuleSpec {
    name: "rds-storage-encrypted",
    description:
        "RDS DB instances have encrypted storage, with the given KMS key when kmsKeyId is set.",
    resource_types: &["AWS::RDS::DBInstance"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[ParamSpec::optional(
        "kmsKeyId",
        ParamKind::String,
        "ID or ARN of the KMS key the storage must be encrypted with",
    )],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for RdsStorageEncrypted {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        if config_value(item, "storageEncrypted").and_then(as_bool) != Some(true) {
            return Ok(Verdict::non_compliant("storage is not encrypted"));
        }
        let Some(want) = params.str("kmsKeyId") else {
            return Ok(Verdict::compliant("storage is encrypted"));
        };
        match config_str(item, "kmsKeyId") {
            Some(actual) if key_matches(want, actual) => Ok(Verdict::compliant(format!(
                "storage is encrypted with {actual}"
            ))),
            Some(actual) => Ok(Verdict::non_compliant(format!(
                "storage is encrypted with {actual}, not with kmsKeyId {want}"
            ))),
            None => Ok(Verdict::non_compliant(format!(
                "storage is encrypted but the item records no KMS key (kmsKeyId {want})"
            ))),
        }
    }
}
