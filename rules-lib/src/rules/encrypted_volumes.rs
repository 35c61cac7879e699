//! `encrypted-volumes`: attached EBS volumes are encrypted, optionally with given keys.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::kms::key_matches;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::{as_bool, config_str, config_value};

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

static SPEC: RuleSpec = RuleSpec {
    name: "encrypted-volumes",
    description: "Attached EBS volumes are encrypted, with the given KMS key when kmsId is set.",
    resource_types: &["AWS::EC2::Volume"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[ParamSpec {
        name: "kmsId",
        kind: ParamKind::Csv,
        required: false,
        default: None,
        description: "ID or ARN of the KMS key the volumes must be encrypted with (comma-separated for several)",
    }],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for EncryptedVolumes {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let attached = config_value(item, "attachments")
            .and_then(|a| a.as_array())
            .is_some_and(|a| !a.is_empty())
            || config_str(item, "state") == Some("in-use");
        if !attached {
            return Ok(Verdict::not_applicable(
                "the volume is not attached to an instance",
            ));
        }
        let encrypted = config_value(item, "encrypted")
            .and_then(as_bool)
            .unwrap_or(false);
        if !encrypted {
            return Ok(Verdict::non_compliant(
                "the attached volume is not encrypted",
            ));
        }
        let Some(keys) = params.list("kmsId").filter(|k| !k.is_empty()) else {
            return Ok(Verdict::compliant("the volume is encrypted"));
        };
        match config_str(item, "kmsKeyId") {
            Some(actual) if keys.iter().any(|k| key_matches(k, actual)) => {
                Ok(Verdict::compliant(format!("the volume is encrypted with the required KMS key {actual}")))
            }
            Some(actual) => Ok(Verdict::non_compliant(format!(
                "the volume is encrypted with KMS key {actual}, not with kmsId {}",
                keys.join(", ")
            ))),
            None => Ok(Verdict::non_compliant(format!(
                "the volume is encrypted but its item records no KMS key, so kmsId {} cannot be confirmed",
                keys.join(", ")
            ))),
        }
    }
}
