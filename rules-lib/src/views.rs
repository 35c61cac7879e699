//! Typed views of the configuration of the resource types several rules judge (S3
//! bucket, security group, RDS instance, EC2 instance, Lambda function, EBS volume, IAM
//! policy).
//!
//! A view is read once per item ([`ConfigurationItem::view`] caches it) and shared by
//! every rule that judges the item, instead of each rule digging strings out of JSON.
//! Views are lenient where AWS Config itself varies (booleans written as `true` or
//! `"true"`, numbers as numbers or text, `null` for absent) and strict about the rest:
//! a field of the wrong kind is a [`ViewError`], which the engine turns into a verdict in
//! one place ([`crate::engine`]). Policy documents inside a view are parsed once too, and
//! kept with their error so the rule can say which policy is unreadable.
//!
//! A view is read whole or not at all: a field of the wrong kind makes every rule reading
//! that view NON_COMPLIANT for the item (naming the field), even a rule that would have
//! found the item NOT_APPLICABLE or never reads that field. Config does not record such
//! items; a hand-made or changed one is not passed by any rule until it reads again.

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::{Map, Value};
use thiserror::Error;

use crate::item::ConfigurationItem;
use crate::network::{self, Permission};
use crate::policy::PolicyDocument;

/// Why an item's configuration cannot be read as a view.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{what} cannot be read: {reason}")]
pub struct ViewError {
    /// What was being read (`configuration`, `supplementaryConfiguration.BucketPolicy`).
    pub what: String,
    /// Why not.
    pub reason: String,
}

impl ViewError {
    fn new(what: impl Into<String>, reason: impl std::fmt::Display) -> Self {
        Self {
            what: what.into(),
            reason: reason.to_string(),
        }
    }
}

/// A typed view of an item's configuration.
pub trait View: Sized + Send + Sync + 'static {
    /// Reads the view from the item.
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError>;
}

/// No view: the rule reads the item itself (tags, several resource types).
#[derive(Debug, Clone, Copy, Default)]
pub struct Untyped;

impl View for Untyped {
    fn from_item(_: &ConfigurationItem) -> Result<Self, ViewError> {
        Ok(Untyped)
    }
}

/// Reads `configuration` as `T` (for a rule's own small view of a type no other rule
/// judges).
pub fn configuration<T: DeserializeOwned>(item: &ConfigurationItem) -> Result<T, ViewError> {
    item.configuration
        .read()
        .map_err(|e| ViewError::new("configuration", e))
}

/// Reads `supplementaryConfiguration.<key>` as `T` (absent or null: `T::default()`).
pub fn supplementary<T: DeserializeOwned + Default>(
    item: &ConfigurationItem,
    key: &str,
) -> Result<T, ViewError> {
    match item.supplementary(key) {
        None => Ok(T::default()),
        Some(v) => T::deserialize(v)
            .map_err(|e| ViewError::new(format!("supplementaryConfiguration.{key}"), e)),
    }
}

/// Lenient field readers for `#[serde(deserialize_with = ...)]`.
pub mod de {
    use super::*;

    /// `true`/`false`, or their text in any case; null is absent.
    pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(b)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(other) => Err(serde::de::Error::custom(format!(
                "expected true or false, found {other}"
            ))),
        }
    }

    /// A whole number, or its text; null is absent.
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        match Option::<Value>::deserialize(d)? {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_i64().map(Some).ok_or_else(|| {
                serde::de::Error::custom(format!("expected a whole number, found {n}"))
            }),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
                serde::de::Error::custom(format!("expected a whole number, found \"{s}\""))
            }),
            Some(other) => Err(serde::de::Error::custom(format!(
                "expected a whole number, found {other}"
            ))),
        }
    }

    /// Text; null and the empty string are absent.
    pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(Option::<String>::deserialize(d)?.filter(|s| !s.is_empty()))
    }

    /// Text, or absent for anything else (null, a number, an object): for fields a rule
    /// treats as not recorded unless they are text. The empty string is kept.
    pub fn loose_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
        Ok(match Option::<Value>::deserialize(d)? {
            Some(Value::String(s)) => Some(s),
            _ => None,
        })
    }

    /// A list; null is empty.
    pub fn list<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Vec<T>, D::Error> {
        Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
    }
}

/// A policy document held as JSON text or as an object (Config writes both), parsed.
fn policy_from(v: Option<&Value>) -> Option<Result<PolicyDocument, String>> {
    let v = v.filter(|v| !v.is_null() && !matches!(v, Value::String(s) if s.trim().is_empty()))?;
    Some(PolicyDocument::from_value(v))
}

