//! `dynamodb-pitr-enabled`: DynamoDB tables have point-in-time recovery.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};
use crate::views::Untyped;

/// `dynamodb-pitr-enabled` (AWS managed rule DYNAMODB_PITR_ENABLED).
///
/// Documented logic: NON_COMPLIANT when point-in-time recovery is not enabled
/// (`supplementaryConfiguration.ContinuousBackupsDescription.pointInTimeRecoveryDescription.pointInTimeRecoveryStatus`
/// is not `ENABLED`).
pub struct DynamodbPitrEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "dynamodb-pitr-enabled",
    description: "DynamoDB tables have point-in-time recovery enabled.",
    resource_types: &["AWS::DynamoDB::Table"],
    ..RuleSpec::CHANGE
};

impl ItemRule for DynamodbPitrEnabled {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {
        let status = item
            .supplementary("ContinuousBackupsDescription")
            .and_then(|c| c.get("pointInTimeRecoveryDescription"))
            .and_then(|p| p.get("pointInTimeRecoveryStatus"))
            .and_then(Value::as_str);
        match status {
            Some(s) if s.eq_ignore_ascii_case("ENABLED") => {
                Verdict::compliant("point-in-time recovery is enabled")
            }
            Some(s) => Verdict::non_compliant(format!("point-in-time recovery is {s}")),
            None => Verdict::non_compliant("the item records no point-in-time recovery status"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::json;

    fn table(supplementary: serde_json::Value) -> serde_json::Value {
        json!({"resourceType": "AWS::DynamoDB::Table", "configuration": {"tableName": "t"},
               "supplementaryConfiguration": supplementary})
    }

    fn backups(status: &str) -> serde_json::Value {
        json!({"ContinuousBackupsDescription": {
            "continuousBackupsStatus": "ENABLED",
            "pointInTimeRecoveryDescription": {"pointInTimeRecoveryStatus": status}}})
    }

    #[test]
    fn pitr_enabled_is_compliant() {
        let (c, a) = verdict(&DynamodbPitrEnabled, table(backups("ENABLED")), json!({}));
        assert_eq!(c, Compliant);
        assert_eq!(a, "point-in-time recovery is enabled");
    }

    #[test]
    fn pitr_enabled_is_read_from_json_text_too() {
        let text = json!({"ContinuousBackupsDescription": backups("ENABLED")
            ["ContinuousBackupsDescription"].to_string()});
        assert_eq!(
            verdict(&DynamodbPitrEnabled, table(text), json!({})).0,
            Compliant
        );
    }

    #[test]
    fn any_other_status_is_non_compliant_and_named() {
        let (c, a) = verdict(&DynamodbPitrEnabled, table(backups("DISABLED")), json!({}));
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "point-in-time recovery is DISABLED");
    }

    #[test]
    fn no_recorded_status_is_non_compliant() {
        for supplementary in [
            json!({}),
            json!({"ContinuousBackupsDescription": {"continuousBackupsStatus": "ENABLED"}}),
            json!({"ContinuousBackupsDescription": {"pointInTimeRecoveryDescription":
                {"pointInTimeRecoveryStatus": true}}}),
        ] {
            let (c, a) = verdict(&DynamodbPitrEnabled, table(supplementary), json!({}));
            assert_eq!(c, NonCompliant);
            assert_eq!(a, "the item records no point-in-time recovery status");
        }
    }
}
