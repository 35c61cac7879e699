//! `secretsmanager-rotation-enabled-check`: secrets rotate, at most every N days/hours.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::Secret;

/// `secretsmanager-rotation-enabled-check` (AWS managed rule
/// SECRETSMANAGER_ROTATION_ENABLED_CHECK).
///
/// Documented logic: checks if an AWS Secrets Manager secret has rotation enabled and,
/// when `maximumAllowedRotationFrequency` is given, compares the rotation frequency of
/// the secret with it. NON_COMPLIANT if the secret is not scheduled for rotation, or if
/// the rotation frequency is higher than the parameter. Parameters (optional, no
/// default): `maximumAllowedRotationFrequency` (days) and
/// `maximumAllowedRotationFrequencyInHours` (hours).
///
/// Data: `configuration.RotationEnabled`, `configuration.RotationRules` (
/// `AutomaticallyAfterHours`, `AutomaticallyAfterDays`, `RotationScheduleExpression`)
/// and `configuration.Deleted`.
///
/// Choices:
/// - A secret scheduled for deletion (`Deleted` true) is NOT_APPLICABLE.
/// - "Frequency higher than the number" means the interval between rotations is longer
///   than the parameter: NON_COMPLIANT when the interval exceeds days × 24 (or the
///   hours). With both parameters set, both must hold.
/// - The interval is `AutomaticallyAfterHours`, else `AutomaticallyAfterDays` × 24,
///   else a `rate(N hours|days)` schedule. A `cron()` schedule has no fixed interval:
///   with a parameter set it is NON_COMPLIANT ("could not be determined"), without one
///   only rotation being enabled is judged.
pub struct SecretsmanagerRotationEnabledCheck;

/// `maximumAllowedRotationFrequency`.
const MAX_DAYS: ParamSpec = ParamSpec::optional(
    "maximumAllowedRotationFrequency",
    ParamKind::Int,
    "Maximum allowed rotation frequency of the secret in days",
);

/// `maximumAllowedRotationFrequencyInHours`.
const MAX_HOURS: ParamSpec = ParamSpec::optional(
    "maximumAllowedRotationFrequencyInHours",
    ParamKind::Int,
    "Maximum allowed rotation frequency of the secret in hours",
);