// ---------------------------------------------------------------------------- S3 bucket

/// `AWS::S3::Bucket`: what the bucket rules read, from the supplementary configuration.
#[derive(Debug, Clone, Default)]
pub struct S3Bucket {
    /// `BucketVersioningConfiguration`.
    pub versioning: S3Versioning,
    /// `BucketLoggingConfiguration`.
    pub logging: S3Logging,
    /// `PublicAccessBlockConfiguration` (all false when absent).
    pub public_access_block: PublicAccessBlock,
    /// `ServerSideEncryptionConfiguration.rules`.
    pub encryption_rules: Vec<S3EncryptionRule>,
    /// `AccessControlList`, as recorded (grant reading is in the S3 rules' helpers).
    pub acl: Option<Value>,
    /// `BucketPolicy.policyText`, parsed.
    pub policy: Option<Result<PolicyDocument, String>>,
}

/// `BucketVersioningConfiguration`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Versioning {
    /// `Enabled`, `Suspended`, or absent (never enabled).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub status: Option<String>,
    /// MFA delete.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub is_mfa_delete_enabled: Option<bool>,
}

/// `BucketLoggingConfiguration`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct S3Logging {
    /// Where access logs go; absent when logging is off.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub destination_bucket_name: Option<String>,
    /// The log key prefix.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub log_file_prefix: Option<String>,
}

/// Block Public Access flags (bucket or account level).
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PublicAccessBlock {
    /// `blockPublicAcls`.
    #[serde(default, deserialize_with = "flag")]
    pub block_public_acls: bool,
    /// `ignorePublicAcls`.
    #[serde(default, deserialize_with = "flag")]
    pub ignore_public_acls: bool,
    /// `blockPublicPolicy`.
    #[serde(default, deserialize_with = "flag")]
    pub block_public_policy: bool,
    /// `restrictPublicBuckets`.
    #[serde(default, deserialize_with = "flag")]
    pub restrict_public_buckets: bool,
}

/// `AWS::S3::AccountPublicAccessBlock`: the same four flags, in `configuration`.
impl View for PublicAccessBlock {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(de::opt_bool(d)?.unwrap_or(false))
}

/// One default-encryption rule.
#[derive(Debug, Clone, Default)]
pub struct S3EncryptionRule {
    /// `applyServerSideEncryptionByDefault.sseAlgorithm` (`AES256`, `aws:kms`, ...).
    pub sse_algorithm: Option<String>,
    /// `applyServerSideEncryptionByDefault.kmsMasterKeyID`.
    pub kms_master_key_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawEncryption {
    #[serde(default, deserialize_with = "de::list")]
    rules: Vec<RawEncryptionRule>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawEncryptionRule {
    #[serde(default)]
    apply_server_side_encryption_by_default: Option<RawByDefault>,
}

#[derive(Deserialize, Default)]
struct RawByDefault {
    #[serde(default, rename = "sseAlgorithm", deserialize_with = "de::opt_text")]
    sse_algorithm: Option<String>,
    #[serde(
        default,
        rename = "kmsMasterKeyID",
        alias = "kmsMasterKeyId",
        deserialize_with = "de::opt_text"
    )]
    kms_master_key_id: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawBucketPolicy {
    #[serde(default)]
    policy_text: Option<Value>,
}

impl View for S3Bucket {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let encryption: RawEncryption = supplementary(item, "ServerSideEncryptionConfiguration")?;
        let policy: RawBucketPolicy = supplementary(item, "BucketPolicy")?;
        Ok(Self {
            versioning: supplementary(item, "BucketVersioningConfiguration")?,
            logging: supplementary(item, "BucketLoggingConfiguration")?,
            public_access_block: supplementary(item, "PublicAccessBlockConfiguration")?,
            encryption_rules: encryption
                .rules
                .into_iter()
                .map(|r| {
                    let d = r
                        .apply_server_side_encryption_by_default
                        .unwrap_or_default();
                    S3EncryptionRule {
                        sse_algorithm: d.sse_algorithm,
                        kms_master_key_id: d.kms_master_key_id,
                    }
                })
                .collect(),
            acl: item.supplementary("AccessControlList").cloned(),
            policy: policy_from(policy.policy_text.as_ref()),
        })
    }
}

// ------------------------------------------------------------------------ security group

