//! A local AWS Config endpoint, for running the real rule functions end to end.
//!
//! moto accepts PutEvaluations only in TestMode and answers "not implemented" to every
//! compliance read, so it cannot show that an evaluation arrived. This endpoint speaks
//! the real wire protocol (JSON 1.1, `X-Amz-Target: StarlingDoveService.<Action>`), so
//! aws-sdk-config talks to it unchanged via `AWS_ENDPOINT_URL_CONFIG_SERVICE`.
//!
//! - **PutEvaluations** is validated as the service does (0..100 evaluations, required
//!   fields, type 1..256 and id 1..768 characters, annotation 1..256, INSUFFICIENT_DATA
//!   refused) and stored per rule, resource type and id; an older OrderingTimestamp does
//!   not replace a newer result. With `TestMode` nothing is stored.
//! - **Reads** are served from configuration-item files: GetResourceConfigHistory,
//!   ListDiscoveredResources, BatchGetResourceConfig (no tags or relationships, deleted
//!   resources left out, optional unprocessed keys) and GetComplianceDetailsByConfigRule.
//!   Listing and batch reads go through an index of each resource's newest capture:
//!   listings are in resource id order, their token is the last id handed out, and a
//!   call costs the same however many items the endpoint holds.
//! - **Aggregator reads** ([`aggregator`]): ListAggregateDiscoveredResources and
//!   BatchGetAggregateResourceConfig over the same items, keyed by account, region,
//!   type and id, for the aggregator names the endpoint is given
//!   ([`LocalConfig::add_aggregator`], `rdk local-config --aggregator NAME`).
//! - **Faults** can be injected for PutEvaluations: throttle the first N calls, answer
//!   the first N with a 5xx, report every evaluation of the first N calls as
//!   FailedEvaluations, or add latency to every call; and for the reads a scan makes:
//!   throttle the next N or every Nth, leave every second key of a batch unprocessed.
//!
//! Result tokens: the service maps a token to the rule it was issued for. Locally, the
//! rule name is the token up to its first `/` (`my-rule/run-1` stores under `my-rule`),
//! so a test or a user writes tokens as `<configRuleName>/<anything>`.
//!
//! Signatures are not checked (the access key id is recorded, to show which
//! credentials a call was made with). Control endpoints for people and scripts:
//! `GET /_local/evaluations`, `GET /_local/calls`, `GET /_local/call-counts`,
//! `PUT /_local/faults`, `POST /_local/items`.
//!
//! Under abuse it stays bounded and answers in the protocol's shape: every error,
//! 404, 405 and a body over [`MAX_BODY_BYTES`] included, is a JSON 1.1 error
//! (`__type`, `message`); it keeps at most [`MAX_RESULTS`] results for at most
//! [`MAX_RULES`] rules and the last [`MAX_CALLS`] calls; a connection that sends no
//! complete request header for [`IDLE_TIMEOUT`] (idle keep-alive or half-open) is
//! closed.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::net::SocketAddr;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State as AxState};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use rules_lib::{Compliance, ConfigurationItem, Timestamp};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

pub mod aggregator;

/// Largest request body answered; larger ones get a JSON 1.1 error (HTTP 413).
pub const MAX_BODY_BYTES: usize = 8 << 20;
/// Most results kept; PutEvaluations beyond it is refused with LimitExceededException.
pub const MAX_RESULTS: usize = 1_000_000;
/// Most distinct rules (result-token prefixes) results are kept for.
pub const MAX_RULES: usize = 10_000;
/// Longest result token accepted, in bytes (the service's tokens are far shorter).
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;
/// Calls kept in the call log (`GET /_local/calls`): the most recent ones.
pub const MAX_CALLS: usize = 10_000;
/// How long a connection may wait for a complete request header.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// What to inject into PutEvaluations and the reads a scan makes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Faults {
    /// Answer the next N PutEvaluations calls with ThrottlingException.
    pub throttle_put: usize,
    /// Answer the next N PutEvaluations calls with HTTP 500 InternalFailure.
    pub server_error_put: usize,
    /// Report every evaluation of the next N PutEvaluations calls as FailedEvaluations.
    pub fail_evaluations_put: usize,
    /// In the next N BatchGetResourceConfig and BatchGetAggregateResourceConfig calls,
    /// return every second key unprocessed.
    pub unprocessed_batch_get: usize,
    /// Answer the next N reads ([`READ_ACTIONS`]) with ThrottlingException.
    pub throttle_reads: usize,
    /// Answer every Nth read ([`READ_ACTIONS`]) with ThrottlingException (0: none).
    pub throttle_every_read: usize,
    /// Close the connection of the next N PutEvaluations calls without answering
    /// (after reading the request, so the client cannot know whether it arrived).
    pub reset_put: usize,
    /// Delay every call by this many milliseconds.
    pub delay_ms: u64,
}

/// One stored evaluation result.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredEvaluation {
    /// The rule (from the result token).
    pub config_rule_name: String,
    /// `ComplianceResourceType`.
    pub resource_type: String,
    /// `ComplianceResourceId`.
    pub resource_id: String,
    /// `ComplianceType`.
    pub compliance_type: Compliance,
    /// `Annotation`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// `OrderingTimestamp`.
    pub ordering_timestamp: Timestamp,
    /// When it was stored.
    pub result_recorded_time: Timestamp,
    /// The token it came with.
    pub result_token: String,
}

