//! The rules, one file each. [`catalog`] lists them all.

mod approved_amis_by_id;
mod catalog;
mod cloud_trail_encryption_enabled;
mod db_instance_backup_enabled;
mod desired_instance_type;
mod dynamodb_pitr_enabled;
mod ec2_imdsv2_check;
mod ec2_instance_no_public_ip;
mod encrypted_volumes;
mod iam_account;
mod iam_password_policy;
mod iam_policy_no_statements_with_admin_access;
mod iam_root_access_key_check;
mod iam_user_mfa_enabled;
mod lambda_function_no_plaintext_secrets;
mod lambda_function_public_access_prohibited;
mod lambda_function_settings_check;
mod rds;
mod rds_instance_public_access_check;
mod rds_multi_az_support;
mod rds_storage_encrypted;
mod required_tags;
mod resource_policy_no_public_access;
mod restricted_common_ports;
mod restricted_ssh;
mod s3;
mod s3_account_level_public_access_blocks;
mod s3_bucket_logging_enabled;
mod s3_bucket_public_read_prohibited;
mod s3_bucket_public_write_prohibited;
mod s3_bucket_server_side_encryption_enabled;
mod s3_bucket_ssl_requests_only;
mod s3_bucket_versioning_enabled;
mod sns_encrypted_kms;
mod vpc_default_security_group_closed;
mod vpc_flow_logs_enabled;
mod vpc_sg_open_only_to_authorized_ports;

pub use approved_amis_by_id::ApprovedAmisById;
pub use catalog::{catalog, find};
pub use cloud_trail_encryption_enabled::CloudTrailEncryptionEnabled;
pub use db_instance_backup_enabled::DbInstanceBackupEnabled;
pub use desired_instance_type::DesiredInstanceType;
pub use dynamodb_pitr_enabled::DynamodbPitrEnabled;
pub use ec2_imdsv2_check::Ec2Imdsv2Check;
pub use ec2_instance_no_public_ip::Ec2InstanceNoPublicIp;
pub use encrypted_volumes::EncryptedVolumes;
pub use iam_password_policy::IamPasswordPolicy;
pub use iam_policy_no_statements_with_admin_access::IamPolicyNoStatementsWithAdminAccess;
pub use iam_root_access_key_check::IamRootAccessKeyCheck;
pub use iam_user_mfa_enabled::IamUserMfaEnabled;
pub use lambda_function_no_plaintext_secrets::LambdaFunctionNoPlaintextSecrets;
pub use lambda_function_public_access_prohibited::LambdaFunctionPublicAccessProhibited;
pub use lambda_function_settings_check::LambdaFunctionSettingsCheck;
pub use rds_instance_public_access_check::RdsInstancePublicAccessCheck;
pub use rds_multi_az_support::RdsMultiAzSupport;
pub use rds_storage_encrypted::RdsStorageEncrypted;
pub use required_tags::RequiredTags;
pub use resource_policy_no_public_access::ResourcePolicyNoPublicAccess;
pub use restricted_common_ports::RestrictedCommonPorts;
pub use restricted_ssh::RestrictedSsh;
pub use s3_account_level_public_access_blocks::S3AccountLevelPublicAccessBlocks;
pub use s3_bucket_logging_enabled::S3BucketLoggingEnabled;
pub use s3_bucket_public_read_prohibited::S3BucketPublicReadProhibited;
pub use s3_bucket_public_write_prohibited::S3BucketPublicWriteProhibited;
pub use s3_bucket_server_side_encryption_enabled::S3BucketServerSideEncryptionEnabled;
pub use s3_bucket_ssl_requests_only::S3BucketSslRequestsOnly;
pub use s3_bucket_versioning_enabled::S3BucketVersioningEnabled;
pub use sns_encrypted_kms::SnsEncryptedKms;
pub use vpc_default_security_group_closed::VpcDefaultSecurityGroupClosed;
pub use vpc_flow_logs_enabled::VpcFlowLogsEnabled;
pub use vpc_sg_open_only_to_authorized_ports::VpcSgOpenOnlyToAuthorizedPorts;

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
    let mut v = &item.configuration;
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
