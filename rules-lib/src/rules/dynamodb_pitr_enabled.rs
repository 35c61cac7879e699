//! `dynamodb-pitr-enabled`: DynamoDB tables have point-in-time recovery.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

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
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for DynamodbPitrEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        let status = item
            .supplementary("ContinuousBackupsDescription")
            .and_then(|c| c.get("pointInTimeRecoveryDescription"))
            .and_then(|p| p.get("pointInTimeRecoveryStatus"))
            .and_then(Value::as_str);
        match status {
            Some("ENABLED") => Ok(Verdict::compliant("point-in-time recovery is enabled")),
            Some(s) => Ok(Verdict::non_compliant(format!(
                "point-in-time recovery is {s}"
            ))),
            None => Ok(Verdict::non_compliant(
                "the item records no point-in-time recovery status",
            )),
        }
    }
}
