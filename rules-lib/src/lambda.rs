//! `run(rule)`: the Lambda function around one rule.
//!
//! At init: JSON logging, the SDK configuration and the Config client are built once.
//! Per invocation: parse the payload, validate parameters (invalid ones fail the
//! invocation with `InvalidParameterValueException` and nothing is sent), choose
//! credentials (see [`crate::credentials`]), run the [`crate::engine`], deliver with
//! [`crate::deliver`]. Any evaluation that could not be delivered fails the invocation,
//! so Lambda and Config retry it.

use std::collections::HashMap;
use std::sync::Arc;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::ProvideCredentials;
use lambda_runtime::{service_fn, Diagnostic, LambdaEvent};
use serde_json::{json, Value};
use thiserror::Error;
use tokio::sync::Mutex;
use tracing::Instrument;

use crate::config_api::SdkConfigApi;
use crate::credentials::{
    choose_role, CrossAccountError, RoleChoice, SESSION_NAME, SESSION_SECONDS,
};
use crate::deliver::{deliver, DeliveryError};
use crate::engine::{evaluate_event, parse_parameters, EngineError};
use crate::error::{EventError, ParamError};
use crate::evaluation::Compliance;
use crate::event::Event;
use crate::iam_api::{IamApi, SdkIamApi};
use crate::metrics::InvocationMetrics;
use crate::retry::{RetryPolicy, Retrying};
use crate::rule::{Rule, RuleKind};

/// Why an invocation failed. The Lambda error type says whether a retry can help.
#[derive(Error)]
pub enum InvocationError {
    /// The payload is not an AWS Config rule event. Retrying will not help.
    #[error("the invocation payload is not an AWS Config rule event: {0}")]
    InvalidEvent(#[from] EventError),
    /// Invalid rule parameters. Config shows the rule in ERROR; nothing was sent.
    #[error("{0}")]
    InvalidParameters(#[from] ParamError),
    /// Cross-account credentials could not be had.
    #[error(transparent)]
    CrossAccount(#[from] CrossAccountError),
    /// The engine failed (API errors, oversized item missing, rule failure).
    #[error(transparent)]
    Engine(EngineError),
    /// Evaluations were not delivered.
    #[error(transparent)]
    Delivery(#[from] DeliveryError),
    /// The invocation's deadline came before the work was done: it stopped itself,
    /// with time left to say so, instead of being killed by Lambda. Whatever was
    /// delivered before stays delivered; Config retries the invocation.
    #[error(
        "stopped {margin_ms} ms before the invocation's deadline with the work unfinished \
         (AWS Config was slow or kept failing); nothing is lost: the invocation fails so that \
         Config retries it. If this recurs, raise the function's timeout"
    )]
    DeadlineReached {
        /// How long before the deadline it stopped.
        margin_ms: u64,
    },
}

impl From<EngineError> for InvocationError {
    fn from(e: EngineError) -> Self {
        match e {
            EngineError::InvalidParameters(p) => Self::InvalidParameters(p),
            other => Self::Engine(other),
        }
    }
}

impl std::fmt::Debug for InvocationError {
    // lambda_runtime logs the handler's error with `{:?}`: keep it the readable message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.error_type(), self)
    }
}

impl InvocationError {
    /// The Lambda `errorType`.
    pub fn error_type(&self) -> &'static str {
        match self {
            Self::InvalidEvent(_) => "InvalidEventException",
            Self::InvalidParameters(_) => "InvalidParameterValueException",
            Self::CrossAccount(CrossAccountError::AssumeFailed {
                access_denied: true,
                ..
            }) => "AccessDeniedException",
            Self::CrossAccount(_) => "CrossAccountConfigurationException",
            Self::Engine(EngineError::Api(_)) => "ConfigApiException",
            Self::Engine(EngineError::OversizedItemNotFound { .. }) => "ResourceNotFoundException",
            Self::Engine(_) => "RuleEvaluationException",
            Self::Delivery(_) => "EvaluationDeliveryException",
            Self::DeadlineReached { .. } => "DeadlineReachedException",
        }
    }
}

impl From<InvocationError> for Diagnostic {
    fn from(e: InvocationError) -> Self {
        Diagnostic {
            error_type: e.error_type().to_string(),
            error_message: e.to_string(),
        }
    }
}

