//! `s3-account-level-public-access-blocks`: the account's Block Public Access settings.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::PublicAccessBlock;

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
    parameters: &[
        IGNORE_PUBLIC_ACLS,
        BLOCK_PUBLIC_POLICY,
        BLOCK_PUBLIC_ACLS,
        RESTRICT_PUBLIC_BUCKETS,
    ],
    severity: Severity::Critical,
    ..RuleSpec::CHANGE
};

impl ItemRule for S3AccountLevelPublicAccessBlocks {
    type View = PublicAccessBlock;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(
        &self,
        _item: &ConfigurationItem,
        blocks: &PublicAccessBlock,
        params: &Params,
    ) -> Verdict {
        let off: Vec<&str> = SETTINGS
            .iter()
            .filter(|(param, _)| params.bool(param).unwrap_or(true))
            .filter(|(_, on)| !on(blocks))
            .map(|(param, _)| param.name)
            .collect();
        if off.is_empty() {
            Verdict::compliant("account-level Block Public Access settings are on")
        } else {
            Verdict::non_compliant(format!(
                "account-level Block Public Access is off for {}",
                off.join(", ")
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn account(configuration: Value) -> Value {
        json!({"resourceType": "AWS::S3::AccountPublicAccessBlock",
               "resourceId": "123456789012", "configuration": configuration})
    }

    fn all(on: bool) -> Value {
        json!({"blockPublicAcls": on, "ignorePublicAcls": on, "blockPublicPolicy": on,
               "restrictPublicBuckets": on})
    }

    #[test]
    fn all_four_settings_on_is_compliant_without_parameters() {
        let (c, a) = verdict(
            &S3AccountLevelPublicAccessBlocks,
            account(all(true)),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "account-level Block Public Access settings are on");
    }

    #[test]
    fn without_parameters_every_setting_is_required_as_the_managed_defaults_say() {
        for name in [
            "ignorePublicAcls",
            "blockPublicPolicy",
            "blockPublicAcls",
            "restrictPublicBuckets",
        ] {
            let mut config = all(true);
            config[name] = false.into();
            let (c, a) = verdict(
                &S3AccountLevelPublicAccessBlocks,
                account(config),
                json!({}),
            );
            assert_eq!(c, NonCompliant, "{name}");
            let param = format!("{}{}", name[..1].to_ascii_uppercase(), &name[1..]);
            assert_eq!(
                a,
                format!("account-level Block Public Access is off for {param}")
            );
        }
    }

    #[test]
    fn every_setting_off_is_named_in_parameter_order() {
        let (c, a) = verdict(
            &S3AccountLevelPublicAccessBlocks,
            account(all(false)),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "account-level Block Public Access is off for IgnorePublicAcls, BlockPublicPolicy, \
             BlockPublicAcls, RestrictPublicBuckets"
        );
    }

    #[test]
    fn an_absent_setting_counts_as_off() {
        let (c, a) = verdict(
            &S3AccountLevelPublicAccessBlocks,
            account(json!({"blockPublicAcls": true, "ignorePublicAcls": true,
                           "blockPublicPolicy": true})),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "account-level Block Public Access is off for RestrictPublicBuckets"
        );
    }

    #[test]
    fn a_parameter_false_stops_checking_the_setting_in_any_case() {
        let mut config = all(true);
        config["ignorePublicAcls"] = false.into();
        config["blockPublicAcls"] = false.into();
        for off in ["False", "false", "FALSE"] {
            let params = json!({"IgnorePublicAcls": off, "BlockPublicAcls": off});
            let (c, _) = verdict(
                &S3AccountLevelPublicAccessBlocks,
                account(config.clone()),
                params,
            );
            assert_eq!(c, Compliant, "{off}");
        }
        // The other two are still required.
        let (c, a) = verdict(
            &S3AccountLevelPublicAccessBlocks,
            account(all(false)),
            json!({"IgnorePublicAcls": "False", "BlockPublicAcls": "False"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "account-level Block Public Access is off for BlockPublicPolicy, RestrictPublicBuckets"
        );
    }

    #[test]
    fn a_parameter_false_does_not_require_the_setting_to_be_off() {
        let params = json!({"IgnorePublicAcls": "False", "BlockPublicPolicy": "False",
                            "BlockPublicAcls": "False", "RestrictPublicBuckets": "False"});
        for config in [all(true), all(false)] {
            let (c, _) = verdict(
                &S3AccountLevelPublicAccessBlocks,
                account(config),
                params.clone(),
            );
            assert_eq!(c, Compliant);
        }
    }

    #[test]
    fn a_parameter_true_in_any_case_requires_the_setting() {
        for on in ["True", "true", "TRUE"] {
            let mut config = all(true);
            config["restrictPublicBuckets"] = false.into();
            let (c, a) = verdict(
                &S3AccountLevelPublicAccessBlocks,
                account(config),
                json!({"RestrictPublicBuckets": on}),
            );
            assert_eq!(c, NonCompliant, "{on}");
            assert_eq!(
                a,
                "account-level Block Public Access is off for RestrictPublicBuckets"
            );
        }
        let (c, _) = verdict(
            &S3AccountLevelPublicAccessBlocks,
            account(all(true)),
            json!({"IgnorePublicAcls": "True", "BlockPublicPolicy": "true",
                   "BlockPublicAcls": "TRUE", "RestrictPublicBuckets": "True"}),
        );
        assert_eq!(c, Compliant);
    }

    #[test]
    fn settings_recorded_as_text_are_read() {
        let config = json!({"blockPublicAcls": "true", "ignorePublicAcls": "TRUE",
                            "blockPublicPolicy": "True", "restrictPublicBuckets": "false"});
        let (c, a) = verdict(
            &S3AccountLevelPublicAccessBlocks,
            account(config),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "account-level Block Public Access is off for RestrictPublicBuckets"
        );
    }

    #[test]
    fn an_unreadable_setting_is_non_compliant_and_says_why() {
        let mut config = all(true);
        config["blockPublicPolicy"] = json!([1]);
        let (c, a) = verdict(
            &S3AccountLevelPublicAccessBlocks,
            account(config),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert!(a.starts_with("configuration cannot be read"), "{a}");
        assert!(a.contains("true or false"), "{a}");
    }
}
