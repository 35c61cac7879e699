//! `ConfigurationItem`: one type for the two shapes AWS Config uses.
//!
//! Lambda events carry the *event shape* (`awsAccountId`, `ARN`, `configuration` as an
//! object, ISO-8601 timestamps); the API (GetResourceConfigHistory,
//! BatchGetResourceConfig, Config snapshot files) uses the *API shape* (`accountId`,
//! `arn`, `configuration` as JSON text, epoch-second timestamps over JSON 1.1). Both are
//! read into the same [`ConfigurationItem`]; [`ConfigurationItem::to_event_json`] and
//! [`ConfigurationItem::to_api_json`] write either shape back out.

use std::collections::BTreeMap;
use std::fmt;

use aws_smithy_types::date_time::Format;
use serde_json::{Map, Value};

use crate::error::ItemError;
use crate::evaluation::{MAX_RESOURCE_ID_CHARS, MAX_RESOURCE_TYPE_CHARS};

/// A point in time as AWS Config reports it (capture time, notification time).
///
/// Read from ISO-8601 text (with `Z` or an offset) or from epoch seconds; written as
/// ISO-8601 with milliseconds, `2016-02-17T01:36:34.043Z`.
///
/// Always between 1970-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z: every way of
/// making one checks the range, so every timestamp can be written back as ISO-8601
/// text and as JSON 1.1 epoch seconds. A time outside it (an epoch number in
/// milliseconds or nanoseconds where seconds belong, `1e308`) is refused where it is
/// read, with a message that names the value.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(aws_smithy_types::DateTime);

/// The first millisecond a [`Timestamp`] can hold: the Unix epoch.
const MIN_MILLIS: i64 = 0;
/// The last millisecond a [`Timestamp`] can hold: 9999-12-31T23:59:59.999Z, the last
/// one four-digit ISO-8601 years can write.
const MAX_MILLIS: i64 = 253_402_300_799_999;

impl Timestamp {
    /// From epoch milliseconds, if inside the range a timestamp can hold.
    fn from_millis_checked(millis: i64, shown: &dyn fmt::Display) -> Result<Self, String> {
        if (MIN_MILLIS..=MAX_MILLIS).contains(&millis) {
            Ok(Self(aws_smithy_types::DateTime::from_millis(millis)))
        } else {
            Err(format!(
                "`{shown}` is outside the times AWS Config records \
                 (1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999Z); \
                 give ISO-8601 text or epoch seconds (not milliseconds)"
            ))
        }
    }

    /// Parses ISO-8601 / RFC-3339 text such as `2016-02-17T01:36:34.043Z`.
    ///
    /// Also reads the Python `repr` some published sample items carry
    /// (`datetime.datetime(2020, 4, 22, 13, 13, 17, 718000, tzinfo=tzlocal())`),
    /// taking it as UTC since the local zone it names is unknown.
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        if let Some(args) = t.strip_prefix("datetime.datetime(") {
            return Self::parse_python_repr(args)
                .ok_or_else(|| format!("`{text}` is not a date-time"));
        }
        let dt = aws_smithy_types::DateTime::from_str(t, Format::DateTimeWithOffset)
            .map_err(|e| format!("`{text}` is not an ISO-8601 date-time ({e})"))?;
        let millis = dt.to_millis().unwrap_or(i64::MIN);
        Self::from_millis_checked(millis, &text)
    }

    fn parse_python_repr(args: &str) -> Option<Self> {
        let nums: Vec<u32> = args
            .split(',')
            .map(str::trim)
            .take_while(|p| p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty())
            .map(|p| p.parse().ok())
            .collect::<Option<_>>()?;
        let get = |i: usize| nums.get(i).copied().unwrap_or(0);
        if nums.len() < 3 {
            return None;
        }
        let iso = format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
            get(0),
            get(1),
            get(2),
            get(3),
            get(4),
            get(5),
            get(6)
        );
        let dt = aws_smithy_types::DateTime::from_str(&iso, Format::DateTime).ok()?;
        Self::from_millis_checked(dt.to_millis().ok()?, &iso).ok()
    }

    /// From epoch seconds (fractions allowed), as the JSON 1.1 protocol sends them.
    /// Config times have millisecond precision, so the value is rounded to it (an
    /// f64 of epoch seconds cannot hold every millisecond exactly). Refused outside the
    /// range a timestamp holds (and when not a finite number).
    pub fn from_epoch_secs(secs: f64) -> Result<Self, String> {
        let millis = (secs * 1000.0).round();
        if !millis.is_finite() || millis < MIN_MILLIS as f64 || millis > MAX_MILLIS as f64 {
            return Err(Self::from_millis_checked(-1, &secs).unwrap_err());
        }
        Self::from_millis_checked(millis as i64, &secs)
    }

    /// Epoch milliseconds.
    pub fn epoch_millis(&self) -> i64 {
        // In range by construction: never the fallback.
        self.0.to_millis().unwrap_or(MAX_MILLIS)
    }

    /// Epoch seconds with fractions, as JSON 1.1 writes timestamps.
    pub fn epoch_secs_f64(&self) -> f64 {
        self.0.as_secs_f64()
    }

    /// The SDK's date-time type.
    pub fn to_smithy(&self) -> aws_smithy_types::DateTime {
        self.0
    }

    /// From the SDK's date-time type, refused outside the range a timestamp holds.
    pub fn from_smithy(dt: aws_smithy_types::DateTime) -> Result<Self, String> {
        let millis = dt.to_millis().unwrap_or(i64::MIN);
        Self::from_millis_checked(millis, &dt)
    }

    /// Now, from the system clock.
    /// Whole milliseconds, like every other timestamp: it is written and compared as
    /// it will be read back.
    pub fn now() -> Self {
        let millis = aws_smithy_types::DateTime::from(std::time::SystemTime::now())
            .to_millis()
            .unwrap_or(MIN_MILLIS)
            .clamp(MIN_MILLIS, MAX_MILLIS);
        Self(aws_smithy_types::DateTime::from_millis(millis))
    }

    /// Reads either an ISO-8601 string or a number of epoch seconds.
    pub fn from_json(value: &Value) -> Result<Self, String> {
        match value {
            Value::String(s) => Self::parse(s),
            Value::Number(n) => n
                .as_f64()
                .ok_or_else(|| format!("`{n}` is not a number of epoch seconds"))
                .and_then(Self::from_epoch_secs),
            other => Err(format!(
                "expected ISO-8601 text or epoch seconds, found {}",
                json_kind(other)
            )),
        }
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Always millisecond precision, as Config writes it.
        let millis = self.epoch_millis();
        let dt = aws_smithy_types::DateTime::from_millis(millis);
        let text = dt.fmt(Format::DateTime).map_err(|_| fmt::Error)?;
        // smithy drops trailing zero fractions; normalise to exactly 3 digits.
        let (head, frac) = match text.trim_end_matches('Z').split_once('.') {
            Some((h, f)) => (h.to_string(), f.to_string()),
            None => (text.trim_end_matches('Z').to_string(), String::new()),
        };
        let mut frac = frac;
        frac.truncate(3);
        while frac.len() < 3 {
            frac.push('0');
        }
        write!(f, "{head}.{frac}Z")
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({self})")
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// `configurationItemStatus`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemStatus {
    /// `OK`: the resource exists and was recorded.
    Ok,
    /// `ResourceDiscovered`: first recording of the resource.
    ResourceDiscovered,
    /// `ResourceNotRecorded`: the type is no longer recorded.
    ResourceNotRecorded,
    /// `ResourceDeleted`.
    ResourceDeleted,
    /// `ResourceDeletedNotRecorded`.
    ResourceDeletedNotRecorded,
    /// A status this version does not know; treated as not evaluable.
    Other(String),
}