/// `AWS::EC2::SecurityGroup`: name and normalised permissions.
#[derive(Debug, Clone, Default)]
pub struct SecurityGroup {
    /// `groupName`.
    pub group_name: Option<String>,
    /// `groupId`.
    pub group_id: Option<String>,
    /// `ipPermissions`, normalised ([`crate::network`]).
    pub ingress: Vec<Permission>,
    /// `ipPermissionsEgress`, normalised.
    pub egress: Vec<Permission>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawGroup {
    #[serde(default, deserialize_with = "de::opt_text")]
    group_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    group_id: Option<String>,
    /// Only the permission lists are built as trees, not the whole configuration.
    #[serde(default)]
    ip_permissions: Option<Value>,
    #[serde(default)]
    ip_permissions_egress: Option<Value>,
}

impl View for SecurityGroup {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawGroup = configuration(item)?;
        let perms = |list: Option<&Value>, key| {
            network::permissions_of(list, key).map_err(|e| ViewError::new("configuration", e))
        };
        Ok(Self {
            ingress: perms(raw.ip_permissions.as_ref(), "ipPermissions")?,
            egress: perms(raw.ip_permissions_egress.as_ref(), "ipPermissionsEgress")?,
            group_name: raw.group_name,
            group_id: raw.group_id,
        })
    }
}

// -------------------------------------------------------------------------- EC2 instance

/// `AWS::EC2::Instance`: what the instance rules read. Text fields a rule treats as not
/// recorded unless they are text read loosely; `metadataOptions` and `networkInterfaces`
/// are kept as their own small trees (the rest of the configuration is never built).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Ec2Instance {
    /// `vpcId`: absent for EC2-Classic instances.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub vpc_id: Option<String>,
    /// `iamInstanceProfile`.
    #[serde(default)]
    pub iam_instance_profile: Option<InstanceProfile>,
    /// `imageId`.
    #[serde(default, deserialize_with = "de::loose_text")]
    pub image_id: Option<String>,
    /// `instanceType`.
    #[serde(default, deserialize_with = "de::loose_text")]
    pub instance_type: Option<String>,
    /// `publicIpAddress`.
    #[serde(default, deserialize_with = "de::loose_text")]
    pub public_ip_address: Option<String>,
    /// `metadataOptions` (`httpTokens`, `httpEndpoint`, ...), as recorded.
    #[serde(default)]
    pub metadata_options: Value,
    /// `networkInterfaces`, as recorded.
    #[serde(default)]
    pub network_interfaces: Value,
}

impl Ec2Instance {
    /// A text field of `metadataOptions`; absent when it or the field is not text.
    pub fn metadata_option(&self, field: &str) -> Option<&str> {
        self.metadata_options.get(field).and_then(Value::as_str)
    }
}

/// `iamInstanceProfile` of an instance.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstanceProfile {
    /// `arn`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub arn: Option<String>,
    /// `id`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub id: Option<String>,
}

impl View for Ec2Instance {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// -------------------------------------------------------------------------- RDS instance

/// `AWS::RDS::DBInstance`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RdsInstance {
    /// `dBInstanceIdentifier`.
    #[serde(
        default,
        rename = "dBInstanceIdentifier",
        deserialize_with = "de::opt_text"
    )]
    pub db_instance_identifier: Option<String>,
    /// `dBInstanceStatus` (`available`, `stopped`, ...).
    #[serde(
        default,
        rename = "dBInstanceStatus",
        deserialize_with = "de::opt_text"
    )]
    pub db_instance_status: Option<String>,
    /// `engine` (`mysql`, `aurora-postgresql`, ...).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub engine: Option<String>,
    /// `dBClusterIdentifier`: set for Aurora cluster members.
    #[serde(
        default,
        rename = "dBClusterIdentifier",
        deserialize_with = "de::opt_text"
    )]
    pub db_cluster_identifier: Option<String>,
    /// `readReplicaSourceDBInstanceIdentifier`: set for read replicas.
    #[serde(
        default,
        rename = "readReplicaSourceDBInstanceIdentifier",
        deserialize_with = "de::opt_text"
    )]
    pub read_replica_source: Option<String>,
    /// `backupRetentionPeriod` in days.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub backup_retention_period: Option<i64>,
    /// `preferredBackupWindow` (`hh24:mi-hh24:mi`).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub preferred_backup_window: Option<String>,
    /// `publiclyAccessible`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub publicly_accessible: Option<bool>,
    /// `multiAZ`.
    #[serde(default, rename = "multiAZ", deserialize_with = "de::opt_bool")]
    pub multi_az: Option<bool>,
    /// `storageEncrypted`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub storage_encrypted: Option<bool>,
    /// `kmsKeyId`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub kms_key_id: Option<String>,
    /// `deletionProtection`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub deletion_protection: Option<bool>,
    /// `enabledCloudwatchLogsExports`.
    #[serde(default, deserialize_with = "de::list")]
    pub enabled_cloudwatch_logs_exports: Vec<String>,
    /// `autoMinorVersionUpgrade`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub auto_minor_version_upgrade: Option<bool>,
}

