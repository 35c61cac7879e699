//! `s3-bucket-public-write-prohibited`: no public write through ACL or bucket policy.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::S3Bucket;

use super::s3::{judge_public_access, WRITE_ACTIONS};

/// `s3-bucket-public-write-prohibited` (AWS managed rule S3_BUCKET_PUBLIC_WRITE_PROHIBITED).
///
/// Documented logic: as `s3-bucket-public-read-prohibited`, for write access: COMPLIANT
/// when (public policies are restricted, or the policy allows no public write) and
/// (public ACLs are restricted, or the ACL allows no public write).
///
/// Choices: public write in an ACL is a grant to AllUsers or AuthenticatedUsers of
/// `Write`, `WriteAcp` or `FullControl`; in a policy an unpinned Allow to `*` of
/// s3:PutObject, s3:DeleteObject, s3:DeleteObjectVersion, s3:PutObjectAcl,
/// s3:RestoreObject or s3:AbortMultipartUpload. Block Public Access flags are read as in
/// the read rule (bucket level, `ignorePublicAcls` and `restrictPublicBuckets`).
pub struct S3BucketPublicWriteProhibited;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-public-write-prohibited",
    description: "S3 buckets do not allow public write access through their ACL or bucket policy.",
    resource_types: &["AWS::S3::Bucket"],
    severity: Severity::Critical,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

impl ItemRule for S3BucketPublicWriteProhibited {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, _params: &Params) -> Verdict {
        judge_public_access(
            bucket,
            &["Write", "WriteAcp", "FullControl"],
            WRITE_ACTIONS,
            "write",
        )
    }
}