impl ItemStatus {
    /// Parses the status text; unknown values are kept, not rejected.
    pub fn parse(s: &str) -> Self {
        match s {
            "OK" => Self::Ok,
            "ResourceDiscovered" => Self::ResourceDiscovered,
            "ResourceNotRecorded" => Self::ResourceNotRecorded,
            "ResourceDeleted" => Self::ResourceDeleted,
            "ResourceDeletedNotRecorded" => Self::ResourceDeletedNotRecorded,
            other => Self::Other(other.to_string()),
        }
    }

    /// The status as Config writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Ok => "OK",
            Self::ResourceDiscovered => "ResourceDiscovered",
            Self::ResourceNotRecorded => "ResourceNotRecorded",
            Self::ResourceDeleted => "ResourceDeleted",
            Self::ResourceDeletedNotRecorded => "ResourceDeletedNotRecorded",
            Self::Other(s) => s,
        }
    }

    /// Only `OK` and `ResourceDiscovered` items are evaluated; the rest are NOT_APPLICABLE.
    pub fn is_evaluable(&self) -> bool {
        matches!(self, Self::Ok | Self::ResourceDiscovered)
    }
}

/// One relationship of a configuration item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Relationship {
    /// Related resource type, e.g. `AWS::EC2::Instance`.
    pub resource_type: Option<String>,
    /// Related resource id.
    pub resource_id: Option<String>,
    /// Related resource name.
    pub resource_name: Option<String>,
    /// `name` (event shape) or `relationshipName` (API shape).
    pub name: Option<String>,
}

/// A configuration item, whichever shape it was read from.
#[derive(Debug, Clone, PartialEq)]
pub struct ConfigurationItem {
    /// `configurationItemVersion` / `version`.
    pub version: Option<String>,
    /// `awsAccountId` / `accountId`.
    pub account_id: Option<String>,
    /// `configurationItemCaptureTime`.
    pub capture_time: Option<Timestamp>,
    /// `configurationItemStatus` (missing is read as `OK`).
    pub status: ItemStatus,
    /// `configurationStateId`, as text (it arrives as a number or as text).
    pub state_id: Option<String>,
    /// `configurationStateMd5Hash` / `configurationItemMD5Hash`.
    pub md5_hash: Option<String>,
    /// `ARN` / `arn`.
    pub arn: Option<String>,
    /// `resourceType`, e.g. `AWS::EC2::Volume`.
    pub resource_type: String,
    /// `resourceId`.
    pub resource_id: String,
    /// `resourceName`.
    pub resource_name: Option<String>,
    /// `awsRegion`.
    pub region: Option<String>,
    /// `availabilityZone`.
    pub availability_zone: Option<String>,
    /// `resourceCreationTime`.
    pub resource_creation_time: Option<Timestamp>,
    /// `tags` (BatchGetResourceConfig returns none).
    pub tags: BTreeMap<String, String>,
    /// `relatedEvents`.
    pub related_events: Vec<String>,
    /// `relationships`.
    pub relationships: Vec<Relationship>,
    /// `configuration` (`Null` on deleted items): an object, kept as the JSON text it
    /// arrived in until something reads it whole; typed views read the text directly.
    pub configuration: Configuration,
    /// `supplementaryConfiguration`, each value decoded from JSON text when needed.
    pub supplementary_configuration: BTreeMap<String, Value>,
    /// Typed views already read from this item ([`ConfigurationItem::view`]).
    pub views: ViewCache,
}

/// An item's `configuration`. Read from a stream, it stays the JSON text it arrived in
/// (already checked to be an object) until something needs the whole
/// [`serde_json::Value`]: [`Configuration::read`] parses only the fields a typed view
/// declares, straight from the text, which is several times cheaper than building the
/// `Value` of a large configuration. It dereferences to the `Value` (parsed once, on first
/// use), so `item.configuration.get("field")` works whichever way the item was read.
pub struct Configuration {
    raw: Option<Box<str>>,
    value: std::sync::OnceLock<Value>,
}