/// One call the endpoint answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallRecord {
    /// The action, e.g. `PutEvaluations`.
    pub action: String,
    /// The HTTP status answered.
    pub status: u16,
    /// The error code, when one was answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For PutEvaluations: how many evaluations came.
    pub evaluations: usize,
    /// For the batch reads: how many keys were asked for.
    #[serde(skip_serializing_if = "is_zero")]
    pub keys: usize,
    /// For PutEvaluations: whether TestMode was set.
    pub test_mode: bool,
    /// For PutEvaluations: the result token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_token: Option<String>,
    /// The access key id of the signature, when signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key_id: Option<String>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// The reads a scan makes, which the read faults apply to.
pub const READ_ACTIONS: [&str; 4] = [
    "ListDiscoveredResources",
    "BatchGetResourceConfig",
    "ListAggregateDiscoveredResources",
    "BatchGetAggregateResourceConfig",
];

/// Every action the endpoint answers (the call counts are kept per action).
const ACTIONS: [&str; 11] = [
    "PutEvaluations",
    "GetResourceConfigHistory",
    "ListDiscoveredResources",
    "BatchGetResourceConfig",
    "GetComplianceDetailsByConfigRule",
    "DescribeComplianceByConfigRule",
    "DescribeConfigRuleEvaluationStatus",
    "StartConfigRulesEvaluation",
    "ListAggregateDiscoveredResources",
    "BatchGetAggregateResourceConfig",
    "(unknown)",
];

/// How often one action was answered, since the endpoint started: the call log keeps
/// only the last [`MAX_CALLS`], these count every call.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CallCount {
    /// Calls answered.
    pub calls: u64,
    /// Of which answered with an error.
    pub errors: u64,
    /// Of which answered with ThrottlingException.
    pub throttled: u64,
}

/// What the endpoint knows of one rule's runs, as DescribeConfigRuleEvaluationStatus
/// reports it: from the PutEvaluations calls made with the rule's result tokens.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleRuns {
    /// The first call for the rule.
    pub first: Option<Timestamp>,
    /// The last accepted PutEvaluations.
    pub last_success: Option<Timestamp>,
    /// The last refused one.
    pub last_failure: Option<Timestamp>,
    /// Its error code and message.
    pub last_error: Option<(String, String)>,
}

#[derive(Debug, Default)]
struct State {
    items: Vec<ConfigurationItem>,
    results: BTreeMap<(String, String, String), StoredEvaluation>,
    rules: BTreeSet<String>,
    runs: BTreeMap<String, RuleRuns>,
    started: Vec<Vec<String>>,
    calls: VecDeque<CallRecord>,
    counts: BTreeMap<&'static str, CallCount>,
    reads: u64,
    faults: Faults,
    aggregators: BTreeSet<String>,
    aggregate: aggregator::Index,
    /// The newest capture of each (resource type, resource id): positions in `items`.
    /// The single-account reads page and look up through it, so a call costs the same
    /// however many items the endpoint holds.
    latest: BTreeMap<(String, String), usize>,
}

/// The endpoint's state; cheap to clone (shared).
#[derive(Debug, Clone, Default)]
pub struct LocalConfig {
    state: Arc<Mutex<State>>,
}

/// A running endpoint.
#[derive(Debug)]
pub struct Running {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The server task.
    pub task: tokio::task::JoinHandle<()>,
}

impl Running {
    /// `http://<addr>`, for `AWS_ENDPOINT_URL_CONFIG_SERVICE`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

pub use crate::scan::source::Skipped;

impl LocalConfig {
    /// An endpoint serving `items`.
    pub fn new(items: Vec<ConfigurationItem>) -> Self {
        let s = Self::default();
        s.add_items(items);
        s
    }

    /// Loads every `.json` file under `dir` (one item, a list, or a snapshot file).
    /// Unreadable files are returned, not fatal.
    pub fn load_dir(dir: &Path) -> Result<(Self, Vec<Skipped>), String> {
        let (items, skipped) = crate::input::load_items(dir)?;
        Ok((Self::new(items), skipped))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock cannot leave State half-written in a way that
        // matters for a test endpoint; keep serving.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds items (new captures of a resource are kept as history).
    pub fn add_items(&self, items: Vec<ConfigurationItem>) {
        let mut st = self.lock();
        let from = st.items.len();
        st.items.extend(items);
        let State {
            items,
            aggregate,
            latest,
            ..
        } = &mut *st;
        aggregate.add(items, from);
        for (i, item) in items.iter().enumerate().skip(from) {
            let key = (item.resource_type.clone(), item.resource_id.clone());
            match latest.get(&key) {
                Some(&old) if items[old].capture_time > item.capture_time => {}
                _ => {
                    latest.insert(key, i);
                }
            }
        }
    }

    /// Serves the aggregator reads under this configuration aggregator name (over every
    /// item the endpoint holds); other names get NoSuchConfigurationAggregatorException.
    pub fn add_aggregator(&self, name: &str) {
        self.lock().aggregators.insert(name.to_string());
    }

    /// Every call answered since the endpoint started, per action (not capped like
    /// [`LocalConfig::calls`]). Requests naming no action the endpoint serves count
    /// under `(unknown)`.
    pub fn call_counts(&self) -> BTreeMap<&'static str, CallCount> {
        self.lock().counts.clone()
    }

    /// How many items it serves (every capture counted).
    pub fn item_count(&self) -> usize {
        self.lock().items.len()
    }

    /// Uses up one injected connection reset, if any is left.
    fn take_reset(&self) -> bool {
        let mut st = self.lock();
        if st.faults.reset_put > 0 {
            st.faults.reset_put -= 1;
            st.calls.push_back(CallRecord {
                action: "PutEvaluations".into(),
                status: 0,
                error: Some("ConnectionReset".into()),
                evaluations: 0,
                keys: 0,
                test_mode: false,
                result_token: None,
                access_key_id: None,
            });
            let count = st.counts.entry("PutEvaluations").or_default();
            count.calls += 1;
            count.errors += 1;
            true
        } else {
            false
        }
    }

