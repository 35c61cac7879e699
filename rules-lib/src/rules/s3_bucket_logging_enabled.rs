//! `s3-bucket-logging-enabled`: server access logging on, optionally to a given place.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::S3Bucket;
use crate::rule::{ItemRule, RuleSpec};

/// `s3-bucket-logging-enabled` (AWS managed rule S3_BUCKET_LOGGING_ENABLED).
///
/// Documented logic: COMPLIANT when server access logging is enabled; when
/// `targetBucket` is given the logs must go to that bucket, and when `targetPrefix` is
/// given, under that prefix.
///
/// Choice: prefixes are compared exactly (a trailing `/` matters, as it does to S3).
pub struct S3BucketLoggingEnabled;

/// `targetBucket`.
const TARGET_BUCKET: ParamSpec = ParamSpec::optional(
        "targetBucket",
        ParamKind::String,
        "The bucket the access logs must go to",
    );

/// `targetPrefix`.
const TARGET_PREFIX: ParamSpec = ParamSpec::optional(
        "targetPrefix",
        ParamKind::String,
        "The prefix the access logs must have",
    );

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-logging-enabled",
    description:
        "S3 buckets have server access logging enabled, to the given bucket and prefix when set.",
    resource_types: &["AWS::S3::Bucket"],
    parameters: &[TARGET_BUCKET, TARGET_PREFIX],
    ..RuleSpec::CHANGE
};

impl ItemRule for S3BucketLoggingEnabled {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, params: &Params) -> Verdict {
        let Some(dest) = bucket.logging.destination_bucket_name.as_deref() else {
            return Verdict::non_compliant(
                "server access logging is not enabled",
            );
        };
        let prefix = bucket.logging.log_file_prefix.as_deref().unwrap_or("");
        let mut problems = Vec::new();
        if let Some(want) = params.str(&TARGET_BUCKET) {
            if want != dest {
                problems.push(format!("logs go to bucket {dest}, not {want}"));
            }
        }
        if let Some(want) = params.str(&TARGET_PREFIX) {
            if want != prefix {
                problems.push(format!("log prefix is '{prefix}', not '{want}'"));
            }
        }
        if problems.is_empty() {
            Verdict::compliant(format!(
                "access logs go to {dest}/{prefix}"
            ))
        } else {
            Verdict::non_compliant(problems.join("; "))
        }
    }
}