impl Configuration {
    /// From JSON text holding an object (the caller has checked it is valid JSON).
    fn from_raw(text: Box<str>) -> Self {
        Self {
            raw: Some(text),
            value: std::sync::OnceLock::new(),
        }
    }

    /// The whole configuration as a `Value` (parsed on first use).
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| match &self.raw {
            // Checked when the item was read; `Null` only if the text were somehow not JSON.
            Some(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            None => Value::Null,
        })
    }

    /// Whether the configuration is `null`, known without parsing it (kept text is
    /// always an object). Shadows `Value::is_null` through `Deref`, which would parse.
    pub fn is_null(&self) -> bool {
        self.raw.is_none() && self.value.get().is_none_or(Value::is_null)
    }

    /// Whether the whole configuration has been parsed into a `Value` tree (what typed
    /// views avoid: scans check that the rules of the common types do).
    pub fn is_parsed(&self) -> bool {
        self.raw.is_none() || self.value.get().is_some()
    }

    /// Reads the configuration as `T`: from the `Value` when it is already parsed, else
    /// straight from the text (only the fields `T` declares are built).
    pub fn read<T: serde::de::DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        match (self.value.get(), &self.raw) {
            (Some(v), _) => T::deserialize(v),
            (None, Some(text)) => serde_json::from_str(text),
            (None, None) => T::deserialize(&Value::Null),
        }
    }
}

impl From<Value> for Configuration {
    fn from(v: Value) -> Self {
        Self {
            raw: None,
            value: std::sync::OnceLock::from(v),
        }
    }
}

impl Default for Configuration {
    fn default() -> Self {
        Value::Null.into()
    }
}

impl std::ops::Deref for Configuration {
    type Target = Value;
    fn deref(&self) -> &Value {
        self.value()
    }
}

impl Clone for Configuration {
    fn clone(&self) -> Self {
        match (self.value.get(), &self.raw) {
            (None, Some(text)) => Self::from_raw(text.clone()),
            _ => self.value().clone().into(),
        }
    }
}

impl PartialEq for Configuration {
    fn eq(&self, other: &Self) -> bool {
        self.value() == other.value()
    }
}

impl std::fmt::Debug for Configuration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.value().fmt(f)
    }
}

/// The typed views read from one item, one per view type, so every rule that judges the
/// item shares one parse. A clone starts empty; equality ignores it.
#[derive(Default)]
pub struct ViewCache(
    std::sync::Mutex<
        Vec<(
            std::any::TypeId,
            std::sync::Arc<dyn std::any::Any + Send + Sync>,
        )>,
    >,
);

impl Clone for ViewCache {
    fn clone(&self) -> Self {
        Self::default()
    }
}

impl PartialEq for ViewCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for ViewCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ViewCache")
    }
}

const ITEM_FIELDS: &[&str] = &[
    "version",
    "configurationItemVersion",
    "accountId",
    "awsAccountId",
    "configurationItemCaptureTime",
    "configurationItemStatus",
    "configurationStateId",
    "configurationItemMD5Hash",
    "configurationStateMd5Hash",
    "arn",
    "ARN",
    "resourceType",
    "resourceId",
    "resourceName",
    "awsRegion",
    "availabilityZone",
    "resourceCreationTime",
    "tags",
    "relatedEvents",
    "relationships",
    "configuration",
    "supplementaryConfiguration",
];

impl ConfigurationItem {
    /// Drops what reading the item built and can build again (its typed views, and the
    /// configuration's `Value` tree when its text is kept): a scan keeps the items set
    /// rules need until the end, as small as they came.
    pub fn shed_caches(&mut self) {
        self.views = ViewCache::default();
        if self.configuration.raw.is_some() {
            self.configuration.value = std::sync::OnceLock::new();
        }
    }

    /// Reads an item from JSON text in either shape.
    ///
    /// Fast path (what scans use): the item's members are found without building the
    /// configuration; the small members are read as by [`ConfigurationItem::from_value`]
    /// and the configuration is kept as text ([`Configuration`]). Anything the fast path
    /// does not take on (escaped member names, a configuration that is not an object or
    /// JSON text of one) is read by the general path, which also writes every error
    /// message, so both paths give the same item or the same error.
    pub fn from_json_str(text: &str) -> Result<Self, ItemError> {
        if let Some(item) = Self::from_json_str_fast(text) {
            return Ok(item);
        }
        Self::from_json_str_general(text)
    }

    fn from_json_str_fast(text: &str) -> Option<Self> {
        use serde_json::value::RawValue;
        let members: Vec<(&str, &RawValue)> = serde_json::from_str::<FastMembers<'_>>(text).ok()?.0;
        let mut small = Map::new();
        let mut configuration = None;
        let mut supplementary = None;
        for (key, raw) in members {
            match key {
                "configuration" => configuration = Some(raw),
                "supplementaryConfiguration" => supplementary = Some(raw),
                _ => {
                    small.insert(key.to_string(), serde_json::from_str(raw.get()).ok()?);
                }
            }
        }
        let configuration = match configuration {
            None => Configuration::default(),
            Some(raw) => fast_configuration(raw.get())?,
        };
        // The "is this an item" check of the general path counts `configuration`.
        if !configuration.is_null() {
            small.insert("configuration".into(), Value::Null);
        }
        let mut item = Self::from_value(&Value::Object(small)).ok()?;
        item.configuration = configuration;
        if let Some(raw) = supplementary {
            let mut holder = Map::new();
            holder.insert(
                "supplementaryConfiguration".into(),
                serde_json::from_str(raw.get()).ok()?,
            );
            item.supplementary_configuration = FieldsOwned(holder).supplementary().ok()?;
        }
        Some(item)
    }