/// Sets up JSON logs on stdout. The level comes from `RUST_LOG`, else
/// `AWS_LAMBDA_LOG_LEVEL` (Lambda's advanced logging controls), else `info`.
pub fn init_tracing() {
    let level = std::env::var("RUST_LOG")
        .ok()
        .or_else(|| {
            std::env::var("AWS_LAMBDA_LOG_LEVEL").ok().map(|l| {
                match l.to_ascii_lowercase().as_str() {
                    "fatal" => "error".to_string(),
                    other => other.to_string(),
                }
            })
        })
        .unwrap_or_else(|| "info".into());
    // The SDK's own chatter stays at warn unless asked for explicitly. `Targets` takes
    // `target=level` directives (RUST_LOG's common form) without pulling in a regex
    // engine, which keeps the function binary smaller.
    use tracing_subscriber::filter::{LevelFilter, Targets};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let filter: Targets = format!("warn,rules_lib={level},functions={level}")
        .parse()
        .or_else(|_| level.parse())
        .unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO));
    let layer = tracing_subscriber::fmt::layer()
        .json()
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .with_ansi(false);
    let _ = tracing_subscriber::registry()
        .with(layer)
        .with(filter)
        .try_init();
}

/// The error `run` ends with (the runtime could not start or lost its API).
pub type LambdaError = lambda_runtime::Error;

/// Runs the Lambda runtime loop for `rule`.
pub async fn run(rule: &'static dyn Rule) -> Result<(), LambdaError> {
    init_tracing();
    let sdk = aws_config::defaults(BehaviorVersion::latest()).load().await;
    let function = Arc::new(RuleFunction::new(rule, sdk));
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| {
        let function = Arc::clone(&function);
        async move {
            let own_account = event
                .context
                .invoked_function_arn
                .split(':')
                .nth(4)
                .map(str::to_string);
            let deadline =
                std::time::UNIX_EPOCH + std::time::Duration::from_millis(event.context.deadline);
            let request_id = event.context.request_id.clone();
            // Every log line of the invocation carries its request ID.
            let span = tracing::info_span!("invocation", request_id = %request_id);
            let (result, metrics) = function
                .measured(event.payload, own_account.as_deref(), deadline)
                .instrument(span)
                .await;
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64);
            println!("{}", metrics.emf_line(&request_id, now_ms));
            result
        }
    }))
    .await
}

/// The clients of one set of credentials: Config always, IAM for account rules. Built
/// once at init (or once per assumed role), never per invocation.
type Clients = Arc<(Retrying<SdkConfigApi>, Option<SdkIamApi>)>;

fn clients_for(rule: &dyn Rule, sdk: &SdkConfig, policy: RetryPolicy) -> Clients {
    let api = Retrying::new(SdkConfigApi::from_sdk_config(sdk), policy);
    let iam = matches!(rule.kind(), RuleKind::Account(_)).then(|| SdkIamApi::from_sdk_config(sdk));
    Arc::new((api, iam))
}

/// How long before the invocation's deadline a function stops its work and fails with
/// a clear error: enough to write the log line and the error response.
pub const DEADLINE_MARGIN: std::time::Duration = std::time::Duration::from_millis(500);

/// One rule's function: the clients built at init, and the invocation handler.
pub struct RuleFunction {
    rule: &'static dyn Rule,
    own_sdk: SdkConfig,
    own: Clients,
    policy: RetryPolicy,
    assumed: Mutex<HashMap<(String, Option<String>), Clients>>,
}

impl RuleFunction {
    /// Builds the function's own clients from `sdk`.
    pub fn new(rule: &'static dyn Rule, sdk: SdkConfig) -> Self {
        let policy = RetryPolicy::from_env();
        Self {
            rule,
            own: clients_for(rule, &sdk, policy),
            own_sdk: sdk,
            policy,
            assumed: Mutex::new(HashMap::new()),
        }
    }

    /// Handles one invocation payload: [`RuleFunction::handle`], stopped
    /// [`DEADLINE_MARGIN`] before `deadline` (the invocation's, from the Lambda context)
    /// with [`InvocationError::DeadlineReached`]: retries and slow calls never run into
    /// Lambda's own timeout, which would kill the process without a word.
    pub async fn handle_before(
        &self,
        payload: Value,
        own_account: Option<&str>,
        deadline: std::time::SystemTime,
    ) -> Result<Value, InvocationError> {
        self.measured(payload, own_account, deadline).await.0
    }

