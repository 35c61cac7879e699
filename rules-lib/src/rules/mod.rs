//! The rules, one file each. [`catalog`] lists them all.

mod catalog;
mod encrypted_volumes;
mod lambda_function_settings_check;
mod s3_bucket_public_read_prohibited;

pub use catalog::{catalog, find};
pub use encrypted_volumes::EncryptedVolumes;
pub use lambda_function_settings_check::LambdaFunctionSettingsCheck;
pub use s3_bucket_public_read_prohibited::S3BucketPublicReadProhibited;

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
