//! `ecr-private-tag-immutability-enabled`: private ECR repositories have immutable tags.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::Params;
use crate::rule::{ItemRule, RuleSpec};

use super::network_services::EcrRepository;

/// `ecr-private-tag-immutability-enabled` (AWS managed rule
/// ECR_PRIVATE_TAG_IMMUTABILITY_ENABLED).
///
/// Documented logic: checks if a private Amazon ECR repository has tag immutability
/// enabled; NON_COMPLIANT if tag immutability is not enabled. No parameters.
///
/// Data: `configuration.ImageTagMutability`.
///
/// Choices: only `IMMUTABLE` is compliant. `IMMUTABLE_WITH_EXCLUSION` (immutable except
/// for tags matching exclusion filters) is NON_COMPLIANT, as the rule's wording ("tag
/// immutability is enabled") predates exclusions and excluded tags can be overwritten;
/// `MUTABLE`, `MUTABLE_WITH_EXCLUSION` and absent (the ECR default, mutable) are
/// NON_COMPLIANT. Values compare case-insensitively.
pub struct EcrPrivateTagImmutabilityEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "ecr-private-tag-immutability-enabled",
    description: "Private ECR repositories have image tag immutability enabled.",
    resource_types: &["AWS::ECR::Repository"],
    preventive: false,
    ..RuleSpec::CHANGE
};

impl ItemRule for EcrPrivateTagImmutabilityEnabled {
    type View = EcrRepository;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, repo: &EcrRepository, _params: &Params) -> Verdict {
        match repo.image_tag_mutability.as_deref().map(str::trim) {
            Some(m) if m.eq_ignore_ascii_case("IMMUTABLE") => {
                Verdict::compliant("image tags are immutable")
            }
            Some(m) if m.eq_ignore_ascii_case("IMMUTABLE_WITH_EXCLUSION") => {
                Verdict::non_compliant(
                    "image tags are immutable with exclusions: excluded tags can be overwritten",
                )
            }
            Some(m) => Verdict::non_compliant(format!("image tags are not immutable ({m})")),
            None => Verdict::non_compliant(
                "image tag mutability is not recorded; the ECR default is MUTABLE",
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

    fn repo(configuration: Value) -> Value {
        json!({"resourceType": "AWS::ECR::Repository", "configuration": configuration})
    }

    #[test]
    fn immutable_is_compliant() {
        let r = repo(json!({"ImageTagMutability": "IMMUTABLE"}));
        assert_eq!(
            verdict(&EcrPrivateTagImmutabilityEnabled, r, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn mutable_exclusions_or_absent_are_non_compliant() {
        for m in ["MUTABLE", "MUTABLE_WITH_EXCLUSION"] {
            let r = repo(json!({"ImageTagMutability": m}));
            let (c, a) = verdict(&EcrPrivateTagImmutabilityEnabled, r, json!({}));
            assert_eq!(c, NonCompliant);
            assert!(a.contains(m), "{a}");
        }
        let r = repo(json!({"ImageTagMutability": "IMMUTABLE_WITH_EXCLUSION"}));
        let (c, a) = verdict(&EcrPrivateTagImmutabilityEnabled, r, json!({}));
        assert_eq!(c, NonCompliant);
        assert!(a.contains("exclusions"), "{a}");
        let r = repo(json!({"RepositoryName": "app"}));
        assert_eq!(
            verdict(&EcrPrivateTagImmutabilityEnabled, r, json!({})).0,
            NonCompliant
        );
    }
}
