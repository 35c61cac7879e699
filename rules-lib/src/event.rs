//! The Lambda payload AWS Config sends, and its invoking-event variants.
//!
//! `invokingEvent` and `ruleParameters` arrive as JSON *text* inside the JSON payload;
//! both are also accepted as objects (hand-written test events often do that).

use serde_json::{Map, Value};

use crate::error::EventError;
use crate::item::{json_kind, ConfigurationItem, Timestamp};

/// The whole payload of one rule invocation.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// The decoded `invokingEvent`.
    pub invoking_event: InvokingEvent,
    /// `ruleParameters`, decoded; missing or `""` is an empty object.
    pub rule_parameters: Map<String, Value>,
    /// `resultToken`, passed back to PutEvaluations.
    pub result_token: String,
    /// `eventLeftScope`; missing means false.
    pub event_left_scope: bool,
    /// `executionRoleArn`: the role AWS Config uses in the account the rule runs in.
    pub execution_role_arn: Option<String>,
    /// `configRuleArn`.
    pub config_rule_arn: Option<String>,
    /// `configRuleName`.
    pub config_rule_name: Option<String>,
    /// `configRuleId`.
    pub config_rule_id: Option<String>,
    /// `accountId`: the account the rule runs in.
    pub account_id: Option<String>,
    /// `version`, "1.0".
    pub version: Option<String>,
}

/// The `invokingEvent`, by `messageType`.
#[derive(Debug, Clone, PartialEq)]
pub enum InvokingEvent {
    /// `ConfigurationItemChangeNotification`.
    Change {
        /// The changed item.
        item: Box<ConfigurationItem>,
        /// `notificationCreationTime`, when present.
        notification_creation_time: Option<Timestamp>,
    },
    /// `OversizedConfigurationItemChangeNotification`: only a summary arrives; the
    /// engine fetches the full item with GetResourceConfigHistory.
    Oversized {
        /// The summary (the item's identity, status and capture time).
        summary: ItemSummary,
        /// `notificationCreationTime`, when present (often absent).
        notification_creation_time: Option<Timestamp>,
    },
    /// `ScheduledNotification`: a periodic trigger.
    Scheduled {
        /// `awsAccountId`.
        account_id: Option<String>,
        /// `notificationCreationTime`.
        notification_creation_time: Option<Timestamp>,
    },
    /// `ConfigurationSnapshotDeliveryCompleted`: treated as a periodic trigger.
    SnapshotDelivery {
        /// `s3Bucket`.
        s3_bucket: Option<String>,
        /// `s3ObjectKey`.
        s3_object_key: Option<String>,
        /// `configSnapshotId`.
        config_snapshot_id: Option<String>,
        /// `notificationCreationTime`.
        notification_creation_time: Option<Timestamp>,
    },
}

impl InvokingEvent {
    /// The `messageType` text.
    pub fn message_type(&self) -> &'static str {
        match self {
            Self::Change { .. } => "ConfigurationItemChangeNotification",
            Self::Oversized { .. } => "OversizedConfigurationItemChangeNotification",
            Self::Scheduled { .. } => "ScheduledNotification",
            Self::SnapshotDelivery { .. } => "ConfigurationSnapshotDeliveryCompleted",
        }
    }

    /// Whether this is a periodic-type trigger (scheduled or snapshot delivery).
    pub fn is_periodic(&self) -> bool {
        matches!(self, Self::Scheduled { .. } | Self::SnapshotDelivery { .. })
    }

    /// `notificationCreationTime`, whichever variant carries it.
    pub fn notification_creation_time(&self) -> Option<Timestamp> {
        match self {
            Self::Change {
                notification_creation_time,
                ..
            }
            | Self::Oversized {
                notification_creation_time,
                ..
            }
            | Self::Scheduled {
                notification_creation_time,
                ..
            }
            | Self::SnapshotDelivery {
                notification_creation_time,
                ..
            } => *notification_creation_time,
        }
    }
}

/// `configurationItemSummary` of an oversized notification.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemSummary {
    /// `resourceType`.
    pub resource_type: String,
    /// `resourceId`.
    pub resource_id: String,
    /// `configurationItemCaptureTime`.
    pub capture_time: Option<Timestamp>,
    /// `configurationItemStatus`.
    pub status: crate::item::ItemStatus,
    /// `awsRegion`.
    pub region: Option<String>,
    /// `ARN`.
    pub arn: Option<String>,
}

