//! `cloud-trail-encryption-enabled`: trails encrypt their logs with KMS.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::config_str;

/// `cloud-trail-encryption-enabled` (AWS managed rule CLOUD_TRAIL_ENCRYPTION_ENABLED).
///
/// Documented logic: NON_COMPLIANT when a trail is not configured for SSE-KMS
/// (`kmsKeyId` unset).
///
/// Divergence: the managed rule is periodic and reports per account; ferrule judges each
/// `AWS::CloudTrail::Trail` when it changes, so every trail gets its own verdict (a
/// periodic run sweeps all trails through the Config API).
pub struct CloudTrailEncryptionEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "cloud-trail-encryption-enabled",
    description: "CloudTrail trails encrypt their log files with a KMS key.",
    resource_types: &["AWS::CloudTrail::Trail"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for CloudTrailEncryptionEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        match config_str(item, "kmsKeyId").filter(|k| !k.is_empty()) {
            Some(k) => Ok(Verdict::compliant(format!(
                "log files are encrypted with {k}"
            ))),
            None => Ok(Verdict::non_compliant(
                "log files are not encrypted with a KMS key (kmsKeyId unset)",
            )),
        }
    }
}