    fn from_json_str_general(text: &str) -> Result<Self, ItemError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ItemError::Json {
            line: e.line(),
            column: e.column(),
            reason: json_reason(&e),
        })?;
        Self::from_value(&value)
    }

    /// Reads an item from a JSON value in either shape.
    pub fn from_value(value: &Value) -> Result<Self, ItemError> {
        let obj = value.as_object().ok_or_else(|| ItemError::Field {
            field: "(item)".into(),
            reason: format!(
                "a configuration item is a JSON object, found {}",
                json_kind(value)
            ),
        })?;
        if !obj.keys().any(|k| ITEM_FIELDS.contains(&k.as_str())) {
            return Err(ItemError::Field {
                field: "(item)".into(),
                reason: "this object has none of the fields of a configuration item \
                         (resourceType, resourceId, configuration, ...)"
                    .into(),
            });
        }
        let f = Fields(obj);
        Ok(Self {
            version: f.text(&["configurationItemVersion", "version"])?,
            account_id: f.text(&["awsAccountId", "accountId"])?,
            capture_time: f.time("configurationItemCaptureTime")?,
            status: f
                .text(&["configurationItemStatus"])?
                .map(|s| ItemStatus::parse(&s))
                .unwrap_or(ItemStatus::Ok),
            state_id: f.text(&["configurationStateId"])?,
            md5_hash: f.text(&["configurationStateMd5Hash", "configurationItemMD5Hash"])?,
            arn: f.text(&["ARN", "arn"])?,
            resource_type: f.bounded_text("resourceType", MAX_RESOURCE_TYPE_CHARS)?,
            resource_id: f.bounded_text("resourceId", MAX_RESOURCE_ID_CHARS)?,
            resource_name: f.text(&["resourceName"])?,
            region: f.text(&["awsRegion"])?,
            availability_zone: f.text(&["availabilityZone"])?,
            resource_creation_time: f.time("resourceCreationTime")?,
            tags: f.tags()?,
            related_events: f.related_events()?,
            relationships: f.relationships()?,
            configuration: f.configuration()?.into(),
            supplementary_configuration: f.supplementary()?,
            views: ViewCache::default(),
        })
    }

    /// Reads an item from a JSON value it may consume: the configuration and the
    /// supplementary values are moved, not copied (what scans use).
    pub fn from_owned(mut value: Value) -> Result<Self, ItemError> {
        let (configuration, supplementary) = match value.as_object_mut() {
            Some(o) => (
                o.remove("configuration"),
                o.remove("supplementaryConfiguration"),
            ),
            None => (None, None),
        };
        if let (Some(o), true) = (value.as_object_mut(), configuration.is_some()) {
            // Keep the "is this an item" check meaningful without the moved members.
            o.entry("configuration").or_insert(Value::Null);
        }
        let mut item = Self::from_value(&value)?;
        let mut holder = Map::new();
        if let Some(c) = configuration {
            holder.insert("configuration".into(), c);
        }
        if let Some(s) = supplementary {
            holder.insert("supplementaryConfiguration".into(), s);
        }
        let mut f = FieldsOwned(holder);
        item.configuration = f.configuration()?.into();
        item.supplementary_configuration = f.supplementary()?;
        Ok(item)
    }

    /// Reads a file's content: one item, a list of items, a Config snapshot/history
    /// document (`{"configurationItems": [...]}`), or an invoking event that wraps one
    /// item (`{"configurationItem": {...}, "configurationItemDiff": ...}`).
    pub fn many_from_json_str(text: &str) -> Result<Vec<Self>, ItemError> {
        let value: Value = serde_json::from_str(text).map_err(|e| ItemError::Json {
            line: e.line(),
            column: e.column(),
            reason: json_reason(&e),
        })?;
        let list = match &value {
            Value::Array(items) => items.as_slice(),
            Value::Object(o) => match (o.get("configurationItems"), o.get("configurationItem")) {
                (Some(Value::Array(items)), _) => items.as_slice(),
                // An invoking event ({"configurationItem": ..., "configurationItemDiff": ...}).
                (_, Some(item @ Value::Object(_))) => std::slice::from_ref(item),
                _ => std::slice::from_ref(&value),
            },
            _ => std::slice::from_ref(&value),
        };
        list.iter()
            .enumerate()
            .map(|(i, v)| {
                Self::from_value(v).map_err(|e| ItemError::InList {
                    index: i,
                    source: Box::new(e),
                })
            })
            .collect()
    }

    /// The typed view `V` of this item's configuration, read once and shared by every
    /// caller ([`crate::views`]).
    pub fn view<V: crate::views::View>(
        &self,
    ) -> Result<std::sync::Arc<V>, crate::views::ViewError> {
        let id = std::any::TypeId::of::<V>();
        let cached = self
            .views
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .find(|(t, _)| *t == id)
            .map(|(_, v)| v.clone());
        if let Some(v) = cached.and_then(|v| v.downcast::<V>().ok()) {
            return Ok(v);
        }
        let view = std::sync::Arc::new(V::from_item(self)?);
        self.views
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((id, view.clone()));
        Ok(view)
    }

    /// Whether this item may be evaluated: status `OK` or `ResourceDiscovered`.
    pub fn is_evaluable(&self) -> bool {
        self.status.is_evaluable()
    }

    /// A supplementary configuration value by key, if present and not null.
    pub fn supplementary(&self, key: &str) -> Option<&Value> {
        self.supplementary_configuration
            .get(key)
            .filter(|v| !v.is_null())
    }

    /// Writes the item in the Lambda event shape.
    pub fn to_event_json(&self) -> Value {
        let mut o = self.common_json();
        put_opt(&mut o, "configurationItemVersion", &self.version);
        put_opt(&mut o, "awsAccountId", &self.account_id);
        put_opt(&mut o, "configurationStateMd5Hash", &self.md5_hash);
        put_opt(&mut o, "ARN", &self.arn);
        if let Some(t) = &self.capture_time {
            o.insert("configurationItemCaptureTime".into(), t.to_string().into());
        }
        if let Some(t) = &self.resource_creation_time {
            o.insert("resourceCreationTime".into(), t.to_string().into());
        }
        o.insert(
            "relationships".into(),
            self.relationships_json("name").into(),
        );
        o.insert("configuration".into(), self.configuration.value().clone());
        o.insert(
            "supplementaryConfiguration".into(),
            Value::Object(
                self.supplementary_configuration
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect(),
            ),
        );
        Value::Object(o)
    }

    /// Writes the item in the API shape of the JSON 1.1 protocol
    /// (`configuration` and supplementary values as JSON text, epoch-second times).
    pub fn to_api_json(&self) -> Value {
        let mut o = self.common_json();
        put_opt(&mut o, "version", &self.version);
        put_opt(&mut o, "accountId", &self.account_id);
        put_opt(&mut o, "configurationItemMD5Hash", &self.md5_hash);
        put_opt(&mut o, "arn", &self.arn);
        if let Some(t) = &self.capture_time {
            o.insert(
                "configurationItemCaptureTime".into(),
                epoch_json(t.epoch_secs_f64()),
            );
        }
        if let Some(t) = &self.resource_creation_time {
            o.insert(
                "resourceCreationTime".into(),
                epoch_json(t.epoch_secs_f64()),
            );
        }
        o.insert(
            "relationships".into(),
            self.relationships_json("relationshipName").into(),
        );
        if !self.configuration.is_null() {
            o.insert(
                "configuration".into(),
                self.configuration.to_string().into(),
            );
        }
        o.insert(
            "supplementaryConfiguration".into(),
            Value::Object(
                self.supplementary_configuration
                    .iter()
                    .map(|(k, v)| (k.clone(), Value::String(v.to_string())))
                    .collect(),
            ),
        );
        Value::Object(o)
    }

    fn common_json(&self) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert(
            "configurationItemStatus".into(),
            self.status.as_str().into(),
        );
        put_opt(&mut o, "configurationStateId", &self.state_id);
        o.insert("resourceType".into(), self.resource_type.clone().into());
        o.insert("resourceId".into(), self.resource_id.clone().into());
        put_opt(&mut o, "resourceName", &self.resource_name);
        put_opt(&mut o, "awsRegion", &self.region);
        put_opt(&mut o, "availabilityZone", &self.availability_zone);
        o.insert(
            "tags".into(),
            Value::Object(
                self.tags
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone().into()))
                    .collect(),
            ),
        );
        o.insert("relatedEvents".into(), self.related_events.clone().into());
        o
    }

    fn relationships_json(&self, name_key: &str) -> Vec<Value> {
        self.relationships
            .iter()
            .map(|r| {
                let mut m = Map::new();
                put_opt(&mut m, "resourceType", &r.resource_type);
                put_opt(&mut m, "resourceId", &r.resource_id);
                put_opt(&mut m, "resourceName", &r.resource_name);
                put_opt(&mut m, name_key, &r.name);
                Value::Object(m)
            })
            .collect()
    }
}

