//! `cloudtrail-enabled`: the account has a CloudTrail trail.

use crate::evaluation::Evaluation;
use crate::item::Timestamp;
use crate::params::Params;
use crate::rule::{ItemSet, Rule, RuleKind, RuleSpec, SetRule, Severity, ACCOUNT};

use super::cloudtrail::{
    destination_mismatch, judge_trails, CLOUD_WATCH_LOGS_LOG_GROUP_ARN, S3_BUCKET_NAME,
    SNS_TOPIC_ARN, TRAIL,
};

/// `cloudtrail-enabled` (AWS managed rule CLOUD_TRAIL_ENABLED: the identifier and the
/// name differ).
///
/// Documented logic: "Checks if an AWS CloudTrail trail is enabled in your AWS account.
/// The rule is NON_COMPLIANT if a trail is not enabled. Optionally, the rule checks a
/// specific S3 bucket, Amazon Simple Notification Service (Amazon SNS) topic, and
/// CloudWatch log group." Periodic; optional string parameters `s3BucketName`,
/// `snsTopicArn` and `cloudWatchLogsLogGroupArn`. One result on `AWS::::Account` with
/// the account id.
///
/// Ferrule reads the recorded `AWS::CloudTrail::Trail` items (no CloudTrail API):
/// COMPLIANT when at least one trail matches every parameter that is set; NON_COMPLIANT
/// when no trail is recorded or none matches (naming the first mismatch).
///
/// Divergences, from what the configuration item cannot show:
/// - "Enabled" for the managed rule means logging (`IsLogging` from GetTrailStatus),
///   which is not recorded: a recorded trail counts whether or not it is logging, and
///   the annotation says so.
/// - Only trails AWS Config has recorded in the region the rule runs in are seen (the
///   managed rule also counts the copies of multi-region trails that DescribeTrails
///   lists outside their home region).
/// - Bucket, topic and log group match exactly, a log group ARN with or without its
///   trailing `:*`.
pub struct CloudtrailEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "cloudtrail-enabled",
    description: "At least one CloudTrail trail exists, matching the given destinations.",
    resource_types: &[ACCOUNT],
    parameters: &[
        S3_BUCKET_NAME,
        SNS_TOPIC_ARN,
        CLOUD_WATCH_LOGS_LOG_GROUP_ARN,
    ],
    severity: Severity::High,
    ..RuleSpec::PERIODIC
};

impl Rule for CloudtrailEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Set(self)
    }
}

impl SetRule for CloudtrailEnabled {
    fn source_types(&self) -> &'static [&'static str] {
        &[TRAIL]
    }

    fn judge(&self, items: &ItemSet, params: &Params, at: Timestamp) -> Vec<Evaluation> {
        judge_trails(
            items,
            params,
            at,
            "exists",
            "no trail matches the parameters",
            destination_mismatch,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::{self, *};
    use crate::item::ConfigurationItem;
    use crate::rules::cloudtrail::tests::{judge_account, trail_item};
    use serde_json::{json, Value};

    fn one(items: &[ConfigurationItem], raw: Value) -> (Compliance, String) {
        judge_account(&CloudtrailEnabled, items, raw)
    }

    fn main_trail() -> ConfigurationItem {
        trail_item(
            "main",
            json!({"name": "main", "isMultiRegionTrail": false, "s3BucketName": "ct-logs",
                   "snsTopicARN": "arn:aws:sns:us-east-1:123456789012:ct",
                   "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:ct:*"}),
        )
    }

    #[test]
    fn any_recorded_trail_is_compliant_and_none_is_not() {
        let (c, a) = one(&[main_trail()], json!({}));
        assert_eq!(c, Compliant);
        assert!(
            a.contains("trail main") && a.contains("logging status not checked"),
            "{a}"
        );
        let (c, a) = one(&[], json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no CloudTrail trail"), "{a}");
    }

    #[test]
    fn each_parameter_must_match_some_trail() {
        let all = json!({"s3BucketName": "ct-logs",
            "snsTopicArn": "arn:aws:sns:us-east-1:123456789012:ct",
            "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:ct"});
        assert_eq!(one(&[main_trail()], all).0, Compliant);
        for (name, value) in [
            ("s3BucketName", "other"),
            ("snsTopicArn", "arn:aws:sns:us-east-1:123456789012:other"),
            (
                "cloudWatchLogsLogGroupArn",
                "arn:aws:logs:us-east-1:123456789012:log-group:x:*",
            ),
        ] {
            let (c, a) = one(&[main_trail()], json!({ name: value }));
            assert_eq!(c, NonCompliant, "{name}");
            assert!(a.contains("trail main") && a.contains(name), "{a}");
        }
        // Another trail that matches is enough.
        let other = trail_item("other", json!({"name": "other", "s3BucketName": "other"}));
        assert_eq!(
            one(&[main_trail(), other], json!({"s3BucketName": "other"})).0,
            Compliant
        );
    }

    #[test]
    fn an_unreadable_trail_does_not_count_and_says_why() {
        let bad = trail_item("bad", json!({"s3BucketName": 5}));
        let (c, a) = one(&[bad], json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("cannot be read"), "{a}");
    }
}
