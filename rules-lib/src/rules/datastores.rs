//! What the data-store rules share (RDS snapshots, OpenSearch and Elasticsearch domains,
//! Redshift clusters, SageMaker notebook instances): typed views of the types several of
//! them judge, read once per item, a parameter helper, and the verdicts the OpenSearch
//! and Elasticsearch rules share (an `Enabled` flag, VPC options).
//!
//! Field names are those AWS Config records: CloudFormation PascalCase for the types
//! recorded through the Cloud Control API (OpenSearch, SageMaker, EFS), Java-bean
//! camelCase (with its odd lower-casing: `vpcoptions`) for the older ones.

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::views::{configuration, de, supplementary, View, ViewError};

/// A NON_COMPLIANT verdict for a parameter value the rule cannot use, worded as a
/// parameter error. Judging cannot fail, and failing closed keeps the misconfiguration
/// in sight instead of passing every resource.
pub(super) fn bad_parameter(name: &str, value: &str, expected: &str) -> Verdict {
    Verdict::non_compliant(format!(
        "rule parameter `{name}` has value `{value}`, expected {expected}"
    ))
}

/// The verdict on a setting's `Enabled` flag (`None` when the flag or its options are
/// not recorded): COMPLIANT "`what` is enabled" when it is true, NON_COMPLIANT "`what`
/// is not enabled" when it is false or not recorded.
pub(super) fn enabled_verdict(enabled: Option<bool>, what: &str) -> Verdict {
    if enabled == Some(true) {
        Verdict::compliant(format!("{what} is enabled"))
    } else {
        Verdict::non_compliant(format!("{what} is not enabled"))
    }
}

/// The verdict on a domain's VPC options (OpenSearch or Elasticsearch): in a VPC
/// (COMPLIANT) when they name a VPC (`vpc_id`) or subnets; otherwise the domain has a
/// public endpoint (NON_COMPLIANT).
pub(super) fn domain_vpc_verdict(vpc_id: Option<&str>, subnet_ids: Option<&[String]>) -> Verdict {
    match (vpc_id, subnet_ids) {
        (Some(id), _) => Verdict::compliant(format!("the domain is in VPC {id}")),
        (None, Some(s)) if !s.is_empty() => {
            Verdict::compliant(format!("the domain is in a VPC (subnets {})", s.join(", ")))
        }
        _ => Verdict::non_compliant(
            "the domain has a public endpoint (its VPC options name no VPC or subnet)",
        ),
    }
}

/// `{"enabled": ...}` (camelCase types).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnabledLower {
    /// `enabled`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub enabled: Option<bool>,
}

/// `{"Enabled": ...}` (PascalCase types).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct EnabledUpper {
    /// `enabled`.
    #[serde(default, rename = "Enabled", deserialize_with = "de::opt_bool")]
    pub enabled: Option<bool>,
}

// ------------------------------------------------------------------------ RDS snapshots

/// `AWS::RDS::DBSnapshot` and `AWS::RDS::DBClusterSnapshot`.
#[derive(Debug, Clone, Default)]
pub struct RdsSnapshot {
    /// `encrypted` (DB snapshot) or `storageEncrypted` (cluster snapshot).
    pub encrypted: Option<bool>,
    /// `supplementaryConfiguration.DBSnapshotAttributes` (or
    /// `DBClusterSnapshotAttributes`); `None` when not recorded.
    pub attributes: Option<Vec<SnapshotAttribute>>,
}

/// One snapshot attribute (`restore` lists the accounts that may restore it).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SnapshotAttribute {
    /// `attribute_name`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub attribute_name: Option<String>,
    /// `attribute_values`.
    #[serde(default, deserialize_with = "de::list")]
    pub attribute_values: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawSnapshot {
    #[serde(default, deserialize_with = "de::opt_bool")]
    encrypted: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    storage_encrypted: Option<bool>,
}

pub(super) const CLUSTER_SNAPSHOT: &str = "AWS::RDS::DBClusterSnapshot";

impl View for RdsSnapshot {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawSnapshot = configuration(item)?;
        let cluster = item.resource_type == CLUSTER_SNAPSHOT;
        let (key, encrypted) = if cluster {
            (
                "DBClusterSnapshotAttributes",
                raw.storage_encrypted.or(raw.encrypted),
            )
        } else {
            (
                "DBSnapshotAttributes",
                raw.encrypted.or(raw.storage_encrypted),
            )
        };
        Ok(Self {
            encrypted,
            attributes: supplementary(item, key)?,
        })
    }
}

// ---------------------------------------------------------------- OpenSearch domain

