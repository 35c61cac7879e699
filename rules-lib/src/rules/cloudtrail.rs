//! What the CloudTrail rules share: a typed view of `AWS::CloudTrail::Trail`, the trail
//! parameters of `cloudtrail-enabled` and `multi-region-cloudtrail-enabled`, how a
//! trail is matched against them, and their verdict on the account's trails.
//!
//! The recorded item has the trail's settings but neither its logging status
//! (`IsLogging`) nor its event selectors: those need the CloudTrail API, which ferrule
//! does not call. Each rule documents what that leaves out.

use serde::Deserialize;

use crate::evaluation::{Evaluation, Verdict};
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::ItemSet;
use crate::views::{configuration, View, ViewError};

/// The resource type of trails.
pub(crate) const TRAIL: &str = "AWS::CloudTrail::Trail";

/// `AWS::CloudTrail::Trail`: the fields the CloudTrail rules read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trail {
    /// `name`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub name: Option<String>,
    /// `isMultiRegionTrail`.
    #[serde(default, deserialize_with = "crate::views::de::opt_bool")]
    pub is_multi_region_trail: Option<bool>,
    /// `logFileValidationEnabled`.
    #[serde(default, deserialize_with = "crate::views::de::opt_bool")]
    pub log_file_validation_enabled: Option<bool>,
    /// `cloudWatchLogsLogGroupArn`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// `s3BucketName`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub s3_bucket_name: Option<String>,
    /// `snsTopicARN` (the schema's spelling; `snsTopicArn` is read too).
    #[serde(
        default,
        rename = "snsTopicARN",
        alias = "snsTopicArn",
        deserialize_with = "crate::views::de::opt_text"
    )]
    pub sns_topic_arn: Option<String>,
    /// `hasCustomEventSelectors`: false means CloudTrail's default selector (all
    /// management events, read and write, nothing excluded).
    #[serde(default, deserialize_with = "crate::views::de::opt_bool")]
    pub has_custom_event_selectors: Option<bool>,
}