    /// Replaces the fault plan.
    pub fn set_faults(&self, faults: Faults) {
        self.lock().faults = faults;
    }

    /// Every stored result.
    pub fn stored(&self) -> Vec<StoredEvaluation> {
        self.lock().results.values().cloned().collect()
    }

    /// Stored results of one rule.
    pub fn stored_for(&self, config_rule_name: &str) -> Vec<StoredEvaluation> {
        self.stored()
            .into_iter()
            .filter(|e| e.config_rule_name == config_rule_name)
            .collect()
    }

    /// The rule names of each StartConfigRulesEvaluation call, in order.
    pub fn evaluations_started(&self) -> Vec<Vec<String>> {
        self.lock().started.clone()
    }

    /// What the endpoint knows of each rule's runs.
    pub fn rule_runs(&self) -> BTreeMap<String, RuleRuns> {
        self.lock().runs.clone()
    }

    /// The calls answered so far (the last [`MAX_CALLS`]).
    pub fn calls(&self) -> Vec<CallRecord> {
        self.lock().calls.iter().cloned().collect()
    }

    /// The axum router (JSON 1.1 on `POST /`, control endpoints under `/_local`).
    pub fn router(&self) -> Router {
        Router::new()
            .route("/", post(handle))

            .route(
                "/_local/evaluations",
                get(|AxState(s): AxState<LocalConfig>| async move { Json(s.stored()) }),
            )
            .route(
                "/_local/calls",
                get(|AxState(s): AxState<LocalConfig>| async move { Json(s.calls()) }),
            )
            .route(
                "/_local/call-counts",
                get(|AxState(s): AxState<LocalConfig>| async move { Json(s.call_counts()) }),
            )
            .route(
                "/_local/faults",
                put(
                    |AxState(s): AxState<LocalConfig>, body: Result<Bytes, BytesRejection>| async move {
                        let body = match body {
                            Ok(b) => b,
                            Err(e) => return body_error(e),
                        };
                        match serde_json::from_slice::<Faults>(&body) {
                            Ok(f) => {
                                s.set_faults(f);
                                StatusCode::NO_CONTENT.into_response()
                            }
                            Err(e) => aws_error(
                                StatusCode::BAD_REQUEST,
                                "SerializationException",
                                format!("the fault plan is not valid: {e}"),
                            ),
                        }
                    },
                ),
            )
            .route(
                "/_local/items",
                post(
                    |AxState(s): AxState<LocalConfig>, body: Result<Bytes, BytesRejection>| async move {
                        let body = match body {
                            Ok(b) => b,
                            Err(e) => return body_error(e),
                        };
                        let text = String::from_utf8_lossy(&body);
                        match ConfigurationItem::many_from_json_str(&text) {
                            Ok(items) => {
                                let n = items.len();
                                s.add_items(items);
                                (StatusCode::OK, Json(json!({"added": n}))).into_response()
                            }
                            Err(e) => aws_error(
                                StatusCode::BAD_REQUEST,
                                "ValidationException",
                                format!("the items are not valid: {e}"),
                            ),
                        }
                    },
                ),
            )
            // After every route: fallbacks and layers apply to the routes added before.
            .fallback(|| async {
                aws_error(
                    StatusCode::NOT_FOUND,
                    "UnknownOperationException",
                    "no such path: AWS Config's JSON 1.1 API is POST / (control endpoints are under /_local)",
                )
            })
            .method_not_allowed_fallback(|| async {
                aws_error(
                    StatusCode::METHOD_NOT_ALLOWED,
                    "UnknownOperationException",
                    "method not allowed here: AWS Config's JSON 1.1 API is POST / (see /_local for the control endpoints)",
                )
            })
            .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
            .with_state(self.clone())
    }

    /// Serves on `addr` (port 0 picks a free port) until the task is dropped or aborted.
    pub async fn serve(&self, addr: SocketAddr) -> std::io::Result<Running> {
        self.serve_with_idle_timeout(addr, IDLE_TIMEOUT).await
    }

    /// [`LocalConfig::serve`], closing connections that send no complete request
    /// header within `idle` (idle keep-alive connections and half-open requests alike).
    pub async fn serve_with_idle_timeout(
        &self,
        addr: SocketAddr,
        idle: Duration,
    ) -> std::io::Result<Running> {
        let listener = tokio::net::TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let app = self.router();
        let state = self.clone();
        let task = tokio::spawn(async move {
            loop {
                let stream = match listener.accept().await {
                    Ok((stream, _)) => stream,
                    Err(e) => {
                        // Out of file descriptors, say: wait and go on accepting.
                        tracing::warn!(error = %e, "local Config endpoint: accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                };
                let router = hyper_util::service::TowerToHyperService::new(app.clone());
                let state = state.clone();
                // A `reset_put` fault answers nothing: the service fails, so hyper
                // closes the connection, as a connection reset would.
                let service = hyper::service::service_fn(
                    move |req: axum::http::Request<hyper::body::Incoming>| {
                        let reset = req
                            .headers()
                            .get("x-amz-target")
                            .is_some_and(|t| t.as_bytes().ends_with(b".PutEvaluations"))
                            && state.take_reset();
                        let call = hyper::service::Service::call(&router, req);
                        async move {
                            if reset {
                                return Err(std::io::Error::other("injected connection reset"));
                            }
                            call.await
                                .map_err(|never: std::convert::Infallible| match never {})
                        }
                    },
                );
                tokio::spawn(async move {
                    let mut http = hyper::server::conn::http1::Builder::new();
                    http.timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(idle)
                        .keep_alive(true);
                    let connection =
                        http.serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                    if let Err(e) = connection.await {
                        tracing::debug!(error = %e, "local Config endpoint: connection closed");
                    }
                });
            }
        });
        Ok(Running { addr, task })
    }
}

/// A JSON 1.1 error answer.
struct AwsError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl AwsError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }
    fn validation(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "ValidationException", message)
    }
    fn invalid_parameter(message: impl Into<String>) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "InvalidParameterValueException",
            message,
        )
    }
}

