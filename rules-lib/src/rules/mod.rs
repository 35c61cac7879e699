//! The rules, one file each, and the catalog of them all.
//!
//! The `catalog!` list below is the one list: it declares each rule's module, re-exports its
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
    access_keys_rotated::AccessKeysRotated,
    acm_certificate_expiration_check::AcmCertificateExpirationCheck,
    alb_http_drop_invalid_header_enabled::AlbHttpDropInvalidHeaderEnabled,
    alb_http_to_https_redirection_check::AlbHttpToHttpsRedirectionCheck,
    api_gw_cache_enabled_and_encrypted::ApiGwCacheEnabledAndEncrypted,
    api_gw_execution_logging_enabled::ApiGwExecutionLoggingEnabled,
    api_gw_xray_enabled::ApiGwXrayEnabled,
    approved_amis_by_id::ApprovedAmisById,
    cloud_trail_cloud_watch_logs_enabled::CloudTrailCloudWatchLogsEnabled,
    cloud_trail_encryption_enabled::CloudTrailEncryptionEnabled,
    cloud_trail_log_file_validation_enabled::CloudTrailLogFileValidationEnabled,
    cloudtrail_enabled::CloudtrailEnabled,
    cmk_backing_key_rotation_enabled::CmkBackingKeyRotationEnabled,
    codebuild_project_envvar_awscred_check::CodebuildProjectEnvvarAwscredCheck,
    db_instance_backup_enabled::DbInstanceBackupEnabled,
    desired_instance_type::DesiredInstanceType,
    dynamodb_pitr_enabled::DynamodbPitrEnabled,
    dynamodb_table_encrypted_kms::DynamodbTableEncryptedKms,
    ec2_imdsv2_check::Ec2Imdsv2Check,
    ec2_instance_no_public_ip::Ec2InstanceNoPublicIp,
    ec2_instance_profile_attached::Ec2InstanceProfileAttached,
    ec2_instances_in_vpc::Ec2InstancesInVpc,
    ec2_volume_inuse_check::Ec2VolumeInuseCheck,
    ecr_private_image_scanning_enabled::EcrPrivateImageScanningEnabled,
    ecr_private_tag_immutability_enabled::EcrPrivateTagImmutabilityEnabled,
    efs_encrypted_check::EfsEncryptedCheck,
    eks_cluster_logging_enabled::EksClusterLoggingEnabled,
    eks_endpoint_no_public_access::EksEndpointNoPublicAccess,
    eks_secrets_encrypted::EksSecretsEncrypted,
    elasticsearch_encrypted_at_rest::ElasticsearchEncryptedAtRest,
    elasticsearch_in_vpc_only::ElasticsearchInVpcOnly,
    elb_acm_certificate_required::ElbAcmCertificateRequired,
    elb_deletion_protection_enabled::ElbDeletionProtectionEnabled,
    elb_logging_enabled::ElbLoggingEnabled,
    elb_tls_https_listeners_only::ElbTlsHttpsListenersOnly,
    encrypted_volumes::EncryptedVolumes,
    iam_group_has_users_check::IamGroupHasUsersCheck,
    iam_no_inline_policy_check::IamNoInlinePolicyCheck,
    iam_password_policy::IamPasswordPolicy,
    iam_policy_no_statements_with_admin_access::IamPolicyNoStatementsWithAdminAccess,
    iam_policy_no_statements_with_full_access::IamPolicyNoStatementsWithFullAccess,
    iam_root_access_key_check::IamRootAccessKeyCheck,
    iam_user_group_membership_check::IamUserGroupMembershipCheck,
    iam_user_mfa_enabled::IamUserMfaEnabled,
    iam_user_no_policies_check::IamUserNoPoliciesCheck,
    iam_user_unused_credentials_check::IamUserUnusedCredentialsCheck,
    kms_cmk_not_scheduled_for_deletion::KmsCmkNotScheduledForDeletion,
    lambda_function_no_plaintext_secrets::LambdaFunctionNoPlaintextSecrets,
    lambda_function_public_access_prohibited::LambdaFunctionPublicAccessProhibited,
    lambda_function_settings_check::LambdaFunctionSettingsCheck,
    mfa_enabled_for_iam_console_access::MfaEnabledForIamConsoleAccess,
    multi_region_cloudtrail_enabled::MultiRegionCloudtrailEnabled,
    opensearch_encrypted_at_rest::OpensearchEncryptedAtRest,
    opensearch_in_vpc_only::OpensearchInVpcOnly,
    opensearch_logs_to_cloudwatch::OpensearchLogsToCloudwatch,
    opensearch_node_to_node_encryption_check::OpensearchNodeToNodeEncryptionCheck,
    rds_instance_deletion_protection_enabled::RdsInstanceDeletionProtectionEnabled,
    rds_instance_public_access_check::RdsInstancePublicAccessCheck,
    rds_logging_enabled::RdsLoggingEnabled,
    rds_multi_az_support::RdsMultiAzSupport,
    rds_snapshot_encrypted::RdsSnapshotEncrypted,
    rds_snapshots_public_prohibited::RdsSnapshotsPublicProhibited,
    rds_storage_encrypted::RdsStorageEncrypted,
    redshift_backup_enabled::RedshiftBackupEnabled,
    redshift_cluster_configuration_check::RedshiftClusterConfigurationCheck,
    redshift_cluster_public_access_check::RedshiftClusterPublicAccessCheck,
    redshift_require_tls_ssl::RedshiftRequireTlsSsl,
    required_tags::RequiredTags,
    resource_policy_no_public_access::ResourcePolicyNoPublicAccess,
    restricted_common_ports::RestrictedCommonPorts,
    restricted_ssh::RestrictedSsh,
    root_account_mfa_enabled::RootAccountMfaEnabled,
    s3_account_level_public_access_blocks::S3AccountLevelPublicAccessBlocks,
    s3_bucket_level_public_access_prohibited::S3BucketLevelPublicAccessProhibited,
    s3_bucket_logging_enabled::S3BucketLoggingEnabled,
    s3_bucket_public_read_prohibited::S3BucketPublicReadProhibited,
    s3_bucket_public_write_prohibited::S3BucketPublicWriteProhibited,
    s3_bucket_server_side_encryption_enabled::S3BucketServerSideEncryptionEnabled,
    s3_bucket_ssl_requests_only::S3BucketSslRequestsOnly,
    s3_bucket_versioning_enabled::S3BucketVersioningEnabled,
    sagemaker_endpoint_configuration_kms_key_configured::SagemakerEndpointConfigurationKmsKeyConfigured,
    sagemaker_notebook_instance_kms_key_configured::SagemakerNotebookInstanceKmsKeyConfigured,
    sagemaker_notebook_no_direct_internet_access::SagemakerNotebookNoDirectInternetAccess,
    secretsmanager_rotation_enabled_check::SecretsmanagerRotationEnabledCheck,
    secretsmanager_scheduled_rotation_success_check::SecretsmanagerScheduledRotationSuccessCheck,
    secretsmanager_using_cmk::SecretsmanagerUsingCmk,
    sns_encrypted_kms::SnsEncryptedKms,
    vpc_default_security_group_closed::VpcDefaultSecurityGroupClosed,
    vpc_flow_logs_enabled::VpcFlowLogsEnabled,
    vpc_sg_open_only_to_authorized_ports::VpcSgOpenOnlyToAuthorizedPorts,
}

