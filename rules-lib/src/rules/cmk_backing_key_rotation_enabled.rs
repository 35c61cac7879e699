//! `cmk-backing-key-rotation-enabled`: customer managed KMS keys rotate automatically.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec};

use super::kms_key::{KmsKey, KMS_KEY};

/// `cmk-backing-key-rotation-enabled` (AWS managed rule CMK_BACKING_KEY_ROTATION_ENABLED).
///
/// Documented logic: "Checks if automatic key rotation is enabled for each key and
/// matches to the key ID of the customer created AWS KMS key. The rule is NON_COMPLIANT
/// if the AWS Config recorder role for a resource does not have the kms:DescribeKey
/// permission." Note: "Automatic key rotation is not supported for asymmetric KMS keys,
/// HMAC KMS keys, KMS keys with imported key material, or KMS keys in custom key
/// stores." Periodic, no parameters.
///
/// Ferrule judges each recorded `AWS::KMS::Key` from its configuration and
/// `supplementaryConfiguration.KeyRotationStatus` (`true` or `"true"`), periodic every
/// 24 hours. NOT_APPLICABLE, in this order:
/// - AWS managed keys (`keyManager` `AWS`): only customer created keys are checked, and
///   AWS rotates its own keys;
/// - keys that cannot rotate automatically: a key spec other than `SYMMETRIC_DEFAULT`
///   (asymmetric and HMAC keys), an origin other than `AWS_KMS` (imported material,
///   CloudHSM and external key stores), or a `customKeyStoreId`;
/// - keys that are not enabled (`keyState` other than `Enabled`: `Disabled`,
///   `PendingDeletion`, `PendingReplicaDeletion`, `PendingImport`, `Unavailable`, ...):
///   KMS does not rotate such keys, and `kms-cmk-not-scheduled-for-deletion` covers the
///   pending deletions. A key with no recorded state is judged.
///
/// Otherwise COMPLIANT when the rotation status is true, NON_COMPLIANT when false.
///
/// Choice: when the item carries no `KeyRotationStatus`, the rule is NON_COMPLIANT and
/// says the status is not recorded. This follows the documented case (NON_COMPLIANT
/// when the recorder could not read the key), and ferrule does not call
/// kms:GetKeyRotationStatus (no KMS client) to find the status another way.
pub struct CmkBackingKeyRotationEnabled;

/// The remediation: AWSConfigRemediation-EnableKeyRotation. Turns on automatic rotation of the symmetric customer managed key. Automatic: rotation keeps old key material, so nothing that uses the key breaks.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-EnableKeyRotation",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("KeyId"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "kms:EnableKeyRotation",
        "kms:GetKeyRotationStatus",
    ],
    automatic: true,
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-enable-key-rotation.html",
};

static SPEC: RuleSpec = RuleSpec {
    name: "cmk-backing-key-rotation-enabled",
    description: "Customer managed symmetric KMS keys have automatic key rotation enabled.",
    resource_types: &[KMS_KEY],
    remediation: Some(&REMEDIATION),
    ..RuleSpec::PERIODIC
};

impl ItemRule for CmkBackingKeyRotationEnabled {
    type View = KmsKey;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, key: &KmsKey, _params: &Params) -> Verdict {
        if key.is_aws_managed() {
            return Verdict::not_applicable("AWS managed keys are rotated by AWS");
        }
        if let Some(spec) = key.spec().filter(|s| *s != "SYMMETRIC_DEFAULT") {
            return Verdict::not_applicable(format!(
                "automatic rotation is not supported for {spec} keys"
            ));
        }
        if let Some(origin) = key.origin.as_deref().filter(|o| *o != "AWS_KMS") {
            return Verdict::not_applicable(format!(
                "automatic rotation is not supported for keys of origin {origin}"
            ));
        }
        if let Some(store) = &key.custom_key_store_id {
            return Verdict::not_applicable(format!(
                "automatic rotation is not supported for keys in custom key store {store}"
            ));
        }
        if let Some(state) = key.key_state.as_deref().filter(|s| *s != "Enabled") {
            return Verdict::not_applicable(format!(
                "the key is {state}: KMS rotates enabled keys only"
            ));
        }
        match key.rotation_enabled {
            Some(true) => Verdict::compliant("automatic key rotation is enabled"),
            Some(false) => Verdict::non_compliant("automatic key rotation is not enabled"),
            None => Verdict::non_compliant(
                "the rotation status is not recorded (no supplementaryConfiguration.\
                 KeyRotationStatus: can the Config recorder read the key?)",
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

    fn key(fields: Value, rotation: Value) -> Value {
        let mut c = json!({"keyId": "1234abcd", "keyManager": "CUSTOMER", "keyState": "Enabled",
                           "keySpec": "SYMMETRIC_DEFAULT", "origin": "AWS_KMS"});
        for (k, v) in fields.as_object().unwrap() {
            c[k] = v.clone();
        }
        let supp = if rotation.is_null() {
            json!({})
        } else {
            json!({ "KeyRotationStatus": rotation })
        };
        json!({"resourceType": "AWS::KMS::Key", "configuration": c,
               "supplementaryConfiguration": supp})
    }

    #[test]
    fn rotation_on_is_compliant_and_off_is_not() {
        let r = CmkBackingKeyRotationEnabled;
        assert_eq!(
            verdict(&r, key(json!({}), json!(true)), json!({})).0,
            Compliant
        );
        assert_eq!(
            verdict(&r, key(json!({}), json!("true")), json!({})).0,
            Compliant
        );
        let (c, a) = verdict(&r, key(json!({}), json!(false)), json!({}));
        assert_eq!(
            (c, a.as_str()),
            (NonCompliant, "automatic key rotation is not enabled")
        );
        assert_eq!(
            verdict(&r, key(json!({}), json!("false")), json!({})).0,
            NonCompliant
        );
    }

    #[test]
    fn an_unrecorded_status_is_non_compliant() {
        let (c, a) = verdict(
            &CmkBackingKeyRotationEnabled,
            key(json!({}), Value::Null),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("not recorded"), "{a}");
    }

    #[test]
    fn keys_that_cannot_rotate_are_not_applicable() {
        let r = CmkBackingKeyRotationEnabled;
        for (fields, says) in [
            (json!({"keyManager": "AWS"}), "AWS managed"),
            (json!({"keySpec": "RSA_2048"}), "RSA_2048"),
            (
                json!({"keySpec": null, "customerMasterKeySpec": "HMAC_256"}),
                "HMAC_256",
            ),
            (json!({"origin": "EXTERNAL"}), "EXTERNAL"),
            (json!({"customKeyStoreId": "cks-1"}), "cks-1"),
            (json!({"keyState": "Disabled"}), "Disabled"),
            (json!({"keyState": "PendingDeletion"}), "PendingDeletion"),
        ] {
            let (c, a) = verdict(&r, key(fields, json!(false)), json!({}));
            assert_eq!(c, NotApplicable, "{a}");
            assert!(a.contains(says), "{a}");
        }
    }

    #[test]
    fn an_unreadable_status_is_non_compliant_and_says_why() {
        let (c, a) = verdict(
            &CmkBackingKeyRotationEnabled,
            key(json!({}), json!([1])),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("KeyRotationStatus cannot be read"), "{a}");
    }
}