impl RdsInstance {
    /// The engine in lower case, or empty.
    pub fn engine_lower(&self) -> String {
        self.engine.as_deref().unwrap_or("").to_ascii_lowercase()
    }

    /// Whether this is an Aurora cluster member (the cluster holds its storage and
    /// backup settings).
    pub fn is_aurora(&self) -> bool {
        self.engine_lower().starts_with("aurora") || self.db_cluster_identifier.is_some()
    }

    /// Whether this is a read replica.
    pub fn is_read_replica(&self) -> bool {
        self.read_replica_source.is_some()
    }
}

impl View for RdsInstance {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// ----------------------------------------------------------------------- Lambda function

/// `AWS::Lambda::Function`, with its resource-based policy parsed.
#[derive(Debug, Clone, Default)]
pub struct LambdaFunction {
    /// `functionName`.
    pub function_name: Option<String>,
    /// `runtime` (absent for container images).
    pub runtime: Option<String>,
    /// `packageType`: `Zip` or `Image`.
    pub package_type: Option<String>,
    /// `role`: the execution role ARN.
    pub role: Option<String>,
    /// `timeout` in seconds.
    pub timeout: Option<i64>,
    /// `memorySize` in MB.
    pub memory_size: Option<i64>,
    /// `environment.variables`, as recorded.
    pub environment: Map<String, Value>,
    /// `supplementaryConfiguration.Policy`, parsed.
    pub policy: Option<Result<PolicyDocument, String>>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawFunction {
    #[serde(default, deserialize_with = "de::opt_text")]
    function_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    runtime: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    package_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    role: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    timeout: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    memory_size: Option<i64>,
    #[serde(default)]
    environment: Option<RawEnvironment>,
}

#[derive(Deserialize, Default)]
struct RawEnvironment {
    #[serde(default)]
    variables: Option<Map<String, Value>>,
}

impl LambdaFunction {
    /// Whether the function is a container image (no runtime to judge).
    pub fn is_image(&self) -> bool {
        self.package_type.as_deref() == Some("Image")
    }
}

impl View for LambdaFunction {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawFunction = configuration(item)?;
        Ok(Self {
            function_name: raw.function_name,
            runtime: raw.runtime,
            package_type: raw.package_type,
            role: raw.role,
            timeout: raw.timeout,
            memory_size: raw.memory_size,
            environment: raw
                .environment
                .and_then(|e| e.variables)
                .unwrap_or_default(),
            policy: policy_from(item.supplementary("Policy")),
        })
    }
}

// ---------------------------------------------------------------------------- EBS volume

/// `AWS::EC2::Volume`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EbsVolume {
    /// `encrypted`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub encrypted: Option<bool>,
    /// `kmsKeyId`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub kms_key_id: Option<String>,
    /// `state` (`in-use`, `available`, ...).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub state: Option<String>,
    /// `attachments`, as recorded.
    #[serde(default, deserialize_with = "de::list")]
    pub attachments: Vec<Value>,
}

impl EbsVolume {
    /// Whether the volume is attached to an instance.
    pub fn is_attached(&self) -> bool {
        !self.attachments.is_empty() || self.state.as_deref() == Some("in-use")
    }
}

