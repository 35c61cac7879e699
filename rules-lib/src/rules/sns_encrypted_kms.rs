//! `sns-encrypted-kms`: SNS topics are encrypted with KMS.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::kms::key_matches;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::config_str;

/// `sns-encrypted-kms` (AWS managed rule SNS_ENCRYPTED_KMS).
///
/// Documented logic: NON_COMPLIANT when the topic has no `KmsMasterKeyId`; with
/// `kmsKeyIds` (comma-separated key ARNs), also when the key is not one of them.
///
/// Choice: keys match by key ID, key ARN, or the same alias (`alias/aws/sns` matches
/// only an alias, since the item records what the topic was given).
pub struct SnsEncryptedKms;

static SPEC: RuleSpec = RuleSpec {
    name: "sns-encrypted-kms",
    description: "SNS topics are encrypted with a KMS key (one of kmsKeyIds when set).",
    resource_types: &["AWS::SNS::Topic"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[ParamSpec::optional(
        "kmsKeyIds",
        ParamKind::Csv,
        "Comma-separated KMS key ARNs (or IDs, aliases) the topics may use",
    )],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for SnsEncryptedKms {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let Some(key) = config_str(item, "KmsMasterKeyId").filter(|k| !k.is_empty()) else {
            return Ok(Verdict::non_compliant(
                "the topic is not encrypted with KMS (KmsMasterKeyId unset)",
            ));
        };
        match params.list("kmsKeyIds").filter(|l| !l.is_empty()) {
            Some(allowed) if !allowed.iter().any(|a| key_matches(a, key)) => Ok(
                Verdict::non_compliant(format!("the topic uses {key}, not one of kmsKeyIds")),
            ),
            _ => Ok(Verdict::compliant(format!(
                "the topic is encrypted with {key}"
            ))),
        }
    }
}