impl View for Trail {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

impl Trail {
    /// The trail's name, or the item's resource name or id.
    pub fn label<'a>(&'a self, item: &'a ConfigurationItem) -> &'a str {
        self.name
            .as_deref()
            .or(item.resource_name.as_deref())
            .unwrap_or(&item.resource_id)
    }
}

/// `s3BucketName`.
pub(crate) const S3_BUCKET_NAME: ParamSpec = ParamSpec::optional(
    "s3BucketName",
    ParamKind::String,
    "Name of the S3 bucket CloudTrail delivers log files to",
);

/// `snsTopicArn`.
pub(crate) const SNS_TOPIC_ARN: ParamSpec = ParamSpec::optional(
    "snsTopicArn",
    ParamKind::String,
    "ARN of the SNS topic CloudTrail notifies",
);

/// `cloudWatchLogsLogGroupArn`.
pub(crate) const CLOUD_WATCH_LOGS_LOG_GROUP_ARN: ParamSpec = ParamSpec::optional(
    "cloudWatchLogsLogGroupArn",
    ParamKind::String,
    "ARN of the CloudWatch Logs log group CloudTrail sends events to",
);

/// A log group ARN without the `:*` CloudTrail appends.
fn log_group(arn: &str) -> &str {
    let a = arn.trim();
    a.strip_suffix(":*").unwrap_or(a)
}

/// Why the trail does not match the destination parameters that are set (bucket,
/// topic, log group), or `None` when it matches them all. Names and ARNs match
/// exactly, except that a log group ARN matches with or without its trailing `:*`.
pub(crate) fn destination_mismatch(trail: &Trail, params: &Params) -> Option<String> {
    let checks = [
        (
            &S3_BUCKET_NAME,
            trail.s3_bucket_name.as_deref(),
            "its S3 bucket",
        ),
        (
            &SNS_TOPIC_ARN,
            trail.sns_topic_arn.as_deref(),
            "its SNS topic",
        ),
        (
            &CLOUD_WATCH_LOGS_LOG_GROUP_ARN,
            trail.cloud_watch_logs_log_group_arn.as_deref(),
            "its CloudWatch Logs log group",
        ),
    ];
    for (spec, actual, what) in checks {
        let Some(wanted) = params.str(spec).map(str::trim).filter(|w| !w.is_empty()) else {
            continue;
        };
        let matches = actual.is_some_and(|a| {
            if spec.name == CLOUD_WATCH_LOGS_LOG_GROUP_ARN.name {
                log_group(a) == log_group(wanted)
            } else {
                a.trim() == wanted
            }
        });
        if !matches {
            return Some(format!(
                "{what} is {}, not {wanted} ({})",
                actual.unwrap_or("unset"),
                spec.name
            ));
        }
    }
    None
}

/// The one `AWS::::Account` evaluation (none without an account id) of a rule that wants
/// at least one recorded trail that `disqualified` accepts (`None`): COMPLIANT naming
/// the first such trail ("trail NAME `qualifies` and matches the parameters", logging
/// status not checked); NON_COMPLIANT when no trail is recorded, or else with `none`,
/// how many are recorded and the first trail's reason (or why it cannot be read).
pub(crate) fn judge_trails(
    items: &ItemSet,
    params: &Params,
    at: Timestamp,
    qualifies: &str,
    none: &str,
    disqualified: impl Fn(&Trail, &Params) -> Option<String>,
) -> Vec<Evaluation> {
    let v = trails_verdict(items, params, qualifies, none, disqualified);
    items.account_evaluation(v, at).into_iter().collect()
}

fn trails_verdict(
    items: &ItemSet,
    params: &Params,
    qualifies: &str,
    none: &str,
    disqualified: impl Fn(&Trail, &Params) -> Option<String>,
) -> Verdict {
    let trails = items.of_type(TRAIL);
    if trails.is_empty() {
        return Verdict::non_compliant("no CloudTrail trail is recorded in this region");
    }
    let mut first_reason: Option<String> = None;
    for item in trails {
        let reason = match item.view::<Trail>() {
            Err(e) => format!("{e}"),
            Ok(trail) => match disqualified(&trail, params) {
                None => {
                    return Verdict::compliant(format!(
                        "trail {} {qualifies} and matches the parameters (logging status not \
                         checked: not in the configuration item)",
                        trail.label(item)
                    ))
                }
                Some(r) => format!("trail {}: {r}", trail.label(item)),
            },
        };
        first_reason.get_or_insert(reason);
    }
    Verdict::non_compliant(format!(
        "{none} ({} recorded); {}",
        trails.len(),
        first_reason.unwrap_or_default()
    ))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::evaluation::Compliance;
    use crate::rule::{now_or_never, Rule, SetRule, SnapshotItems, ACCOUNT};
    use serde_json::{json, Value};

    /// The one evaluation `rule` makes of the trails `items` with parameters `raw`, on
    /// the account: (compliance, annotation).
    pub(crate) fn judge_account(
        rule: &(impl SetRule + Rule),
        items: &[ConfigurationItem],
        raw: Value,
    ) -> (Compliance, String) {
        let set = now_or_never(ItemSet::collect(
            &SnapshotItems(items),
            &[TRAIL],
            Some("123456789012"),
        ))
        .unwrap()
        .unwrap();
        let spec = Rule::spec(rule);
        let (params, _) =
            Params::parse(spec.name, spec.parameters, raw.as_object().unwrap()).unwrap();
        let e = SetRule::judge(rule, &set, &params, Timestamp::now());
        assert_eq!(e.len(), 1);
        assert_eq!(
            (
                e[0].compliance_resource_type.as_str(),
                e[0].compliance_resource_id.as_str()
            ),
            (ACCOUNT, "123456789012")
        );
        (
            e[0].compliance_type,
            e[0].annotation.clone().unwrap_or_default(),
        )
    }

    /// A recorded trail item with this configuration.
    pub(crate) fn trail_item(id: &str, configuration: Value) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({
            "resourceType": TRAIL, "resourceId": id, "resourceName": id,
            "awsAccountId": "123456789012", "awsRegion": "us-east-1",
            "configurationItemStatus": "OK",
            "configurationItemCaptureTime": "2024-05-01T10:00:00.000Z",
            "configuration": configuration,
        }))
        .unwrap()
    }

    fn params(raw: Value) -> Params {
        Params::parse(
            "t",
            &[
                S3_BUCKET_NAME,
                SNS_TOPIC_ARN,
                CLOUD_WATCH_LOGS_LOG_GROUP_ARN,
            ],
            raw.as_object().unwrap(),
        )
        .unwrap()
        .0
    }

    #[test]
    fn destinations_match_exactly_and_log_groups_with_or_without_the_star() {
        let item = trail_item(
            "main",
            json!({"s3BucketName": "logs", "snsTopicARN": "arn:aws:sns:us-east-1:1:t",
                   "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:ct:*"}),
        );
        let t = item.view::<Trail>().unwrap();
        assert_eq!(destination_mismatch(&t, &params(json!({}))), None);
        let all = params(
            json!({"s3BucketName": "logs", "snsTopicArn": "arn:aws:sns:us-east-1:1:t",
            "cloudWatchLogsLogGroupArn": "arn:aws:logs:us-east-1:1:log-group:ct"}),
        );
        assert_eq!(destination_mismatch(&t, &all), None);
        let m = destination_mismatch(&t, &params(json!({"s3BucketName": "other"}))).unwrap();
        assert_eq!(m, "its S3 bucket is logs, not other (s3BucketName)");
        let unset = trail_item("bare", json!({})).view::<Trail>().unwrap();
        let m = destination_mismatch(&unset, &params(json!({"snsTopicArn": "x"}))).unwrap();
        assert!(m.contains("unset"), "{m}");
    }
}
