//! `s3-bucket-server-side-encryption-enabled`: default encryption, or a policy that
//! refuses unencrypted uploads.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::{wildcard_match, Effect};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::s3::bucket_policy;

/// `s3-bucket-server-side-encryption-enabled` (AWS managed rule
/// S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED).
///
/// Documented logic: COMPLIANT when the bucket has default encryption enabled
/// (`ServerSideEncryptionConfiguration` with an `sseAlgorithm`: AES256, aws:kms or
/// aws:kms:dsse), or when its bucket policy explicitly denies s3:PutObject requests
/// without server-side encryption.
///
/// Choices: a denying statement counts when it is a Deny of s3:PutObject (or a wildcard
/// covering it) with a condition on `s3:x-amz-server-side-encryption` (`Null: true` or a
/// `StringNotEquals`).
pub struct S3BucketServerSideEncryptionEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-server-side-encryption-enabled",
    description: "S3 buckets have default server-side encryption, or a policy that refuses unencrypted uploads.",
    resource_types: &["AWS::S3::Bucket"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

fn default_algorithm(item: &ConfigurationItem) -> Option<String> {
    let rules = item
        .supplementary("ServerSideEncryptionConfiguration")?
        .get("rules")?
        .as_array()?;
    rules.iter().find_map(|r| {
        let by_default = r.get("applyServerSideEncryptionByDefault")?;
        by_default
            .get("sseAlgorithm")
            .and_then(Value::as_str)
            .filter(|a| !a.is_empty())
            .map(str::to_string)
    })
}

fn policy_denies_unencrypted_puts(item: &ConfigurationItem) -> bool {
    let Some(Ok(doc)) = bucket_policy(item) else {
        return false;
    };
    doc.statements.iter().any(|s| {
        s.effect == Effect::Deny
            && s.action.iter().any(|a| wildcard_match(a, "s3:PutObject"))
            && s.condition.iter().any(|(op, keys)| {
                let op = op.to_ascii_lowercase();
                (op == "null" || op.starts_with("stringnotequals"))
                    && keys.as_object().is_some_and(|k| {
                        k.keys()
                            .any(|k| k.eq_ignore_ascii_case("s3:x-amz-server-side-encryption"))
                    })
            })
    })
}

impl Rule for S3BucketServerSideEncryptionEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        if let Some(alg) = default_algorithm(item) {
            return Ok(Verdict::compliant(format!(
                "default encryption is enabled ({alg})"
            )));
        }
        if policy_denies_unencrypted_puts(item) {
            return Ok(Verdict::compliant(
                "the bucket policy denies PutObject requests without server-side encryption",
            ));
        }
        Ok(Verdict::non_compliant(
            "no default encryption is configured and the bucket policy does not deny unencrypted PutObject requests",
        ))
    }
}
