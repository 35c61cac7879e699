//! `s3-account-level-public-access-blocks`: the account's Block Public Access settings.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::PublicAccessBlock;
use crate::rule::{ItemRule, RuleSpec, Severity};


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

/// Each parameter and the setting it requires.
/// Whether a setting is on.
type IsOn = fn(&PublicAccessBlock) -> bool;

const SETTINGS: [(&ParamSpec, IsOn); 4] = [
    (&IGNORE_PUBLIC_ACLS, |b| b.ignore_public_acls),
    (&BLOCK_PUBLIC_POLICY, |b| b.block_public_policy),
    (&BLOCK_PUBLIC_ACLS, |b| b.block_public_acls),
    (&RESTRICT_PUBLIC_BUCKETS, |b| b.restrict_public_buckets),
];

/// `IgnorePublicAcls`.
const IGNORE_PUBLIC_ACLS: ParamSpec = ParamSpec::optional(
        "IgnorePublicAcls",
        ParamKind::BoolAnyCase,
        "Require IgnorePublicAcls",
    )
    .with_default("True");

/// `BlockPublicPolicy`.
const BLOCK_PUBLIC_POLICY: ParamSpec = ParamSpec::optional(
        "BlockPublicPolicy",
        ParamKind::BoolAnyCase,
        "Require BlockPublicPolicy",
    )
    .with_default("True");

/// `BlockPublicAcls`.
const BLOCK_PUBLIC_ACLS: ParamSpec = ParamSpec::optional(
        "BlockPublicAcls",
        ParamKind::BoolAnyCase,
        "Require BlockPublicAcls",
    )
    .with_default("True");

/// `RestrictPublicBuckets`.
const RESTRICT_PUBLIC_BUCKETS: ParamSpec = ParamSpec::optional(
        "RestrictPublicBuckets",
        ParamKind::BoolAnyCase,
        "Require RestrictPublicBuckets",
    )
    .with_default("True");

static SPEC: RuleSpec = RuleSpec {
    name: "s3-account-level-public-access-blocks",
    description:
        "The account's S3 Block Public Access settings are all on (or as the parameters require).",
    resource_types: &["AWS::S3::AccountPublicAccessBlock"],
    parameters: &[IGNORE_PUBLIC_ACLS, BLOCK_PUBLIC_POLICY, BLOCK_PUBLIC_ACLS, RESTRICT_PUBLIC_BUCKETS],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

impl ItemRule for S3AccountLevelPublicAccessBlocks {
    type View = PublicAccessBlock;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, blocks: &PublicAccessBlock, params: &Params) -> Verdict {
        let off: Vec<&str> = SETTINGS
            .iter()
            .filter(|(param, _)| params.bool(param).unwrap_or(true))
            .filter(|(_, on)| !on(blocks))
            .map(|(param, _)| param.name)
            .collect();
        if off.is_empty() {
            Verdict::compliant(
                "account-level Block Public Access settings are on",
            )
        } else {
            Verdict::non_compliant(format!(
                "account-level Block Public Access is off for {}",
                off.join(", ")
            ))
        }
    }
}
