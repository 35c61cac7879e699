//! `dynamodb-pitr-enabled`: DynamoDB tables have point-in-time recovery.

use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec};

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
            Some("ENABLED") => Verdict::compliant("point-in-time recovery is enabled"),
            Some(s) => Verdict::non_compliant(format!(
                "point-in-time recovery is {s}"
            )),
            None => Verdict::non_compliant(
                "the item records no point-in-time recovery status",
            ),
        }
    }
}