static SPEC: RuleSpec = RuleSpec {
    name: "secretsmanager-rotation-enabled-check",
    description: "Secrets Manager secrets have rotation enabled, at most maximumAllowedRotationFrequency apart when set.",
    resource_types: &["AWS::SecretsManager::Secret"],
    parameters: &[MAX_DAYS, MAX_HOURS],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for SecretsmanagerRotationEnabledCheck {
    type View = Secret;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, secret: &Secret, params: &Params) -> Verdict {
        if let Some(v) = secret.scheduled_for_deletion() {
            return v;
        }
        if secret.rotation_enabled != Some(true) {
            return Verdict::non_compliant("rotation is not enabled");
        }
        let mut limits: Vec<(i64, String)> = Vec::new();
        if let Some(d) = params.int(&MAX_DAYS) {
            limits.push((
                d.saturating_mul(24),
                format!("maximumAllowedRotationFrequency {d} days"),
            ));
        }
        if let Some(h) = params.int(&MAX_HOURS) {
            limits.push((
                h,
                format!("maximumAllowedRotationFrequencyInHours {h} hours"),
            ));
        }
        let interval = secret
            .rotation_rules
            .as_ref()
            .and_then(|r| r.interval_hours());
        if limits.is_empty() {
            return Verdict::compliant(match interval {
                Some(h) => format!("rotation is enabled, every {h} hours"),
                None => "rotation is enabled".to_string(),
            });
        }
        let Some(hours) = interval else {
            return Verdict::non_compliant(
                "rotation is enabled but the rotation interval could not be determined from the recorded schedule",
            );
        };
        let exceeded: Vec<String> = limits
            .iter()
            .filter(|(max, _)| hours > *max)
            .map(|(_, what)| what.clone())
            .collect();
        if exceeded.is_empty() {
            Verdict::compliant(format!("rotation is enabled, every {hours} hours"))
        } else {
            Verdict::non_compliant(format!(
                "the secret rotates every {hours} hours, longer than {}",
                exceeded.join(" and ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn secret(configuration: Value) -> Value {
        json!({"resourceType": "AWS::SecretsManager::Secret", "configuration": configuration})
    }

    fn rotating(rules: Value) -> Value {
        secret(
            json!({"Name": "prod/db", "RotationEnabled": true, "RotationRules": rules,
                      "Deleted": false}),
        )
    }

    #[test]
    fn rotation_enabled_is_compliant_and_disabled_or_absent_is_not() {
        let r = rotating(json!({"AutomaticallyAfterDays": 30}));
        assert_eq!(
            verdict(&SecretsmanagerRotationEnabledCheck, r, json!({})).0,
            Compliant
        );
        for conf in [json!({"RotationEnabled": false}), json!({"Name": "legacy"})] {
            let (c, a) = verdict(&SecretsmanagerRotationEnabledCheck, secret(conf), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "rotation is not enabled");
        }
    }

    #[test]
    fn a_secret_scheduled_for_deletion_is_not_applicable() {
        let s = secret(json!({"RotationEnabled": false, "Deleted": true}));
        assert_eq!(
            verdict(&SecretsmanagerRotationEnabledCheck, s, json!({})).0,
            NotApplicable
        );
    }

    #[test]
    fn the_maximum_in_days_bounds_the_interval() {
        let r = rotating(json!({"AutomaticallyAfterDays": 30}));
        let p = json!({"maximumAllowedRotationFrequency": "30"});
        assert_eq!(
            verdict(&SecretsmanagerRotationEnabledCheck, r.clone(), p).0,
            Compliant
        );
        let p = json!({"maximumAllowedRotationFrequency": "7"});
        let (c, a) = verdict(&SecretsmanagerRotationEnabledCheck, r, p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("720 hours") && a.contains("7 days"), "{a}");
    }

    #[test]
    fn the_maximum_in_hours_bounds_the_interval_and_both_must_hold() {
        let r = rotating(json!({"AutomaticallyAfterHours": 12}));
        let p = json!({"maximumAllowedRotationFrequencyInHours": "12"});
        assert_eq!(
            verdict(&SecretsmanagerRotationEnabledCheck, r.clone(), p).0,
            Compliant
        );
        let p = json!({"maximumAllowedRotationFrequencyInHours": "4"});
        assert_eq!(
            verdict(&SecretsmanagerRotationEnabledCheck, r.clone(), p).0,
            NonCompliant
        );
        let p = json!({"maximumAllowedRotationFrequency": "1", "maximumAllowedRotationFrequencyInHours": "6"});
        let (c, a) = verdict(&SecretsmanagerRotationEnabledCheck, r, p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("6 hours") && !a.contains("1 days"), "{a}");
    }

    #[test]
    fn rate_schedules_count_and_cron_schedules_cannot_be_bounded() {
        let r = rotating(json!({"RotationScheduleExpression": "rate(10 days)"}));
        let p = json!({"maximumAllowedRotationFrequency": "14"});
        assert_eq!(
            verdict(&SecretsmanagerRotationEnabledCheck, r, p).0,
            Compliant
        );
        let cron = rotating(json!({"RotationScheduleExpression": "cron(0 16 1,15 * ? *)"}));
        assert_eq!(
            verdict(&SecretsmanagerRotationEnabledCheck, cron.clone(), json!({})).0,
            Compliant
        );
        let p = json!({"maximumAllowedRotationFrequency": "14"});
        let (c, a) = verdict(&SecretsmanagerRotationEnabledCheck, cron, p);
        assert_eq!(c, NonCompliant);
        assert!(a.contains("could not be determined"), "{a}");
    }
}
