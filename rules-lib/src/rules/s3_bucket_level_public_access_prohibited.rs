//! `s3-bucket-level-public-access-prohibited`: buckets block public access themselves.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::remediation::{Remediation, RemediationParam};
use crate::rule::{ItemRule, RuleSpec, Severity};
use crate::views::S3Bucket;

/// `s3-bucket-level-public-access-prohibited` (AWS managed rule
/// S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED).
///
/// Documented logic: checks if S3 buckets are publicly accessible; NON_COMPLIANT if a
/// bucket is not listed in `excludedPublicBuckets` and its bucket-level settings are
/// public. Parameter `excludedPublicBuckets` (optional CSV): known allowed public bucket
/// names.
///
/// Data: `supplementaryConfiguration.PublicAccessBlockConfiguration` (shared
/// [`S3Bucket`] view: all four flags false when absent).
///
/// Choices: "bucket level settings are public" means the bucket-level Block Public
/// Access configuration does not turn on all four settings (`blockPublicAcls`,
/// `ignorePublicAcls`, `blockPublicPolicy`, `restrictPublicBuckets`); the account-level
/// block is not considered (`s3-account-level-public-access-blocks` judges it). A bucket
/// in `excludedPublicBuckets` (exact name) is COMPLIANT, as an allowed public bucket.
pub struct S3BucketLevelPublicAccessProhibited;

/// `excludedPublicBuckets`.
const EXCLUDED: ParamSpec = ParamSpec::optional(
    "excludedPublicBuckets",
    ParamKind::Csv,
    "Comma-separated list of known allowed public Amazon S3 bucket names",
);

/// The remediation: AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock, which turns
/// on the bucket's four Block Public Access settings (its four boolean parameters default
/// to true, exactly what this rule requires). Manual: a bucket meant to be public stops
/// being so (list it in `excludedPublicBuckets` instead).
///
/// The actions are the one place this catalog departs from a runbook's reference page:
/// the page lists the account-level `s3:GetAccountPublicAccessBlock` and
/// `s3:PutAccountPublicAccessBlock`, but the runbook sets the bucket-level block
/// (PutPublicAccessBlock on the bucket), which IAM authorises as
/// `s3:PutBucketPublicAccessBlock` and reads back with `s3:GetBucketPublicAccessBlock`;
/// AWS's own Automated Security Response solution, which ships a copy of this runbook,
/// grants exactly those two. A role with the listed account-level actions could not run
/// it, and would change every bucket's public access if anything else used it.
static REMEDIATION: Remediation = Remediation {
    document: "AWSConfigRemediation-ConfigureS3BucketPublicAccessBlock",
    parameters: &[
        RemediationParam::ASSUME_ROLE,
        RemediationParam::resource_id("BucketName"),
    ],
    actions: &[
        "ssm:StartAutomationExecution",
        "ssm:GetAutomationExecution",
        "s3:GetBucketPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ],
    source: "https://docs.aws.amazon.com/systems-manager-automation-runbooks/latest/userguide/automation-aws-block-public-s3-bucket.html",
    ..Remediation::MANUAL
};

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-level-public-access-prohibited",
    description: "S3 buckets turn on every bucket-level Block Public Access setting, unless listed in excludedPublicBuckets.",
    resource_types: &["AWS::S3::Bucket"],
    parameters: &[EXCLUDED],
    severity: Severity::High,
    preventive: false,
    remediation: Some(&REMEDIATION),
    ..RuleSpec::CHANGE
};

impl ItemRule for S3BucketLevelPublicAccessProhibited {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, item: &ConfigurationItem, bucket: &S3Bucket, params: &Params) -> Verdict {
        let name = item.resource_name.as_deref().unwrap_or(&item.resource_id);
        if params
            .list(&EXCLUDED)
            .is_some_and(|l| l.iter().any(|b| b == name))
        {
            return Verdict::compliant(format!("bucket {name} is listed in excludedPublicBuckets"));
        }
        let b = bucket.public_access_block;
        let off: Vec<&str> = [
            ("BlockPublicAcls", b.block_public_acls),
            ("IgnorePublicAcls", b.ignore_public_acls),
            ("BlockPublicPolicy", b.block_public_policy),
            ("RestrictPublicBuckets", b.restrict_public_buckets),
        ]
        .into_iter()
        .filter(|(_, on)| !on)
        .map(|(n, _)| n)
        .collect();
        if off.is_empty() {
            Verdict::compliant("every bucket-level Block Public Access setting is on")
        } else {
            Verdict::non_compliant(format!(
                "bucket-level Block Public Access settings off: {}",
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

    fn bucket(name: &str, block: Option<Value>) -> Value {
        let mut supp = json!({});
        if let Some(b) = block {
            supp["PublicAccessBlockConfiguration"] = b;
        }
        json!({"resourceType": "AWS::S3::Bucket", "resourceId": name, "resourceName": name,
               "configuration": {"name": name}, "supplementaryConfiguration": supp})
    }

    fn all(on: bool) -> Value {
        json!({"blockPublicAcls": on, "ignorePublicAcls": on, "blockPublicPolicy": on,
               "restrictPublicBuckets": on})
    }

    #[test]
    fn all_four_settings_on_is_compliant() {
        let b = bucket("data", Some(all(true)));
        assert_eq!(
            verdict(&S3BucketLevelPublicAccessProhibited, b, json!({})).0,
            Compliant
        );
    }

    #[test]
    fn any_setting_off_or_no_block_is_non_compliant() {
        let mut some = all(true);
        some["restrictPublicBuckets"] = false.into();
        let (c, a) = verdict(
            &S3BucketLevelPublicAccessProhibited,
            bucket("data", Some(some)),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(
            a,
            "bucket-level Block Public Access settings off: RestrictPublicBuckets"
        );
        let (c, _) = verdict(
            &S3BucketLevelPublicAccessProhibited,
            bucket("data", None),
            json!({}),
        );
        assert_eq!(c, NonCompliant);
    }

    #[test]
    fn excluded_public_buckets_are_compliant() {
        let p = json!({"excludedPublicBuckets": "website, assets"});
        let (c, a) = verdict(
            &S3BucketLevelPublicAccessProhibited,
            bucket("assets", Some(all(false))),
            p.clone(),
        );
        assert_eq!(c, Compliant);
        assert!(a.contains("excludedPublicBuckets"), "{a}");
        let (c, _) = verdict(
            &S3BucketLevelPublicAccessProhibited,
            bucket("data", Some(all(false))),
            p,
        );
        assert_eq!(c, NonCompliant);
    }
}