/// A JSON 1.1 error answer, for any status.
fn aws_error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    amz_json(status, json!({"__type": code, "message": message.into()}))
}

/// A body that could not be read (over the limit, or broken off) as a JSON 1.1 error.
fn body_error(e: BytesRejection) -> Response {
    let status = e.status();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        aws_error(
            status,
            "RequestEntityTooLargeException",
            format!(
                "the request body is larger than the {MAX_BODY_BYTES} bytes this endpoint reads"
            ),
        )
    } else {
        aws_error(
            status,
            "SerializationException",
            format!("the request body could not be read: {e}"),
        )
    }
}

fn amz_json(status: StatusCode, body: Value) -> Response {
    let mut r = (status, body.to_string()).into_response();
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("application/x-amz-json-1.1"),
    );
    r.headers_mut().insert(
        "x-amzn-requestid",
        HeaderValue::from_static("00000000-0000-0000-0000-000000000000"),
    );
    r
}

fn access_key_id(headers: &HeaderMap) -> Option<String> {
    let auth = headers.get("authorization")?.to_str().ok()?;
    let cred = auth.split("Credential=").nth(1)?;
    Some(cred.split('/').next()?.to_string())
}

/// The prefix of every AWS Config action in `X-Amz-Target`.
const TARGET_PREFIX: &str = "StarlingDoveService.";

async fn handle(
    AxState(s): AxState<LocalConfig>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let body = match body {
        Ok(b) => b,
        Err(e) => return body_error(e),
    };
    let target = headers
        .get("x-amz-target")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let action = match &target {
        None => String::new(),
        Some(t) => match t.strip_prefix(TARGET_PREFIX) {
            Some(a) => a.to_string(),
            None => {
                let shown: String = t.chars().take(100).collect();
                return aws_error(
                    StatusCode::BAD_REQUEST,
                    "UnknownOperationException",
                    format!(
                        "wrong X-Amz-Target prefix: `{shown}` does not start with \
                         `{TARGET_PREFIX}`, AWS Config's (e.g. StarlingDoveService.PutEvaluations)"
                    ),
                );
            }
        },
    };
    let delay = s.lock().faults.delay_ms;
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let input: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => {
            return amz_json(
                StatusCode::BAD_REQUEST,
                json!({"__type": "SerializationException", "message": e.to_string()}),
            )
        }
    };
    let mut record = CallRecord {
        action: action.clone(),
        status: 200,
        error: None,
        evaluations: 0,
        keys: 0,
        test_mode: false,
        result_token: None,
        access_key_id: access_key_id(&headers),
    };
    record.keys = match action.as_str() {
        "BatchGetResourceConfig" => input.get("resourceKeys"),
        "BatchGetAggregateResourceConfig" => input.get("ResourceIdentifiers"),
        _ => None,
    }
    .and_then(Value::as_array)
    .map_or(0, Vec::len);
    let throttled = READ_ACTIONS.contains(&action.as_str()) && s.take_read_throttle();
    let result = match action.as_str() {
        _ if throttled => Err(AwsError::new(
            StatusCode::BAD_REQUEST,
            "ThrottlingException",
            "Rate exceeded",
        )),
        "PutEvaluations" => put_evaluations(&s, &input, &mut record),
        "GetResourceConfigHistory" => get_resource_config_history(&s, &input),
        "ListDiscoveredResources" => list_discovered_resources(&s, &input),
        "BatchGetResourceConfig" => batch_get_resource_config(&s, &input),
        "GetComplianceDetailsByConfigRule" => get_compliance_details(&s, &input),
        "DescribeComplianceByConfigRule" => describe_compliance_by_rule(&s, &input),
        "DescribeConfigRuleEvaluationStatus" => describe_evaluation_status(&s, &input),
        "StartConfigRulesEvaluation" => start_evaluation(&s, &input),
        "ListAggregateDiscoveredResources" => aggregator::list_discovered_resources(&s, &input),
        "BatchGetAggregateResourceConfig" => aggregator::batch_get_resource_config(&s, &input),
        "" => Err(AwsError::new(
            StatusCode::BAD_REQUEST,
            "UnknownOperationException",
            "missing X-Amz-Target header",
        )),
        other => Err(AwsError::new(
            StatusCode::BAD_REQUEST,
            "UnknownOperationException",
            format!(
                "{} is not served by the local Config endpoint",
                other.chars().take(100).collect::<String>()
            ),
        )),
    };
    if action == "PutEvaluations" {
        note_run(&s, &input, result.as_ref().err());
    }
    let response = match result {
        Ok(v) => amz_json(StatusCode::OK, v),
        Err(e) => {
            record.status = e.status.as_u16();
            record.error = Some(e.code.to_string());
            amz_json(e.status, json!({"__type": e.code, "message": e.message}))
        }
    };
    let mut st = s.lock();
    let name = ACTIONS
        .iter()
        .find(|a| **a == record.action)
        .copied()
        .unwrap_or("(unknown)");
    let count = st.counts.entry(name).or_default();
    count.calls += 1;
    if let Some(code) = &record.error {
        count.errors += 1;
        if code == "ThrottlingException" {
            count.throttled += 1;
        }
    }
    if st.calls.len() == MAX_CALLS {
        st.calls.pop_front();
    }
    st.calls.push_back(record);
    response
}