impl Event {
    /// Parses a payload from JSON text.
    pub fn from_json_str(text: &str) -> Result<Self, EventError> {
        let v: Value = serde_json::from_str(text).map_err(|e| EventError::Json {
            what: "the payload",
            line: e.line(),
            column: e.column(),
            reason: crate::item::json_reason(&e),
        })?;
        Self::from_value(&v)
    }

    /// Parses a payload from a JSON value.
    pub fn from_value(v: &Value) -> Result<Self, EventError> {
        let o = v.as_object().ok_or_else(|| EventError::Field {
            field: "the payload".into(),
            reason: format!("must be a JSON object, found {}", json_kind(v)),
        })?;
        let invoking = embedded_object(o, "invokingEvent", "invokingEvent")?.ok_or_else(|| {
            EventError::Field {
                field: "invokingEvent".into(),
                reason: "is missing; every AWS Config rule invocation carries one".into(),
            }
        })?;
        let rule_parameters =
            embedded_object(o, "ruleParameters", "ruleParameters")?.unwrap_or_default();
        let event_left_scope = match o.get("eventLeftScope") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("true") => true,
            Some(Value::String(s)) if s.eq_ignore_ascii_case("false") => false,
            Some(other) => {
                return Err(EventError::Field {
                    field: "eventLeftScope".into(),
                    reason: format!("must be true or false, found {other}"),
                })
            }
        };
        Ok(Self {
            invoking_event: InvokingEvent::from_object(&invoking)?,
            rule_parameters,
            result_token: opt_text(o, "resultToken")?.unwrap_or_default(),
            event_left_scope,
            execution_role_arn: opt_text(o, "executionRoleArn")?,
            config_rule_arn: opt_text(o, "configRuleArn")?,
            config_rule_name: opt_text(o, "configRuleName")?,
            config_rule_id: opt_text(o, "configRuleId")?,
            account_id: opt_text(o, "accountId")?,
            version: opt_text(o, "version")?,
        })
    }

    /// Builds a change-notification event around one item, as `rdk evaluate --item`
    /// and tests do.
    pub fn for_item(item: ConfigurationItem, rule_parameters: Map<String, Value>) -> Self {
        Self {
            account_id: item.account_id.clone(),
            invoking_event: InvokingEvent::Change {
                item: Box::new(item),
                notification_creation_time: None,
            },
            rule_parameters,
            result_token: "TESTMODE".into(),
            event_left_scope: false,
            execution_role_arn: None,
            config_rule_arn: None,
            config_rule_name: None,
            config_rule_id: None,
            version: Some("1.0".into()),
        }
    }
}

