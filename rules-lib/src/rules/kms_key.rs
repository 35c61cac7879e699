//! What the KMS key rules share: a typed view of `AWS::KMS::Key`; and what the rules
//! with a parameter of allowed KMS keys (`kmsKeyArns`, `kmsKeyIds`, `kmsId`, ...) share:
//! how a resource's key is matched against it.

use serde::Deserialize;
use serde_json::Value;

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
use crate::kms::key_matches;
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

/// Why the KMS key a resource records (`key`) is not one of the keys the rule parameter
/// `param` allows (`allowed`: its list, or its one value), or `None` when it is one of
/// them or when the parameter is unset or empty (any key will do). Keys match by key ID
/// or key ARN, an alias only the same alias ([`key_matches`]); with keys allowed and no
/// key recorded, the key cannot be confirmed.
fn key_not_allowed<S: AsRef<str>>(
    allowed: Option<&[S]>,
    key: Option<&str>,
    param: &str,
) -> Option<String> {
    let allowed = allowed.filter(|l| !l.is_empty())?;
    let listed = || {
        let keys: Vec<&str> = allowed.iter().map(AsRef::as_ref).collect();
        keys.join(", ")
    };
    match key.map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) if allowed.iter().any(|a| key_matches(a.as_ref(), k)) => None,
        Some(k) => Some(format!(
            "the KMS key {k} is not one of {param} ({})",
            listed()
        )),
        None => Some(format!(
            "the item records no KMS key, so {param} ({}) cannot be confirmed",
            listed()
        )),
    }
}

/// The verdict on the KMS key of a resource already known to be encrypted, against the
/// keys `param` allows ([`key_not_allowed`]): NON_COMPLIANT "`encrypted`, but" why not;
/// otherwise COMPLIANT "`encrypted` with KMS key KEY", or just `encrypted` when the item
/// records no key.
pub(crate) fn allowed_key_verdict<S: AsRef<str>>(
    encrypted: &str,
    key: Option<&str>,
    allowed: Option<&[S]>,
    param: &str,
) -> Verdict {
    let key = key.map(str::trim).filter(|k| !k.is_empty());
    match (key_not_allowed(allowed, key, param), key) {
        (Some(why), _) => Verdict::non_compliant(format!("{encrypted}, but {why}")),
        (None, Some(k)) => Verdict::compliant(format!("{encrypted} with KMS key {k}")),
        (None, None) => Verdict::compliant(encrypted),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evaluation::Compliance::*;

    const KEY: &str = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn a_key_is_judged_against_the_allowed_list_when_there_is_one() {
        let v = |key: Option<&str>, allowed: Option<&[&str]>| {
            let v = allowed_key_verdict("the disk is encrypted", key, allowed, "kmsKeyArns");
            (v.compliance, v.annotation)
        };
        let none: Option<&[&str]> = None;
        assert_eq!(
            v(Some(KEY), none),
            (
                Compliant,
                format!("the disk is encrypted with KMS key {KEY}")
            )
        );
        assert_eq!(
            v(None, Some(&[])),
            (Compliant, "the disk is encrypted".into())
        );
        let by_id = ["1234abcd-12ab-34cd-56ef-1234567890ab"];
        assert_eq!(v(Some(KEY), Some(&by_id)).0, Compliant);
        assert_eq!(
            v(Some(KEY), Some(&["other", "alias/x"])),
            (
                NonCompliant,
                format!(
                    "the disk is encrypted, but the KMS key {KEY} is not one of kmsKeyArns \
                     (other, alias/x)"
                )
            )
        );
        let (c, a) = v(Some(" "), Some(&by_id));
        assert_eq!(c, NonCompliant);
        assert!(
            a.contains("records no KMS key") && a.contains("cannot be confirmed"),
            "{a}"
        );
    }
}