mod cloudtrail;
mod datastores;
mod iam_account;
mod iam_entities;
mod kms_key;
mod network_services;
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

    #[test]
    fn every_remediation_maps_the_assume_role_one_resource_id_and_well_formed_actions() {
        use crate::remediation::{ParamValue, ASSUME_ROLE_PARAMETER};
        let with: Vec<_> = catalog()
            .iter()
            .filter_map(|r| r.spec().remediation.map(|m| (r.spec(), m)))
            .collect();
        assert!(
            with.len() >= 10,
            "only {} rules have a remediation",
            with.len()
        );
        for (spec, m) in with {
            assert_eq!(m.problems(), Vec::<String>::new(), "{}", spec.name);
            assert_eq!(
                m.parameters
                    .iter()
                    .filter(|p| p.name == ASSUME_ROLE_PARAMETER && p.value == ParamValue::AssumeRole)
                    .count(),
                1,
                "{} does not pass the automation role",
                spec.name
            );
            assert!(
                m.parameters
                    .iter()
                    .filter(|p| p.value == ParamValue::ResourceId)
                    .count()
                    <= 1,
                "{}",
                spec.name
            );
            assert!(!m.actions.is_empty(), "{}", spec.name);
            assert!(
                m.actions
                    .iter()
                    .all(|a| crate::remediation::well_formed_action(a)),
                "{}: {:?}",
                spec.name,
                m.actions
            );
            // RESOURCE_ID is one resource's id: the rule judges one resource type.
            assert_eq!(spec.resource_types.len(), 1, "{}", spec.name);
        }
    }
}
