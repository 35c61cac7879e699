//! `s3-account-level-public-access-blocks`: the account's Block Public Access settings.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::{as_bool, config_value};

/// `s3-account-level-public-access-blocks` (AWS managed rule
/// S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS).
///
/// Documented logic: NON_COMPLIANT when an account-level Block Public Access setting
/// does not match its parameter. The parameters `IgnorePublicAcls`, `BlockPublicPolicy`,
/// `BlockPublicAcls` and `RestrictPublicBuckets` default to `True` in the managed rule.
///
/// Choices: the managed rule's defaults are applied here (each setting is required to
/// be on unless its parameter says `False`), since the check means nothing without
/// them; values are read in any case (`True`, `true`). A parameter `False` means the
/// setting is not checked, not that it must be off.
pub struct S3AccountLevelPublicAccessBlocks;

const SETTINGS: [(&str, &str); 4] = [
    ("IgnorePublicAcls", "ignorePublicAcls"),
    ("BlockPublicPolicy", "blockPublicPolicy"),
    ("BlockPublicAcls", "blockPublicAcls"),
    ("RestrictPublicBuckets", "restrictPublicBuckets"),
];

static SPEC: RuleSpec = RuleSpec {
    name: "s3-account-level-public-access-blocks",
    description:
        "The account's S3 Block Public Access settings are all on (or as the parameters require).",
    resource_types: &["AWS::S3::AccountPublicAccessBlock"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[
        ParamSpec::optional(
            "IgnorePublicAcls",
            ParamKind::BoolAnyCase,
            "Require IgnorePublicAcls",
        )
        .with_default("True"),
        ParamSpec::optional(
            "BlockPublicPolicy",
            ParamKind::BoolAnyCase,
            "Require BlockPublicPolicy",
        )
        .with_default("True"),
        ParamSpec::optional(
            "BlockPublicAcls",
            ParamKind::BoolAnyCase,
            "Require BlockPublicAcls",
        )
        .with_default("True"),
        ParamSpec::optional(
            "RestrictPublicBuckets",
            ParamKind::BoolAnyCase,
            "Require RestrictPublicBuckets",
        )
        .with_default("True"),
    ],
    severity: Severity::Critical,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for S3AccountLevelPublicAccessBlocks {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let off: Vec<&str> = SETTINGS
            .iter()
            .filter(|(param, _)| params.bool(param).unwrap_or(true))
            .filter(|(_, field)| !config_value(item, field).and_then(as_bool).unwrap_or(false))
            .map(|(param, _)| *param)
            .collect();
        if off.is_empty() {
            Ok(Verdict::compliant(
                "account-level Block Public Access settings are on",
            ))
        } else {
            Ok(Verdict::non_compliant(format!(
                "account-level Block Public Access is off for {}",
                off.join(", ")
            )))
        }
    }
}
