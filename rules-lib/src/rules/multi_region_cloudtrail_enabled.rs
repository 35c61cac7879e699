//! `multi-region-cloudtrail-enabled`: the account has a multi-region trail.

use crate::evaluation::Evaluation;
use crate::item::Timestamp;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemSet, Rule, RuleKind, RuleSpec, SetRule, Severity, ACCOUNT};

use super::cloudtrail::{
    destination_mismatch, judge_trails, Trail, CLOUD_WATCH_LOGS_LOG_GROUP_ARN, S3_BUCKET_NAME,
    SNS_TOPIC_ARN, TRAIL,
};

/// `multi-region-cloudtrail-enabled` (AWS managed rule MULTI_REGION_CLOUD_TRAIL_ENABLED:
/// the identifier and the name differ).
///
/// Documented logic: "Checks if there is at least one multi-region AWS CloudTrail. The
/// rule is NON_COMPLIANT if the trails do not match input parameters. The rule is
/// NON_COMPLIANT if the ExcludeManagementEventSources field is not empty or if AWS
/// CloudTrail is configured to exclude management events such as AWS KMS events or
/// Amazon RDS Data API events." Periodic; optional parameters `s3BucketName`,
/// `snsTopicArn`, `cloudWatchLogsLogGroupArn` (strings), `includeManagementEvents`
/// (boolean) and `readWriteType` (`ReadOnly`, `WriteOnly` or `ALL`). One result on
/// `AWS::::Account` with the account id.
///
/// Ferrule reads the recorded `AWS::CloudTrail::Trail` items (no CloudTrail API):
/// COMPLIANT when at least one trail has `isMultiRegionTrail` true and matches every
/// parameter that is set; NON_COMPLIANT otherwise, naming the first reason a trail
/// fails (or that no trail is recorded).
///
/// Choices and divergences, from what the configuration item cannot show:
/// - Logging status (`IsLogging`) is not recorded: a multi-region trail counts whether
///   or not it is logging.
/// - Event selectors are not recorded, only `hasCustomEventSelectors`. A trail with
///   `hasCustomEventSelectors` false has CloudTrail's default selector (all management
///   events, read and write, none excluded), which ferrule checks against
///   `includeManagementEvents` (equal) and `readWriteType` (equal, any case: the API
///   says `All`, the documentation `ALL`). A trail with custom selectors (or no flag)
///   cannot be shown to match either parameter, so when one is set it does not count.
///   Excluded management event sources of custom selectors cannot be seen and are not
///   checked (when neither parameter is set such a trail counts).
/// - Only trails AWS Config has recorded in the region the rule runs in are seen.
/// - Bucket, topic and log group match exactly, a log group ARN with or without its
///   trailing `:*`.
pub struct MultiRegionCloudtrailEnabled;

/// `includeManagementEvents`.
const INCLUDE_MANAGEMENT_EVENTS: ParamSpec = ParamSpec::optional(
    "includeManagementEvents",
    ParamKind::Bool,
    "Whether the trail's event selector includes management events",
);

/// `readWriteType`.
const READ_WRITE_TYPE: ParamSpec = ParamSpec::optional(
    "readWriteType",
    ParamKind::Choice(&["ReadOnly", "WriteOnly", "ALL"]),
    "Type of events to record: ReadOnly, WriteOnly or ALL",
);

static SPEC: RuleSpec = RuleSpec {
    name: "multi-region-cloudtrail-enabled",
    description:
        "At least one multi-region CloudTrail trail matches the given destinations and selectors.",
    resource_types: &[ACCOUNT],
    parameters: &[
        S3_BUCKET_NAME,
        SNS_TOPIC_ARN,
        CLOUD_WATCH_LOGS_LOG_GROUP_ARN,
        INCLUDE_MANAGEMENT_EVENTS,
        READ_WRITE_TYPE,
    ],
    severity: Severity::High,
    ..RuleSpec::PERIODIC
};

/// Why this trail does not qualify, or `None` when it does.
fn disqualified(trail: &Trail, params: &Params) -> Option<String> {
    if trail.is_multi_region_trail != Some(true) {
        return Some("it is not a multi-region trail".into());
    }
    if let Some(m) = destination_mismatch(trail, params) {
        return Some(m);
    }
    let include = params.bool(&INCLUDE_MANAGEMENT_EVENTS);
    let read_write = params.str(&READ_WRITE_TYPE);
    if include.is_none() && read_write.is_none() {
        return None;
    }
    if trail.has_custom_event_selectors != Some(false) {
        return Some(
            "its custom event selectors are not in the configuration item, so \
             includeManagementEvents/readWriteType cannot be confirmed"
                .into(),
        );
    }
    // The default selector: ReadWriteType All, IncludeManagementEvents true.
    if include == Some(false) {
        return Some(
            "its default event selector includes management events \
             (includeManagementEvents is false)"
                .into(),
        );
    }
    match read_write {
        Some(rw) if !rw.eq_ignore_ascii_case("ALL") => Some(format!(
            "its default event selector records ALL events, not {rw} (readWriteType)"
        )),
        _ => None,
    }
}

impl Rule for MultiRegionCloudtrailEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn kind(&self) -> RuleKind<'_> {
        RuleKind::Set(self)
    }
}

impl SetRule for MultiRegionCloudtrailEnabled {
    fn source_types(&self) -> &'static [&'static str] {
        &[TRAIL]
    }

    fn judge(&self, items: &ItemSet, params: &Params, at: Timestamp) -> Vec<Evaluation> {
        judge_trails(
            items,
            params,
            at,
            "is multi-region",
            "no multi-region trail qualifies",
            disqualified,
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
        judge_account(&MultiRegionCloudtrailEnabled, items, raw)
    }

    fn org() -> ConfigurationItem {
        trail_item(
            "org",
            json!({"name": "org", "isMultiRegionTrail": true, "s3BucketName": "ct-logs",
                   "snsTopicARN": "arn:aws:sns:us-east-1:123456789012:ct",
                   "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:ct:*",
                   "hasCustomEventSelectors": false}),
        )
    }

    fn regional() -> ConfigurationItem {
        trail_item(
            "local",
            json!({"name": "local", "isMultiRegionTrail": false}),
        )
    }

    #[test]
    fn a_multi_region_trail_is_compliant_and_none_is_not() {
        let (c, a) = one(&[regional(), org()], json!({}));
        assert_eq!(c, Compliant);
        assert!(
            a.contains("trail org") && a.contains("logging status not checked"),
            "{a}"
        );
        let (c, a) = one(&[regional()], json!({}));
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("trail local: it is not a multi-region trail"),
            "{a}"
        );
        let (c, a) = one(&[], json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("no CloudTrail trail is recorded"), "{a}");
    }

    #[test]
    fn destination_parameters_must_match() {
        let all = json!({"s3BucketName": "ct-logs",
            "snsTopicArn": "arn:aws:sns:us-east-1:123456789012:ct",
            "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:123456789012:log-group:ct"});
        assert_eq!(one(&[org()], all).0, Compliant);
        for (name, value) in [
            ("s3BucketName", "other"),
            ("snsTopicArn", "arn:aws:sns:us-east-1:123456789012:other"),
            (
                "cloudWatchLogsLogGroupArn",
                "arn:aws:logs:us-east-1:123456789012:log-group:x",
            ),
        ] {
            let (c, a) = one(&[org()], json!({ name: value }));
            assert_eq!(c, NonCompliant, "{name}");
            assert!(a.contains(name), "{a}");
        }
    }

    #[test]
    fn selector_parameters_are_checked_against_the_default_selector_only() {
        assert_eq!(
            one(&[org()], json!({"includeManagementEvents": "true"})).0,
            Compliant
        );
        assert_eq!(one(&[org()], json!({"readWriteType": "All"})).0, Compliant);
        let (c, a) = one(&[org()], json!({"includeManagementEvents": "false"}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("includeManagementEvents"), "{a}");
        let (c, a) = one(&[org()], json!({"readWriteType": "ReadOnly"}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("not ReadOnly"), "{a}");
        let custom = trail_item(
            "custom",
            json!({"name": "custom", "isMultiRegionTrail": true, "hasCustomEventSelectors": true}),
        );
        // Without selector parameters a trail with custom selectors counts ...
        assert_eq!(one(std::slice::from_ref(&custom), json!({})).0, Compliant);
        // ... with one, it cannot be confirmed.
        let (c, a) = one(&[custom], json!({"readWriteType": "ALL"}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("cannot be confirmed"), "{a}");
    }

    #[test]
    fn an_unreadable_trail_does_not_count_and_says_why() {
        let bad = trail_item("bad", json!({"isMultiRegionTrail": {"x": 1}}));
        let (c, a) = one(&[bad], json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("cannot be read"), "{a}");
    }

    #[test]
    fn no_account_id_no_result() {
        let set = ItemSet::default();
        let e = SetRule::judge(
            &MultiRegionCloudtrailEnabled,
            &set,
            &Params::default(),
            Timestamp::now(),
        );
        assert!(e.is_empty());
    }
}
