//! `cloud-trail-encryption-enabled`: trails encrypt their logs with KMS.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Frequency, ItemRule, RuleSpec, Trigger};
use crate::views::Untyped;

use super::config_str;

/// `cloud-trail-encryption-enabled` (AWS managed rule CLOUD_TRAIL_ENCRYPTION_ENABLED).
///
/// Documented logic: NON_COMPLIANT when a trail is not configured for SSE-KMS
/// (`kmsKeyId` unset).
///
/// Triggered, as the managed rule, on changes of `AWS::CloudTrail::Trail` and every 24
/// hours; each trail gets its own verdict (the daily run judges every recorded trail,
/// read through the Config API).
pub struct CloudTrailEncryptionEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "cloud-trail-encryption-enabled",
    description: "CloudTrail trails encrypt their log files with a KMS key.",
    resource_types: &["AWS::CloudTrail::Trail"],
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

impl ItemRule for CloudTrailEncryptionEnabled {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        match config_str(item, "kmsKeyId").filter(|k| !k.is_empty()) {
            Some(k) => Verdict::compliant(format!("log files are encrypted with {k}")),
            None => Verdict::non_compliant(
                "log files are not encrypted with a KMS key (kmsKeyId unset)",
            ),
        }
    }
}

#[cfg(test)]
#[allow(non_snake_case)] // test names spell parameters and fields as users write them
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn trail(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::CloudTrail::Trail", "configuration": configuration})
    }

    #[test]
    fn a_trail_with_a_kms_key_is_compliant_and_names_it() {
        let key = "arn:aws:kms:us-east-1:123456789012:key/k-1";
        let (c, a) = verdict(
            &CloudTrailEncryptionEnabled,
            trail(json!({"name": "t", "kmsKeyId": key})),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, format!("log files are encrypted with {key}"));
    }

    #[test]
    fn a_trail_without_kmsKeyId_is_non_compliant() {
        for configuration in [
            json!({"name": "t"}),
            json!({"name": "t", "kmsKeyId": null}),
            json!({"name": "t", "kmsKeyId": ""}),
        ] {
            let (c, a) = verdict(
                &CloudTrailEncryptionEnabled,
                trail(configuration),
                json!({}),
            );
            assert_eq!(c, NonCompliant);
            assert_eq!(
                a,
                "log files are not encrypted with a KMS key (kmsKeyId unset)"
            );
        }
    }

    #[test]
    fn it_runs_on_changes_and_every_24_hours_as_the_managed_rule() {
        assert_eq!(SPEC.trigger, Trigger::Both(Frequency::TwentyFourHours));
    }
}
