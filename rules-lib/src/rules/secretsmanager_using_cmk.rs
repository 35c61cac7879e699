//! `secretsmanager-using-cmk`: secrets are encrypted with a customer managed KMS key.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use super::kms_key::allowed_key_verdict;
use super::network_services::Secret;

/// `secretsmanager-using-cmk` (AWS managed rule SECRETSMANAGER_USING_CMK).
///
/// Documented logic: COMPLIANT if a secret is encrypted using a customer managed key;
/// NON_COMPLIANT if it is encrypted using `aws/secretsmanager`. Parameter `kmsKeyArns`
/// (optional CSV): the keys that must be used.
///
/// Data: `configuration.KMSKeyId` (a key ID, key ARN or alias ARN; omitted when the
/// secret uses `aws/secretsmanager`) and `configuration.Deleted`.
///
/// Choices and divergences:
/// - A secret scheduled for deletion is NOT_APPLICABLE.
/// - No `KMSKeyId`, or the alias `aws/secretsmanager` (name or alias ARN), is the AWS
///   managed key: NON_COMPLIANT.
/// - With `kmsKeyArns`, the key must match one listed (key ARN or key ID; an alias only
///   the same alias).
/// - The managed rule can tell the account's `aws/secretsmanager` key given by its key
///   ID or ARN from a customer key (`kms:DescribeKey`); this rule calls no KMS API, so
///   such a key counts as customer managed, and cross-account keys (which the managed
///   rule cannot describe and reports NON_COMPLIANT) are COMPLIANT here.
pub struct SecretsmanagerUsingCmk;

/// `kmsKeyArns`.
const KMS_KEY_ARNS: ParamSpec = ParamSpec::optional(
    "kmsKeyArns",
    ParamKind::Csv,
    "Comma-separated list of KMS key Amazon Resource Names (ARNs) to check if the keys are used in the encryption",
);

static SPEC: RuleSpec = RuleSpec {
    name: "secretsmanager-using-cmk",
    description: "Secrets Manager secrets are encrypted with a customer managed KMS key (one of kmsKeyArns when set).",
    resource_types: &["AWS::SecretsManager::Secret"],
    parameters: &[KMS_KEY_ARNS],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// Whether `key` names the AWS managed key `aws/secretsmanager`.
fn is_aws_managed_alias(key: &str) -> bool {
    let k = key.trim();
    k == "alias/aws/secretsmanager" || k.ends_with(":alias/aws/secretsmanager")
}

impl ItemRule for SecretsmanagerUsingCmk {
    type View = Secret;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, secret: &Secret, params: &Params) -> Verdict {
        if let Some(v) = secret.scheduled_for_deletion() {
            return v;
        }
        let Some(key) = secret
            .kms_key_id
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        else {
            return Verdict::non_compliant(
                "the secret is encrypted with the AWS managed key aws/secretsmanager",
            );
        };
        if is_aws_managed_alias(key) {
            return Verdict::non_compliant(format!(
                "the secret is encrypted with the AWS managed key ({key})"
            ));
        }
        allowed_key_verdict(
            "the secret is encrypted",
            Some(key),
            params.list(&KMS_KEY_ARNS),
            "kmsKeyArns",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn secret(configuration: Value) -> Value {
        json!({"resourceType": "AWS::SecretsManager::Secret", "configuration": configuration})
    }

    #[test]
    fn a_customer_key_is_compliant() {
        let (c, a) = verdict(
            &SecretsmanagerUsingCmk,
            secret(json!({"KMSKeyId": KEY})),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert!(a.contains(KEY), "{a}");
    }

    #[test]
    fn the_aws_managed_key_is_non_compliant() {
        for conf in [
            json!({"Name": "legacy"}),
            json!({"KMSKeyId": ""}),
            json!({"KMSKeyId": "alias/aws/secretsmanager"}),
            json!({"KMSKeyId": "arn:aws:kms:us-east-1:123456789012:alias/aws/secretsmanager"}),
        ] {
            let (c, a) = verdict(&SecretsmanagerUsingCmk, secret(conf), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.contains("AWS managed key"), "{a}");
        }
    }

    #[test]
    fn kms_key_arns_must_list_the_key() {
        let s = secret(json!({"KMSKeyId": "1234abcd-12ab-34cd-56ef-1234567890ab"}));
        assert_eq!(
            verdict(
                &SecretsmanagerUsingCmk,
                s.clone(),
                json!({"kmsKeyArns": KEY})
            )
            .0,
            Compliant
        );
        let other = "arn:aws:kms:us-east-1:123456789012:key/other";
        let (c, a) = verdict(&SecretsmanagerUsingCmk, s, json!({"kmsKeyArns": other}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("kmsKeyArns"), "{a}");
    }

    #[test]
    fn a_secret_scheduled_for_deletion_is_not_applicable() {
        let s = secret(json!({"Deleted": true}));
        assert_eq!(
            verdict(&SecretsmanagerUsingCmk, s, json!({})).0,
            NotApplicable
        );
    }
}