impl LocalConfig {
    /// Uses up one injected read throttle, if one is due.
    fn take_read_throttle(&self) -> bool {
        let mut st = self.lock();
        st.reads += 1;
        if st.faults.throttle_reads > 0 {
            st.faults.throttle_reads -= 1;
            return true;
        }
        let every = st.faults.throttle_every_read as u64;
        every > 0 && st.reads % every == 0
    }

    /// Uses up one injected unprocessed-keys batch, if any is left.
    fn take_unprocessed(&self) -> bool {
        let mut st = self.lock();
        let split = st.faults.unprocessed_batch_get > 0;
        if split {
            st.faults.unprocessed_batch_get -= 1;
        }
        split
    }
}

fn str_field<'a>(input: &'a Value, name: &str) -> Option<&'a str> {
    input.get(name).and_then(Value::as_str)
}

fn limit(input: &Value, name: &str, max: usize) -> Result<usize, AwsError> {
    match input.get(name).and_then(Value::as_u64) {
        None | Some(0) => Ok(max),
        Some(n) if n as usize <= max => Ok(n as usize),
        Some(n) => Err(AwsError::validation(format!(
            "1 validation error detected: Value '{n}' at '{name}' failed to satisfy constraint: Member must have value less than or equal to {max}"
        ))),
    }
}

fn page_start(input: &Value, key: &str) -> Result<usize, AwsError> {
    match str_field(input, key) {
        None | Some("") => Ok(0),
        Some(t) => t
            .parse()
            .map_err(|_| AwsError::invalid_parameter(format!("the {key} {t} is invalid"))),
    }
}

fn put_evaluations(
    s: &LocalConfig,
    input: &Value,
    record: &mut CallRecord,
) -> Result<Value, AwsError> {
    let evals = match input.get("Evaluations") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => {
            return Err(AwsError::new(
                StatusCode::BAD_REQUEST,
                "SerializationException",
                "Evaluations must be a list",
            ))
        }
    };
    record.evaluations = evals.len();
    let test_mode = input
        .get("TestMode")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    record.test_mode = test_mode;
    record.result_token = str_field(input, "ResultToken").map(str::to_string);
    {
        let mut st = s.lock();
        if st.faults.throttle_put > 0 {
            st.faults.throttle_put -= 1;
            return Err(AwsError::new(
                StatusCode::BAD_REQUEST,
                "ThrottlingException",
                "Rate exceeded",
            ));
        }
        if st.faults.server_error_put > 0 {
            st.faults.server_error_put -= 1;
            return Err(AwsError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalFailure",
                "injected server error",
            ));
        }
    }
    let token = match str_field(input, "ResultToken") {
        Some(t) if t.len() > MAX_TOKEN_BYTES => {
            return Err(AwsError::validation(format!(
                "the ResultToken is {} bytes long; the local endpoint takes at most {MAX_TOKEN_BYTES}",
                t.len()
            )))
        }
        Some(t) if !t.is_empty() => t.to_string(),
        _ => {
            return Err(AwsError::validation(
                "1 validation error detected: Value null at 'resultToken' failed to satisfy constraint: Member must not be null",
            ))
        }
    };
    if evals.len() > 100 {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'evaluations' failed to satisfy constraint: Member must have length less than or equal to 100 (got {})",
            evals.len()
        )));
    }
    let mut parsed = Vec::with_capacity(evals.len());
    for (i, e) in evals.iter().enumerate() {
        let text = |k: &str, min: usize, max: usize| -> Result<String, AwsError> {
            let v = str_field(e, k).ok_or_else(|| {
                AwsError::validation(format!("Value null at 'evaluations.{}.member.{k}' failed to satisfy constraint: Member must not be null", i + 1))
            })?;
            let n = v.chars().count();
            if n < min || n > max {
                return Err(AwsError::validation(format!(
                    "Value '{v}' at 'evaluations.{}.member.{k}' failed to satisfy constraint: Member must have length between {min} and {max}",
                    i + 1
                )));
            }
            Ok(v.to_string())
        };
        let resource_type = text("ComplianceResourceType", 1, 256)?;
        let resource_id = text("ComplianceResourceId", 1, 768)?;
        let ct = text("ComplianceType", 1, 64)?;
        let compliance = match Compliance::parse(&ct) {
            Some(c) => c,
            None if ct == "INSUFFICIENT_DATA" => {
                return Err(AwsError::invalid_parameter("The ComplianceType INSUFFICIENT_DATA is not supported for PutEvaluations"))
            }
            None => return Err(AwsError::validation(format!("Value '{ct}' at 'evaluations.{}.member.complianceType' is not a valid ComplianceType", i + 1))),
        };
        let annotation = match e.get("Annotation") {
            None | Some(Value::Null) => None,
            Some(_) => Some(text("Annotation", 1, 256)?),
        };
        let ordering = e
            .get("OrderingTimestamp")
            .filter(|v| !v.is_null())
            .ok_or_else(|| AwsError::validation(format!("Value null at 'evaluations.{}.member.orderingTimestamp' failed to satisfy constraint: Member must not be null", i + 1)))
            .and_then(|v| Timestamp::from_json(v).map_err(AwsError::validation))?;
        parsed.push((
            e.clone(),
            resource_type,
            resource_id,
            compliance,
            annotation,
            ordering,
        ));
    }
    let mut st = s.lock();
    if st.faults.fail_evaluations_put > 0 && !parsed.is_empty() {
        st.faults.fail_evaluations_put -= 1;
        return Ok(json!({"FailedEvaluations": evals}));
    }
    if test_mode {
        return Ok(json!({"FailedEvaluations": []}));
    }
    let rule = token.split('/').next().unwrap_or(&token).to_string();
    if !st.rules.contains(&rule) && st.rules.len() >= MAX_RULES {
        return Err(AwsError::new(
            StatusCode::BAD_REQUEST,
            "LimitExceededException",
            format!("the local endpoint keeps results for at most {MAX_RULES} rules (result-token prefixes)"),
        ));
    }
    let new_keys = parsed
        .iter()
        .filter(|p| {
            !st.results
                .contains_key(&(rule.clone(), p.1.clone(), p.2.clone()))
        })
        .count();
    if st.results.len() + new_keys > MAX_RESULTS {
        return Err(AwsError::new(
            StatusCode::BAD_REQUEST,
            "LimitExceededException",
            format!("the local endpoint keeps at most {MAX_RESULTS} results"),
        ));
    }
    st.rules.insert(rule.clone());
    let now = Timestamp::now();
    for (_, resource_type, resource_id, compliance, annotation, ordering) in parsed {
        let key = (rule.clone(), resource_type.clone(), resource_id.clone());
        if st
            .results
            .get(&key)
            .is_some_and(|old| old.ordering_timestamp > ordering)
        {
            continue; // an older result never replaces a newer one
        }
        st.results.insert(
            key,
            StoredEvaluation {
                config_rule_name: rule.clone(),
                resource_type,
                resource_id,
                compliance_type: compliance,
                annotation,
                ordering_timestamp: ordering,
                result_recorded_time: now,
                result_token: token.clone(),
            },
        );
    }
    Ok(json!({"FailedEvaluations": []}))
}

