//! `s3-bucket-versioning-enabled`: versioning on, optionally MFA delete too.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::params::{ParamKind, ParamSpec, Params};
use crate::rule::{ItemRule, RuleSpec};
use crate::views::S3Bucket;

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;
    use crate::testing::verdict;
    use serde_json::{json, Value};

    fn bucket(versioning: Value) -> Value {
        json!({"resourceType": "AWS::S3::Bucket", "resourceId": "data",
               "configuration": {"name": "data"},
               "supplementaryConfiguration": {"BucketVersioningConfiguration": versioning}})
    }

    fn versioning(status: &str, mfa: Value) -> Value {
        bucket(json!({"status": status, "isMfaDeleteEnabled": mfa}))
    }

    #[test]
    fn enabled_versioning_is_compliant_without_parameters() {
        let (c, a) = verdict(
            &S3BucketVersioningEnabled,
            versioning("Enabled", Value::Null),
            json!({}),
        );
        assert_eq!(c, Compliant);
        assert_eq!(a, "versioning is enabled");
    }

    #[test]
    fn suspended_or_never_enabled_versioning_is_non_compliant_and_named() {
        for (b, named) in [
            (versioning("Suspended", Value::Null), "Suspended"),
            (versioning("Off", Value::Null), "Off"),
            (bucket(json!({})), "Off"),
            (
                json!({"resourceType": "AWS::S3::Bucket", "configuration": {"name": "data"},
                    "supplementaryConfiguration": {}}),
                "Off",
            ),
        ] {
            let (c, a) = verdict(&S3BucketVersioningEnabled, b, json!({}));
            assert_eq!(c, NonCompliant, "{named}");
            assert_eq!(a, format!("versioning is {named}"));
        }
    }

    #[test]
    fn suspended_versioning_with_mfa_delete_is_still_non_compliant() {
        let (c, a) = verdict(
            &S3BucketVersioningEnabled,
            versioning("Suspended", json!(true)),
            json!({"isMfaDeleteEnabled": "true"}),
        );
        assert_eq!(c, NonCompliant);
        assert_eq!(a, "versioning is Suspended");
    }

    #[test]
    fn is_mfa_delete_enabled_true_also_requires_mfa_delete() {
        let p = json!({"isMfaDeleteEnabled": "true"});
        for mfa in [json!(true), json!("true")] {
            let (c, a) = verdict(
                &S3BucketVersioningEnabled,
                versioning("Enabled", mfa),
                p.clone(),
            );
            assert_eq!(c, Compliant);
            assert_eq!(a, "versioning and MFA delete are enabled");
        }
        for mfa in [json!(false), Value::Null] {
            let (c, a) = verdict(
                &S3BucketVersioningEnabled,
                versioning("Enabled", mfa),
                p.clone(),
            );
            assert_eq!(c, NonCompliant);
            assert_eq!(
                a,
                "versioning is enabled but MFA delete is not (isMfaDeleteEnabled is true)"
            );
        }
    }

    #[test]
    fn is_mfa_delete_enabled_false_or_absent_does_not_require_mfa_delete_either_way() {
        for p in [
            json!({"isMfaDeleteEnabled": "false"}),
            json!({}),
            json!({"isMfaDeleteEnabled": ""}),
        ] {
            for mfa in [json!(true), json!(false), Value::Null] {
                let (c, a) = verdict(
                    &S3BucketVersioningEnabled,
                    versioning("Enabled", mfa.clone()),
                    p.clone(),
                );
                assert_eq!(c, Compliant, "{p} {mfa}");
                assert_eq!(a, "versioning is enabled");
            }
        }
    }

    #[test]
    fn an_unreadable_versioning_configuration_is_non_compliant_and_names_it() {
        for bad in [
            json!({"status": 5}),
            json!({"status": "Enabled", "isMfaDeleteEnabled": "yes"}),
        ] {
            let (c, a) = verdict(&S3BucketVersioningEnabled, bucket(bad), json!({}));
            assert_eq!(c, NonCompliant);
            assert!(
                a.starts_with(
                    "supplementaryConfiguration.BucketVersioningConfiguration cannot be read"
                ),
                "{a}"
            );
        }
    }
}
