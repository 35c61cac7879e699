//! Typed views shared by the ELB, API Gateway, EKS, ECR and Secrets Manager rules, with
//! the verdicts several of those rules reach the same way (an ELBv2 attribute flag,
//! Classic Load Balancer listeners, a secret scheduled for deletion).
//!
//! Each view reads only what the rules judge, leniently (booleans as `true` or
//! `"true"`, null as absent), through [`crate::views::configuration`] and
//! [`crate::views::supplementary`]; a view is parsed once per item and shared by every
//! rule that judges the item.

use std::collections::BTreeMap;

use serde::de::{DeserializeOwned, Deserializer};
use serde::Deserialize;
use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::views::{configuration, de, supplementary, View, ViewError};

/// A map; null is empty.
pub(crate) fn map<'de, D: Deserializer<'de>, T: DeserializeOwned>(
    d: D,
) -> Result<BTreeMap<String, T>, D::Error> {
    Ok(Option::<BTreeMap<String, T>>::deserialize(d)?.unwrap_or_default())
}

/// Text, or a boolean or number written as text (ELB attribute values); null is absent.
fn scalar_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(Value::Bool(b)) => Ok(Some(b.to_string())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(serde::de::Error::custom(format!(
            "expected text, found {other}"
        ))),
    }
}

/// Whether `text` says `true` (any case, spaces around ignored).
pub(crate) fn is_true(text: Option<&str>) -> bool {
    text.is_some_and(|t| t.trim().eq_ignore_ascii_case("true"))
}

// ------------------------------------------------------------------------- ELBv2 (ALB/NLB)

/// `AWS::ElasticLoadBalancingV2::LoadBalancer`: its type and its attributes
/// (`supplementaryConfiguration.LoadBalancerAttributes`, a list of `{key, value}`).
#[derive(Debug, Clone, Default)]
pub struct ElbV2LoadBalancer {
    /// `configuration.loadBalancerArn`.
    pub load_balancer_arn: Option<String>,
    /// `configuration.type`: `application`, `network` or `gateway`.
    pub lb_type: Option<String>,
    /// The attributes by key, values as recorded (text).
    pub attributes: BTreeMap<String, String>,
}

impl ElbV2LoadBalancer {
    /// The value of attribute `key`, trimmed.
    pub fn attribute(&self, key: &str) -> Option<&str> {
        self.attributes.get(key).map(|v| v.trim())
    }

    /// Whether attribute `key` is `true` (absent: false, the ELB default for every
    /// attribute these rules read).
    pub fn flag(&self, key: &str) -> bool {
        is_true(self.attribute(key))
    }

    /// The verdict on boolean attribute `key` ([`Self::flag`]): COMPLIANT with `on` when
    /// it is `true`, NON_COMPLIANT with `off` and the value recorded (or `not set`)
    /// otherwise.
    pub fn flag_verdict(&self, key: &str, on: &str, off: &str) -> Verdict {
        if self.flag(key) {
            Verdict::compliant(on)
        } else {
            Verdict::non_compliant(format!(
                "{off} ({key} is {})",
                self.attribute(key).unwrap_or("not set")
            ))
        }
    }

    /// Whether this is an Application Load Balancer.
    pub fn is_application(&self) -> bool {
        self.lb_type
            .as_deref()
            .is_some_and(|t| t.eq_ignore_ascii_case("application"))
    }

    /// The type, for annotations.
    pub fn type_name(&self) -> &str {
        self.lb_type.as_deref().unwrap_or("unknown")
    }
}

#[derive(Deserialize, Default)]
struct RawElbV2 {
    #[serde(default, rename = "loadBalancerArn", deserialize_with = "de::opt_text")]
    load_balancer_arn: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_text")]
    lb_type: Option<String>,
}

#[derive(Deserialize, Default)]
struct RawAttribute {
    #[serde(default, alias = "Key", deserialize_with = "de::opt_text")]
    key: Option<String>,
    #[serde(default, alias = "Value", deserialize_with = "scalar_text")]
    value: Option<String>,
}