fn get_resource_config_history(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    let (Some(rt), Some(id)) = (
        str_field(input, "resourceType"),
        str_field(input, "resourceId"),
    ) else {
        return Err(AwsError::validation(
            "resourceType and resourceId are required",
        ));
    };
    let max = limit(input, "limit", 100)?;
    let later = input
        .get("laterTime")
        .map(Timestamp::from_json)
        .transpose()
        .map_err(AwsError::validation)?;
    let earlier = input
        .get("earlierTime")
        .map(Timestamp::from_json)
        .transpose()
        .map_err(AwsError::validation)?;
    let st = s.lock();
    let mut history: Vec<&ConfigurationItem> = st
        .items
        .iter()
        .filter(|i| i.resource_type == rt && i.resource_id == id)
        .collect();
    if history.is_empty() {
        return Err(AwsError::new(
            StatusCode::BAD_REQUEST,
            "ResourceNotDiscoveredException",
            format!("Resource {id} of resourceType:{rt} is unknown or has not been discovered"),
        ));
    }
    history.retain(|i| {
        let t = i.capture_time;
        later.is_none_or(|l| t.is_none_or(|t| t <= l))
            && earlier.is_none_or(|e| t.is_none_or(|t| t >= e))
    });
    history.sort_by_key(|i| std::cmp::Reverse(i.capture_time));
    if input.get("chronologicalOrder").and_then(Value::as_str) == Some("Forward") {
        history.reverse();
    }
    let start = page_start(input, "nextToken")?;
    let page: Vec<Value> = history
        .iter()
        .skip(start)
        .take(max)
        .map(|i| i.to_api_json())
        .collect();
    let mut out = json!({"configurationItems": page});
    if start.saturating_add(max) < history.len() {
        out["nextToken"] = json!((start + max).to_string());
    }
    Ok(out)
}

fn list_discovered_resources(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    let rt = str_field(input, "resourceType")
        .ok_or_else(|| AwsError::validation("resourceType is required"))?;
    let max = limit(input, "limit", 100)?;
    let ids: Option<Vec<&str>> = input
        .get("resourceIds")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect());
    if ids.as_ref().is_some_and(|i| i.len() > 20) {
        return Err(AwsError::validation(
            "resourceIds: Member must have length less than or equal to 20",
        ));
    }
    let include_deleted = input
        .get("includeDeletedResources")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let name = str_field(input, "resourceName");
    // The token is the id of the last resource handed out: pages follow the index in
    // resource id order.
    let start = match str_field(input, "nextToken").filter(|t| !t.is_empty()) {
        Some(t) => Bound::Excluded((rt.to_string(), t.to_string())),
        None => Bound::Included((rt.to_string(), String::new())),
    };
    let st = s.lock();
    let keep = |item: &ConfigurationItem| {
        (include_deleted
            || !matches!(
                item.status.as_str(),
                "ResourceDeleted" | "ResourceDeletedNotRecorded"
            ))
            && name.is_none_or(|n| item.resource_name.as_deref() == Some(n))
    };
    let candidates: Box<dyn Iterator<Item = (&(String, String), &usize)>> = match &ids {
        // At most 20 ids: look each up (in id order, as a listing is).
        Some(ids) => {
            let mut wanted: Vec<&str> = ids.clone();
            wanted.sort_unstable();
            wanted.dedup();
            let after = match &start {
                Bound::Excluded((_, t)) => Some(t.clone()),
                _ => None,
            };
            Box::new(
                wanted
                    .into_iter()
                    .filter(move |id| after.as_deref().is_none_or(|a| *id > a))
                    .filter_map(|id| st.latest.get_key_value(&(rt.to_string(), id.to_string()))),
            )
        }
        None => Box::new(
            st.latest
                .range((start, Bound::Unbounded))
                .take_while(|((t, _), _)| t == rt),
        ),
    };
    let mut page = Vec::with_capacity(max);
    let mut next = None;
    for ((_, id), &i) in candidates {
        let item = &st.items[i];
        if !keep(item) {
            continue;
        }
        if page.len() == max {
            // One more matches: the page ends at the last one handed out.
            next = page
                .last()
                .map(|v: &Value| v["resourceId"].as_str().unwrap_or_default().to_string());
            break;
        }
        let mut v = json!({"resourceType": item.resource_type, "resourceId": id});
        if let Some(n) = &item.resource_name {
            v["resourceName"] = json!(n);
        }
        page.push(v);
    }
    let mut out = json!({ "resourceIdentifiers": page });
    if let Some(t) = next {
        out["nextToken"] = json!(t);
    }
    Ok(out)
}

