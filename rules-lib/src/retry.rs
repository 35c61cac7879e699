//! Retries with exponential backoff and full jitter, for every Config API call.
//!
//! [`Retrying`] wraps any [`ConfigApi`] and retries the calls that failed with
//! [`ApiError::Retryable`] (throttling, 5xx, timeouts). It is the one retry mechanism
//! of the runtime: the SDK client's own retries are turned off so attempts do not
//! multiply.

use std::time::Duration;

use crate::config_api::{
    AggregateBatch, AggregatePage, AggregateResourceKey, AggregatorApi, BoxFuture,
    ComplianceRecord, ConfigApi, ResourceKey,
};
use crate::error::ApiError;
use crate::evaluation::Evaluation;
use crate::item::{ConfigurationItem, Timestamp};

/// How often and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts per call, the first included.
    pub max_attempts: u32,
    /// First backoff; doubled each attempt.
    pub base_delay: Duration,
    /// Longest single backoff.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    /// 8 attempts, 100 ms doubling to at most 5 s: about 15 s in the worst case, well
    /// inside a rule function's timeout.
    fn default() -> Self {
        Self {
            max_attempts: 8,
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
        }
    }
}

impl RetryPolicy {
    /// The default, adjusted by `FERRULE_MAX_ATTEMPTS` and `FERRULE_RETRY_BASE_MS`
    /// when set (invalid values are ignored).
    pub fn from_env() -> Self {
        let mut p = Self::default();
        if let Some(n) = std::env::var("FERRULE_MAX_ATTEMPTS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            p.max_attempts = std::cmp::max(1, n);
        }
        if let Some(ms) = std::env::var("FERRULE_RETRY_BASE_MS")
            .ok()
            .and_then(|v| v.parse().ok())
        {
            p.base_delay = Duration::from_millis(ms);
        }
        p
    }

    /// The backoff before attempt `attempt + 1` (full jitter over the exponential cap).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let cap = self
            .base_delay
            .saturating_mul(1u32 << attempt.min(20))
            .min(self.max_delay);
        let nanos = cap.as_nanos() as u64;
        if nanos == 0 {
            return cap;
        }
        Duration::from_nanos(jitter(nanos / 2) + nanos / 2)
    }

    /// Runs `call` until it succeeds, fails for good, or attempts run out. Each retry
    /// counts in [`retries`].
    pub async fn run<T, F, Fut>(&self, mut call: F) -> Result<T, ApiError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ApiError>>,
    {
        let mut attempt = 0;
        loop {
            match call().await {
                Err(err) if err.is_retryable() && attempt + 1 < self.max_attempts => {
                    let wait = self.backoff(attempt);
                    tracing::warn!(error = %err, attempt = attempt + 1, wait_ms = wait.as_millis() as u64, "retrying AWS call");
                    RETRIES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                Err(ApiError::Retryable { operation, message }) => {
                    return Err(ApiError::Retryable {
                        operation,
                        message: format!("{message} (gave up after {} attempts)", attempt + 1),
                    })
                }
                other => return other,
            }
        }
    }
}

/// AWS calls retried by this process so far. Lambda runs one invocation at a time per
/// process, so the difference across an invocation is that invocation's retries (the
/// `Retries` metric).
pub fn retries() -> u64 {
    RETRIES.load(std::sync::atomic::Ordering::Relaxed)
}

static RETRIES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// A cheap uniform-ish value in `0..=max` without a random-number dependency.
fn jitter(max: u64) -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or_default(),
    );
    h.finish() % (max + 1)
}

/// A [`ConfigApi`] whose calls are retried by a [`RetryPolicy`].
#[derive(Debug, Clone)]
pub struct Retrying<A> {
    inner: A,
    policy: RetryPolicy,
}

impl<A: ConfigApi> Retrying<A> {
    /// Wraps `inner`.
    pub fn new(inner: A, policy: RetryPolicy) -> Self {
        Self { inner, policy }
    }

    /// The wrapped API.
    pub fn inner(&self) -> &A {
        &self.inner
    }
}

/// Each page and each batch is retried on its own, so a throttled page costs one more
/// call, never a listing from the start.
impl<A: AggregatorApi> AggregatorApi for Retrying<A> {
    fn list_aggregate_resources_page<'a>(
        &'a self,
        aggregator: &'a str,
        resource_type: &'a str,
        next_token: Option<&'a str>,
    ) -> BoxFuture<'a, Result<AggregatePage, ApiError>> {
        Box::pin(self.policy.run(move || {
            self.inner
                .list_aggregate_resources_page(aggregator, resource_type, next_token)
        }))
    }

    fn batch_get_aggregate_resource_config<'a>(
        &'a self,
        aggregator: &'a str,
        keys: &'a [AggregateResourceKey],
    ) -> BoxFuture<'a, Result<AggregateBatch, ApiError>> {
        Box::pin(self.policy.run(move || {
            self.inner
                .batch_get_aggregate_resource_config(aggregator, keys)
        }))
    }
}

impl<A: ConfigApi> ConfigApi for Retrying<A> {
    fn get_latest_item<'a>(
        &'a self,
        resource_type: &'a str,
        resource_id: &'a str,
        later_time: Option<Timestamp>,
    ) -> BoxFuture<'a, Result<Option<ConfigurationItem>, ApiError>> {
        Box::pin(self.policy.run(move || {
            self.inner
                .get_latest_item(resource_type, resource_id, later_time)
        }))
    }

    fn list_discovered_resources<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ResourceKey>, ApiError>> {
        Box::pin(
            self.policy
                .run(move || self.inner.list_discovered_resources(resource_type)),
        )
    }

    fn batch_get_resource_config<'a>(
        &'a self,
        keys: &'a [ResourceKey],
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>> {
        Box::pin(
            self.policy
                .run(move || self.inner.batch_get_resource_config(keys)),
        )
    }

    fn compliance_results<'a>(
        &'a self,
        config_rule_name: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ComplianceRecord>, ApiError>> {
        Box::pin(
            self.policy
                .run(move || self.inner.compliance_results(config_rule_name)),
        )
    }

    fn put_evaluations<'a>(
        &'a self,
        evaluations: &'a [Evaluation],
        result_token: &'a str,
        test_mode: bool,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, ApiError>> {
        Box::pin(self.policy.run(move || {
            self.inner
                .put_evaluations(evaluations, result_token, test_mode)
        }))
    }
}
