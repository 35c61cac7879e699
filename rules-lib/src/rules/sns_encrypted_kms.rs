//! `sns-encrypted-kms`: SNS topics are encrypted with KMS.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::Untyped;

use super::config_str;
use super::kms_key::allowed_key_verdict;

/// `sns-encrypted-kms` (AWS managed rule SNS_ENCRYPTED_KMS).
///
/// Documented logic: NON_COMPLIANT when the topic has no `KmsMasterKeyId`; with
/// `kmsKeyIds` (comma-separated key ARNs), also when the key is not one of them.
///
/// Choice: keys match by key ID, key ARN, or the same alias (`alias/aws/sns` matches
/// only an alias, since the item records what the topic was given).
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
        let Some(key) = config_str(item, "KmsMasterKeyId").filter(|k| !k.is_empty()) else {
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
