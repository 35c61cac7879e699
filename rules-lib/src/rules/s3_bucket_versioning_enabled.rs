//! `s3-bucket-versioning-enabled`: versioning on, optionally MFA delete too.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::views::S3Bucket;
use crate::rule::{ItemRule, RuleSpec};


/// `s3-bucket-versioning-enabled` (AWS managed rule S3_BUCKET_VERSIONING_ENABLED).
///
/// Documented logic: COMPLIANT when versioning is `Enabled`; with `isMfaDeleteEnabled`
/// `true`, MFA delete must be enabled as well. `Suspended` versioning is NON_COMPLIANT.
///
/// Choice: `isMfaDeleteEnabled` `false` (or absent) does not require MFA delete to be
/// off; it only stops requiring it to be on.
pub struct S3BucketVersioningEnabled;

/// `isMfaDeleteEnabled`.
const IS_MFA_DELETE_ENABLED: ParamSpec = ParamSpec::optional(
    "isMfaDeleteEnabled",
    ParamKind::Bool,
    "Also require MFA delete to be enabled",
    );

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-versioning-enabled",
    description:
        "S3 buckets have versioning enabled (and MFA delete, when isMfaDeleteEnabled is true).",
    resource_types: &["AWS::S3::Bucket"],
    parameters: &[IS_MFA_DELETE_ENABLED],
    ..RuleSpec::CHANGE
};

impl ItemRule for S3BucketVersioningEnabled {
    type View = S3Bucket;

    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn judge(&self, _item: &ConfigurationItem, bucket: &S3Bucket, params: &Params) -> Verdict {
        let status = bucket.versioning.status.as_deref().unwrap_or("Off");
        if status != "Enabled" {
            return Verdict::non_compliant(format!("versioning is {status}"));
        }
        if params.bool(&IS_MFA_DELETE_ENABLED) == Some(true) {
            let mfa = bucket.versioning.is_mfa_delete_enabled.unwrap_or(false);
            if !mfa {
                return Verdict::non_compliant(
                    "versioning is enabled but MFA delete is not (isMfaDeleteEnabled is true)",
                );
            }
            return Verdict::compliant("versioning and MFA delete are enabled");
        }
        Verdict::compliant("versioning is enabled")
    }
}
