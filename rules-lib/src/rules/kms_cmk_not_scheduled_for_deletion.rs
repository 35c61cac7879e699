//! `kms-cmk-not-scheduled-for-deletion`: KMS keys are not scheduled for deletion.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::kms_key::{KmsKey, KMS_KEY};

/// `kms-cmk-not-scheduled-for-deletion` (AWS managed rule
/// KMS_CMK_NOT_SCHEDULED_FOR_DELETION).
///
/// Documented logic: "Checks if AWS Key Management Service (AWS KMS) keys are not
/// scheduled for deletion in AWS KMS. The rule is NON_COMPLIANT if KMS keys are
/// scheduled for deletion." Periodic. Optional parameter `kmsKeyIds`: "Comma-separated
/// list of specific customer managed key IDs not to be scheduled for deletion. If you
/// do not specify any keys, the rule checks all the keys."
///
/// Ferrule judges each recorded `AWS::KMS::Key` from `keyState`, periodic every 24
/// hours: NON_COMPLIANT when it is `PendingDeletion`, with the deletion date; COMPLIANT
/// for any other state.
///
/// Choices:
/// - `PendingReplicaDeletion` (a multi-Region primary key waiting for its replicas to
///   be deleted before it is) is scheduled for deletion too: NON_COMPLIANT.
/// - With `kmsKeyIds`, a key not in the list is NOT_APPLICABLE. Entries may be key IDs
///   or key ARNs and match the key's `keyId` or `arn` on the key ID. Listed keys that
///   have no configuration item get no result.
/// - AWS managed keys are judged like the others: AWS never schedules them for
///   deletion, so they are COMPLIANT (the documentation makes no exception).
/// - A key with no recorded `keyState` is COMPLIANT: nothing shows a scheduled deletion.
pub struct KmsCmkNotScheduledForDeletion;

/// `kmsKeyIds`.
const KMS_KEY_IDS: ParamSpec = ParamSpec::optional(
    "kmsKeyIds",
    ParamKind::Csv,
    "Comma-separated IDs (or ARNs) of the keys to check; all keys when unset",
);

static SPEC: RuleSpec = RuleSpec {
    name: "kms-cmk-not-scheduled-for-deletion",
    description: "KMS keys are not scheduled for deletion.",
    resource_types: &[KMS_KEY],
    parameters: &[KMS_KEY_IDS],
    severity: Severity::High,
    ..RuleSpec::PERIODIC
};

impl ItemRule for KmsCmkNotScheduledForDeletion {
    type View = KmsKey;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, key: &KmsKey, params: &Params) -> Verdict {
        let id = key.label(item);
        if let Some(listed) = params.list(&KMS_KEY_IDS).filter(|l| !l.is_empty()) {
            let ids = [key.key_id.as_deref(), key.arn.as_deref(), Some(id)];
            let wanted = listed.iter().any(|w| {
                let w = crate::kms::key_id(w);
                ids.iter().flatten().any(|i| crate::kms::key_id(i) == w)
            });
            if !wanted {
                return Verdict::not_applicable(format!("key {id} is not listed in kmsKeyIds"));
            }
        }
        match key.key_state.as_deref() {
            Some(state @ ("PendingDeletion" | "PendingReplicaDeletion")) => {
                Verdict::non_compliant(match key.deletion_date_text() {
                    Some(date) => format!("key {id} is {state}, to be deleted on {date}"),
                    None => format!("key {id} is {state}"),
                })
            }
            Some(state) => {
                Verdict::compliant(format!("key {id} is {state}, not scheduled for deletion"))
            }
            None => Verdict::compliant(format!(
                "key {id} has no recorded key state: no deletion is scheduled"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn key(state: Value, extra: Value) -> Value {
        let mut c = json!({"keyId": "1234abcd", "keyManager": "CUSTOMER",
            "arn": "arn:aws:kms:us-east-1:123456789012:key/1234abcd", "keyState": state});
        for (k, v) in extra.as_object().unwrap() {
            c[k] = v.clone();
        }
        json!({"resourceType": "AWS::KMS::Key", "resourceId": "1234abcd", "configuration": c})
    }

    #[test]
    fn pending_deletion_is_non_compliant_with_its_date() {
        let r = KmsCmkNotScheduledForDeletion;
        let k = key(
            json!("PendingDeletion"),
            json!({"deletionDate": 1719792000000_i64}),
        );
        let (c, a) = verdict(&r, k, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("2024-07-01T00:00:00"), "{a}");
        let k = key(json!("PendingReplicaDeletion"), json!({}));
        assert_eq!(verdict(&r, k, json!({})).0, NonCompliant);
    }

    #[test]
    fn other_states_and_aws_managed_keys_are_compliant() {
        let r = KmsCmkNotScheduledForDeletion;
        for state in [json!("Enabled"), json!("Disabled"), Value::Null] {
            assert_eq!(verdict(&r, key(state, json!({})), json!({})).0, Compliant);
        }
        let aws = key(json!("Enabled"), json!({"keyManager": "AWS"}));
        assert_eq!(verdict(&r, aws, json!({})).0, Compliant);
    }

    #[test]
    fn kms_key_ids_limit_the_keys_checked_by_id_or_arn() {
        let r = KmsCmkNotScheduledForDeletion;
        let pending = || key(json!("PendingDeletion"), json!({}));
        let (c, a) = verdict(&r, pending(), json!({"kmsKeyIds": "other-key"}));
        assert_eq!(c, NotApplicable);
        assert!(a.contains("not listed"), "{a}");
        assert_eq!(
            verdict(&r, pending(), json!({"kmsKeyIds": "other, 1234abcd"})).0,
            NonCompliant
        );
        let by_arn = json!({"kmsKeyIds": "arn:aws:kms:us-east-1:123456789012:key/1234abcd"});
        assert_eq!(verdict(&r, pending(), by_arn).0, NonCompliant);
    }
}