/// One page of `all`: from the position the request's `token` names, under `list_key`,
/// with the next position under the same token name while more remain.
fn paged(
    all: Vec<Value>,
    input: &Value,
    token: &str,
    list_key: &str,
    max: usize,
) -> Result<Value, AwsError> {
    let start = page_start(input, token)?;
    let more = start.saturating_add(max) < all.len();
    let page: Vec<Value> = all.into_iter().skip(start).take(max).collect();
    let mut out = json!({ list_key: page });
    if more {
        out[token] = json!((start + max).to_string());
    }
    Ok(out)
}

fn batch_get_resource_config(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    let keys = input
        .get("resourceKeys")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if keys.is_empty() || keys.len() > 100 {
        return Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'resourceKeys' failed to satisfy constraint: Member must have length between 1 and 100 (got {})",
            keys.len()
        )));
    }
    let split = s.take_unprocessed();
    let st = s.lock();
    let mut found = Vec::new();
    let mut unprocessed = Vec::new();
    for (n, k) in keys.iter().enumerate() {
        if split && n % 2 == 1 {
            unprocessed.push(k.clone());
            continue;
        }
        let (Some(rt), Some(id)) = (str_field(k, "resourceType"), str_field(k, "resourceId"))
        else {
            return Err(AwsError::validation(
                "each resource key needs resourceType and resourceId",
            ));
        };
        if let Some(item) = st
            .latest
            .get(&(rt.to_string(), id.to_string()))
            .map(|&i| &st.items[i])
            .filter(|i| i.is_evaluable())
        {
            found.push(base_item_json(item));
        }
    }
    Ok(json!({"baseConfigurationItems": found, "unprocessedResourceKeys": unprocessed}))
}

/// An item as the batch reads return it (`BaseConfigurationItem`): no tags,
/// relationships, related events or MD5 hash.
fn base_item_json(item: &ConfigurationItem) -> Value {
    let mut v = item.to_api_json();
    if let Some(o) = v.as_object_mut() {
        for k in [
            "tags",
            "relationships",
            "relatedEvents",
            "configurationItemMD5Hash",
        ] {
            o.remove(k);
        }
    }
    v
}

fn get_compliance_details(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    let rule = str_field(input, "ConfigRuleName")
        .ok_or_else(|| AwsError::validation("ConfigRuleName is required"))?;
    let max = limit(input, "Limit", 100)?;
    let types: Vec<&str> = input
        .get("ComplianceTypes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let st = s.lock();
    let all: Vec<&StoredEvaluation> = st
        .results
        .values()
        .filter(|e| e.config_rule_name == rule)
        .filter(|e| types.is_empty() || types.contains(&e.compliance_type.as_str()))
        .collect();
    let start = page_start(input, "NextToken")?;
    let page: Vec<Value> = all
        .iter()
        .skip(start)
        .take(max)
        .map(|e| {
            let mut v = json!({
                "EvaluationResultIdentifier": {
                    "EvaluationResultQualifier": {"ConfigRuleName": e.config_rule_name, "ResourceType": e.resource_type, "ResourceId": e.resource_id},
                    "OrderingTimestamp": e.ordering_timestamp.epoch_secs_f64(),
                },
                "ComplianceType": e.compliance_type.as_str(),
                "ResultRecordedTime": e.result_recorded_time.epoch_secs_f64(),
                "ConfigRuleInvokedTime": e.result_recorded_time.epoch_secs_f64(),
            });
            if let Some(a) = &e.annotation {
                v["Annotation"] = json!(a);
            }
            v
        })
        .collect();
    let mut out = json!({"EvaluationResults": page});
    if start.saturating_add(max) < all.len() {
        out["NextToken"] = json!((start + max).to_string());
    }
    Ok(out)
}

/// Notes a PutEvaluations call in its rule's runs (the rule is the result token's prefix,
/// as for stored results); a call without a token names no rule.
fn note_run(s: &LocalConfig, input: &Value, error: Option<&AwsError>) {
    let Some(token) = str_field(input, "ResultToken").filter(|t| !t.is_empty()) else {
        return;
    };
    if token.len() > MAX_TOKEN_BYTES {
        return;
    }
    let rule = token.split('/').next().unwrap_or(token).to_string();
    let mut st = s.lock();
    if !st.runs.contains_key(&rule) && st.runs.len() >= MAX_RULES {
        return;
    }
    let now = Timestamp::now();
    let runs = st.runs.entry(rule).or_default();
    runs.first.get_or_insert(now);
    match error {
        None => runs.last_success = Some(now),
        Some(e) => {
            runs.last_failure = Some(now);
            runs.last_error = Some((e.code.to_string(), e.message.clone()));
        }
    }
}

/// `ConfigRuleNames` of a request (absent: every rule), at most `max` of them.
fn rule_names(input: &Value, max: usize) -> Result<Option<Vec<String>>, AwsError> {
    match input.get("ConfigRuleNames") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Array(a)) if a.len() <= max => Ok(Some(
            a.iter().filter_map(Value::as_str).map(str::to_string).collect(),
        )),
        Some(Value::Array(a)) => Err(AwsError::validation(format!(
            "1 validation error detected: Value at 'configRuleNames' failed to satisfy constraint: Member must have length less than or equal to {max} (got {})",
            a.len()
        ))),
        Some(_) => Err(AwsError::validation("ConfigRuleNames must be a list of rule names")),
    }
}