impl View for EbsVolume {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// ---------------------------------------------------------------------------- IAM policy

/// `AWS::IAM::Policy`: the default version's document, parsed.
#[derive(Debug, Clone, Default)]
pub struct IamPolicy {
    /// `arn` (or the item's ARN).
    pub arn: Option<String>,
    /// The default version's document; `None` when the item carries none.
    pub default_document: Option<Result<PolicyDocument, String>>,
    /// `permissionsBoundaryUsageCount`: how many users and roles use the policy as
    /// their permissions boundary.
    pub permissions_boundary_usage_count: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawPolicy {
    #[serde(default, deserialize_with = "de::opt_text")]
    arn: Option<String>,
    #[serde(default, deserialize_with = "de::opt_text")]
    default_version_id: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    policy_version_list: Vec<RawPolicyVersion>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    permissions_boundary_usage_count: Option<i64>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawPolicyVersion {
    #[serde(default, deserialize_with = "de::opt_text")]
    version_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    is_default_version: Option<bool>,
    #[serde(default)]
    document: Option<Value>,
}

impl IamPolicy {
    /// Whether this is an AWS managed policy (`arn:aws:iam::aws:policy/...`).
    pub fn is_aws_managed(&self) -> bool {
        self.arn
            .as_deref()
            .is_some_and(|a| a.contains(":iam::aws:policy/"))
    }
}

impl View for IamPolicy {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawPolicy = configuration(item)?;
        let default = raw
            .policy_version_list
            .iter()
            .find(|v| v.is_default_version == Some(true))
            .or_else(|| {
                raw.policy_version_list
                    .iter()
                    .find(|v| v.version_id.is_some() && v.version_id == raw.default_version_id)
            });
        Ok(Self {
            arn: raw.arn.or_else(|| item.arn.clone()),
            default_document: policy_from(default.and_then(|v| v.document.as_ref())),
            permissions_boundary_usage_count: raw.permissions_boundary_usage_count,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item(resource_type: &str, configuration: Value, supplementary: Value) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({
            "resourceType": resource_type, "resourceId": "r-1",
            "configurationItemStatus": "OK",
            "configuration": configuration,
            "supplementaryConfiguration": supplementary,
        }))
        .unwrap()
    }

    #[test]
    fn booleans_and_numbers_are_read_as_config_writes_them() {
        let i = item(
            "AWS::RDS::DBInstance",
            json!({"multiAZ": "true", "storageEncrypted": true, "backupRetentionPeriod": "7",
                   "publiclyAccessible": null}),
            json!({}),
        );
        let v = i.view::<RdsInstance>().unwrap();
        assert_eq!(v.multi_az, Some(true));
        assert_eq!(v.storage_encrypted, Some(true));
        assert_eq!(v.backup_retention_period, Some(7));
        assert_eq!(v.publicly_accessible, None);
    }

    #[test]
    fn a_field_of_the_wrong_kind_is_an_error_naming_it() {
        let i = item("AWS::RDS::DBInstance", json!({"multiAZ": [1]}), json!({}));
        let e = i.view::<RdsInstance>().unwrap_err();
        assert_eq!(e.what, "configuration");
        assert!(e.reason.contains("true or false"), "{e}");
        let i = item(
            "AWS::S3::Bucket",
            json!({}),
            json!({"BucketVersioningConfiguration": {"status": 5}}),
        );
        let e = i.view::<S3Bucket>().unwrap_err();
        assert_eq!(
            e.what,
            "supplementaryConfiguration.BucketVersioningConfiguration"
        );
    }

    #[test]
    fn the_view_is_parsed_once_per_item() {
        let i = item(
            "AWS::S3::Bucket",
            json!({}),
            json!({"BucketPolicy": {"policyText": "{\"Statement\": []}"}}),
        );
        let a = i.view::<S3Bucket>().unwrap();
        let b = i.view::<S3Bucket>().unwrap();
        assert!(std::sync::Arc::ptr_eq(&a, &b));
        assert!(matches!(a.policy, Some(Ok(_))));
    }

    #[test]
    fn the_iam_policy_default_version_is_found_by_flag_or_id() {
        let i = item(
            "AWS::IAM::Policy",
            json!({"arn": "arn:aws:iam::123456789012:policy/p", "defaultVersionId": "v2",
                   "policyVersionList": [
                       {"versionId": "v1", "isDefaultVersion": false, "document": "{\"Statement\": []}"},
                       {"versionId": "v2", "document": {"Statement": []}}]}),
            json!({}),
        );
        let v = i.view::<IamPolicy>().unwrap();
        assert!(matches!(v.default_document, Some(Ok(_))));
        assert!(!v.is_aws_managed());
    }

    #[test]
    fn an_empty_lambda_policy_is_no_policy() {
        let i = item(
            "AWS::Lambda::Function",
            json!({"runtime": "python3.12", "environment": {"variables": {"A": "b"}}}),
            json!({"Policy": ""}),
        );
        let v = i.view::<LambdaFunction>().unwrap();
        assert!(v.policy.is_none());
        assert_eq!(v.environment.len(), 1);
    }
}
