//! `approved-amis-by-id`: instances run an approved AMI.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::config_str;

/// `approved-amis-by-id` (AWS managed rule APPROVED_AMIS_BY_ID).
///
/// Documented logic: NON_COMPLIANT when the instance's AMI (`imageId`) is not in
/// `amiIds`, a required comma-separated list.
pub struct ApprovedAmisById;

static SPEC: RuleSpec = RuleSpec {
    name: "approved-amis-by-id",
    description: "EC2 instances run one of the approved AMIs.",
    resource_types: &["AWS::EC2::Instance"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[ParamSpec::required(
        "amiIds",
        ParamKind::Csv,
        "Comma-separated approved AMI IDs",
    )],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for ApprovedAmisById {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let allowed = params.list("amiIds").unwrap_or_default();
        match config_str(item, "imageId") {
            Some(ami) if allowed.iter().any(|a| a == ami) => {
                Ok(Verdict::compliant(format!("AMI {ami} is approved")))
            }
            Some(ami) => Ok(Verdict::non_compliant(format!(
                "AMI {ami} is not one of the approved AMIs"
            ))),
            None => Ok(Verdict::non_compliant("the item records no AMI")),
        }
    }
}
