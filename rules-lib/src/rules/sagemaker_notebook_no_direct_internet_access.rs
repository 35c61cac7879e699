//! `sagemaker-notebook-no-direct-internet-access`: SageMaker notebook instances have no
//! direct internet access.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec, Severity};

use super::datastores::SageMakerNotebook;

/// `sagemaker-notebook-no-direct-internet-access` (AWS managed rule
/// SAGEMAKER_NOTEBOOK_NO_DIRECT_INTERNET_ACCESS).
///
/// Documented logic: periodic; NON_COMPLIANT if a SageMaker notebook instance is
/// internet-enabled (`DirectInternetAccess` enabled). No parameters.
///
/// Divergence: the managed rule reads the SageMaker API (DescribeNotebookInstance); this
/// rule judges the recorded `AWS::SageMaker::NotebookInstance` items
/// (`configuration.DirectInternetAccess`), swept on schedule through the Config API.
///
/// Choice: only `Disabled` (any case) is compliant; absent counts as `Enabled`, the
/// SageMaker default.
pub struct SagemakerNotebookNoDirectInternetAccess;

static SPEC: RuleSpec = RuleSpec {
    name: "sagemaker-notebook-no-direct-internet-access",
    description: "SageMaker notebook instances have direct internet access disabled.",
    resource_types: &["AWS::SageMaker::NotebookInstance"],
    severity: Severity::High,
    ..RuleSpec::PERIODIC
};

impl ItemRule for SagemakerNotebookNoDirectInternetAccess {
    type View = SageMakerNotebook;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        nb: &SageMakerNotebook,
        _params: &Params,
    ) -> Verdict {
        match nb.direct_internet_access.as_deref() {
            Some(v) if v.eq_ignore_ascii_case("disabled") => {
                Verdict::compliant("direct internet access is disabled")
            }
            Some(v) => Verdict::non_compliant(format!("direct internet access is {v}")),
            None => Verdict::non_compliant(
                "direct internet access is not recorded as disabled (the default is Enabled)",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn nb(configuration: Value) -> Value {
        json!({"resourceType": "AWS::SageMaker::NotebookInstance", "configuration": configuration})
    }

    #[test]
    fn disabled_is_compliant() {
        for v in ["Disabled", "disabled"] {
            let item = nb(json!({"NotebookInstanceName": "nb1", "DirectInternetAccess": v}));
            assert_eq!(
                verdict(&SagemakerNotebookNoDirectInternetAccess, item, json!({})).0,
                Compliant
            );
        }
    }

    #[test]
    fn enabled_or_absent_is_non_compliant() {
        let (c, a) = verdict(
            &SagemakerNotebookNoDirectInternetAccess,
            nb(json!({"DirectInternetAccess": "Enabled"})),
            json!({}),
        );
        assert_eq!(
            (c, a.as_str()),
            (NonCompliant, "direct internet access is Enabled")
        );
        let (c, a) = verdict(
            &SagemakerNotebookNoDirectInternetAccess,
            nb(json!({"NotebookInstanceName": "nb2"})),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.contains("default is Enabled"), "{a}");
    }
}