fn epoch_json(secs: f64) -> Value {
    serde_json::Number::from_f64(secs)
        .map(Value::Number)
        .unwrap_or(Value::Null)
}

fn put_opt(o: &mut Map<String, Value>, key: &str, v: &Option<String>) {
    if let Some(v) = v {
        o.insert(key.to_string(), Value::String(v.clone()));
    }
}

/// Tags written as an object of names to values, or as `[{"key": ..., "value": ...}]`
/// (`Key`/`Value` too), as different resource types and exports record them.
pub(crate) fn tags_from_value(v: &Value) -> BTreeMap<String, String> {
    let text = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    };
    match v {
        Value::Object(m) => m.iter().map(|(k, v)| (k.clone(), text(v))).collect(),
        Value::Array(list) => list
            .iter()
            .filter_map(|t| {
                let k = t.get("key").or_else(|| t.get("Key"))?.as_str()?;
                let v = t
                    .get("value")
                    .or_else(|| t.get("Value"))
                    .map(text)
                    .unwrap_or_default();
                Some((k.to_string(), v))
            })
            .collect(),
        _ => BTreeMap::new(),
    }
}

/// serde_json's message without its trailing position (the caller reports it).
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

/// A short description of a JSON value's kind, for error messages.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Decodes a supplementary value that may be JSON text (the API shape writes every
/// value as JSON text, `"false"` included; the event shape mostly as objects). Text
/// that is not JSON stays text.
pub(crate) fn decode_embedded_json(v: &Value) -> Value {
    match v {
        Value::String(s) => serde_json::from_str(s).unwrap_or_else(|_| v.clone()),
        other => other.clone(),
    }
}

/// An item's members as they are in the text (names without escapes only; values not
/// read), for [`ConfigurationItem::from_json_str`]'s fast path.
struct FastMembers<'a>(Vec<(&'a str, &'a serde_json::value::RawValue)>);

