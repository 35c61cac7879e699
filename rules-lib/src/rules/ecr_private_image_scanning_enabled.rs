//! `ecr-private-image-scanning-enabled`: private ECR repositories scan images on push.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::EcrRepository;

/// `ecr-private-image-scanning-enabled` (AWS managed rule
/// ECR_PRIVATE_IMAGE_SCANNING_ENABLED).
///
/// Documented logic: checks if a private Amazon ECR repository has image scanning
/// enabled; NON_COMPLIANT if the repository's scan frequency is not scan on push or
/// continuous scan. Periodic. No parameters.
///
/// Data: `configuration.ImageScanningConfiguration.ScanOnPush` of the recorded
/// repository, read through the Config API on the periodic run.
///
/// Divergence: the managed rule reads the *effective* scan frequency
/// (`ecr:BatchGetRepositoryScanningConfiguration`), which folds in the registry-level
/// scanning configuration (basic scan-on-push filters, or enhanced continuous scanning
/// with Amazon Inspector). The configuration item records only the repository's own
/// `ScanOnPush`, which stays false for a repository covered by a registry rule. This
/// rule calls no ECR API: `ScanOnPush` true is COMPLIANT; false or absent is
/// NON_COMPLIANT, and the annotation says registry-level scanning was not checked (a
/// repository scanned only through a registry rule is reported NON_COMPLIANT here,
/// where the managed rule would report COMPLIANT).
pub struct EcrPrivateImageScanningEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "ecr-private-image-scanning-enabled",
    description: "Private ECR repositories scan images on push.",
    resource_types: &["AWS::ECR::Repository"],
    ..RuleSpec::PERIODIC
};

impl ItemRule for EcrPrivateImageScanningEnabled {
    type View = EcrRepository;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, repo: &EcrRepository, _params: &Params) -> Verdict {
        let on_push = repo
            .image_scanning_configuration
            .as_ref()
            .and_then(|s| s.scan_on_push);
        if on_push == Some(true) {
            Verdict::compliant("images are scanned on push")
        } else {
            Verdict::non_compliant(
                "the repository does not scan on push (registry-level scanning rules are not checked)",
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn repo(configuration: Value) -> Value {
        json!({"resourceType": "AWS::ECR::Repository", "configuration": configuration})
    }

    #[test]
    fn scan_on_push_is_compliant() {
        let r = repo(json!({"ImageScanningConfiguration": {"ScanOnPush": true}}));
        assert_eq!(
            verdict(&EcrPrivateImageScanningEnabled, r, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn no_scan_on_push_is_non_compliant_and_names_the_divergence() {
        for conf in [
            json!({"ImageScanningConfiguration": {"ScanOnPush": false}}),
            json!({"ImageScanningConfiguration": {}}),
            json!({"RepositoryName": "app"}),
        ] {
            let (c, a) = verdict(&EcrPrivateImageScanningEnabled, repo(conf), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.contains("registry-level"), "{a}");
        }
    }
}