impl InvokingEvent {
    fn from_object(o: &Map<String, Value>) -> Result<Self, EventError> {
        let message_type = opt_text(o, "messageType")?.ok_or_else(|| EventError::Field {
            field: "invokingEvent.messageType".into(),
            reason: "is missing".into(),
        })?;
        let nct = time(o, "notificationCreationTime")?;
        match message_type.as_str() {
            "ConfigurationItemChangeNotification" => {
                let item = match o.get("configurationItem") {
                    Some(v @ Value::Object(_)) => ConfigurationItem::from_value(v)?,
                    Some(Value::String(s)) => ConfigurationItem::from_json_str(s)?,
                    _ => {
                        return Err(EventError::Field {
                            field: "invokingEvent.configurationItem".into(),
                            reason: "is missing; a ConfigurationItemChangeNotification carries the changed item".into(),
                        })
                    }
                };
                Ok(Self::Change {
                    item: Box::new(item),
                    notification_creation_time: nct,
                })
            }
            "OversizedConfigurationItemChangeNotification" => {
                let s =
                    match o.get("configurationItemSummary") {
                        Some(Value::Object(s)) => s,
                        _ => return Err(EventError::Field {
                            field: "invokingEvent.configurationItemSummary".into(),
                            reason:
                                "is missing; an oversized notification carries the item's summary"
                                    .into(),
                        }),
                    };
                let need = |k: &str| -> Result<String, EventError> {
                    opt_text(s, k)?
                        .filter(|v| !v.is_empty())
                        .ok_or_else(|| EventError::Field {
                            field: format!("invokingEvent.configurationItemSummary.{k}"),
                            reason: "is missing".into(),
                        })
                };
                Ok(Self::Oversized {
                    summary: ItemSummary {
                        resource_type: need("resourceType")?,
                        resource_id: need("resourceId")?,
                        capture_time: time(s, "configurationItemCaptureTime")?,
                        status: opt_text(s, "configurationItemStatus")?
                            .map(|x| crate::item::ItemStatus::parse(&x))
                            .unwrap_or(crate::item::ItemStatus::Ok),
                        region: opt_text(s, "awsRegion")?,
                        arn: opt_text(s, "ARN")?.or(opt_text(s, "arn")?),
                    },
                    notification_creation_time: nct,
                })
            }
            "ScheduledNotification" => Ok(Self::Scheduled {
                account_id: opt_text(o, "awsAccountId")?,
                notification_creation_time: nct,
            }),
            "ConfigurationSnapshotDeliveryCompleted" => Ok(Self::SnapshotDelivery {
                s3_bucket: opt_text(o, "s3Bucket")?,
                s3_object_key: opt_text(o, "s3ObjectKey")?,
                config_snapshot_id: opt_text(o, "configSnapshotId")?,
                notification_creation_time: nct,
            }),
            other => Err(EventError::UnknownMessageType(other.to_string())),
        }
    }
}

/// A field that holds an object either directly or as JSON text. `""` and null are
/// read as absent.
fn embedded_object(
    o: &Map<String, Value>,
    key: &str,
    what: &'static str,
) -> Result<Option<Map<String, Value>>, EventError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(m)) => Ok(Some(m.clone())),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => {
            let v: Value = serde_json::from_str(s).map_err(|e| EventError::Json {
                what,
                line: e.line(),
                column: e.column(),
                reason: crate::item::json_reason(&e),
            })?;
            match v {
                Value::Object(m) => Ok(Some(m)),
                Value::Null => Ok(None),
                other => Err(EventError::Field {
                    field: key.into(),
                    reason: format!("must hold a JSON object, found {}", json_kind(&other)),
                }),
            }
        }
        Some(other) => Err(EventError::Field {
            field: key.into(),
            reason: format!("must be JSON text or an object, found {}", json_kind(other)),
        }),
    }
}

fn opt_text(o: &Map<String, Value>, key: &str) -> Result<Option<String>, EventError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(EventError::Field {
            field: key.into(),
            reason: format!("must be text, found {}", json_kind(other)),
        }),
    }
}

fn time(o: &Map<String, Value>, key: &str) -> Result<Option<Timestamp>, EventError> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => Timestamp::from_json(v)
            .map(Some)
            .map_err(|reason| EventError::Field {
                field: format!("invokingEvent.{key}"),
                reason,
            }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn payload(invoking: Value) -> Value {
        json!({"invokingEvent": invoking.to_string(), "resultToken": "t"})
    }

    #[test]
    fn missing_or_empty_rule_parameters_mean_empty_and_scope_defaults_false() {
        let inv = json!({"messageType": "ScheduledNotification", "notificationCreationTime": "2016-07-13T21:50:00.373Z"});
        let mut p = payload(inv);
        let e = Event::from_value(&p).unwrap();
        assert!(e.rule_parameters.is_empty());
        assert!(!e.event_left_scope);
        p["ruleParameters"] = json!("");
        assert!(Event::from_value(&p).unwrap().rule_parameters.is_empty());
        p["unknownField"] = json!(42);
        assert!(Event::from_value(&p).is_ok());
    }

    #[test]
    fn unknown_message_type_is_a_typed_error() {
        let e = Event::from_value(&payload(json!({"messageType": "SomethingNew"}))).unwrap_err();
        assert!(matches!(e, EventError::UnknownMessageType(ref t) if t == "SomethingNew"));
    }

    #[test]
    fn bad_invoking_event_text_names_the_field() {
        let e = Event::from_value(&json!({"invokingEvent": "{nope"})).unwrap_err();
        assert!(
            e.to_string().starts_with("invokingEvent is not valid JSON"),
            "{e}"
        );
    }
}
