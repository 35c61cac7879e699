//! `s3-bucket-versioning-enabled`: versioning on, optionally MFA delete too.

use serde_json::Value;

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{Rule, RuleSpec, Severity, Trigger};

use super::as_bool;

/// `s3-bucket-versioning-enabled` (AWS managed rule S3_BUCKET_VERSIONING_ENABLED).
///
/// Documented logic: COMPLIANT when versioning is `Enabled`; with `isMfaDeleteEnabled`
/// `true`, MFA delete must be enabled as well. `Suspended` versioning is NON_COMPLIANT.
///
/// Choice: `isMfaDeleteEnabled` `false` (or absent) does not require MFA delete to be
/// off; it only stops requiring it to be on.
pub struct S3BucketVersioningEnabled;

static SPEC: RuleSpec = RuleSpec {
    name: "s3-bucket-versioning-enabled",
    description:
        "S3 buckets have versioning enabled (and MFA delete, when isMfaDeleteEnabled is true).",
    resource_types: &["AWS::S3::Bucket"],
    trigger: Trigger::Change,
    maximum_frequency: None,
    parameters: &[ParamSpec::optional(
        "isMfaDeleteEnabled",
        ParamKind::Bool,
        "Also require MFA delete to be enabled",
    )],
    severity: Severity::Medium,
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
};

impl Rule for S3BucketVersioningEnabled {
    fn spec(&self) -> &'static RuleSpec {
        &SPEC
    }

    fn evaluate(&self, item: &ConfigurationItem, params: &Params) -> Result<Verdict, RuleError> {
        let conf = item.supplementary("BucketVersioningConfiguration");
        let status = conf
            .and_then(|c| c.get("status"))
            .and_then(Value::as_str)
            .unwrap_or("Off");
        if status != "Enabled" {
            return Ok(Verdict::non_compliant(format!("versioning is {status}")));
        }
        if params.bool("isMfaDeleteEnabled") == Some(true) {
            let mfa = conf
                .and_then(|c| c.get("isMfaDeleteEnabled"))
                .and_then(as_bool)
                .unwrap_or(false);
            if !mfa {
                return Ok(Verdict::non_compliant(
                    "versioning is enabled but MFA delete is not (isMfaDeleteEnabled is true)",
                ));
            }
            return Ok(Verdict::compliant("versioning and MFA delete are enabled"));
        }
        Ok(Verdict::compliant("versioning is enabled"))
    }
}
