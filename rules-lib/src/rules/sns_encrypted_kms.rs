//! `sns-encrypted-kms`: SNS topics are encrypted with KMS.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::{json_kind, ConfigurationItem};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::Untyped;

use super::config_value;
use super::kms_key::allowed_key_verdict;

/// `sns-encrypted-kms` (AWS managed rule SNS_ENCRYPTED_KMS).
///
/// Documented logic: NON_COMPLIANT when the topic has no `KmsMasterKeyId`; with
/// `kmsKeyIds` (comma-separated key ARNs), also when the key is not one of them.
///
/// Choice: keys match by key ID, key ARN, or the same alias (`alias/aws/sns` matches
/// only an alias, since the item records what the topic was given). A `KmsMasterKeyId`
/// that is not text is NON_COMPLIANT and the annotation says it cannot be read.
pub struct SnsEncryptedKms;

/// `kmsKeyIds`.
const KMS_KEY_IDS: ParamSpec = ParamSpec::optional(
    "kmsKeyIds",
    ParamKind::Csv,
    "Comma-separated KMS key ARNs (or IDs, aliases) the topics may use",
);

static SPEC: RuleSpec = RuleSpec {
    name: "sns-encrypted-kms",
    description: "SNS topics are encrypted with a KMS key (one of kmsKeyIds when set).",
    resource_types: &["AWS::SNS::Topic"],
    parameters: &[KMS_KEY_IDS],
    ..RuleSpec::CHANGE
};

impl ItemRule for SnsEncryptedKms {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, params: &Params) -> Verdict {
        let key = match config_value(item, "KmsMasterKeyId") {
            None => None,
            Some(Value::String(k)) => Some(k.as_str()).filter(|k| !k.trim().is_empty()),
            Some(other) => {
                return Verdict::non_compliant(format!(
                    "configuration.KmsMasterKeyId cannot be read: expected text, found {}",
                    json_kind(other)
                ))
            }
        };
        let Some(key) = key else {
            return Verdict::non_compliant(
                "the topic is not encrypted with KMS (KmsMasterKeyId unset)",
            );
        };
        allowed_key_verdict(
            "the topic is encrypted",
            Some(key),
            params.list(&KMS_KEY_IDS),
            "kmsKeyIds",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    const KEY_ID: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const KEY_ARN: &str =
        "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const OTHER_ARN: &str =
        "arn:aws:kms:us-east-1:123456789012:key/ffffffff-12ab-34cd-56ef-1234567890ab";

    fn topic(key: Value) -> Value {
        let mut configuration =
            json!({"TopicArn": "arn:aws:sns:us-east-1:123456789012:alerts", "DisplayName": ""});
        if !key.is_null() {
            configuration["KmsMasterKeyId"] = key;
        }
        json!({"resourceType": "AWS::SNS::Topic",
               "resourceId": "arn:aws:sns:us-east-1:123456789012:alerts",
               "configuration": configuration})
    }

    #[test]
    fn a_topic_with_a_kms_key_is_compliant_without_parameters() {
        for key in [KEY_ARN, "alias/aws/sns", KEY_ID] {
            let (c, a) = verdict(&SnsEncryptedKms, topic(json!(key)), json!({}));
            assert_eq!(c, Compliant, "{key}");
            assert_eq!(a, format!("the topic is encrypted with KMS key {key}"));
        }
    }

    #[test]
    fn a_topic_without_a_kms_key_is_non_compliant() {
        for key in [Value::Null, json!(""), json!("  ")] {
            let (c, a) = verdict(&SnsEncryptedKms, topic(key.clone()), json!({}));
            assert_eq!(c, NonCompliant, "{key}");
            assert_eq!(
                a,
                "the topic is not encrypted with KMS (KmsMasterKeyId unset)"
            );
        }
        let (c, _) = verdict(
            &SnsEncryptedKms,
            topic(Value::Null),
            json!({"kmsKeyIds": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn kms_key_ids_allows_the_listed_keys_by_id_or_arn() {
        let p = json!({"kmsKeyIds": format!("{OTHER_ARN}, {KEY_ARN}")});
        for key in [KEY_ARN, KEY_ID] {
            let (c, a) = verdict(&SnsEncryptedKms, topic(json!(key)), p.clone());
            assert_eq!(c, Compliant, "{key}");
            assert_eq!(a, format!("the topic is encrypted with KMS key {key}"));
        }
        let (c, _) = verdict(
            &SnsEncryptedKms,
            topic(json!(KEY_ARN)),
            json!({"kmsKeyIds": KEY_ID}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn a_key_not_in_kms_key_ids_is_non_compliant_and_named() {
        let (c, a) = verdict(
            &SnsEncryptedKms,
            topic(json!(OTHER_ARN)),
            json!({"kmsKeyIds": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            format!(
                "the topic is encrypted, but the KMS key {OTHER_ARN} is not one of kmsKeyIds \
                 ({KEY_ARN})"
            )
        );
    }

    #[test]
    fn aliases_match_only_the_same_alias() {
        let p = json!({"kmsKeyIds": "alias/aws/sns"});
        for key in [
            "alias/aws/sns",
            "arn:aws:kms:us-east-1:123456789012:alias/aws/sns",
        ] {
            let (c, _) = verdict(&SnsEncryptedKms, topic(json!(key)), p.clone());
            assert_eq!(c, Compliant, "{key}");
        }
        // The alias's key is not known without the KMS API.
        let (c, _) = verdict(&SnsEncryptedKms, topic(json!(KEY_ARN)), p);
        assert_eq!(c, NonCompliant);
        let (c, _) = verdict(
            &SnsEncryptedKms,
            topic(json!("alias/aws/sns")),
            json!({"kmsKeyIds": KEY_ARN}),
        );
        assert_eq!(c, NonCompliant);
        let (c, _) = verdict(
            &SnsEncryptedKms,
            topic(json!("alias/other")),
            json!({"kmsKeyIds": "alias/aws/sns"}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn an_empty_kms_key_ids_allows_any_key() {
        for p in [json!({"kmsKeyIds": ""}), json!({"kmsKeyIds": " , "})] {
            let (c, _) = verdict(&SnsEncryptedKms, topic(json!(OTHER_ARN)), p.clone());
            assert_eq!(c, Compliant, "{p}");
        }
    }

    #[test]
    fn an_unreadable_key_is_non_compliant_and_says_why() {
        for (key, kind) in [
            (json!(42), "a number"),
            (json!({"id": KEY_ID}), "an object"),
        ] {
            let (c, a) = verdict(&SnsEncryptedKms, topic(key), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(
                a,
                format!("configuration.KmsMasterKeyId cannot be read: expected text, found {kind}")
            );
        }
    }
}
