//! `ec2-imdsv2-check`: instances require IMDSv2 (session tokens).

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::config_str;

/// `ec2-imdsv2-check` (AWS managed rule EC2_IMDSV2_CHECK).
///
/// Documented logic: NON_COMPLIANT when `metadataOptions.httpTokens` is `optional`
/// (IMDSv1 allowed); COMPLIANT when it is `required`.
///
/// Choices: an instance whose metadata endpoint is `disabled` is COMPLIANT (no IMDSv1
/// to abuse); an item without `metadataOptions` is NON_COMPLIANT, since IMDSv2 cannot
/// be shown to be required.
pub struct Ec2Imdsv2Check;

static SPEC: RuleSpec = RuleSpec {
    name: "ec2-imdsv2-check",
    description: "EC2 instances require IMDSv2 (metadataOptions.httpTokens is required).",
    resource_types: &["AWS::EC2::Instance"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[],
    severity: Severity::High,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for Ec2Imdsv2Check {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {
        if config_str(item, "metadataOptions.httpEndpoint") == Some("disabled") {
            return Ok(Verdict::compliant(
                "the instance metadata endpoint is disabled",
            ));
        }
        match config_str(item, "metadataOptions.httpTokens") {
            Some("required") => Ok(Verdict::compliant(
                "IMDSv2 is required (httpTokens required)",
            )),
            Some(other) => Ok(Verdict::non_compliant(format!(
                "httpTokens is {other}: IMDSv1 requests are accepted"
            ))),
            None => Ok(Verdict::non_compliant(
                "the item records no metadataOptions, so IMDSv2 cannot be shown to be required",
            )),
        }
    }
}
