//! `approved-amis-by-id`: instances run an approved AMI.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::Untyped;
use crate::rule::{ItemRule, RuleSpec};

use super::config_str;

/// `approved-amis-by-id` (AWS managed rule APPROVED_AMIS_BY_ID).
///
/// Documented logic: NON_COMPLIANT when the instance's AMI (`imageId`) is not in
/// `amiIds`, a required comma-separated list.
pub struct ApprovedAmisById;

/// `amiIds`.
const AMI_IDS: ParamSpec = ParamSpec::required(
    "amiIds",
    ParamKind::Csv,
    "Comma-separated approved AMI IDs",
    );

static SPEC: RuleSpec = RuleSpec {
    name: "approved-amis-by-id",
    description: "EC2 instances run one of the approved AMIs.",
    resource_types: &["AWS::EC2::Instance"],
    parameters: &[AMI_IDS],
    ..RuleSpec::CHANGE
};

impl ItemRule for ApprovedAmisById {
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, params: &Params) -> Verdict {
        let allowed = params.list(&AMI_IDS).unwrap_or_default();
        match config_str(item, "imageId") {
            Some(ami) if allowed.iter().any(|a| a == ami) => {
                Verdict::compliant(format!("AMI {ami} is approved"))
            }
            Some(ami) => Verdict::non_compliant(format!(
                "AMI {ami} is not one of the approved AMIs"
            )),
            None => Verdict::non_compliant("the item records no AMI"),
        }
    }
}
