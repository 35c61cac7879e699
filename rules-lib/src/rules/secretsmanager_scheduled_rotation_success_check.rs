//! `secretsmanager-scheduled-rotation-success-check`: secret rotations happen on schedule.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::Secret;

/// `secretsmanager-scheduled-rotation-success-check` (AWS managed rule
/// SECRETSMANAGER_SCHEDULED_ROTATION_SUCCESS_CHECK).
///
/// Documented logic: checks whether secret rotation has triggered/started successfully
/// as per the rotation schedule; NON_COMPLIANT if `RotationOccurringAsScheduled` is
/// false; NOT_APPLICABLE for secrets without rotation. Configuration changes (the
/// newest documentation and Security Hub SecretsManager.2; an older page said
/// periodic). No parameters.
///
/// Data: `configuration.RotationEnabled`, `configuration.RotationOccurringAsScheduled`
/// (computed by AWS Config), `configuration.Deleted`.
///
/// Choices: a secret scheduled for deletion is NOT_APPLICABLE; with rotation enabled
/// and `RotationOccurringAsScheduled` not recorded, the rule only fails on an explicit
/// false as documented: COMPLIANT, and the annotation says it was not recorded.
pub struct SecretsmanagerScheduledRotationSuccessCheck;

static SPEC: RuleSpec = RuleSpec {
    name: "secretsmanager-scheduled-rotation-success-check",
    description: "Secrets Manager secrets with rotation enabled rotate as scheduled.",
    resource_types: &["AWS::SecretsManager::Secret"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for SecretsmanagerScheduledRotationSuccessCheck {
    type View = Secret;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, secret: &Secret, _params: &Params) -> Verdict {
        if let Some(v) = secret.scheduled_for_deletion() {
            return v;
        }
        if secret.rotation_enabled != Some(true) {
            return Verdict::not_applicable("rotation is not enabled for the secret");
        }
        match secret.rotation_occurring_as_scheduled {
            Some(true) => Verdict::compliant("rotation is occurring as scheduled"),
            Some(false) => Verdict::non_compliant("rotation is not occurring as scheduled"),
            None => Verdict::compliant(
                "rotation is enabled; RotationOccurringAsScheduled is not recorded",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn secret(configuration: Value) -> Value {
        json!({"resourceType": "AWS::SecretsManager::Secret", "configuration": configuration})
    }

    #[test]
    fn rotating_as_scheduled_is_compliant_and_not_is_non_compliant() {
        let ok = secret(json!({"RotationEnabled": true, "RotationOccurringAsScheduled": true}));
        assert_eq!(
            verdict(&SecretsmanagerScheduledRotationSuccessCheck, ok, json!({})).0,
            Compliant
        );
        let late = secret(json!({"RotationEnabled": true, "RotationOccurringAsScheduled": false}));
        let (c, a) = verdict(
            &SecretsmanagerScheduledRotationSuccessCheck,
            late,
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "rotation is not occurring as scheduled");
    }

    #[test]
    fn secrets_without_rotation_or_deleted_are_not_applicable() {
        for conf in [
            json!({"RotationEnabled": false, "RotationOccurringAsScheduled": false}),
            json!({"Name": "x"}),
            json!({"RotationEnabled": true, "RotationOccurringAsScheduled": false, "Deleted": true}),
        ] {
            let (c, _) = verdict(
                &SecretsmanagerScheduledRotationSuccessCheck,
                secret(conf),
                json!({}),
            );
            assert_eq!(c, NotApplicable);
        }
    }

    #[test]
    fn an_unrecorded_status_is_compliant_and_says_so() {
        let s = secret(json!({"RotationEnabled": true}));
        let (c, a) = verdict(&SecretsmanagerScheduledRotationSuccessCheck, s, json!({}));
        assert_eq!(c, Compliant);
        assert!(a.contains("not recorded"), "{a}");
    }
}
