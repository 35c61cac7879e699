//! `s3-bucket-public-read-prohibited`: no public read through ACL or bucket policy.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};
use crate::views::S3Bucket;

use super::s3::{judge_public_access, READ_ACTIONS};

/// `s3-bucket-public-read-prohibited` (AWS managed rule S3_BUCKET_PUBLIC_READ_PROHIBITED).
///
/// Documented logic: checks the Block Public Access settings, the bucket policy and the
/// bucket ACL. COMPLIANT when (public policies are restricted, or the policy does not
/// allow public read) and (public ACLs are restricted, or the ACL does not allow public
/// read). NON_COMPLIANT otherwise.
///
/// Choices where the documentation is silent:
/// - Only the bucket-level Block Public Access settings in the item
///   (`supplementaryConfiguration.PublicAccessBlockConfiguration`) are read; the
///   account-level settings are a separate resource type the item does not carry.
/// - "Restricts public policies" means `restrictPublicBuckets`; "restricts public ACLs"
///   means `ignorePublicAcls`. `blockPublicPolicy` and `blockPublicAcls` only stop
///   *new* grants, so existing ones are still judged.
/// - Public read in an ACL: a grant to AllUsers or AuthenticatedUsers of `Read` or
///   `FullControl`. In a policy: an Allow to `*` of s3:GetObject, s3:GetObjectVersion,
///   s3:ListBucket or s3:ListBucketVersions with no condition pinning it to an account,
///   organization, VPC, VPC endpoint, IP range or source (see [`crate::policy`]).
/// - An unreadable ACL or policy is NON_COMPLIANT with the reason, not an error: a
///   bucket whose exposure cannot be shown to be closed is not compliant.
pub struct S3BucketPublicReadProhibited;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-public-read-prohibited",
    description: "S3 buckets do not allow public read access through their ACL or bucket policy.",
    resource_types: &["AWS::S3::Bucket"],
    severity: Severity::Critical,
    // AWS triggers the managed rule on changes and every 24 hours; the daily run
    // re-judges every recorded resource of the type, so it gets more time and memory.
    trigger: Trigger::Both(Frequency::TwentyFourHours),
    memory_mb: 256,
    timeout_seconds: 300,
    ..RuleSpec::CHANGE
};

impl ItemRule for S3BucketPublicReadProhibited {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, _params: &Params) -> Verdict {
        judge_public_access(bucket, &["Read", "FullControl"], READ_ACTIONS, "read")
    }
}
