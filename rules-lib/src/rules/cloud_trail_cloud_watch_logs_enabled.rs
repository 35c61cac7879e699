//! `cloud-trail-cloud-watch-logs-enabled`: trails send their events to CloudWatch Logs.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use super::cloudtrail::{Trail, TRAIL};

/// `cloud-trail-cloud-watch-logs-enabled` (AWS managed rule
/// CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED).
///
/// Documented logic: "Checks if AWS CloudTrail trails are configured to send logs to
/// CloudWatch logs. The trail is NON_COMPLIANT if the CloudWatchLogsLogGroupArn property
/// of the trail is empty." Periodic. Optional parameter `expectedDeliveryWindowAge`
/// (int): "Maximum age in hours of the most recent delivery to CloudWatch logs that
/// satisfies compliance."
///
/// Ferrule judges each recorded `AWS::CloudTrail::Trail`: NON_COMPLIANT when
/// `cloudWatchLogsLogGroupArn` is absent or empty, COMPLIANT otherwise. Periodic every
/// 24 hours, like the managed rule.
///
/// Divergence: the time of the latest delivery (`LatestCloudWatchLogsDeliveryTime`) is
/// only in CloudTrail's GetTrailStatus, not in the configuration item, and ferrule does
/// not call the CloudTrail API. `expectedDeliveryWindowAge` is declared (so deployments
/// written for the managed rule keep working), but the delivery age is not judged: a
/// trail with a log group is COMPLIANT and, when the parameter is set, its annotation
/// says the delivery age was not checked. `cloudWatchLogsRoleArn` is not
/// required, as the documentation does not require it.
pub struct CloudTrailCloudWatchLogsEnabled;

/// `expectedDeliveryWindowAge`.
const EXPECTED_DELIVERY_WINDOW_AGE: ParamSpec = ParamSpec::optional(
    "expectedDeliveryWindowAge",
    ParamKind::Int,
    "Maximum age in hours of the latest delivery to CloudWatch Logs (declared for \
     compatibility: the delivery age is not in the configuration item and is not checked)",
);

static SPEC: RuleSpec = RuleSpec {
    name: "cloud-trail-cloud-watch-logs-enabled",
    description: "CloudTrail trails send their events to a CloudWatch Logs log group.",
    resource_types: &[TRAIL],
    parameters: &[EXPECTED_DELIVERY_WINDOW_AGE],
    ..RuleSpec::PERIODIC
};

impl ItemRule for CloudTrailCloudWatchLogsEnabled {
    type View = Trail;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, trail: &Trail, params: &Params) -> Verdict {
        let age = params.int(&EXPECTED_DELIVERY_WINDOW_AGE);
        match trail
            .cloud_watch_logs_log_group_arn
            .as_deref()
            .map(str::trim)
            .filter(|a| !a.is_empty())
        {
            None => Verdict::non_compliant(
                "the trail sends no events to CloudWatch Logs (cloudWatchLogsLogGroupArn is empty)",
            ),
            Some(group) => match age {
                None => Verdict::compliant(format!("the trail sends events to {group}")),
                Some(hours) => Verdict::compliant(format!(
                    "the trail sends events to {group}; the last delivery's age \
                     (expectedDeliveryWindowAge {hours} h) is not in the configuration \
                     item and was not checked"
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    const GROUP: &str = "arn:aws:logs:us-east-1:123456789012:log-group:CloudTrail/main:*";

    fn trail(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::CloudTrail::Trail", "configuration": configuration})
    }

    #[test]
    fn a_log_group_is_compliant_and_none_or_empty_is_not() {
        let rule = CloudTrailCloudWatchLogsEnabled;
        let on = trail(json!({"cloudWatchLogsLogGroupArn": GROUP}));
        let (c, a) = verdict(&rule, on, json!({}));
        assert_eq!(c, Compliant);
        assert!(a.contains("CloudTrail/main"), "{a}");
        for off in [
            json!({}),
            json!({"cloudWatchLogsLogGroupArn": ""}),
            json!({"cloudWatchLogsLogGroupArn": null}),
        ] {
            let (c, a) = verdict(&rule, trail(off), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.contains("cloudWatchLogsLogGroupArn is empty"), "{a}");
        }
    }

    #[test]
    fn the_delivery_window_is_declared_but_not_checked() {
        let rule = CloudTrailCloudWatchLogsEnabled;
        let on = trail(json!({"cloudWatchLogsLogGroupArn": GROUP}));
        let (c, a) = verdict(&rule, on, json!({"expectedDeliveryWindowAge": "24"}));
        assert_eq!(c, Compliant);
        assert!(a.contains("not checked"), "{a}");
        // Without a log group, the parameter changes nothing.
        let (c, _) = verdict(
            &rule,
            trail(json!({})),
            json!({"expectedDeliveryWindowAge": "24"}),
        );
        assert_eq!(c, NonCompliant);
    }
}
