//! The aggregator reads of the local endpoint: ListAggregateDiscoveredResources and
//! BatchGetAggregateResourceConfig over the endpoint's items, keyed by account, region,
//! resource type and id (an item without `accountId` or `awsRegion` counts as
//! [`DEFAULT_ACCOUNT`] in [`DEFAULT_REGION`]).
//!
//! As the service: an aggregator name the endpoint was not given is
//! NoSuchConfigurationAggregatorException; a page holds at most 100 identifiers
//! (`Limit` 0 or absent: 100); a batch takes 1 to 100 identifiers and returns
//! `BaseConfigurationItems` (no tags or relationships, deleted resources left out) and
//! `UnprocessedResourceIdentifiers`. The newest capture of each resource is served.
//! Pages are read from an index, so a page costs the same at any depth of a listing of
//! millions.

use std::collections::BTreeMap;
use std::ops::Bound;

use axum::http::StatusCode;
use rules_lib::ConfigurationItem;
use serde_json::{json, Value};

use super::{base_item_json, limit, str_field, AwsError, LocalConfig};

/// The account of an item that names none.
pub const DEFAULT_ACCOUNT: &str = "123456789012";
/// The region of an item that names none.
pub const DEFAULT_REGION: &str = "us-east-1";

/// (resource type, account, region, resource id).
type Key = (String, String, String, String);

/// The newest capture of each resource, by [`Key`]: positions in the endpoint's items.
#[derive(Debug, Default)]
pub(super) struct Index(BTreeMap<Key, usize>);

fn key_of(item: &ConfigurationItem) -> Key {
    (
        item.resource_type.clone(),
        item.account_id
            .clone()
            .unwrap_or_else(|| DEFAULT_ACCOUNT.into()),
        item.region.clone().unwrap_or_else(|| DEFAULT_REGION.into()),
        item.resource_id.clone(),
    )
}

impl Index {
    /// Indexes `items[from..]` (a newer capture of a resource replaces an older one).
    pub(super) fn add(&mut self, items: &[ConfigurationItem], from: usize) {
        for (i, item) in items.iter().enumerate().skip(from) {
            let key = key_of(item);
            match self.0.get(&key) {
                Some(&old) if items[old].capture_time > item.capture_time => {}
                _ => {
                    self.0.insert(key, i);
                }
            }
        }
    }
}

fn no_such_aggregator(name: &str) -> AwsError {
    AwsError::new(
        StatusCode::BAD_REQUEST,
        "NoSuchConfigurationAggregatorException",
        format!("The configuration aggregator {name} does not exist. Check the configuration aggregator name and try again."),
    )
}

/// `ConfigurationAggregatorName`: 1..256 of `[\w\-]`, and known to the endpoint.
fn aggregator_name<'a>(s: &LocalConfig, input: &'a Value) -> Result<&'a str, AwsError> {
    let name = str_field(input, "ConfigurationAggregatorName").ok_or_else(|| {
        AwsError::validation("1 validation error detected: Value null at 'configurationAggregatorName' failed to satisfy constraint: Member must not be null")
    })?;
    let n = name.chars().count();
    if !(1..=256).contains(&n)
        || !name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value '{}' at 'configurationAggregatorName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w\\-]+ and have length between 1 and 256",
            name.chars().take(300).collect::<String>()
        )));
    }
    if !s.lock().aggregators.contains(name) {
        return Err(no_such_aggregator(name));
    }
    Ok(name)
}

/// `Filters` of ListAggregateDiscoveredResources (`ResourceFilters`).
#[derive(Default)]
struct Filters<'a> {
    account_id: Option<&'a str>,
    region: Option<&'a str>,
    resource_id: Option<&'a str>,
    resource_name: Option<&'a str>,
}

impl<'a> Filters<'a> {
    fn read(input: &'a Value) -> Result<Self, AwsError> {
        let Some(f) = input.get("Filters").filter(|f| !f.is_null()) else {
            return Ok(Self::default());
        };
        if !f.is_object() {
            return Err(AwsError::new(
                StatusCode::BAD_REQUEST,
                "SerializationException",
                "Filters must be an object of AccountId, ResourceId, ResourceName and Region",
            ));
        }
        Ok(Self {
            account_id: str_field(f, "AccountId"),
            region: str_field(f, "Region"),
            resource_id: str_field(f, "ResourceId"),
            resource_name: str_field(f, "ResourceName"),
        })
    }

    fn keep(&self, key: &Key, item: &ConfigurationItem) -> bool {
        self.account_id.is_none_or(|a| a == key.1)
            && self.region.is_none_or(|r| r == key.2)
            && self.resource_id.is_none_or(|id| id == key.3)
            && self
                .resource_name
                .is_none_or(|n| item.resource_name.as_deref() == Some(n))
    }
}

/// The token of a listing: the last identifier handed out, as a JSON array
/// `[account, region, id]`.
fn token_of(key: &Key) -> String {
    json!([key.1, key.2, key.3]).to_string()
}