impl<'de> serde::Deserialize<'de> for FastMembers<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = FastMembers<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<Self::Value, A::Error> {
                let mut out = Vec::with_capacity(24);
                while let Some(k) = map.next_key::<&'de str>()? {
                    out.push((k, map.next_value()?));
                }
                Ok(FastMembers(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// The configuration member's text as [`Configuration`], or `None` for the general path
/// to read: an object is kept as it is; JSON text (the API shape) is unescaped and kept
/// when it holds an object; `null`, `""` and `"null"` are `Null`.
fn fast_configuration(raw: &str) -> Option<Configuration> {
    let raw = raw.trim();
    match raw.as_bytes().first()? {
        b'{' => Some(Configuration::from_raw(raw.into())),
        b'n' if raw == "null" => Some(Configuration::default()),
        b'"' => {
            let text: String = serde_json::from_str(raw).ok()?;
            let t = text.trim();
            if t.is_empty() || t == "null" {
                return Some(Configuration::default());
            }
            if !t.starts_with('{') {
                return None;
            }
            // The text must be JSON as a whole: checked now, so reading it later cannot fail.
            serde_json::from_str::<serde::de::IgnoredAny>(t).ok()?;
            Some(Configuration::from_raw(t.into()))
        }
        _ => None,
    }
}

/// The big members, read by moving them out.
struct FieldsOwned(Map<String, Value>);

impl FieldsOwned {
    fn configuration(&mut self) -> Result<Value, ItemError> {
        match self.0.remove("configuration") {
            Some(v @ Value::Object(_)) => Ok(v),
            Some(other) => {
                Fields(&Map::from_iter([("configuration".to_string(), other)])).configuration()
            }
            None => Ok(Value::Null),
        }
    }

    fn supplementary(&mut self) -> Result<BTreeMap<String, Value>, ItemError> {
        match self.0.remove("supplementaryConfiguration") {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => Ok(m
                .into_iter()
                .map(|(k, v)| {
                    let v = match v {
                        s @ Value::String(_) => decode_embedded_json(&s),
                        other => other,
                    };
                    (k, v)
                })
                .collect()),
            Some(other) => Err(ItemError::Field {
                field: "supplementaryConfiguration".into(),
                reason: format!("expected an object, found {}", json_kind(&other)),
            }),
        }
    }
}

struct Fields<'a>(&'a Map<String, Value>);

impl Fields<'_> {
    /// The first present, non-null field among `names`, as text. Numbers and booleans
    /// are accepted and written as text (configurationStateId arrives as both).
    fn text(&self, names: &[&str]) -> Result<Option<String>, ItemError> {
        for name in names {
            match self.0.get(*name) {
                None | Some(Value::Null) => continue,
                Some(Value::String(s)) => return Ok(Some(s.clone())),
                Some(Value::Number(n)) => return Ok(Some(n.to_string())),
                Some(Value::Bool(b)) => return Ok(Some(b.to_string())),
                Some(other) => {
                    return Err(ItemError::Field {
                        field: (*name).into(),
                        reason: format!("expected text, found {}", json_kind(other)),
                    })
                }
            }
        }
        Ok(None)
    }

    fn required_text(&self, name: &str) -> Result<String, ItemError> {
        match self.text(&[name])? {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ItemError::Field {
                field: name.into(),
                reason: "is required and missing or empty".into(),
            }),
        }
    }

    /// Required text of at most `max` characters: longer than AWS Config records, the
    /// item could never be evaluated (PutEvaluations would refuse it), so it is refused
    /// here, where a scan can count it and go on.
    fn bounded_text(&self, name: &str, max: usize) -> Result<String, ItemError> {
        let s = self.required_text(name)?;
        let chars = s.chars().count();
        if chars > max {
            return Err(ItemError::Field {
                field: name.into(),
                reason: format!(
                    "is {chars} characters long; AWS Config and PutEvaluations allow at most {max}"
                ),
            });
        }
        Ok(s)
    }

    fn time(&self, name: &str) -> Result<Option<Timestamp>, ItemError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(v) => Timestamp::from_json(v)
                .map(Some)
                .map_err(|reason| ItemError::Field {
                    field: name.into(),
                    reason,
                }),
        }
    }

    fn tags(&self) -> Result<BTreeMap<String, String>, ItemError> {
        match self.0.get("tags") {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(v @ (Value::Object(_) | Value::Array(_))) => Ok(tags_from_value(v)),
            Some(other) => Err(ItemError::Field {
                field: "tags".into(),
                reason: format!(
                    "expected an object of tag names to values, found {}",
                    json_kind(other)
                ),
            }),
        }
    }

    fn related_events(&self) -> Result<Vec<String>, ItemError> {
        match self.0.get("relatedEvents") {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(list)) => Ok(list
                .iter()
                .map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect()),
            Some(other) => Err(ItemError::Field {
                field: "relatedEvents".into(),
                reason: format!("expected a list, found {}", json_kind(other)),
            }),
        }
    }

    fn relationships(&self) -> Result<Vec<Relationship>, ItemError> {
        let list = match self.0.get("relationships") {
            None | Some(Value::Null) => return Ok(Vec::new()),
            Some(Value::Array(list)) => list,
            Some(other) => {
                return Err(ItemError::Field {
                    field: "relationships".into(),
                    reason: format!("expected a list, found {}", json_kind(other)),
                })
            }
        };
        list.iter()
            .enumerate()
            .map(|(i, r)| {
                let o = r.as_object().ok_or_else(|| ItemError::Field {
                    field: format!("relationships[{i}]"),
                    reason: format!("expected an object, found {}", json_kind(r)),
                })?;
                let f = Fields(o);
                let wrap = |e: ItemError| match e {
                    ItemError::Field { field, reason } => ItemError::Field {
                        field: format!("relationships[{i}].{field}"),
                        reason,
                    },
                    other => other,
                };
                Ok(Relationship {
                    resource_type: f.text(&["resourceType"]).map_err(wrap)?,
                    resource_id: f.text(&["resourceId"]).map_err(wrap)?,
                    resource_name: f.text(&["resourceName"]).map_err(wrap)?,
                    name: f.text(&["name", "relationshipName"]).map_err(wrap)?,
                })
            })
            .collect()
    }

    fn configuration(&self) -> Result<Value, ItemError> {
        match self.0.get("configuration") {
            None | Some(Value::Null) => Ok(Value::Null),
            Some(Value::String(s)) if s.trim().is_empty() || s == "null" => Ok(Value::Null),
            Some(Value::String(s)) => match serde_json::from_str(s) {
                Ok(v @ (Value::Object(_) | Value::Null)) => Ok(v),
                // The API shape's text holds an object, as the event shape does; any
                // other value could not be written back in the event shape.
                Ok(other) => Err(ItemError::Field {
                    field: "configuration".into(),
                    reason: format!(
                        "is JSON text of {}; a configuration is an object",
                        json_kind(&other)
                    ),
                }),
                Err(e) => Err(ItemError::Field {
                    field: "configuration".into(),
                    reason: format!(
                        "is JSON text that does not parse at line {} column {}: {e}",
                        e.line(),
                        e.column()
                    ),
                }),
            },
            Some(v @ Value::Object(_)) => Ok(v.clone()),
            Some(other) => Err(ItemError::Field {
                field: "configuration".into(),
                reason: format!(
                    "expected an object or JSON text, found {}",
                    json_kind(other)
                ),
            }),
        }
    }

    fn supplementary(&self) -> Result<BTreeMap<String, Value>, ItemError> {
        match self.0.get("supplementaryConfiguration") {
            None | Some(Value::Null) => Ok(BTreeMap::new()),
            Some(Value::Object(m)) => Ok(m
                .iter()
                .map(|(k, v)| (k.clone(), decode_embedded_json(v)))
                .collect()),
            Some(other) => Err(ItemError::Field {
                field: "supplementaryConfiguration".into(),
                reason: format!("expected an object, found {}", json_kind(other)),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every item file of the repository's fixtures (each rule's, in both shapes, and the
    /// AWS RDK's examples), one item at a time.
    fn fixture_items() -> Vec<(String, String)> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
        let mut out = Vec::new();
        for dir in std::fs::read_dir(&root).unwrap().flatten() {
            let Ok(files) = std::fs::read_dir(dir.path()) else {
                continue;
            };
            for f in files.flatten() {
                let name = f.path().display().to_string();
                if !name.ends_with(".json") || name.ends_with(".params.json") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(f.path()) else {
                    continue;
                };
                match serde_json::from_str::<Value>(&text) {
                    Ok(Value::Array(items)) => {
                        out.extend(items.iter().map(|i| (name.clone(), i.to_string())))
                    }
                    Ok(v @ Value::Object(_)) => out.push((name, v.to_string())),
                    _ => {}
                }
            }
        }
        out
    }

    #[test]
    fn the_fast_reader_gives_the_general_readers_item_for_every_fixture() {
        let mut fast = 0;
        for (name, text) in fixture_items() {
            let general = ConfigurationItem::from_json_str_general(&text);
            if let Some(item) = ConfigurationItem::from_json_str_fast(&text) {
                fast += 1;
                let general = general.unwrap_or_else(|e| {
                    panic!("{name}: fast path read what the general path refuses: {e}")
                });
                assert_eq!(item, general, "{name}");
                assert_eq!(item.to_api_json(), general.to_api_json(), "{name}");
            }
        }
        assert!(fast > 300, "the fast path read only {fast} fixture items");
    }

    #[test]
    fn a_configuration_read_from_text_is_parsed_only_when_read_whole() {
        let text = r#"{"resourceType": "AWS::EC2::Volume", "resourceId": "v", "configuration": "{\"encrypted\": true, \"size\": 8}"}"#;
        let item = ConfigurationItem::from_json_str(text).unwrap();
        assert!(item.configuration.value.get().is_none());
        #[derive(serde::Deserialize)]
        struct Enc {
            encrypted: bool,
        }
        assert!(item.configuration.read::<Enc>().unwrap().encrypted);
        assert!(
            item.configuration.value.get().is_none(),
            "a typed read builds no Value"
        );
        assert_eq!(item.configuration.get("size"), Some(&Value::from(8)));
        // Not an object: the general path reads it and names the problem.
        let e = ConfigurationItem::from_json_str(
            r#"{"resourceType": "T", "resourceId": "r", "configuration": "[1]"}"#,
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("a configuration is an object"),
            "{e}"
        );
    }

    #[test]
    fn out_of_range_timestamps_are_refused_where_they_are_read() {
        for v in [
            serde_json::json!(1e12),
            serde_json::json!(1e308),
            serde_json::json!(18446744073709551616.0),
            serde_json::json!(-1),
            serde_json::json!("10000-01-01T00:00:00Z"),
            serde_json::json!("1969-12-31T23:59:59Z"),
        ] {
            let err = Timestamp::from_json(&v).unwrap_err();
            assert!(
                err.contains("outside the times AWS Config records")
                    || err.contains("not an ISO-8601 date-time"),
                "{v}: {err}"
            );
        }
        let last = Timestamp::from_json(&serde_json::json!(253402300799.999)).unwrap();
        assert_eq!(last.to_string(), "9999-12-31T23:59:59.999Z");
        assert_eq!(
            Timestamp::from_epoch_secs(0.0).unwrap().to_string(),
            "1970-01-01T00:00:00.000Z"
        );
        let item = serde_json::json!({
            "resourceType": "AWS::EC2::Volume", "resourceId": "vol-1",
            "configurationItemCaptureTime": 1e12, "configuration": {}
        });
        let err = ConfigurationItem::from_value(&item)
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("field `configurationItemCaptureTime` `1000000000000"),
            "{err}"
        );
    }

    #[test]
    fn now_is_whole_milliseconds_and_reads_back_equal() {
        let t = Timestamp::now();
        assert_eq!(Timestamp::parse(&t.to_string()).unwrap(), t);
    }

    #[test]
    fn configuration_text_must_hold_an_object() {
        let item = |c: &str| serde_json::json!({"resourceType": "AWS::EC2::Volume", "resourceId": "v", "configuration": c});
        let err = ConfigurationItem::from_value(&item("5"))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "field `configuration` is JSON text of a number; a configuration is an object"
        );
        assert!(ConfigurationItem::from_value(&item("{\"a\": 1}")).is_ok());
    }

    #[test]
    fn resource_ids_longer_than_config_records_are_refused() {
        let item = |id: String| serde_json::json!({"resourceType": "AWS::EC2::Volume", "resourceId": id, "configuration": {}});
        assert!(ConfigurationItem::from_value(&item("v".repeat(768))).is_ok());
        let err = ConfigurationItem::from_value(&item("v".repeat(769)))
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            "field `resourceId` is 769 characters long; AWS Config and PutEvaluations allow at most 768"
        );
    }

    #[test]
    fn timestamps_read_both_forms_and_print_millis() {
        let a = Timestamp::parse("2016-02-17T01:36:34.043Z").unwrap();
        let b = Timestamp::from_json(&serde_json::json!(1455672994.043)).unwrap();
        assert_eq!(a.to_string(), "2016-02-17T01:36:34.043Z");
        assert_eq!(a.epoch_millis(), b.epoch_millis());
        let c = Timestamp::parse("2016-02-17T01:36:34Z").unwrap();
        assert_eq!(c.to_string(), "2016-02-17T01:36:34.000Z");
        let d = Timestamp::parse("2016-02-17T02:36:34.043+01:00").unwrap();
        assert_eq!(d, a);
        let py =
            Timestamp::parse("datetime.datetime(2016, 2, 17, 1, 36, 34, 43000, tzinfo=tzlocal())")
                .unwrap();
        assert_eq!(py, a);
        assert!(Timestamp::parse("yesterday").is_err());
    }

    #[test]
    fn api_shape_round_trips_to_the_same_item() {
        let item = ConfigurationItem::from_value(&serde_json::json!({
            "awsAccountId": "123456789012",
            "configurationItemCaptureTime": "2016-02-17T01:36:34.043Z",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::Instance",
            "resourceId": "i-1",
            "ARN": "arn:aws:ec2:us-east-2:123456789012:instance/i-1",
            "tags": {"Foo": "Bar"},
            "relationships": [{"resourceId": "eipalloc-1", "resourceType": "AWS::EC2::EIP", "name": "Is attached to ElasticIp"}],
            "configuration": {"foo": "bar"},
            "supplementaryConfiguration": {"X": "{\"a\":1}"}
        }))
        .unwrap();
        assert_eq!(item.supplementary("X"), Some(&serde_json::json!({"a": 1})));
        let api = ConfigurationItem::from_value(&item.to_api_json()).unwrap();
        assert_eq!(api, item);
        let event = ConfigurationItem::from_value(&item.to_event_json()).unwrap();
        assert_eq!(event, item);
    }

    #[test]
    fn owned_and_borrowed_reading_agree() {
        let v = serde_json::json!({
            "resourceType": "AWS::S3::Bucket", "resourceId": "b",
            "configuration": "{\"name\":\"b\"}",
            "supplementaryConfiguration": {"BucketPolicy": {"policyText": "{}"}, "IsRequesterPaysEnabled": "false"}
        });
        assert_eq!(
            ConfigurationItem::from_owned(v.clone()).unwrap(),
            ConfigurationItem::from_value(&v).unwrap()
        );
        assert!(ConfigurationItem::from_owned(serde_json::json!({"nope": 1})).is_err());
        assert!(ConfigurationItem::from_owned(
            serde_json::json!({"resourceType": "T", "resourceId": "x", "configuration": 5})
        )
        .is_err());
    }

    #[test]
    fn deleted_item_with_null_configuration_parses() {
        let item = ConfigurationItem::from_value(&serde_json::json!({
            "configurationItemStatus": "ResourceDeleted",
            "resourceType": "AWS::EC2::Volume",
            "resourceId": "vol-1",
            "configuration": null
        }))
        .unwrap();
        assert!(item.configuration.is_null());
        assert!(!item.is_evaluable());
    }

    #[test]
    fn missing_resource_id_names_the_field() {
        let err = ConfigurationItem::from_value(&serde_json::json!({
            "resourceType": "AWS::EC2::Volume", "configuration": {}
        }))
        .unwrap_err();
        assert!(err.to_string().contains("resourceId"), "{err}");
    }

    #[test]
    fn shedding_caches_keeps_the_configuration_and_forgets_its_tree() {
        let text = r#"{"resourceType":"AWS::EC2::VPC","resourceId":"vpc-1","configuration":{"cidrBlock":"10.0.0.0/16"}}"#;
        let mut item = ConfigurationItem::from_json_str(text).unwrap();
        assert!(!item.configuration.is_null() && !item.configuration.is_parsed());
        assert_eq!(
            item.configuration.get("cidrBlock"),
            Some(&Value::from("10.0.0.0/16"))
        );
        assert!(item.configuration.is_parsed());
        item.shed_caches();
        assert!(!item.configuration.is_parsed());
        assert_eq!(
            item.configuration.get("cidrBlock"),
            Some(&Value::from("10.0.0.0/16"))
        );
        // An item read from a Value has no text to read again: its tree stays.
        let mut owned =
            ConfigurationItem::from_value(&serde_json::from_str(text).unwrap()).unwrap();
        owned.shed_caches();
        assert_eq!(
            owned.configuration.get("cidrBlock"),
            Some(&Value::from("10.0.0.0/16"))
        );
    }
}