fn no_such_rule(name: &str) -> AwsError {
    AwsError::new(
        StatusCode::BAD_REQUEST,
        "NoSuchConfigRuleException",
        format!("The ConfigRule '{name}' provided in the request is invalid. Please check the configRule name"),
    )
}

/// DescribeComplianceByConfigRule: per rule, NON_COMPLIANT with the number of
/// non-compliant resources (capped at 100, as Config caps it), COMPLIANT when every
/// judged resource is, INSUFFICIENT_DATA when nothing was judged.
fn describe_compliance_by_rule(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    let names = rule_names(input, 25)?;
    let types: Vec<&str> = input
        .get("ComplianceTypes")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let st = s.lock();
    let known: Vec<String> = st
        .rules
        .iter()
        .chain(st.runs.keys())
        .cloned()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let rules = match names {
        Some(n) => {
            if let Some(missing) = n.iter().find(|r| !known.contains(r)) {
                return Err(no_such_rule(missing));
            }
            n
        }
        None => known,
    };
    let mut all = Vec::new();
    for rule in &rules {
        let mut non_compliant = 0usize;
        let mut compliant = 0usize;
        for e in st.results.values().filter(|e| &e.config_rule_name == rule) {
            match e.compliance_type {
                Compliance::NonCompliant => non_compliant += 1,
                Compliance::Compliant => compliant += 1,
                Compliance::NotApplicable => {}
            }
        }
        let compliance = if non_compliant > 0 {
            json!({"ComplianceType": "NON_COMPLIANT", "ComplianceContributorCount": {"CappedCount": non_compliant.min(100), "CapExceeded": non_compliant > 100}})
        } else if compliant > 0 {
            json!({"ComplianceType": "COMPLIANT"})
        } else {
            json!({"ComplianceType": "INSUFFICIENT_DATA"})
        };
        if types.is_empty() || types.contains(&compliance["ComplianceType"].as_str().unwrap_or(""))
        {
            all.push(json!({"ConfigRuleName": rule, "Compliance": compliance}));
        }
    }
    paged(all, input, "NextToken", "ComplianceByConfigRules", 25)
}

/// DescribeConfigRuleEvaluationStatus: per rule, its first, last successful and last
/// failed runs, and the last error.
fn describe_evaluation_status(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    let names = rule_names(input, 50)?;
    let max = limit(input, "Limit", 50)?;
    let st = s.lock();
    let rules: Vec<String> = match names {
        Some(n) => {
            if let Some(missing) = n.iter().find(|r| !st.runs.contains_key(*r)) {
                return Err(no_such_rule(missing));
            }
            n
        }
        None => st.runs.keys().cloned().collect(),
    };
    let all: Vec<Value> = rules
        .iter()
        .map(|rule| {
            let r = &st.runs[rule];
            // A stand-in id: the rule's place among the rules the endpoint knows.
            let id = format!(
                "config-rule-{:06}",
                st.runs.keys().position(|k| k == rule).unwrap_or(0)
            );
            let mut v = json!({
                "ConfigRuleName": rule,
                "ConfigRuleArn": format!("arn:aws:config:us-east-1:123456789012:config-rule/{id}"),
                "ConfigRuleId": id,
                "FirstEvaluationStarted": r.first.is_some(),
            });
            let t = |ts: &Option<Timestamp>| ts.map(|t| json!(t.epoch_secs_f64()));
            if let Some(f) = t(&r.first) {
                v["FirstActivatedTime"] = f;
            }
            if let Some(ok) = t(&r.last_success) {
                v["LastSuccessfulInvocationTime"] = ok.clone();
                v["LastSuccessfulEvaluationTime"] = ok;
            }
            if let Some(bad) = t(&r.last_failure) {
                v["LastFailedInvocationTime"] = bad.clone();
                v["LastFailedEvaluationTime"] = bad;
            }
            if let Some((code, message)) = &r.last_error {
                v["LastErrorCode"] = json!(code);
                v["LastErrorMessage"] = json!(message);
            }
            v
        })
        .collect();
    paged(all, input, "NextToken", "ConfigRulesEvaluationStatus", max)
}

/// StartConfigRulesEvaluation: recorded (the local endpoint invokes no function); at
/// most 25 rules a call, as Config takes.
fn start_evaluation(s: &LocalConfig, input: &Value) -> Result<Value, AwsError> {
    let names = rule_names(input, 25)?.unwrap_or_default();
    if names.is_empty() {
        return Err(AwsError::validation(
            "1 validation error detected: Value at 'configRuleNames' failed to satisfy constraint: Member must have length greater than or equal to 1",
        ));
    }
    let mut st = s.lock();
    if st.started.len() < MAX_CALLS {
        st.started.push(names);
    }
    Ok(json!({}))
}