fn read_token(resource_type: &str, token: &str) -> Result<Key, AwsError> {
    let invalid = || {
        AwsError::new(
            StatusCode::BAD_REQUEST,
            "InvalidNextTokenException",
            format!(
                "The nextToken provided is invalid: {}",
                token.chars().take(100).collect::<String>()
            ),
        )
    };
    let parts: Vec<String> = serde_json::from_str(token).map_err(|_| invalid())?;
    match <[String; 3]>::try_from(parts) {
        Ok([account, region, id]) => Ok((resource_type.to_string(), account, region, id)),
        Err(_) => Err(invalid()),
    }
}

/// ListAggregateDiscoveredResources: one page of the resources of one type in every
/// account and region, ordered by account, region and id.
pub(super) fn list_discovered_resources(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    aggregator_name(s, input)?;
    let rt = str_field(input, "ResourceType").ok_or_else(|| {
        AwsError::validation("1 validation error detected: Value null at 'resourceType' failed to satisfy constraint: Member must not be null")
    })?;
    let max = limit(input, "Limit", 100)?;
    let filters = Filters::read(input)?;
    let start = match str_field(input, "NextToken").filter(|t| !t.is_empty()) {
        Some(t) => Bound::Excluded(read_token(rt, t)?),
        None => Bound::Included((rt.to_string(), String::new(), String::new(), String::new())),
    };
    let st = s.lock();
    let mut page = Vec::with_capacity(max);
    let mut next = None;
    for (key, &i) in st.aggregate.0.range((start, Bound::Unbounded)) {
        if key.0 != rt {
            break;
        }
        let item = &st.items[i];
        if matches!(
            item.status.as_str(),
            "ResourceDeleted" | "ResourceDeletedNotRecorded"
        ) || !filters.keep(key, item)
        {
            continue;
        }
        if page.len() == max {
            // One more matches: the page ends at the last one handed out.
            next = page.last().map(|(k, _): &(&Key, _)| token_of(k));
            break;
        }
        page.push((key, item));
    }
    let identifiers: Vec<Value> = page
        .iter()
        .map(|(key, item)| {
            let mut v = json!({
                "SourceAccountId": key.1,
                "SourceRegion": key.2,
                "ResourceId": key.3,
                "ResourceType": key.0,
            });
            if let Some(n) = &item.resource_name {
                v["ResourceName"] = json!(n);
            }
            v
        })
        .collect();
    let mut out = json!({ "ResourceIdentifiers": identifiers });
    if let Some(t) = next {
        out["NextToken"] = json!(t);
    }
    Ok(out)
}

/// BatchGetAggregateResourceConfig: the current items of 1..100 identifiers; deleted
/// and unknown resources are left out, as by the service.
pub(super) fn batch_get_resource_config(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    aggregator_name(s, input)?;
    let ids = match input.get("ResourceIdentifiers") {
        Some(Value::Array(a)) => a.as_slice(),
        None | Some(Value::Null) => &[],
        Some(_) => {
            return Err(AwsError::new(
                StatusCode::BAD_REQUEST,
                "SerializationException",
                "ResourceIdentifiers must be a list",
            ))
        }
    };
    if ids.is_empty() || ids.len() > 100 {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'resourceIdentifiers' failed to satisfy constraint: Member must have length between 1 and 100 (got {})",
            ids.len()
        )));
    }
    let mut keys = Vec::with_capacity(ids.len());
    for (n, id) in ids.iter().enumerate() {
        let field = |name: &str| {
            str_field(id, name).map(str::to_string).ok_or_else(|| {
                AwsError::validation(format!(
                    "1 validation error detected: Value null at 'resourceIdentifiers.{}.member.{name}' failed to satisfy constraint: Member must not be null",
                    n + 1
                ))
            })
        };
        keys.push((
            field("ResourceType")?,
            field("SourceAccountId")?,
            field("SourceRegion")?,
            field("ResourceId")?,
        ));
    }
    let split = s.take_unprocessed();
    let st = s.lock();
    let mut found = Vec::with_capacity(keys.len());
    let mut unprocessed = Vec::new();
    for (n, key) in keys.iter().enumerate() {
        if split && n % 2 == 1 {
            unprocessed.push(ids[n].clone());
            continue;
        }
        if let Some(item) = st
            .aggregate
            .0
            .get(key)
            .map(|&i| &st.items[i])
            .filter(|i| i.is_evaluable())
        {
            let mut v = base_item_json(item);
            // The identity the item is served under (an item without one is
            // DEFAULT_ACCOUNT's in DEFAULT_REGION).
            v["accountId"] = json!(key.1);
            v["awsRegion"] = json!(key.2);
            found.push(v);
        }
    }
    Ok(json!({
        "BaseConfigurationItems": found,
        "UnprocessedResourceIdentifiers": unprocessed,
    }))
}
