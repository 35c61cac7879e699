//! The one evaluation path: event → evaluations. Lambda, `rdk` and the tests all call
//! these functions; no rule logic lives anywhere else.
//!
//! Change-triggered: parameters validated → (oversized? fetch the item with
//! GetResourceConfigHistory) → applicability (`eventLeftScope`, resource type, item
//! status, readable configuration) → [`crate::rule::ItemRule::judge`] → one [`Evaluation`] stamped with the capture time.
//!
//! Periodic (ScheduledNotification, ConfigurationSnapshotDeliveryCompleted):
//! by the rule's kind (every recorded item, the set of items, or the account) → plus NOT_APPLICABLE for every resource the rule judged
//! before (GetComplianceDetailsByConfigRule) that it did not judge now, matched on
//! resource type *and* id, all stamped with `notificationCreationTime`.

use std::collections::HashSet;

use thiserror::Error;

use crate::config_api::{ConfigApi, ResourceKey};
use crate::error::{ApiError, ParamError, RuleError};
use crate::evaluation::{Compliance, Evaluation, Verdict};
use crate::event::{Event, InvokingEvent};
use crate::iam_api::IamApi;
use crate::item::{ConfigurationItem, Timestamp};
use crate::params::{Params, RuntimeOptions};
use crate::rule::{AccountContext, ItemSet, ItemSource, JudgeItem, LiveItems, Rule, RuleKind};

/// Why an event could not be evaluated.
#[derive(Debug, Error)]
pub enum EngineError {
    /// The rule parameters are invalid: nothing is evaluated or delivered.
    #[error(transparent)]
    InvalidParameters(#[from] ParamError),
    /// The item for an oversized notification is not (yet) in the configuration history.
    #[error(
        "GetResourceConfigHistory returned no item for {resource_type} {resource_id} at or before {capture_time}; \
         AWS Config may not have stored it yet, so the invocation fails to be retried"
    )]
    OversizedItemNotFound {
        /// The resource type from the summary.
        resource_type: String,
        /// The resource id from the summary.
        resource_id: String,
        /// The capture time from the summary (or "now").
        capture_time: String,
    },
    /// An AWS Config API call failed.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The rule could not judge.
    #[error("rule {rule} could not evaluate {resource}: {source}")]
    Rule {
        /// The rule.
        rule: &'static str,
        /// What it was judging.
        resource: String,
        /// Why it could not.
        source: RuleError,
    },
}

/// The validated parameters of an event for a rule.
pub fn parse_parameters(
    rule: &dyn Rule,
    event: &Event,
) -> Result<(Params, RuntimeOptions), ParamError> {
    let spec = rule.spec();
    Params::parse(spec.name, spec.parameters, &event.rule_parameters)
}

/// Judges one item: applicability first, then the rule. This is what `rdk evaluate`
/// and scans call for each item, and what the Lambda path calls for a change.
///
/// The ordering timestamp is the item's capture time, or `fallback_time` when the item
/// has none (hand-written items).
pub fn evaluate_item(
    rule: &dyn Rule,
    item: &ConfigurationItem,
    params: &Params,
    fallback_time: Timestamp,
) -> Result<Evaluation, EngineError> {
    let verdict = judge(rule, item, params)?;
    Ok(Evaluation::new(
        item.resource_type.clone(),
        item.resource_id.clone(),
        verdict.compliance,
        &verdict.annotation,
        item.capture_time.unwrap_or(fallback_time),
    ))
}

