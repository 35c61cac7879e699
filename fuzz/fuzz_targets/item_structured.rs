//! Structure-aware: `Arbitrary` builds a JSON value shaped like a configuration item —
//! a `resourceType` some catalog rule evaluates (read from the catalog), a real
//! `configurationItemStatus`, capture and creation times as epoch numbers or ISO-8601
//! text (in and out of range), a `configuration` of nested values whose keys are the
//! ones the rules read (`KEYS`, collected from `rules-lib/src/rules/*.rs`) and whose
//! texts are the ones they compare with (`WORDS`), written as an object (event shape)
//! or JSON text (API shape), plus supplementary configuration, tags and relationships.
//! The item is read with both readers and judged by every catalog rule.
//!
//! Property: never panics; `from_value` and `from_owned` agree; every evaluation passes
//! `ferrule_fuzz::check_evaluation`; the item reads back from both JSON shapes.
#![no_main]

use arbitrary::{Arbitrary, Result, Unstructured};
use ferrule_fuzz::{catalog_resource_types, check_round_trip, evaluate_with_every_rule};
use libfuzzer_sys::fuzz_target;
use rules_lib::ConfigurationItem;
use serde_json::{Map, Number, Value};

/// Keys the rules read from `configuration` and supplementary values (and the policy
/// and security-group fields their helpers read).
#[rustfmt::skip]
const KEYS: &[&str] = &[
    "AccessControlList", "Action", "BucketLoggingConfiguration", "BucketPolicy",
    "BucketVersioningConfiguration", "Condition", "ContinuousBackupsDescription", "Effect",
    "KmsMasterKeyId", "NotAction", "NotPrincipal", "NotResource", "Policy", "Principal",
    "PublicAccessBlockConfiguration", "Resource", "ServerSideEncryptionConfiguration", "Sid",
    "Statement", "Tags", "Version", "AWS", "Service", "applyServerSideEncryptionByDefault",
    "arn", "association", "attachments", "backupRetentionPeriod", "blockPublicAcls",
    "blockPublicPolicy", "cidrIp", "cidrIpv6", "defaultVersionId", "destinationBucketName",
    "document", "encrypted", "engine", "environment", "variables", "flowLogStatus", "fromPort",
    "grantList", "grantee", "groupId", "groupName", "httpEndpoint", "httpTokens", "id",
    "identifier", "ignorePublicAcls", "imageId", "instanceId", "instanceType", "ipPermissions",
    "ipPermissionsEgress", "ipProtocol", "ipRanges", "ipv4Ranges", "ipv6Ranges",
    "isDefaultVersion", "isMfaDeleteEnabled", "kmsKeyId", "logFilePrefix", "memorySize",
    "metadataOptions", "multiAZ", "networkInterfaces", "packageType", "permission",
    "pointInTimeRecoveryDescription", "pointInTimeRecoveryStatus", "policy", "policyText",
    "policyVersionList", "preferredBackupWindow", "publicIp", "publicIpAddress",
    "publiclyAccessible", "readReplicaSourceDBInstanceIdentifier", "resourceId",
    "resourceType", "restrictPublicBuckets", "role", "rules", "runtime", "sseAlgorithm",
    "state", "status", "storageEncrypted", "tagSet", "tags", "timeout", "toPort",
    "trafficType", "type", "uri", "versionId", "name", "key", "value", "Key", "Value",
    "userName", "userId", "mfaDevices", "kmsMasterKeyId", "dbInstanceIdentifier",
    "sqs:SendMessage", "configuration",
];

