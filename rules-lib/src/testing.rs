//! An in-memory [`ConfigApi`] for unit tests of the engine and delivery.
//!
//! This is a test double, not a stand-in for AWS: the end-to-end tests run the real
//! functions against the local Config endpoint (`rdk local-config`) through
//! aws-sdk-config. It exists so engine paths and delivery bookkeeping can be tested
//! in milliseconds with exact call counts.

use std::sync::Mutex;

use crate::config_api::{BoxFuture, ComplianceRecord, ConfigApi, ResourceKey};
use crate::error::ApiError;
use crate::evaluation::Evaluation;
use crate::item::{ConfigurationItem, Timestamp};

/// Records every PutEvaluations call and answers reads from fixed data.
#[derive(Debug, Default)]
pub struct FakeConfigApi {
    items: Vec<ConfigurationItem>,
    results: Vec<ComplianceRecord>,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    throttle_remaining: usize,
    fail_evaluations_remaining: usize,
    reject_call: Option<usize>,
    calls: Vec<(Vec<Evaluation>, String, bool)>,
    attempts: usize,
    history_calls: Vec<(String, String, Option<Timestamp>)>,
}

impl FakeConfigApi {
    /// Serves these items from the read calls.
    pub fn with_items(mut self, items: Vec<ConfigurationItem>) -> Self {
        self.items = items;
        self
    }
    /// Serves these earlier results from GetComplianceDetailsByConfigRule.
    pub fn with_results(mut self, results: Vec<ComplianceRecord>) -> Self {
        self.results = results;
        self
    }
    /// The first `n` PutEvaluations attempts are throttled.
    pub fn throttle_first(self, n: usize) -> Self {
        self.state.lock().unwrap().throttle_remaining = n;
        self
    }
    /// The first evaluation of each call is reported failed, `n` times in all.
    pub fn fail_first_evaluations(self, n: usize) -> Self {
        self.state.lock().unwrap().fail_evaluations_remaining = n;
        self
    }
    /// The PutEvaluations attempt with this 0-based index is refused.
    pub fn reject_call(self, index: usize) -> Self {
        self.state.lock().unwrap().reject_call = Some(index);
        self
    }
    /// Accepted PutEvaluations calls: (evaluations, token, test mode).
    pub fn put_calls(&self) -> Vec<(Vec<Evaluation>, String, bool)> {
        self.state.lock().unwrap().calls.clone()
    }
    /// PutEvaluations attempts, refused ones included.
    pub fn attempts(&self) -> usize {
        self.state.lock().unwrap().attempts
    }
    /// GetResourceConfigHistory calls: (type, id, laterTime).
    pub fn history_calls(&self) -> Vec<(String, String, Option<Timestamp>)> {
        self.state.lock().unwrap().history_calls.clone()
    }
}

impl ConfigApi for FakeConfigApi {
    fn get_latest_item<'a>(
        &'a self,
        resource_type: &'a str,
        resource_id: &'a str,
        later_time: Option<Timestamp>,
    ) -> BoxFuture<'a, Result<Option<ConfigurationItem>, ApiError>> {
        self.state.lock().unwrap().history_calls.push((
            resource_type.into(),
            resource_id.into(),
            later_time,
        ));
        let found = self
            .items
            .iter()
            .find(|i| i.resource_type == resource_type && i.resource_id == resource_id)
            .cloned();
        Box::pin(async move { Ok(found) })
    }

    fn list_discovered_resources<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ResourceKey>, ApiError>> {
        let keys = self
            .items
            .iter()
            .filter(|i| i.resource_type == resource_type && i.is_evaluable())
            .map(|i| ResourceKey {
                resource_type: i.resource_type.clone(),
                resource_id: i.resource_id.clone(),
            })
            .collect();
        Box::pin(async move { Ok(keys) })
    }

    fn batch_get_resource_config<'a>(
        &'a self,
        keys: &'a [ResourceKey],
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>> {
        let items = self
            .items
            .iter()
            .filter(|i| {
                keys.iter()
                    .any(|k| k.resource_type == i.resource_type && k.resource_id == i.resource_id)
            })
            .cloned()
            .collect();
        Box::pin(async move { Ok(items) })
    }

    fn compliance_results<'a>(
        &'a self,
        _config_rule_name: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ComplianceRecord>, ApiError>> {
        let r = self.results.clone();
        Box::pin(async move { Ok(r) })
    }

    fn put_evaluations<'a>(
        &'a self,
        evaluations: &'a [Evaluation],
        result_token: &'a str,
        test_mode: bool,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, ApiError>> {
        let mut s = self.state.lock().unwrap();
        let attempt = s.attempts;
        s.attempts += 1;
        let result = if s.throttle_remaining > 0 {
            s.throttle_remaining -= 1;
            Err(ApiError::Retryable {
                operation: "PutEvaluations",
                message: "ThrottlingException: Rate exceeded".into(),
            })
        } else if s.reject_call == Some(attempt) {
            Err(ApiError::Rejected {
                operation: "PutEvaluations",
                code: "InvalidResultTokenException".into(),
                message: "the token is invalid".into(),
            })
        } else {
            let failed = if s.fail_evaluations_remaining > 0 && !evaluations.is_empty() {
                s.fail_evaluations_remaining -= 1;
                vec![evaluations[0].clone()]
            } else {
                Vec::new()
            };
            s.calls
                .push((evaluations.to_vec(), result_token.to_string(), test_mode));
            Ok(failed)
        };
        Box::pin(async move { result })
    }
}

/// A rule's verdict on an item written as JSON (either shape; `resourceId`, status and
/// capture time are filled in when absent), with parameters parsed against the rule's
/// declarations, through the one evaluation path: what a rule's unit tests call.
pub(crate) fn verdict(
    rule: &dyn crate::rule::Rule,
    mut item: serde_json::Value,
    params: serde_json::Value,
) -> (crate::evaluation::Compliance, String) {
    let o = item.as_object_mut().expect("an item is a JSON object");
    o.entry("resourceId").or_insert_with(|| "r-1".into());
    o.entry("configurationItemStatus")
        .or_insert_with(|| "OK".into());
    o.entry("configurationItemCaptureTime")
        .or_insert_with(|| "2024-05-01T10:00:00.000Z".into());
    let item = ConfigurationItem::from_value(&item).expect("a readable item");
    let spec = rule.spec();
    let (params, _) = crate::params::Params::parse(
        spec.name,
        spec.parameters,
        params.as_object().expect("parameters are a JSON object"),
    )
    .expect("valid parameters");
    let e = crate::engine::evaluate_item(rule, &item, &params, Timestamp::now())
        .expect("the rule judges the item");
    (e.compliance_type, e.annotation.unwrap_or_default())
}
