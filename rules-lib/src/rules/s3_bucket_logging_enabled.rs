//! `s3-bucket-logging-enabled`: server access logging on, optionally to a given place.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

/// `s3-bucket-logging-enabled` (AWS managed rule S3_BUCKET_LOGGING_ENABLED).
///
/// Documented logic: COMPLIANT when server access logging is enabled; when
/// `targetBucket` is given the logs must go to that bucket, and when `targetPrefix` is
/// given, under that prefix.
///
/// Choice: prefixes are compared exactly (a trailing `/` matters, as it does to S3).
pub struct S3BucketLoggingEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-logging-enabled",
    description:
        "S3 buckets have server access logging enabled, to the given bucket and prefix when set.",
    resource_types: &["AWS::S3::Bucket"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[
        ParamSpec::optional(
            "targetBucket",
            ParamKind::String,
            "The bucket the access logs must go to",
        ),
        ParamSpec::optional(
            "targetPrefix",
            ParamKind::String,
            "The prefix the access logs must have",
        ),
    ],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for S3BucketLoggingEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let conf = item.supplementary("BucketLoggingConfiguration");
        let get = |k: &str| {
            conf.and_then(|c| c.get(k))
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
        };
        let Some(dest) = get("destinationBucketName") else {
            return Ok(Verdict::non_compliant(
                "server access logging is not enabled",
            ));
        };
        let prefix = get("logFilePrefix").unwrap_or("");
        let mut problems = Vec::new();
        if let Some(want) = params.str("targetBucket") {
            if want != dest {
                problems.push(format!("logs go to bucket {dest}, not {want}"));
            }
        }
        if let Some(want) = params.str("targetPrefix") {
            if want != prefix {
                problems.push(format!("log prefix is '{prefix}', not '{want}'"));
            }
        }
        if problems.is_empty() {
            Ok(Verdict::compliant(format!(
                "access logs go to {dest}/{prefix}"
            )))
        } else {
            Ok(Verdict::non_compliant(problems.join("; ")))
        }
    }
}