    /// [`RuleFunction::handle_before`], with the invocation's figures for its metrics
    /// line ([`InvocationMetrics`]), whichever way it ended.
    pub async fn measured(
        &self,
        payload: Value,
        own_account: Option<&str>,
        deadline: std::time::SystemTime,
    ) -> (Result<Value, InvocationError>, InvocationMetrics) {
        let started = std::time::Instant::now();
        let retries_before = crate::retry::retries();
        let figures = std::sync::Mutex::new(InvocationMetrics::new(self.rule.spec().name));
        let result = self.until(payload, own_account, deadline, &figures).await;
        let mut m = figures
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        m.failed = result.is_err();
        m.retries = crate::retry::retries().saturating_sub(retries_before);
        m.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        if let Err(e) = &result {
            m.undelivered = match e {
                InvocationError::Delivery(d) => {
                    m.put_evaluations_calls = d.report.calls;
                    m.resent = d.report.resent;
                    d.undelivered.len()
                }
                // Stopped before delivery finished (the deadline): what was judged and
                // not reported delivered counts as undelivered.
                _ if m.put_evaluations_calls == 0 => m.evaluated(),
                _ => 0,
            };
        }
        (result, m)
    }

    async fn until(
        &self,
        payload: Value,
        own_account: Option<&str>,
        deadline: std::time::SystemTime,
        figures: &std::sync::Mutex<InvocationMetrics>,
    ) -> Result<Value, InvocationError> {
        let remaining = deadline
            .duration_since(std::time::SystemTime::now())
            .unwrap_or_default();
        tracing::debug!(
            remaining_ms = remaining.as_millis() as u64,
            "invocation deadline"
        );
        if remaining <= DEADLINE_MARGIN {
            // Lambda never starts an invocation past its deadline; an emulator that
            // builds the function after the invocation arrived (`cargo lambda watch`)
            // does. Stopping at once would fail every such invocation for nothing.
            tracing::warn!(
                remaining_ms = remaining.as_millis() as u64,
                "the invocation began at or past its deadline; running it without one"
            );
            return self.logged(payload, own_account, figures).await;
        }
        let left = remaining - DEADLINE_MARGIN;
        match tokio::time::timeout(left, self.logged(payload, own_account, figures)).await {
            Ok(result) => result,
            Err(_) => {
                let e = InvocationError::DeadlineReached {
                    margin_ms: DEADLINE_MARGIN.as_millis() as u64,
                };
                tracing::error!(rule = self.rule.spec().name, error_type = e.error_type(), error = %e, "invocation failed");
                Err(e)
            }
        }
    }

    /// Handles one invocation payload, without a deadline.
    pub async fn handle(
        &self,
        payload: Value,
        own_account: Option<&str>,
    ) -> Result<Value, InvocationError> {
        let figures = std::sync::Mutex::new(InvocationMetrics::new(self.rule.spec().name));
        self.logged(payload, own_account, &figures).await
    }

    async fn logged(
        &self,
        payload: Value,
        own_account: Option<&str>,
        figures: &std::sync::Mutex<InvocationMetrics>,
    ) -> Result<Value, InvocationError> {
        let name = self.rule.spec().name;
        let result = self.handle_inner(payload, own_account, figures).await;
        if let Err(e) = &result {
            tracing::error!(rule = name, error_type = e.error_type(), error = %e, "invocation failed");
        }
        result
    }