fn judge(
    rule: &dyn Rule,
    item: &ConfigurationItem,
    params: &Params,
) -> Result<Verdict, EngineError> {
    let spec = rule.spec();
    if !spec.in_scope(&item.resource_type) {
        return Ok(Verdict::not_applicable(format!(
            "{} is not a resource type {} evaluates ({})",
            item.resource_type,
            spec.name,
            spec.resource_types.join(", ")
        )));
    }
    if !item.is_evaluable() {
        return Ok(Verdict::not_applicable(format!(
            "configuration item status is {}",
            item.status.as_str()
        )));
    }
    if item.configuration.is_null() {
        // Config records a configuration for every resource it reports as OK or
        // discovered: a null one is a broken or hand-made item. No verdict can be
        // honest (COMPLIANT would pass what was never seen), and PutEvaluations has no
        // INSUFFICIENT_DATA, so it is an error: the invocation fails and is retried,
        // and a scan lists the item as skipped.
        return Err(EngineError::Rule {
            rule: spec.name,
            resource: format!("{} {}", item.resource_type, item.resource_id),
            source: null_configuration(item),
        });
    }
    match rule.kind() {
        RuleKind::Item(r) => Ok(judge_readable(r, item, params)),
        RuleKind::Set(_) | RuleKind::Account(_) => Ok(Verdict::not_applicable(format!(
            "{} is periodic: it judges {}, not one configuration change",
            spec.name,
            if matches!(rule.kind(), RuleKind::Set(_)) {
                "the recorded resources together"
            } else {
                "the account"
            }
        ))),
    }
}

/// An item rule's verdict, where an unreadable configuration becomes a verdict (the one
/// place that decides it): NON_COMPLIANT, naming what could not be read. Choice: AWS
/// Config records configuration in the shapes the views read, so an unreadable field is
/// a changed or hand-made item; calling it COMPLIANT would pass what was never judged,
/// and an error would retry forever on the same item.
fn judge_readable(rule: &dyn JudgeItem, item: &ConfigurationItem, params: &Params) -> Verdict {
    match rule.judge_item(item, params) {
        Ok(v) => v,
        Err(e) => Verdict::non_compliant(format!(
            "{e}; the rule cannot judge this item until its configuration has the recorded shape"
        )),
    }
}

/// Evaluates a whole event. `api` is needed for oversized and periodic events (and is
/// not called for ordinary changes); `sdk_config` is passed to periodic rules that
/// build other clients.
pub async fn evaluate_event(
    rule: &dyn Rule,
    event: &Event,
    api: &dyn ConfigApi,
    iam: Option<&dyn IamApi>,
) -> Result<Vec<Evaluation>, EngineError> {
    let (params, _runtime) = parse_parameters(rule, event)?;
    let now = Timestamp::now();
    match &event.invoking_event {
        InvokingEvent::Change {
            item,
            notification_creation_time,
        } => {
            let fallback = notification_creation_time.unwrap_or(now);
            if event.event_left_scope {
                return Ok(vec![left_scope(item, fallback)]);
            }
            Ok(vec![evaluate_item(rule, item, &params, fallback)?])
        }
        InvokingEvent::Oversized {
            summary,
            notification_creation_time,
        } => {
            let fallback = summary
                .capture_time
                .or(*notification_creation_time)
                .unwrap_or(now);
            if event.event_left_scope
                || !summary.status.is_evaluable()
                || !rule.spec().in_scope(&summary.resource_type)
            {
                // Nothing to fetch: the summary alone decides NOT_APPLICABLE.
                let reason = if event.event_left_scope {
                    "the resource left the scope of this rule".to_string()
                } else if !summary.status.is_evaluable() {
                    format!("configuration item status is {}", summary.status.as_str())
                } else {
                    format!(
                        "{} is not a resource type {} evaluates",
                        summary.resource_type,
                        rule.spec().name
                    )
                };
                return Ok(vec![Evaluation::new(
                    summary.resource_type.clone(),
                    summary.resource_id.clone(),
                    Compliance::NotApplicable,
                    &reason,
                    fallback,
                )]);
            }
            let item = api
                .get_latest_item(
                    &summary.resource_type,
                    &summary.resource_id,
                    summary.capture_time,
                )
                .await?
                .ok_or_else(|| EngineError::OversizedItemNotFound {
                    resource_type: summary.resource_type.clone(),
                    resource_id: summary.resource_id.clone(),
                    capture_time: summary
                        .capture_time
                        .map_or_else(|| "now".into(), |t| t.to_string()),
                })?;
            tracing::debug!(resource_type = %item.resource_type, resource_id = %item.resource_id, "fetched oversized item");
            Ok(vec![evaluate_item(rule, &item, &params, fallback)?])
        }
        InvokingEvent::Scheduled { .. } | InvokingEvent::SnapshotDelivery { .. } => {
            let ordering = event
                .invoking_event
                .notification_creation_time()
                .unwrap_or(now);
            let account_id = match &event.invoking_event {
                InvokingEvent::Scheduled {
                    account_id: Some(a),
                    ..
                } => Some(a.as_str()),
                _ => event.account_id.as_deref(),
            };
            let mut evaluations = periodic_run(rule, &params, api, iam, account_id, ordering)
                .await
                .map_err(|source| EngineError::Rule {
                    rule: rule.spec().name,
                    resource: "the periodic run".into(),
                    source,
                })?;
            match event.config_rule_name.as_deref() {
                Some(name) => {
                    let stale = stale_results(api, name, &evaluations, ordering).await?;
                    if !stale.is_empty() {
                        tracing::info!(count = stale.len(), "clearing results of resources no longer found");
                    }
                    evaluations.extend(stale);
                }
                None => tracing::warn!("the event has no configRuleName: earlier results of vanished resources are not cleared"),
            }
            Ok(evaluations)
        }
    }
}

