//! `s3-bucket-logging-enabled`: server access logging on, optionally to a given place.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::S3Bucket;

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
            return Verdict::non_compliant("server access logging is not enabled");
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
            Verdict::compliant(format!("access logs go to {dest}/{prefix}"))
        } else {
            Verdict::non_compliant(problems.join("; "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn bucket(logging: Value) -> Value {
        json!({"resourceType": "AWS::S3::Bucket", "resourceId": "data",
               "configuration": {"name": "data"},
               "supplementaryConfiguration": {"BucketLoggingConfiguration": logging}})
    }

    fn logging_to(dest: &str, prefix: &str) -> Value {
        bucket(json!({"destinationBucketName": dest, "logFilePrefix": prefix}))
    }

    #[test]
    fn logging_on_without_parameters_is_compliant_and_says_where() {
        let (c, a) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "data/"),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "access logs go to logs/data/");
    }

    #[test]
    fn logging_off_is_non_compliant() {
        let off = [
            bucket(json!({"destinationBucketName": null, "logFilePrefix": null})),
            bucket(json!({"destinationBucketName": ""})),
            bucket(json!({})),
            json!({"resourceType": "AWS::S3::Bucket", "configuration": {"name": "data"},
                   "supplementaryConfiguration": {}}),
        ];
        for b in off {
            let (c, a) = verdict(&S3BucketLoggingEnabled, b.clone(), json!({}));
            assert_eq!(c, NonCompliant, "{b}");
            assert_eq!(a, "server access logging is not enabled");
        }
        // The parameters do not change that.
        let (c, a) = verdict(
            &S3BucketLoggingEnabled,
            bucket(json!({})),
            json!({"targetBucket": "logs", "targetPrefix": "data/"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "server access logging is not enabled");
    }

    #[test]
    fn target_bucket_must_match_when_given() {
        let p = json!({"targetBucket": "logs"});
        let (c, _) = verdict(&S3BucketLoggingEnabled, logging_to("logs", "x/"), p.clone());
        assert_eq!(c, Compliant);
        let (c, a) = verdict(&S3BucketLoggingEnabled, logging_to("other", "x/"), p);
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "logs go to bucket other, not logs");
    }

    #[test]
    fn target_prefix_must_match_when_given() {
        let p = json!({"targetPrefix": "data/"});
        let (c, _) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "data/"),
            p.clone(),
        );
        assert_eq!(c, Compliant);
        let (c, a) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "other/"),
            p.clone(),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "log prefix is 'other/', not 'data/'");
        // No prefix recorded is the empty prefix.
        let (c, a) = verdict(
            &S3BucketLoggingEnabled,
            bucket(json!({"destinationBucketName": "logs"})),
            p,
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "log prefix is '', not 'data/'");
    }

    #[test]
    fn prefixes_are_compared_exactly_so_a_trailing_slash_matters() {
        let (c, a) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "data"),
            json!({"targetPrefix": "data/"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "log prefix is 'data', not 'data/'");
        let (c, _) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "data/"),
            json!({"targetPrefix": "data"}),
        );
        assert_eq!(c, NonCompliant);
        let (c, _) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "Data/"),
            json!({"targetPrefix": "data/"}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn both_parameters_are_checked_and_every_mismatch_is_named() {
        let p = json!({"targetBucket": "logs", "targetPrefix": "data/"});
        let (c, a) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "data/"),
            p.clone(),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "access logs go to logs/data/");
        let (c, a) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("other", "x/"),
            p.clone(),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "logs go to bucket other, not logs; log prefix is 'x/', not 'data/'"
        );
        let (c, a) = verdict(&S3BucketLoggingEnabled, logging_to("logs", "x/"), p);
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "log prefix is 'x/', not 'data/'");
    }

    #[test]
    fn an_empty_parameter_is_absent() {
        let (c, _) = verdict(
            &S3BucketLoggingEnabled,
            logging_to("logs", "x/"),
            json!({"targetBucket": "", "targetPrefix": ""}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn an_unreadable_logging_configuration_is_non_compliant_and_names_it() {
        for bad in [json!({"destinationBucketName": 5}), json!("not an object")] {
            let (c, a) = verdict(&S3BucketLoggingEnabled, bucket(bad), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(
                a.starts_with(
                    "supplementaryConfiguration.BucketLoggingConfiguration cannot be read"
                ),
                "{a}"
            );
        }
    }
}
