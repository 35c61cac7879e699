//! `dynamodb-table-encrypted-kms`: DynamoDB tables are encrypted with a KMS key.

use serde::Deserialize;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::{configuration, de, View, ViewError};

use super::kms_key::allowed_key_verdict;

/// `dynamodb-table-encrypted-kms` (AWS managed rule DYNAMODB_TABLE_ENCRYPTED_KMS).
///
/// Documented logic: NON_COMPLIANT if the table is not encrypted with AWS KMS, and also
/// if its KMS key is not in `kmsKeyArns` (optional, comma-separated key ARNs).
///
/// Read from `configuration.ssedescription` (`status`, `ssetype`, `kmsmasterKeyArn`, as
/// Config lower-cases `SSEDescription`); the API spellings (`SSEDescription`,
/// `sseDescription`, `SSEType`, `KMSMasterKeyArn`, ...) are read too.
///
/// Choices: KMS encryption is `ssetype` `KMS` with `status` `ENABLED` or `UPDATING`
/// (case-insensitive); no `ssedescription` is the default AWS-owned key, so
/// NON_COMPLIANT; with `kmsKeyArns`, the key matches by key ID or ARN, and the
/// AWS-managed `aws/dynamodb` key passes only when listed.
pub struct DynamodbTableEncryptedKms;

/// `kmsKeyArns`.
const KMS_KEY_ARNS: ParamSpec = ParamSpec::optional(
    "kmsKeyArns",
    ParamKind::Csv,
    "KMS key ARNs allowed for encrypting the tables (comma-separated)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "dynamodb-table-encrypted-kms",
    description: "DynamoDB tables are encrypted with a KMS key (one of kmsKeyArns when set).",
    resource_types: &["AWS::DynamoDB::Table"],
    parameters: &[KMS_KEY_ARNS],
    preventive: false,
    ..RuleSpec::CHANGE
};

/// `AWS::DynamoDB::Table`: its server-side encryption.
#[derive(Debug, Deserialize, Default)]
pub struct DynamodbTable {
    /// `ssedescription`.
    #[serde(
        default,
        rename = "ssedescription",
        alias = "sseDescription",
        alias = "SSEDescription"
    )]
    sse: Option<SseDescription>,
}

/// `ssedescription`.
#[derive(Debug, Deserialize, Default)]
struct SseDescription {
    #[serde(default, alias = "Status", deserialize_with = "de::opt_text")]
    status: Option<String>,
    #[serde(
        default,
        alias = "sseType",
        alias = "SSEType",
        deserialize_with = "de::opt_text"
    )]
    ssetype: Option<String>,
    #[serde(
        default,
        rename = "kmsmasterKeyArn",
        alias = "kmsMasterKeyArn",
        alias = "KMSMasterKeyArn",
        deserialize_with = "de::opt_text"
    )]
    kms_master_key_arn: Option<String>,
}

impl View for DynamodbTable {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

impl ItemRule for DynamodbTableEncryptedKms {
    type View = DynamodbTable;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, t: &DynamodbTable, params: &Params) -> Verdict {
        let Some(sse) = &t.sse else {
            return Verdict::non_compliant(
                "the table is encrypted with the AWS owned key, not a KMS key",
            );
        };
        let upper = |s: &Option<String>| s.as_deref().unwrap_or("").to_ascii_uppercase();
        let shown = |s: &str| {
            if s.is_empty() {
                "unrecorded".into()
            } else {
                s.to_string()
            }
        };
        let (kind, status) = (upper(&sse.ssetype), upper(&sse.status));
        if kind != "KMS" {
            return Verdict::non_compliant(format!(
                "the table is not encrypted with KMS (SSE type {})",
                shown(&kind)
            ));
        }
        if status != "ENABLED" && status != "UPDATING" {
            return Verdict::non_compliant(format!(
                "KMS encryption of the table is not enabled (status {})",
                shown(&status)
            ));
        }
        allowed_key_verdict(
            "the table is encrypted",
            sse.kms_master_key_arn.as_deref(),
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

    const KEY: &str = "arn:aws:kms:us-east-2:123456789012:key/5f0c1234-0000-1111-2222-333344445555";

    fn table(sse: Value) -> Value {
        json!({"resourceType": "AWS::DynamoDB::Table",
               "configuration": {"tableName": "t1", "tableStatus": "ACTIVE", "ssedescription": sse}})
    }

    fn kms(status: &str) -> Value {
        json!({"status": status, "ssetype": "KMS", "kmsmasterKeyArn": KEY})
    }

    #[test]
    fn kms_enabled_or_updating_is_compliant() {
        for s in ["ENABLED", "UPDATING", "enabled"] {
            let (c, a) = verdict(&DynamodbTableEncryptedKms, table(kms(s)), json!({}));
            assert_eq!(c, Compliant, "{s}");
            assert!(a.contains(KEY), "{a}");
        }
    }

    #[test]
    fn the_aws_owned_key_or_other_states_are_non_compliant() {
        let (c, a) = verdict(&DynamodbTableEncryptedKms, table(json!(null)), json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("AWS owned key"), "{a}");
        for s in ["ENABLING", "DISABLING", "DISABLED", ""] {
            let (c, a) = verdict(&DynamodbTableEncryptedKms, table(kms(s)), json!({}));
            assert_eq!(c, NonCompliant, "{s}");
            assert!(a.contains("not enabled"), "{a}");
        }
        let aes = table(json!({"status": "ENABLED", "ssetype": "AES256"}));
        let (c, a) = verdict(&DynamodbTableEncryptedKms, aes, json!({}));
        assert_eq!((c, a.contains("AES256")), (NonCompliant, true));
    }

    #[test]
    fn api_spellings_are_read() {
        let item = json!({"resourceType": "AWS::DynamoDB::Table", "configuration": {
            "SSEDescription": {"Status": "ENABLED", "SSEType": "KMS", "KMSMasterKeyArn": KEY}}});
        assert_eq!(
            verdict(&DynamodbTableEncryptedKms, item, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn the_key_must_be_one_of_kms_key_arns() {
        let p =
            json!({"kmsKeyArns": format!("arn:aws:kms:us-east-2:123456789012:key/other, {KEY}")});
        assert_eq!(
            verdict(&DynamodbTableEncryptedKms, table(kms("ENABLED")), p).0,
            Compliant
        );
        let p = json!({"kmsKeyArns": "arn:aws:kms:us-east-2:123456789012:key/other"});
        let (c, a) = verdict(&DynamodbTableEncryptedKms, table(kms("ENABLED")), p.clone());
        assert_eq!(c, NonCompliant);
        assert!(a.contains("not one of kmsKeyArns"), "{a}");
        let no_key = table(json!({"status": "ENABLED", "ssetype": "KMS"}));
        assert_eq!(
            verdict(&DynamodbTableEncryptedKms, no_key, p).0,
            NonCompliant
        );
    }
}