impl View for ElbV2LoadBalancer {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawElbV2 = configuration(item)?;
        let attrs: Vec<RawAttribute> = supplementary(item, "LoadBalancerAttributes")?;
        Ok(Self {
            load_balancer_arn: raw.load_balancer_arn,
            lb_type: raw.lb_type,
            attributes: attrs
                .into_iter()
                .filter_map(|a| Some((a.key?.trim().to_string(), a.value.unwrap_or_default())))
                .collect(),
        })
    }
}

// ------------------------------------------------------------------------- Classic ELB

/// `AWS::ElasticLoadBalancing::LoadBalancer`: listeners and access log settings.
#[derive(Debug, Clone, Default)]
pub struct ClassicLoadBalancer {
    /// `configuration.listenerDescriptions[].listener`.
    pub listeners: Vec<ClassicListener>,
    /// `supplementaryConfiguration.LoadBalancerAttributes.accessLog`.
    pub access_log: ClassicAccessLog,
}

impl ClassicLoadBalancer {
    /// The verdict on the listeners `judged` picks: NOT_APPLICABLE with `none` when there
    /// are none; NON_COMPLIANT with `failing` followed by each failing listener's reason
    /// (what `fails` says; `None` passes); COMPLIANT with `passing` when none fails.
    pub fn listeners_verdict(
        &self,
        judged: impl Fn(&ClassicListener) -> bool,
        none: &str,
        fails: impl Fn(&ClassicListener) -> Option<String>,
        passing: &str,
        failing: &str,
    ) -> Verdict {
        let listeners: Vec<&ClassicListener> =
            self.listeners.iter().filter(|l| judged(l)).collect();
        if listeners.is_empty() {
            return Verdict::not_applicable(none);
        }
        let reasons: Vec<String> = listeners.into_iter().filter_map(fails).collect();
        if reasons.is_empty() {
            Verdict::compliant(passing)
        } else {
            Verdict::non_compliant(format!("{failing}: {}", reasons.join("; ")))
        }
    }
}

/// One front-end listener of a Classic Load Balancer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicListener {
    /// `protocol`: `HTTP`, `HTTPS`, `TCP` or `SSL` (front end).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub protocol: Option<String>,
    /// `loadBalancerPort`.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub load_balancer_port: Option<i64>,
    /// `sslcertificateId` (spelled so in the item): the certificate ARN.
    #[serde(
        default,
        rename = "sslcertificateId",
        alias = "sslCertificateId",
        alias = "SSLCertificateId",
        deserialize_with = "de::opt_text"
    )]
    pub ssl_certificate_id: Option<String>,
}

impl ClassicListener {
    /// The protocol in upper case, or empty.
    pub fn protocol_upper(&self) -> String {
        self.protocol
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase()
    }

    /// Whether the front end is HTTPS or SSL.
    pub fn is_secure(&self) -> bool {
        matches!(self.protocol_upper().as_str(), "HTTPS" | "SSL")
    }

    /// `PROTOCOL:port`, for annotations.
    pub fn label(&self) -> String {
        let port = self
            .load_balancer_port
            .map_or_else(|| "?".to_string(), |p| p.to_string());
        format!("{}:{port}", self.protocol.as_deref().unwrap_or("?"))
    }
}

/// `LoadBalancerAttributes.accessLog` of a Classic Load Balancer.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClassicAccessLog {
    /// `enabled`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub enabled: Option<bool>,
    /// `s3BucketName`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub s3_bucket_name: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawClassic {
    #[serde(default, deserialize_with = "de::list")]
    listener_descriptions: Vec<RawListenerDescription>,
}

