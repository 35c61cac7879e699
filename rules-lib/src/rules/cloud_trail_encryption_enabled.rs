//! `cloud-trail-encryption-enabled`: trails encrypt their logs with KMS.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec};

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
    ..RuleSpec::CHANGE
};

impl ItemRule for CloudTrailEncryptionEnabled {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        match config_str(item, "kmsKeyId").filter(|k| !k.is_empty()) {
            Some(k) => Verdict::compliant(format!(
                "log files are encrypted with {k}"
            )),
            None => Verdict::non_compliant(
                "log files are not encrypted with a KMS key (kmsKeyId unset)",
            ),
        }
    }
}
