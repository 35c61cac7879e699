//! `cloud-trail-log-file-validation-enabled`: trails sign digest files of their logs.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec};

use super::cloudtrail::{Trail, TRAIL};

/// `cloud-trail-log-file-validation-enabled` (AWS managed rule
/// CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED).
///
/// Documented logic: "Checks if AWS CloudTrail creates a signed digest file with logs.
/// AWS recommends that the file validation must be enabled on all trails. The rule is
/// NON_COMPLIANT if the validation is not enabled." Periodic, no parameters.
///
/// Ferrule judges each recorded `AWS::CloudTrail::Trail` from its
/// `logFileValidationEnabled`: COMPLIANT when true, NON_COMPLIANT when false or absent.
/// Like the managed rule it is periodic (every 24 hours): a scheduled run sweeps every
/// trail recorded in the region through the Config API, instead of DescribeTrails.
///
/// Choice: the result is per trail (on `AWS::CloudTrail::Trail`, as the managed rule's
/// resource type), for each trail AWS Config has recorded in the region the rule runs
/// in; a trail with no configuration item gets no result.
pub struct CloudTrailLogFileValidationEnabled;

/// The remediation: AWSConfigRemediation-EnableCloudTrailLogFileValidation. Turns on log file validation of the trail. Automatic: it only adds digest files.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-EnableCloudTrailLogFileValidation",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("TrailName"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "cloudtrail:DescribeTrails",
        "cloudtrail:UpdateTrail",
    ],
    automatic: true,
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-enable-ctrail-log-validation.html",
};

static SPEC: RuleSpec = RuleSpec {
    name: "cloud-trail-log-file-validation-enabled",
    description: "CloudTrail trails have log file validation (signed digest files) enabled.",
    resource_types: &[TRAIL],
    remediation: Some(&REMEDIATION),
    ..RuleSpec::PERIODIC
};

impl ItemRule for CloudTrailLogFileValidationEnabled {
    type View = Trail;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, trail: &Trail, _params: &Params) -> Verdict {
        match trail.log_file_validation_enabled {
            Some(true) => Verdict::compliant("log file validation is enabled"),
            Some(false) => Verdict::non_compliant("log file validation is not enabled"),
            None => Verdict::non_compliant(
                "log file validation is not enabled (logFileValidationEnabled unset)",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::rule::{Frequency, Trigger};
    use crate::testing::verdict;
    use serde_json::json;

    fn trail(configuration: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::CloudTrail::Trail", "configuration": configuration})
    }

    #[test]
    fn validation_on_is_compliant_off_or_absent_is_not() {
        let rule = CloudTrailLogFileValidationEnabled;
        let on = trail(json!({"name": "main", "logFileValidationEnabled": true}));
        assert_eq!(verdict(&rule, on, json!({})).0, Compliant);
        let text = trail(json!({"logFileValidationEnabled": "true"}));
        assert_eq!(verdict(&rule, text, json!({})).0, Compliant);
        let (c, a) = verdict(
            &rule,
            trail(json!({"logFileValidationEnabled": false})),
            json!({}),
        );
        assert_eq!(
            (c, a.as_str()),
            (NonCompliant, "log file validation is not enabled")
        );
        let (c, a) = verdict(&rule, trail(json!({"name": "main"})), json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("unset"), "{a}");
    }

    #[test]
    fn periodic_every_24_hours_and_other_types_not_applicable() {
        assert_eq!(SPEC.trigger, Trigger::Periodic(Frequency::TwentyFourHours));
        assert!(!SPEC.preventive);
        let other = json!({"resourceType": "AWS::S3::Bucket", "configuration": {}});
        let rule = CloudTrailLogFileValidationEnabled;
        assert_eq!(verdict(&rule, other, json!({})).0, NotApplicable);
    }

    #[test]
    fn an_unreadable_flag_is_non_compliant_and_says_why() {
        let rule = CloudTrailLogFileValidationEnabled;
        let bad = trail(json!({"logFileValidationEnabled": [true]}));
        let (c, a) = verdict(&rule, bad, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("configuration cannot be read"), "{a}");
    }
}