    async fn handle_inner(
        &self,
        payload: Value,
        own_account: Option<&str>,
        figures: &std::sync::Mutex<InvocationMetrics>,
    ) -> Result<Value, InvocationError> {
        let spec = self.rule.spec();
        let event = Event::from_value(&payload)?;
        tracing::info!(
            rule = spec.name,
            config_rule = event.config_rule_name.as_deref().unwrap_or(""),
            message_type = event.invoking_event.message_type(),
            event_left_scope = event.event_left_scope,
            function_account = own_account.unwrap_or(""),
            "invoked"
        );
        let (_, runtime) = parse_parameters(self.rule, &event)?;
        let clients = match choose_role(&event, &runtime, own_account)? {
            RoleChoice::Own => Arc::clone(&self.own),
            RoleChoice::Assume {
                role_arn,
                region,
                because,
            } => {
                tracing::info!(role_arn = %role_arn, because, "using assumed-role credentials");
                self.assumed_clients(role_arn, region, because).await?
            }
        };
        let (api, iam) = (&clients.0, clients.1.as_ref());
        let evaluations =
            evaluate_event(self.rule, &event, api, iam.map(|i| i as &dyn IamApi)).await?;
        let mut counts = [0usize; 3];
        for e in &evaluations {
            counts[e.compliance_type as usize] += 1;
            if e.compliance_type == Compliance::NonCompliant {
                tracing::info!(
                    resource_type = %e.compliance_resource_type,
                    resource_id = %e.compliance_resource_id,
                    annotation = e.annotation.as_deref().unwrap_or(""),
                    "NON_COMPLIANT"
                );
            } else {
                tracing::debug!(resource_type = %e.compliance_resource_type, resource_id = %e.compliance_resource_id, compliance = %e.compliance_type, "evaluated");
            }
        }
        if let Ok(mut m) = figures.lock() {
            m.compliant = counts[0];
            m.non_compliant = counts[1];
            m.not_applicable = counts[2];
        }
        let report = deliver(api, &evaluations, &event.result_token).await?;
        if let Ok(mut m) = figures.lock() {
            m.put_evaluations_calls = report.calls;
            m.resent = report.resent;
        }
        tracing::info!(
            rule = spec.name,
            compliant = counts[0],
            non_compliant = counts[1],
            not_applicable = counts[2],
            calls = report.calls,
            resent = report.resent,
            test_mode = report.test_mode,
            "evaluations delivered"
        );
        Ok(json!({
            "rule": spec.name,
            "messageType": event.invoking_event.message_type(),
            "evaluations": evaluations.len(),
            "compliant": counts[0],
            "nonCompliant": counts[1],
            "notApplicable": counts[2],
            "putEvaluationsCalls": report.calls,
            "resent": report.resent,
            "testMode": report.test_mode,
        }))
    }

    async fn assumed_clients(
        &self,
        role_arn: String,
        region: Option<String>,
        because: &'static str,
    ) -> Result<Clients, CrossAccountError> {
        let key = (role_arn.clone(), region.clone());
        let mut cache = self.assumed.lock().await;
        if let Some(c) = cache.get(&key) {
            return Ok(Arc::clone(c));
        }
        let base = &self.own_sdk;
        let region = region.map(Region::new).or_else(|| base.region().cloned());
        let mut builder = aws_config::sts::AssumeRoleProvider::builder(&role_arn)
            .session_name(SESSION_NAME)
            .session_length(std::time::Duration::from_secs(SESSION_SECONDS))
            .configure(base);
        if let Some(r) = region.clone() {
            builder = builder.region(r);
        }
        let provider = builder.build().await;
        // Fetch once now so an AccessDenied is reported against the role, not later
        // as an opaque failure of the first Config call.
        if let Err(e) = provider.provide_credentials().await {
            let reason = format!("{}", aws_sdk_config::error::DisplayErrorContext(&e));
            return Err(CrossAccountError::AssumeFailed {
                access_denied: reason.contains("AccessDenied"),
                role_arn,
                because,
                reason,
            });
        }
        let mut sdk_builder = base.to_builder().credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(provider),
        );
        if let Some(r) = region {
            sdk_builder = sdk_builder.region(r);
        }
        let sdk = sdk_builder.build();
        let clients = clients_for(self.rule, &sdk, self.policy);
        cache.insert(key, Arc::clone(&clients));
        Ok(clients)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_denied_says_which_role_trust_and_parameters_to_check() {
        let e = InvocationError::CrossAccount(CrossAccountError::AssumeFailed {
            role_arn: "arn:aws:iam::222222222222:role/config-role".into(),
            because: "the rule's account differs from the function's account",
            reason: "AccessDenied: not authorized to perform sts:AssumeRole".into(),
            access_denied: true,
        });
        assert_eq!(e.error_type(), "AccessDeniedException");
        let msg = e.to_string();
        for needle in [
            "arn:aws:iam::222222222222:role/config-role",
            "trust policy",
            "sts:AssumeRole",
            "ExecutionRoleName",
            "AssumeRoleMode",
        ] {
            assert!(msg.contains(needle), "{needle}: {msg}");
        }
        let d: Diagnostic = e.into();
        assert_eq!(d.error_type, "AccessDeniedException");
    }

    #[test]
    fn invalid_parameters_read_as_invalid_parameter_value_exception() {
        let e: InvocationError = EngineError::InvalidParameters(ParamError::Missing {
            name: "runtime".into(),
            expected: "a list".into(),
        })
        .into();
        assert_eq!(e.error_type(), "InvalidParameterValueException");
        assert!(e.to_string().contains("runtime"));
    }
}
