//! The rules, one file each, and the catalog of them all.
//!
//! [`catalog!`] below is the one list: it declares each rule's module, re-exports its
//! type and builds the catalog, in name order. `rdk create` adds a rule by adding one
//! line to it (and writes the rule file, its fixtures and its function's `main`, whose
//! list a test checks against this one).

macro_rules! catalog {
    ($($module:ident :: $rule:ident),* $(,)?) => {
        $(
            mod $module;
            pub use $module::$rule;
        )*

        static CATALOG: &[&(dyn crate::rule::Rule + 'static)] = &[$(&$rule),*];
    };
}

catalog! {
    approved_amis_by_id::ApprovedAmisById,
    cloud_trail_encryption_enabled::CloudTrailEncryptionEnabled,
    db_instance_backup_enabled::DbInstanceBackupEnabled,
    desired_instance_type::DesiredInstanceType,
    dynamodb_pitr_enabled::DynamodbPitrEnabled,
    ec2_imdsv2_check::Ec2Imdsv2Check,
    ec2_instance_no_public_ip::Ec2InstanceNoPublicIp,
    encrypted_volumes::EncryptedVolumes,
    iam_password_policy::IamPasswordPolicy,
    iam_policy_no_statements_with_admin_access::IamPolicyNoStatementsWithAdminAccess,
    iam_root_access_key_check::IamRootAccessKeyCheck,
    iam_user_mfa_enabled::IamUserMfaEnabled,
    lambda_function_no_plaintext_secrets::LambdaFunctionNoPlaintextSecrets,
    lambda_function_public_access_prohibited::LambdaFunctionPublicAccessProhibited,
    lambda_function_settings_check::LambdaFunctionSettingsCheck,
    rds_instance_deletion_protection_enabled::RdsInstanceDeletionProtectionEnabled,
    rds_instance_public_access_check::RdsInstancePublicAccessCheck,
    rds_multi_az_support::RdsMultiAzSupport,
    rds_storage_encrypted::RdsStorageEncrypted,
    required_tags::RequiredTags,
    resource_policy_no_public_access::ResourcePolicyNoPublicAccess,
    restricted_common_ports::RestrictedCommonPorts,
    restricted_ssh::RestrictedSsh,
    s3_account_level_public_access_blocks::S3AccountLevelPublicAccessBlocks,
    s3_bucket_logging_enabled::S3BucketLoggingEnabled,
    s3_bucket_public_read_prohibited::S3BucketPublicReadProhibited,
    s3_bucket_public_write_prohibited::S3BucketPublicWriteProhibited,
    s3_bucket_server_side_encryption_enabled::S3BucketServerSideEncryptionEnabled,
    s3_bucket_ssl_requests_only::S3BucketSslRequestsOnly,
    s3_bucket_versioning_enabled::S3BucketVersioningEnabled,
    sns_encrypted_kms::SnsEncryptedKms,
    vpc_default_security_group_closed::VpcDefaultSecurityGroupClosed,
    vpc_flow_logs_enabled::VpcFlowLogsEnabled,
    vpc_sg_open_only_to_authorized_ports::VpcSgOpenOnlyToAuthorizedPorts,
}

mod iam_account;
mod rds;
mod s3;

use crate::rule::Rule;

/// All rules, sorted by name.
pub fn catalog() -> &'static [&'static dyn Rule] {
    CATALOG
}

/// The rule with this name.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    CATALOG.iter().copied().find(|r| r.spec().name == name)
}

use serde_json::Value;

/// `configuration.<path>` as text, following object keys separated by `.`.
pub(crate) fn config_str<'a>(
    item: &'a crate::item::ConfigurationItem,
    path: &str,
) -> Option<&'a str> {
    config_value(item, path).and_then(Value::as_str)
}

/// `configuration.<path>`, following object keys separated by `.`; null is absent.
pub(crate) fn config_value<'a>(
    item: &'a crate::item::ConfigurationItem,
    path: &str,
) -> Option<&'a Value> {
    let mut v = item.configuration.value();
    for key in path.split('.') {
        v = v.get(key)?;
    }
    (!v.is_null()).then_some(v)
}

/// A JSON value read as a boolean: `true`/`false` or their text (Config writes both).
pub(crate) fn as_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod catalog_tests {
    use super::*;

    #[test]
    fn names_are_sorted_unique_and_kebab_case() {
        let names: Vec<&str> = catalog().iter().map(|r| r.spec().name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        assert!(names.iter().all(|n| !n.is_empty()
            && n.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
    }

    #[test]
    fn every_spec_is_filled_in_beyond_the_defaults() {
        for rule in catalog() {
            let s = rule.spec();
            assert!(!s.description.is_empty(), "{} has no description", s.name);
            assert!(
                !s.resource_types.is_empty(),
                "{} has no resource types",
                s.name
            );
            assert!(
                s.description.ends_with('.'),
                "{}: one sentence, ending with a full stop",
                s.name
            );
        }
    }
}