/// One scheduled run, by kind: an item rule judges every recorded resource of its types;
/// a set rule judges the items of its source types together; an account rule calls its
/// APIs. Item and set rules read through [`LiveItems`], the interface scans read
/// snapshots through.
async fn periodic_run(
    rule: &dyn Rule,
    params: &Params,
    api: &dyn ConfigApi,
    iam: Option<&dyn IamApi>,
    account_id: Option<&str>,
    at: Timestamp,
) -> Result<Vec<Evaluation>, RuleError> {
    let source = LiveItems(api);
    match rule.kind() {
        RuleKind::Item(r) => {
            let spec = rule.spec();
            let mut out = Vec::new();
            for resource_type in spec.resource_types {
                for item in source.items(resource_type).await? {
                    let verdict = if item.is_evaluable() {
                        if item.configuration.is_null() {
                            return Err(null_configuration(&item));
                        }
                        judge_readable(r, &item, params)
                    } else {
                        Verdict::not_applicable(format!(
                            "configuration item status is {}",
                            item.status.as_str()
                        ))
                    };
                    out.push(Evaluation::new(
                        item.resource_type.clone(),
                        item.resource_id.clone(),
                        verdict.compliance,
                        &verdict.annotation,
                        at,
                    ));
                }
            }
            Ok(out)
        }
        RuleKind::Set(r) => {
            let set = ItemSet::collect(&source, r.source_types(), account_id).await?;
            Ok(r.judge(&set, params, at))
        }
        RuleKind::Account(r) => {
            let ctx = AccountContext {
                account_id,
                at,
                iam,
            };
            r.judge(&ctx, params).await
        }
    }
}

fn null_configuration(item: &ConfigurationItem) -> RuleError {
    RuleError::Failed(format!(
        "the item's configuration is null although its status is {}; \
         AWS Config records a configuration for every such item, so this item is \
         incomplete: give the full item (GetResourceConfigHistory has it)",
        item.status.as_str()
    ))
}

fn left_scope(item: &ConfigurationItem, fallback: Timestamp) -> Evaluation {
    Evaluation::new(
        item.resource_type.clone(),
        item.resource_id.clone(),
        Compliance::NotApplicable,
        "the resource left the scope of this rule",
        item.capture_time.unwrap_or(fallback),
    )
}

