//! Every rule ferrule ships. `rdk rules`, the templates and the tests read this list.

use crate::rule::Rule;

use super::*;

static CATALOG: &[&(dyn Rule + 'static)] = &[
    &ApprovedAmisById,
    &CloudTrailEncryptionEnabled,
    &DbInstanceBackupEnabled,
    &DesiredInstanceType,
    &DynamodbPitrEnabled,
    &Ec2Imdsv2Check,
    &Ec2InstanceNoPublicIp,
    &EncryptedVolumes,
    &IamPasswordPolicy,
    &IamPolicyNoStatementsWithAdminAccess,
    &IamRootAccessKeyCheck,
    &IamUserMfaEnabled,
    &LambdaFunctionNoPlaintextSecrets,
    &LambdaFunctionPublicAccessProhibited,
    &LambdaFunctionSettingsCheck,
    &RdsInstancePublicAccessCheck,
    &RdsMultiAzSupport,
    &RdsStorageEncrypted,
    &RequiredTags,
    &ResourcePolicyNoPublicAccess,
    &RestrictedCommonPorts,
    &RestrictedSsh,
    &S3AccountLevelPublicAccessBlocks,
    &S3BucketLoggingEnabled,
    &S3BucketPublicReadProhibited,
    &S3BucketPublicWriteProhibited,
    &S3BucketServerSideEncryptionEnabled,
    &S3BucketSslRequestsOnly,
    &S3BucketVersioningEnabled,
    &SnsEncryptedKms,
    &VpcDefaultSecurityGroupClosed,
    &VpcFlowLogsEnabled,
    &VpcSgOpenOnlyToAuthorizedPorts,
];

/// All rules, sorted by name.
pub fn catalog() -> &'static [&'static dyn Rule] {
    CATALOG
}

/// The rule with this name.
pub fn find(name: &str) -> Option<&'static dyn Rule> {
    CATALOG.iter().copied().find(|r| r.spec().name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_sorted_unique_and_kebab_case() {
        let names: Vec<&str> = catalog().iter().map(|r| r.spec().name).collect();
        let mut sorted = names.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(names, sorted);
        assert!(names.iter().all(|n| n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')));
    }
}
