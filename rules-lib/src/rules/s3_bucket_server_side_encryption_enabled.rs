//! `s3-bucket-server-side-encryption-enabled`: default encryption, or a policy that
//! refuses unencrypted uploads.


use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::policy::{wildcard_match, Effect};
use crate::views::S3Bucket;
use crate::rule::{ItemRule, RuleSpec, Severity};


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
    severity: Severity::High,
    ..RuleSpec::CHANGE
};

fn default_algorithm(bucket: &S3Bucket) -> Option<&str> {
    bucket
        .encryption_rules
        .iter()
        .find_map(|r| r.sse_algorithm.as_deref())
}

fn policy_denies_unencrypted_puts(bucket: &S3Bucket) -> bool {
    let Some(Ok(doc)) = &bucket.policy else {
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

impl ItemRule for S3BucketServerSideEncryptionEnabled {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, _params: &Params) -> Verdict {
        if let Some(alg) = default_algorithm(bucket) {
            return Verdict::compliant(format!(
                "default encryption is enabled ({alg})"
            ));
        }
        if policy_denies_unencrypted_puts(bucket) {
            return Verdict::compliant(
                "the bucket policy denies PutObject requests without server-side encryption",
            );
        }
        Verdict::non_compliant(
            "no default encryption is configured and the bucket policy does not deny unencrypted PutObject requests",
        )
    }
}
