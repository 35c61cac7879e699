//! What the KMS key rules share: a typed view of `AWS::KMS::Key`.

use serde::Deserialize;
use serde_json::Value;

use crate::item::ConfigurationItem;
use crate::views::{configuration, View, ViewError};

use super::as_bool;

/// The resource type of KMS keys.
pub(crate) const KMS_KEY: &str = "AWS::KMS::Key";

/// `AWS::KMS::Key`: the fields the KMS rules read.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KmsKey {
    /// `keyId`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub key_id: Option<String>,
    /// `arn`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub arn: Option<String>,
    /// `keyManager`: `AWS` or `CUSTOMER`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub key_manager: Option<String>,
    /// `keyState`: `Enabled`, `Disabled`, `PendingDeletion`, ...
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub key_state: Option<String>,
    /// `keySpec` (`SYMMETRIC_DEFAULT`, `RSA_2048`, `HMAC_256`, ...).
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub key_spec: Option<String>,
    /// `customerMasterKeySpec`: the older name of `keySpec`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub customer_master_key_spec: Option<String>,
    /// `origin`: `AWS_KMS`, `EXTERNAL`, `AWS_CLOUDHSM` or `EXTERNAL_KEY_STORE`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub origin: Option<String>,
    /// `customKeyStoreId`.
    #[serde(default, deserialize_with = "crate::views::de::opt_text")]
    pub custom_key_store_id: Option<String>,
    /// `deletionDate`, as recorded (epoch milliseconds or text).
    #[serde(default)]
    pub deletion_date: Option<Value>,
    /// `supplementaryConfiguration.KeyRotationStatus` (`true` or `"true"`); `None` when
    /// the item does not carry it.
    #[serde(skip)]
    pub rotation_enabled: Option<bool>,
}

impl View for KmsKey {
    fn from_item(item: &ConfigurationItem) -> Result<Self, ViewError> {
        let mut key: KmsKey = configuration(item)?;
        key.rotation_enabled = match item.supplementary("KeyRotationStatus") {
            None => None,
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(v) => Some(as_bool(v).ok_or_else(|| ViewError {
                what: "supplementaryConfiguration.KeyRotationStatus".into(),
                reason: format!("expected true or false, found {v}"),
            })?),
        };
        Ok(key)
    }
}

impl KmsKey {
    /// The key's id (`keyId`, or the id in its ARN), or the item's resource id.
    pub fn label<'a>(&'a self, item: &'a ConfigurationItem) -> &'a str {
        self.key_id
            .as_deref()
            .or_else(|| self.arn.as_deref().map(crate::kms::key_id))
            .unwrap_or(&item.resource_id)
    }

    /// Whether AWS manages the key (`keyManager` `AWS`).
    pub fn is_aws_managed(&self) -> bool {
        self.key_manager
            .as_deref()
            .is_some_and(|m| m.eq_ignore_ascii_case("AWS"))
    }

    /// The key spec (`keySpec`, else `customerMasterKeySpec`).
    pub fn spec(&self) -> Option<&str> {
        self.key_spec
            .as_deref()
            .or(self.customer_master_key_spec.as_deref())
    }

    /// `deletionDate` as text (an epoch number is shown as an ISO time).
    pub fn deletion_date_text(&self) -> Option<String> {
        match self.deletion_date.as_ref()? {
            Value::String(s) if !s.trim().is_empty() => Some(s.clone()),
            Value::Number(n) => Some(
                n.as_f64()
                    // Config records epoch milliseconds; seconds are read too.
                    .map(|x| if x > 1e11 { x / 1000.0 } else { x })
                    .and_then(|secs| crate::item::Timestamp::from_epoch_secs(secs).ok())
                    .map_or_else(|| n.to_string(), |t| t.to_string()),
            ),
            _ => None,
        }
    }
}