#[derive(Deserialize, Default)]
struct RawListenerDescription {
    #[serde(default)]
    listener: Option<ClassicListener>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct RawClassicAttributes {
    #[serde(default)]
    access_log: Option<ClassicAccessLog>,
}

impl View for ClassicLoadBalancer {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let raw: RawClassic = configuration(item)?;
        let attrs: RawClassicAttributes = supplementary(item, "LoadBalancerAttributes")?;
        Ok(Self {
            listeners: raw
                .listener_descriptions
                .into_iter()
                .filter_map(|d| d.listener)
                .collect(),
            access_log: attrs.access_log.unwrap_or_default(),
        })
    }
}

// ------------------------------------------------------------- API Gateway REST API stage

/// `AWS::ApiGateway::Stage` (REST API stage).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RestStage {
    /// `cacheClusterEnabled`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub cache_cluster_enabled: Option<bool>,
    /// `tracingEnabled` (X-Ray).
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub tracing_enabled: Option<bool>,
    /// `methodSettings`, by `resourcePath/httpMethod` key (`*/*` is stage-wide).
    #[serde(default, deserialize_with = "map")]
    pub method_settings: BTreeMap<String, MethodSetting>,
}

/// One entry of `methodSettings`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MethodSetting {
    /// `loggingLevel`: `OFF`, `ERROR` or `INFO`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub logging_level: Option<String>,
    /// `cachingEnabled`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub caching_enabled: Option<bool>,
    /// `cacheDataEncrypted`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub cache_data_encrypted: Option<bool>,
}

impl View for RestStage {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// ------------------------------------------------------------------------- EKS cluster

/// `AWS::EKS::Cluster`, recorded in the CloudFormation shape (PascalCase).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksCluster {
    /// `ResourcesVpcConfig`.
    #[serde(default)]
    pub resources_vpc_config: Option<EksVpcConfig>,
    /// `EncryptionConfig`.
    #[serde(default, deserialize_with = "de::list")]
    pub encryption_config: Vec<EksEncryptionConfig>,
    /// `EncryptionConfigKeyArn` (read-only attribute).
    #[serde(default, deserialize_with = "de::opt_text")]
    pub encryption_config_key_arn: Option<String>,
    /// `Logging`.
    #[serde(default)]
    pub logging: Option<EksLogging>,
}

/// `ResourcesVpcConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksVpcConfig {
    /// `EndpointPublicAccess`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub endpoint_public_access: Option<bool>,
    /// `PublicAccessCidrs`.
    #[serde(default, deserialize_with = "de::list")]
    pub public_access_cidrs: Vec<String>,
}

/// One entry of `EncryptionConfig`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksEncryptionConfig {
    /// `Resources` (`secrets`).
    #[serde(default, deserialize_with = "de::list")]
    pub resources: Vec<String>,
    /// `Provider`.
    #[serde(default)]
    pub provider: Option<EksProvider>,
}

/// `Provider` of an encryption config.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksProvider {
    /// `KeyArn`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub key_arn: Option<String>,
}

/// `Logging`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksLogging {
    /// `ClusterLogging`.
    #[serde(default)]
    pub cluster_logging: Option<EksClusterLogging>,
}

/// `ClusterLogging`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksClusterLogging {
    /// `EnabledTypes`: only the enabled log types are listed.
    #[serde(default, deserialize_with = "de::list")]
    pub enabled_types: Vec<EksLogType>,
}

/// One entry of `EnabledTypes`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EksLogType {
    /// `Type`: `api`, `audit`, `authenticator`, `controllerManager`, `scheduler`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub r#type: Option<String>,
}

impl View for EksCluster {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// ------------------------------------------------------------------------ ECR repository

/// `AWS::ECR::Repository` (private), recorded in the CloudFormation shape.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EcrRepository {
    /// `ImageTagMutability`: `MUTABLE`, `IMMUTABLE`, or `*_WITH_EXCLUSION`.
    #[serde(default, deserialize_with = "de::opt_text")]
    pub image_tag_mutability: Option<String>,
    /// `ImageScanningConfiguration`.
    #[serde(default)]
    pub image_scanning_configuration: Option<EcrScanning>,
}