/// Texts the rules compare values with.
#[rustfmt::skip]
const WORDS: &[&str] = &[
    "", " ", "*", "*:*", "0.0.0.0/0", "::/0", "10.0.0.0/8", "-1", "0", "22", "3389", "65535",
    "128", "3", "tcp", "udp", "icmp", "icmpv6", "all", "ALL", "Allow", "Deny", "allow",
    "deny", "true", "false", "True", "FALSE", "null", "Enabled", "Disabled", "Suspended",
    "ENABLED", "DISABLED", "ACTIVE", "INACTIVE", "FAILED", "ACCEPT", "REJECT", "AES256",
    "aws:kms", "aws:kms:dsse", "required", "optional", "default", "in-use", "available",
    "Image", "Zip", "AWS_IAM", "NONE", "nodejs12.x", "python3.12", "t2.micro", "ami-1",
    "mysql", "aurora", "aurora-mysql", "docdb", "neptune", "alias/aws/sns", "alias/",
    "arn:aws:kms:us-east-1:123456789012:key/1", "arn:aws:secretsmanager:us-east-1:1:secret:x",
    "arn:aws:ssm:us-east-1:1:parameter/x", "{{resolve:ssm:x}}", "arn:", "s3:GetObject",
    "s3:PutObject", "s3:*", "iam:*", "sqs:SendMessage", "lambda:InvokeFunction",
    "aws:SecureTransport", "aws:SourceAccount", "aws:sourcearn", "StringEquals",
    "StringNotEquals", "Bool", "Null", "123456789012",
    "http://acs.amazonaws.com/groups/global/AllUsers",
    "http://acs.amazonaws.com/groups/global/AuthenticatedUsers", "FullControl", "Read",
    "Write", "ReadAcp", "WriteAcp", "CanonicalUser", "Group",
    "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"*\",\"Resource\":\"*\"}]}",
    "%7B%22Statement%22%3A%5B%5D%7D",
];

const STATUSES: &[&str] = &[
    "OK",
    "ResourceDiscovered",
    "ResourceNotRecorded",
    "ResourceDeleted",
    "ResourceDeletedNotRecorded",
];

const MAX_DEPTH: u32 = 6;

fn word(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(7, 8)? {
        u.choose(WORDS)?.to_string()
    } else {
        String::arbitrary(u)?
    })
}

fn key(u: &mut Unstructured) -> Result<String> {
    Ok(if u.ratio(15, 16)? {
        u.choose(KEYS)?.to_string()
    } else {
        String::arbitrary(u)?
    })
}

fn number(u: &mut Unstructured) -> Result<Value> {
    Ok(match u.int_in_range(0..=3)? {
        0 => Value::from(u.int_in_range(-2i64..=70000)?),
        1 => Value::from(i64::arbitrary(u)?),
        2 => Value::from(u64::arbitrary(u)?),
        _ => Number::from_f64(f64::arbitrary(u)?).map_or(Value::Null, Value::Number),
    })
}

fn value(u: &mut Unstructured, depth: u32) -> Result<Value> {
    let last = if depth >= MAX_DEPTH { 4 } else { 6 };
    Ok(match u.int_in_range(0..=last)? {
        0 => Value::Null,
        1 => Value::Bool(bool::arbitrary(u)?),
        2 => number(u)?,
        3 | 4 => Value::String(word(u)?),
        5 => {
            let n = u.int_in_range(0..=4)?;
            Value::Array((0..n).map(|_| value(u, depth + 1)).collect::<Result<_>>()?)
        }
        _ => Value::Object(object(u, depth + 1)?),
    })
}

fn object(u: &mut Unstructured, depth: u32) -> Result<Map<String, Value>> {
    let n = u.int_in_range(0..=6)?;
    let mut m = Map::new();
    for _ in 0..n {
        let k = key(u)?;
        let v = value(u, depth)?;
        m.insert(k, v);
    }
    Ok(m)
}

/// A JSON value with keys and texts the rules know, nested at most `MAX_DEPTH` deep.
#[derive(Debug)]
struct Json(Value);

impl<'a> Arbitrary<'a> for Json {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        value(u, 0).map(Json)
    }
}

/// A JSON object of the same kind.
#[derive(Debug)]
struct Object(Map<String, Value>);

impl<'a> Arbitrary<'a> for Object {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        object(u, 0).map(Object)
    }
}