/// NOT_APPLICABLE for every resource with an earlier COMPLIANT or NON_COMPLIANT result
/// of this rule that the current run did not judge (matched on type and id).
async fn stale_results(
    api: &dyn ConfigApi,
    config_rule_name: &str,
    current: &[Evaluation],
    ordering: Timestamp,
) -> Result<Vec<Evaluation>, ApiError> {
    let judged: HashSet<(&str, &str)> = current
        .iter()
        .map(|e| {
            (
                e.compliance_resource_type.as_str(),
                e.compliance_resource_id.as_str(),
            )
        })
        .collect();
    let mut seen: HashSet<ResourceKey> = HashSet::new();
    Ok(api
        .compliance_results(config_rule_name)
        .await?
        .into_iter()
        .filter(|r| !judged.contains(&(r.key.resource_type.as_str(), r.key.resource_id.as_str())))
        .filter(|r| seen.insert(r.key.clone()))
        .map(|r| {
            Evaluation::new(
                r.key.resource_type,
                r.key.resource_id,
                Compliance::NotApplicable,
                "no longer found by this periodic rule; its earlier result is cleared",
                ordering,
            )
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config_api::ComplianceRecord;
    use crate::rules::EncryptedVolumes;
    use crate::testing::FakeConfigApi;
    use serde_json::json;

    fn volume(id: &str, encrypted: bool) -> ConfigurationItem {
        ConfigurationItem::from_value(&json!({
            "configurationItemCaptureTime": "2024-05-01T10:00:00.000Z",
            "configurationItemStatus": "OK",
            "resourceType": "AWS::EC2::Volume",
            "resourceId": id,
            "configuration": {"volumeId": id, "encrypted": encrypted, "state": "in-use",
                              "attachments": [{"instanceId": "i-1", "state": "attached"}]}
        }))
        .unwrap()
    }

    #[test]
    fn a_null_configuration_with_status_ok_is_compliant_for_no_rule() {
        let now = Timestamp::now();
        for rule in crate::rules::catalog() {
            let spec = rule.spec();
            // Required parameters get a value of their kind.
            let given = Params::required_examples(spec.parameters);
            let (params, _) = Params::parse(spec.name, spec.parameters, &given).unwrap();
            for rt in spec.resource_types {
                for status in ["OK", "ResourceDiscovered"] {
                    let item = ConfigurationItem::from_value(&json!({
                        "configurationItemStatus": status,
                        "resourceType": rt, "resourceId": "r-1",
                        "tags": {"owner": "x"}, "configuration": null
                    }))
                    .unwrap();
                    let err = evaluate_item(*rule, &item, &params, now).unwrap_err();
                    assert!(
                        err.to_string().contains("configuration is null"),
                        "{} on {rt}: {err}",
                        spec.name
                    );
                }
            }
        }
    }

    fn change(item: &ConfigurationItem, left_scope: bool, params: serde_json::Value) -> Event {
        Event::from_value(&json!({
            "invokingEvent": json!({"messageType": "ConfigurationItemChangeNotification",
                                    "configurationItem": item.to_event_json()}).to_string(),
            "ruleParameters": params.to_string(),
            "resultToken": "tok",
            "eventLeftScope": left_scope,
            "configRuleName": "encrypted-volumes"
        }))
        .unwrap()
    }

    #[tokio::test]
    async fn change_uses_capture_time_and_makes_no_api_call() {
        let api = FakeConfigApi::default();
        let e = evaluate_event(
            &EncryptedVolumes,
            &change(&volume("vol-1", false), false, json!({})),
            &api,
            None,
        )
        .await
        .unwrap();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].compliance_type, Compliance::NonCompliant);
        assert_eq!(
            e[0].ordering_timestamp.to_string(),
            "2024-05-01T10:00:00.000Z"
        );
        assert!(api.history_calls().is_empty() && api.put_calls().is_empty());
    }

    #[tokio::test]
    async fn left_scope_out_of_scope_and_deleted_are_not_applicable() {
        let api = FakeConfigApi::default();
        let e = evaluate_event(
            &EncryptedVolumes,
            &change(&volume("vol-1", false), true, json!({})),
            &api,
            None,
        )
        .await
        .unwrap();
        assert_eq!(e[0].compliance_type, Compliance::NotApplicable);

        let mut other = volume("i-1", false);
        other.resource_type = "AWS::EC2::Instance".into();
        let e = evaluate_event(
            &EncryptedVolumes,
            &change(&other, false, json!({})),
            &api,
            None,
        )
        .await
        .unwrap();
        assert_eq!(e[0].compliance_type, Compliance::NotApplicable);
        assert!(e[0]
            .annotation
            .as_deref()
            .unwrap()
            .contains("AWS::EC2::Instance"));

        let mut deleted = volume("vol-2", false);
        deleted.status = crate::item::ItemStatus::ResourceDeleted;
        deleted.configuration = serde_json::Value::Null.into();
        let e = evaluate_event(
            &EncryptedVolumes,
            &change(&deleted, false, json!({})),
            &api,
            None,
        )
        .await
        .unwrap();
        assert_eq!(e[0].compliance_type, Compliance::NotApplicable);
    }

    #[tokio::test]
    async fn invalid_parameters_are_an_error_before_anything_else() {
        let api = FakeConfigApi::default();
        let err = evaluate_event(
            &EncryptedVolumes,
            &change(&volume("vol-1", true), false, json!({"kmsID": "x"})),
            &api,
            None,
        )
        .await
        .unwrap_err();
        assert!(matches!(err, EngineError::InvalidParameters(_)));
        assert!(err.to_string().contains("kmsID"), "{err}");
    }

    #[tokio::test]
    async fn oversized_fetches_the_item_at_its_capture_time() {
        let api = FakeConfigApi::default().with_items(vec![volume("vol-9", true)]);
        let event = Event::from_value(&json!({
            "invokingEvent": json!({"messageType": "OversizedConfigurationItemChangeNotification",
                "configurationItemSummary": {"resourceType": "AWS::EC2::Volume", "resourceId": "vol-9",
                    "configurationItemStatus": "OK", "configurationItemCaptureTime": "2024-05-01T10:00:00.000Z"}}).to_string(),
            "resultToken": "tok"
        }))
        .unwrap();
        let e = evaluate_event(&EncryptedVolumes, &event, &api, None)
            .await
            .unwrap();
        assert_eq!(e[0].compliance_type, Compliance::Compliant);
        let calls = api.history_calls();
        assert_eq!(calls.len(), 1);
        assert_eq!(calls[0].2.unwrap().to_string(), "2024-05-01T10:00:00.000Z");

        let empty = FakeConfigApi::default();
        let err = evaluate_event(&EncryptedVolumes, &event, &empty, None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, EngineError::OversizedItemNotFound { .. }),
            "{err}"
        );
    }

    #[tokio::test]
    async fn periodic_judges_all_and_clears_vanished_resources_by_type_and_id() {
        let api = FakeConfigApi::default()
            .with_items(vec![volume("vol-1", true), volume("vol-2", false)])
            .with_results(vec![
                ComplianceRecord {
                    key: ResourceKey {
                        resource_type: "AWS::EC2::Volume".into(),
                        resource_id: "vol-1".into(),
                    },
                    compliance: Compliance::Compliant,
                },
                ComplianceRecord {
                    key: ResourceKey {
                        resource_type: "AWS::EC2::Volume".into(),
                        resource_id: "vol-gone".into(),
                    },
                    compliance: Compliance::NonCompliant,
                },
                // Same id, other type: judged before under another type, so it is stale too.
                ComplianceRecord {
                    key: ResourceKey {
                        resource_type: "AWS::EC2::Instance".into(),
                        resource_id: "vol-1".into(),
                    },
                    compliance: Compliance::Compliant,
                },
            ]);
        let event = Event::from_value(&json!({
            "invokingEvent": json!({"messageType": "ScheduledNotification", "awsAccountId": "123456789012",
                                    "notificationCreationTime": "2024-06-01T00:00:00.000Z"}).to_string(),
            "resultToken": "tok", "configRuleName": "encrypted-volumes"
        }))
        .unwrap();
        let e = evaluate_event(&EncryptedVolumes, &event, &api, None)
            .await
            .unwrap();
        let got: Vec<(String, String, Compliance)> = e
            .iter()
            .map(|e| {
                (
                    e.compliance_resource_type.clone(),
                    e.compliance_resource_id.clone(),
                    e.compliance_type,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "AWS::EC2::Volume".into(),
                    "vol-1".into(),
                    Compliance::Compliant
                ),
                (
                    "AWS::EC2::Volume".into(),
                    "vol-2".into(),
                    Compliance::NonCompliant
                ),
                (
                    "AWS::EC2::Volume".into(),
                    "vol-gone".into(),
                    Compliance::NotApplicable
                ),
                (
                    "AWS::EC2::Instance".into(),
                    "vol-1".into(),
                    Compliance::NotApplicable
                ),
            ]
        );
        assert!(e
            .iter()
            .all(|e| e.ordering_timestamp.to_string() == "2024-06-01T00:00:00.000Z"));
    }
}