/// `ImageScanningConfiguration`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct EcrScanning {
    /// `ScanOnPush`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub scan_on_push: Option<bool>,
}

impl View for EcrRepository {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

// -------------------------------------------------------------- Secrets Manager secret

/// `AWS::SecretsManager::Secret` (field names as the Config resource schema gives them).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Secret {
    /// `RotationEnabled`.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub rotation_enabled: Option<bool>,
    /// `RotationRules`.
    #[serde(default)]
    pub rotation_rules: Option<RotationRules>,
    /// `RotationOccurringAsScheduled` (computed by Config).
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub rotation_occurring_as_scheduled: Option<bool>,
    /// `KMSKeyId`: absent when the secret uses `aws/secretsmanager`.
    #[serde(
        default,
        rename = "KMSKeyId",
        alias = "KmsKeyId",
        deserialize_with = "de::opt_text"
    )]
    pub kms_key_id: Option<String>,
    /// `Deleted`: the secret is scheduled for deletion.
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub deleted: Option<bool>,
}

/// `RotationRules`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct RotationRules {
    /// `AutomaticallyAfterDays`.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub automatically_after_days: Option<i64>,
    /// `AutomaticallyAfterHours`.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub automatically_after_hours: Option<i64>,
    /// `RotationScheduleExpression`: `rate(N days|hours)` or `cron(...)`.
    #[serde(
        default,
        alias = "ScheduleExpression",
        deserialize_with = "de::opt_text"
    )]
    pub rotation_schedule_expression: Option<String>,
}

impl RotationRules {
    /// The rotation interval in hours: `AutomaticallyAfterHours`, else
    /// `AutomaticallyAfterDays` × 24, else a `rate(N hours|days)` expression; `None`
    /// for a `cron()` schedule (or nothing recorded).
    pub fn interval_hours(&self) -> Option<i64> {
        if let Some(h) = self.automatically_after_hours {
            return Some(h);
        }
        if let Some(d) = self.automatically_after_days {
            return d.checked_mul(24);
        }
        let expr = self.rotation_schedule_expression.as_deref()?.trim();
        let inner = expr.strip_prefix("rate(")?.strip_suffix(')')?.trim();
        let (n, unit) = inner.split_once(char::is_whitespace)?;
        let n: i64 = n.trim().parse().ok()?;
        match unit.trim().to_ascii_lowercase().as_str() {
            "hour" | "hours" => Some(n),
            "day" | "days" => n.checked_mul(24),
            _ => None,
        }
    }
}

impl Secret {
    /// NOT_APPLICABLE for a secret scheduled for deletion (`Deleted` true), which the
    /// Secrets Manager rules do not judge; `None` for any other secret.
    pub fn scheduled_for_deletion(&self) -> Option<Verdict> {
        (self.deleted == Some(true))
            .then(|| Verdict::not_applicable("the secret is scheduled for deletion"))
    }
}

impl View for Secret {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        configuration(item)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rotation_intervals_are_read_from_hours_days_or_a_rate() {
        let r = |v: serde_json::Value| serde_json::from_value::<RotationRules>(v).unwrap();
        assert_eq!(
            r(serde_json::json!({"AutomaticallyAfterHours": 6, "AutomaticallyAfterDays": 30}))
                .interval_hours(),
            Some(6)
        );
        assert_eq!(
            r(serde_json::json!({"AutomaticallyAfterDays": "30"})).interval_hours(),
            Some(720)
        );
        assert_eq!(
            r(serde_json::json!({"RotationScheduleExpression": "rate(10 days)"})).interval_hours(),
            Some(240)
        );
        assert_eq!(
            r(serde_json::json!({"RotationScheduleExpression": "rate(4 hours)"})).interval_hours(),
            Some(4)
        );
        assert_eq!(
            r(serde_json::json!({"RotationScheduleExpression": "cron(0 16 1,15 * ? *)"}))
                .interval_hours(),
            None
        );
    }
}