#[derive(Debug, Arbitrary)]
enum ResourceType {
    /// One of the catalog's types (index modulo their number).
    Catalog(u8),
    Account,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum ResourceId {
    Short(u8),
    Text(String),
    Long(u16),
    Number(i64),
}

#[derive(Debug, Arbitrary)]
enum Status {
    Known(u8),
    Missing,
    Other(String),
}

#[derive(Debug, Arbitrary)]
enum Time {
    Missing,
    Null,
    EpochSecs(f64),
    EpochInt(i64),
    /// Seconds in the range Config records (up to 9999-12-31).
    InRange(u64, u16),
    Iso {
        year: u16,
        month: u8,
        day: u8,
        hour: u8,
        minute: u8,
        second: u8,
        millis: u16,
        /// Minutes east of UTC, or `Z` when none.
        offset: Option<i16>,
    },
    Python(u16, u8, u8, u8, u8, u8, u32),
    Text(String),
}

impl Time {
    fn to_json(&self) -> Option<Value> {
        Some(match self {
            Time::Missing => return None,
            Time::Null => Value::Null,
            Time::EpochSecs(s) => Number::from_f64(*s).map_or(Value::Null, Value::Number),
            Time::EpochInt(s) => Value::from(*s),
            Time::InRange(s, ms) => {
                let secs = (*s % 253_402_300_800) as f64 + f64::from(*ms % 1000) / 1000.0;
                Number::from_f64(secs).map_or(Value::Null, Value::Number)
            }
            Time::Iso {
                year,
                month,
                day,
                hour,
                minute,
                second,
                millis,
                offset,
            } => {
                let zone = match offset {
                    None => "Z".to_string(),
                    Some(m) => {
                        let (sign, m) = if *m < 0 {
                            ('-', -(*m as i32))
                        } else {
                            ('+', *m as i32)
                        };
                        format!("{sign}{:02}:{:02}", (m / 60) % 100, m % 60)
                    }
                };
                Value::String(format!(
                    "{year:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}{zone}",
                    month % 13,
                    day % 32,
                    hour % 25,
                    minute % 61,
                    second % 61,
                    millis % 1000
                ))
            }
            Time::Python(y, mo, d, h, mi, s, us) => Value::String(format!(
                "datetime.datetime({y}, {mo}, {d}, {h}, {mi}, {s}, {us}, tzinfo=tzlocal())"
            )),
            Time::Text(t) => Value::String(t.clone()),
        })
    }
}

#[derive(Debug, Arbitrary)]
enum Configuration {
    /// An object (event shape).
    Object(Object),
    /// The object as JSON text (API shape).
    Text(Object),
    /// Any value, as is.
    Value(Json),
    Null,
    Missing,
}

#[derive(Debug, Arbitrary)]
struct Supplementary {
    key: u8,
    value: Json,
    /// Written as JSON text, as the API shape does.
    as_text: bool,
}

#[derive(Debug, Arbitrary)]
enum Tags {
    Missing,
    Object(Vec<(u8, u8)>),
    List(Vec<(u8, u8)>),
    Value(Json),
}

#[derive(Debug, Arbitrary)]
struct Relationship {
    resource_type: u8,
    resource_id: u8,
    name: Option<String>,
}

/// A configuration item, field by field.
#[derive(Debug, Arbitrary)]
struct Item {
    resource_type: ResourceType,
    resource_id: ResourceId,
    status: Status,
    capture_time: Time,
    creation_time: Time,
    api_shape: bool,
    configuration: Configuration,
    supplementary: Vec<Supplementary>,
    tags: Tags,
    relationships: Vec<Relationship>,
    resource_name: Option<String>,
    account: Option<u64>,
}

const SUPPLEMENTARY_KEYS: &[&str] = &[
    "BucketPolicy",
    "BucketVersioningConfiguration",
    "BucketLoggingConfiguration",
    "ServerSideEncryptionConfiguration",
    "PublicAccessBlockConfiguration",
    "AccessControlList",
    "Policy",
    "ContinuousBackupsDescription",
    "IsRequesterPaysEnabled",
    "Tags",
];

impl Item {
    fn to_json(&self) -> Value {
        let types = catalog_resource_types();
        let mut o = Map::new();
        let rt = match &self.resource_type {
            ResourceType::Catalog(i) => Value::from(types[*i as usize % types.len()]),
            ResourceType::Account => Value::from("AWS::::Account"),
            ResourceType::Other(s) => Value::from(s.as_str()),
        };
        o.insert("resourceType".into(), rt);
        let id = match &self.resource_id {
            ResourceId::Short(n) => Value::from(format!("res-{n}")),
            ResourceId::Text(s) => Value::from(s.as_str()),
            ResourceId::Long(n) => Value::from("r".repeat(*n as usize % 1024)),
            ResourceId::Number(n) => Value::from(*n),
        };
        o.insert("resourceId".into(), id);
        match &self.status {
            Status::Known(i) => {
                o.insert(
                    "configurationItemStatus".into(),
                    STATUSES[*i as usize % STATUSES.len()].into(),
                );
            }
            Status::Missing => {}
            Status::Other(s) => {
                o.insert("configurationItemStatus".into(), s.as_str().into());
            }
        }
        if let Some(t) = self.capture_time.to_json() {
            o.insert("configurationItemCaptureTime".into(), t);
        }
        if let Some(t) = self.creation_time.to_json() {
            o.insert("resourceCreationTime".into(), t);
        }
        let (account_key, arn_key) = if self.api_shape {
            ("accountId", "arn")
        } else {
            ("awsAccountId", "ARN")
        };
        if let Some(a) = self.account {
            o.insert(
                account_key.into(),
                Value::from(format!("{:012}", a % 1_000_000_000_000)),
            );
        }
        o.insert(
            arn_key.into(),
            Value::from("arn:aws:fuzz:us-east-1:123456789012:x"),
        );
        if let Some(n) = &self.resource_name {
            o.insert("resourceName".into(), Value::from(n.as_str()));
        }
        match &self.configuration {
            Configuration::Object(c) => {
                o.insert("configuration".into(), Value::Object(c.0.clone()));
            }
            Configuration::Text(c) => {
                o.insert(
                    "configuration".into(),
                    Value::String(Value::Object(c.0.clone()).to_string()),
                );
            }
            Configuration::Value(v) => {
                o.insert("configuration".into(), v.0.clone());
            }
            Configuration::Null => {
                o.insert("configuration".into(), Value::Null);
            }
            Configuration::Missing => {}
        }
        if !self.supplementary.is_empty() {
            let s: Map<String, Value> = self
                .supplementary
                .iter()
                .map(|s| {
                    let k = SUPPLEMENTARY_KEYS[s.key as usize % SUPPLEMENTARY_KEYS.len()];
                    let v = if s.as_text {
                        Value::String(s.value.0.to_string())
                    } else {
                        s.value.0.clone()
                    };
                    (k.to_string(), v)
                })
                .collect();
            o.insert("supplementaryConfiguration".into(), Value::Object(s));
        }
        let tag = |i: u8| WORDS[i as usize % WORDS.len()].to_string();
        match &self.tags {
            Tags::Missing => {}
            Tags::Object(pairs) => {
                let m: Map<String, Value> = pairs
                    .iter()
                    .map(|(k, v)| (tag(*k), Value::from(tag(*v))))
                    .collect();
                o.insert("tags".into(), Value::Object(m));
            }
            Tags::List(pairs) => {
                let l: Vec<Value> = pairs
                    .iter()
                    .map(|(k, v)| serde_json::json!({"key": tag(*k), "value": tag(*v)}))
                    .collect();
                o.insert("tags".into(), Value::Array(l));
            }
            Tags::Value(v) => {
                o.insert("tags".into(), v.0.clone());
            }
        }
        let rels: Vec<Value> = self
            .relationships
            .iter()
            .map(|r| {
                let mut m = Map::new();
                m.insert(
                    "resourceType".into(),
                    types[r.resource_type as usize % types.len()].into(),
                );
                m.insert("resourceId".into(), format!("rel-{}", r.resource_id).into());
                if let Some(n) = &r.name {
                    let key = if self.api_shape {
                        "relationshipName"
                    } else {
                        "name"
                    };
                    m.insert(key.into(), n.as_str().into());
                }
                Value::Object(m)
            })
            .collect();
        if !rels.is_empty() {
            o.insert("relationships".into(), Value::Array(rels));
        }
        Value::Object(o)
    }
}

fuzz_target!(|input: Item| {
    let v = input.to_json();
    let borrowed = ConfigurationItem::from_value(&v);
    let owned = ConfigurationItem::from_owned(v.clone());
    match (&borrowed, &owned) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "from_value and from_owned disagree"),
        (Err(a), Err(b)) => {
            let _ = (a.to_string(), b.to_string());
        }
        _ => panic!("from_value and from_owned disagree: {borrowed:?} / {owned:?}"),
    }
    if let Ok(item) = borrowed {
        check_round_trip(&item);
        evaluate_with_every_rule(&item);
    }
});