/// `AWS::OpenSearch::Domain` (PascalCase, as Cloud Control records it).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OpenSearchDomain {
    /// `encryption_at_rest`.
    #[serde(default, rename = "EncryptionAtRestOptions")]
    pub encryption_at_rest: Option<EnabledUpper>,
    /// `node_to_node`.
    #[serde(default, rename = "NodeToNodeEncryptionOptions")]
    pub node_to_node: Option<EnabledUpper>,
    /// `vpc_options`.
    #[serde(default, rename = "VPCOptions")]
    pub vpc_options: Option<OpenSearchVpc>,
    /// `LogPublishingOptions`, by log type (`ES_APPLICATION_LOGS`, ...).
    #[serde(default, rename = "LogPublishingOptions")]
    pub log_publishing: Option<BTreeMap<String, Option<OpenSearchLog>>>,
}

/// `VPCOptions`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OpenSearchVpc {
    /// `subnet_ids`.
    #[serde(default, rename = "SubnetIds", deserialize_with = "de::list")]
    pub subnet_ids: Vec<String>,
}

/// One entry of `LogPublishingOptions`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct OpenSearchLog {
    /// `enabled`.
    #[serde(default, rename = "Enabled", deserialize_with = "de::opt_bool")]
    pub enabled: Option<bool>,
    /// `log_group_arn`.
    #[serde(
        default,
        rename = "CloudWatchLogsLogGroupArn",
        deserialize_with = "de::opt_text"
    )]
    pub log_group_arn: Option<String>,
}

impl OpenSearchDomain {
    /// Whether the log type (a `LogPublishingOptions` key) is published to a log group.
    pub fn publishes(&self, key: &str) -> bool {
        self.log_publishing
            .as_ref()
            .and_then(|m| m.get(key))
            .and_then(Option::as_ref)
            .is_some_and(|l| l.enabled == Some(true) && l.log_group_arn.is_some())
    }
}

impl View for OpenSearchDomain {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// ------------------------------------------------------------- Elasticsearch domain

/// `AWS::Elasticsearch::Domain` (camelCase, `vpcoptions` lower-cased as recorded).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ElasticsearchDomain {
    /// `encryption_at_rest_options`.
    #[serde(default)]
    pub encryption_at_rest_options: Option<EnabledLower>,
    /// `vpc_options`.
    #[serde(
        default,
        rename = "vpcoptions",
        alias = "vpcOptions",
        alias = "VPCOptions"
    )]
    pub vpc_options: Option<ElasticsearchVpc>,
}

/// `vpcoptions`.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ElasticsearchVpc {
    /// `vpc_id`.
    #[serde(
        default,
        rename = "vpcid",
        alias = "vpcId",
        alias = "VPCId",
        deserialize_with = "de::opt_text"
    )]
    pub vpc_id: Option<String>,
    /// `subnet_ids`.
    #[serde(
        default,
        rename = "subnetIds",
        alias = "SubnetIds",
        deserialize_with = "de::list"
    )]
    pub subnet_ids: Vec<String>,
}

impl View for ElasticsearchDomain {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// ------------------------------------------------------------------ Redshift cluster

/// `AWS::Redshift::Cluster`, with `supplementaryConfiguration.LoggingStatus`.
#[derive(Debug, Clone, Default)]
pub struct RedshiftCluster {
    /// `publicly_accessible`.
    pub publicly_accessible: Option<bool>,
    /// `automated_snapshot_retention_period`.
    pub automated_snapshot_retention_period: Option<i64>,
    /// `encrypted`.
    pub encrypted: Option<bool>,
    /// `node_type`.
    pub node_type: Option<String>,
    /// `LoggingStatus.loggingEnabled` (audit logging).
    pub logging_enabled: Option<bool>,
    /// `clusterParameterGroups[].parameterGroupName`.
    pub parameter_groups: Vec<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawCluster {
    #[serde(default, deserialize_with = "de::opt_bool")]
    publicly_accessible: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    automated_snapshot_retention_period: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    encrypted: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_text")]
    node_type: Option<String>,
    #[serde(default, deserialize_with = "de::list")]
    cluster_parameter_groups: Vec<RawClusterParameterGroup>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawClusterParameterGroup {
    #[serde(default, deserialize_with = "de::opt_text")]
    parameter_group_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawLoggingStatus {
    #[serde(default, deserialize_with = "de::opt_bool")]
    logging_enabled: Option<bool>,
}

impl View for RedshiftCluster {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawCluster = configuration(item)?;
        let logging: RawLoggingStatus = supplementary(item, "LoggingStatus")?;
        Ok(Self {
            publicly_accessible: raw.publicly_accessible,
            automated_snapshot_retention_period: raw.automated_snapshot_retention_period,
            encrypted: raw.encrypted,
            node_type: raw.node_type,
            logging_enabled: logging.logging_enabled,
            parameter_groups: raw
                .cluster_parameter_groups
                .into_iter()
                .filter_map(|g| g.parameter_group_name)
                .collect(),
        })
    }
}

// ------------------------------------------------------- SageMaker notebook instance

/// `AWS::SageMaker::NotebookInstance` (PascalCase).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SageMakerNotebook {
    /// `Enabled` or `Disabled`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub direct_internet_access: Option<String>,
    /// `kms_key_id`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub kms_key_id: Option<String>,
}

impl View for SageMakerNotebook {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}
