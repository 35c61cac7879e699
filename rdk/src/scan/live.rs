//! The live sources of a scan: one account and region through the Config API
//! (ListDiscoveredResources, then BatchGetResourceConfig), or every account and region
//! of a configuration aggregator (ListAggregateDiscoveredResources, then
//! BatchGetAggregateResourceConfig).
//!
//! Only the resource types the selected rules judge are listed. Every call is retried
//! with backoff on throttling by [`rules_lib::retry::Retrying`] (`FERRULE_MAX_ATTEMPTS`,
//! `FERRULE_RETRY_BASE_MS`).
//!
//! The aggregator read is a pipeline that never holds more than a few pages of keys:
//! list pages of 100 identifiers (one type after another) feed a queue; whenever it
//! holds 100 keys a BatchGetAggregateResourceConfig call takes them (up to
//! [`BATCHES_IN_FLIGHT`] at once, keys of several types in one call); keys the service
//! leaves unprocessed go back to the front of the queue and ride with the next batch,
//! so no call is spent on a handful of keys. The items stream on to the scan's workers
//! as each batch arrives.

use std::collections::VecDeque;
use std::sync::Arc;

use rules_lib::config_api::{
    AggregateBatch, AggregatePage, AggregateResourceKey, AggregatorApi, ConfigApi, SdkConfigApi,
    MAX_BATCH_KEYS, MAX_UNPROCESSED_ROUNDS,
};
use rules_lib::retry::{RetryPolicy, Retrying};
use rules_lib::{ApiError, Rule};

use super::source::{ItemResult, Skipped};
use crate::commands::CliError;

/// BatchGetAggregateResourceConfig calls in flight at once.
pub const BATCHES_IN_FLIGHT: usize = 4;

/// The resource types the rules judge (item rules' scopes and set rules' sources),
/// sorted, each once.
pub fn judged_types(selected: &[&'static dyn Rule]) -> Vec<&'static str> {
    let mut types: Vec<&'static str> = selected
        .iter()
        .flat_map(|r| {
            let spec = r.spec();
            let mut t: Vec<&'static str> = if matches!(r.kind(), rules_lib::RuleKind::Item(_)) {
                spec.resource_types.to_vec()
            } else {
                Vec::new()
            };
            t.extend(r.kept_types().iter().copied());
            t
        })
        .collect();
    types.sort_unstable();
    types.dedup();
    types
}

/// Reads the account through the Config API: ListDiscoveredResources for every type the
/// rules need, then BatchGetResourceConfig 100 keys at a time (unprocessed keys retried).
pub fn account_items(
    selected: &[&'static dyn Rule],
    region: Option<String>,
    profile: Option<String>,
    sink: &mut dyn FnMut(ItemResult),
) -> Result<(), CliError> {
    let handle = tokio::runtime::Handle::current();
    let sdk = handle.block_on(crate::commands::sdk_config(region, profile))?;
    let api = Retrying::new(SdkConfigApi::from_sdk_config(&sdk), RetryPolicy::from_env());
    for t in judged_types(selected) {
        let keys = handle
            .block_on(api.list_discovered_resources(t))
            .map_err(|e| CliError::failed(format!("listing {t} through the AWS Config API failed: {e}; check the credentials, region and config:ListDiscoveredResources permission")))?;
        for chunk in keys.chunks(MAX_BATCH_KEYS) {
            match handle.block_on(api.batch_get_resource_config(chunk)) {
                Ok(items) => items.into_iter().for_each(|i| sink(Ok(i))),
                Err(e) => sink(Err(Skipped {
                    source: format!("{} {t} resources", chunk.len()),
                    reason: e.to_string(),
                })),
            }
        }
    }
    Ok(())
}

/// Reads every account and region of the configuration aggregator `aggregator` (see the
/// module documentation), through aws-sdk-config with the SDK's own retries off.
pub fn aggregator_items(
    selected: &[&'static dyn Rule],
    region: Option<String>,
    profile: Option<String>,
    aggregator: &str,
    sink: &mut dyn FnMut(ItemResult),
) -> Result<(), CliError> {
    let handle = tokio::runtime::Handle::current();
    let sdk = handle.block_on(crate::commands::sdk_config(region, profile))?;
    let api = Arc::new(Retrying::new(
        SdkConfigApi::from_sdk_config(&sdk),
        RetryPolicy::from_env(),
    ));
    handle.block_on(read_aggregator(
        api,
        Arc::from(aggregator),
        judged_types(selected),
        sink,
    ))
}

/// A key waiting for a batch, with the times it came back unprocessed.
type Pending = (AggregateResourceKey, usize);

/// What finished: a list page (of `types[index]`), or a batch (with the keys it asked for).
enum Done {
    Page(usize, Result<AggregatePage, ApiError>),
    Batch(Vec<Pending>, Result<AggregateBatch, ApiError>),
}

/// The aggregator pipeline over any [`AggregatorApi`] (retries are the API's own).
pub async fn read_aggregator<A: AggregatorApi + 'static>(
    api: Arc<A>,
    aggregator: Arc<str>,
    types: Vec<&'static str>,
    sink: &mut dyn FnMut(ItemResult),
) -> Result<(), CliError> {
    let mut pending: VecDeque<Pending> = VecDeque::new();
    let mut tasks: tokio::task::JoinSet<Done> = tokio::task::JoinSet::new();
    let mut next_page: Option<(usize, Option<String>)> = (!types.is_empty()).then_some((0, None));
    let mut listing = false;
    let mut batches = 0usize;
    loop {
        let listed_all = !listing && next_page.is_none();
        while batches < BATCHES_IN_FLIGHT
            && (pending.len() >= MAX_BATCH_KEYS || (listed_all && !pending.is_empty()))
        {
            let keys: Vec<Pending> = pending.drain(..pending.len().min(MAX_BATCH_KEYS)).collect();
            let (api, aggregator) = (Arc::clone(&api), Arc::clone(&aggregator));
            tasks.spawn(async move {
                let asked: Vec<AggregateResourceKey> =
                    keys.iter().map(|(k, _)| k.clone()).collect();
                let result = api
                    .batch_get_aggregate_resource_config(&aggregator, &asked)
                    .await;
                Done::Batch(keys, result)
            });
            batches += 1;
        }
        // One page ahead of the batches: the queue stays within a few pages.
        if !listing && pending.len() < 2 * MAX_BATCH_KEYS {
            if let Some((index, token)) = next_page.take() {
                let (api, aggregator, resource_type) =
                    (Arc::clone(&api), Arc::clone(&aggregator), types[index]);
                tasks.spawn(async move {
                    let page = api
                        .list_aggregate_resources_page(&aggregator, resource_type, token.as_deref())
                        .await;
                    Done::Page(index, page)
                });
                listing = true;
            }
        }
        let Some(done) = tasks.join_next().await else {
            return Ok(());
        };
        match done.map_err(|e| CliError::failed(format!("an aggregator read stopped: {e}")))? {
            Done::Page(index, Ok(page)) => {
                listing = false;
                pending.extend(page.keys.into_iter().map(|k| (k, 0)));
                next_page = match page.next_token {
                    Some(token) => Some((index, Some(token))),
                    None => (index + 1 < types.len()).then_some((index + 1, None)),
                };
            }
            Done::Page(index, Err(e)) => {
                tasks.abort_all();
                return Err(list_error(&aggregator, types[index], &e));
            }
            Done::Batch(keys, Ok(batch)) => {
                batches -= 1;
                batch.items.into_iter().for_each(|i| sink(Ok(i)));
                // Unprocessed keys ride with the next batch, first in line.
                let mut again = Vec::new();
                for key in batch.unprocessed {
                    // Matched by identity: the service may leave out the name it was sent.
                    let rounds = keys
                        .iter()
                        .find(|(k, _)| same_resource(k, &key))
                        .map_or(0, |(_, n)| *n)
                        + 1;
                    if rounds > MAX_UNPROCESSED_ROUNDS {
                        sink(Err(Skipped {
                            source: describe(&key),
                            reason: format!("BatchGetAggregateResourceConfig left it unprocessed {rounds} times"),
                        }));
                    } else {
                        again.push((key, rounds));
                    }
                }
                for p in again.into_iter().rev() {
                    pending.push_front(p);
                }
            }
            Done::Batch(keys, Err(e)) => {
                batches -= 1;
                if let ApiError::Rejected { code, .. } = &e {
                    if code == "NoSuchConfigurationAggregatorException"
                        || code.contains("AccessDenied")
                    {
                        tasks.abort_all();
                        return Err(batch_error(&aggregator, &e));
                    }
                }
                sink(Err(Skipped {
                    source: format!(
                        "{} resources of aggregator {aggregator} ({} first)",
                        keys.len(),
                        keys.first().map(|(k, _)| describe(k)).unwrap_or_default()
                    ),
                    reason: e.to_string(),
                }));
            }
        }
    }
}

/// Whether two keys name the same resource (names aside).
fn same_resource(a: &AggregateResourceKey, b: &AggregateResourceKey) -> bool {
    a.resource_id == b.resource_id
        && a.resource_type == b.resource_type
        && a.source_account_id == b.source_account_id
        && a.source_region == b.source_region
}

/// `AWS::EC2::Volume vol-1 (111122223333 us-east-1)`.
fn describe(key: &AggregateResourceKey) -> String {
    format!(
        "{} {} ({} {})",
        key.resource_type, key.resource_id, key.source_account_id, key.source_region
    )
}

/// Whether the service says the aggregator does not exist: bad input, exit 2.
fn no_such_aggregator(e: &ApiError) -> bool {
    matches!(e, ApiError::Rejected { code, .. } if code == "NoSuchConfigurationAggregatorException")
}

const CHECK_NAME: &str = "check the name with `aws configservice describe-configuration-aggregators` in the aggregator's account and region (--region, --profile)";

fn list_error(aggregator: &str, resource_type: &str, e: &ApiError) -> CliError {
    if no_such_aggregator(e) {
        return CliError::input(format!(
            "--aggregator {aggregator}: no such configuration aggregator ({e}); {CHECK_NAME}"
        ));
    }
    CliError::failed(format!(
        "listing {resource_type} through the AWS Config aggregator {aggregator} failed: {e}; check the credentials, the region of the aggregator and the config:ListAggregateDiscoveredResources permission"
    ))
}

fn batch_error(aggregator: &str, e: &ApiError) -> CliError {
    if no_such_aggregator(e) {
        return CliError::input(format!(
            "--aggregator {aggregator}: no such configuration aggregator ({e}); {CHECK_NAME}"
        ));
    }
    CliError::failed(format!(
        "reading items through the AWS Config aggregator {aggregator} failed: {e}; check the config:BatchGetAggregateResourceConfig permission"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules_lib::config_api::BoxFuture;
    use rules_lib::ConfigurationItem;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// An aggregator of `n` volumes in one page of each type asked for, whose batch
    /// reads always leave `vol-stuck` unprocessed.
    struct Stubborn {
        n: usize,
        batches: AtomicUsize,
    }

    fn key(id: String) -> AggregateResourceKey {
        AggregateResourceKey {
            source_account_id: "111122223333".into(),
            source_region: "eu-west-1".into(),
            resource_type: "AWS::EC2::Volume".into(),
            resource_id: id,
            resource_name: None,
        }
    }

    impl AggregatorApi for Stubborn {
        fn list_aggregate_resources_page<'a>(
            &'a self,
            _aggregator: &'a str,
            _resource_type: &'a str,
            next_token: Option<&'a str>,
        ) -> BoxFuture<'a, Result<AggregatePage, ApiError>> {
            let start: usize = next_token.map_or(0, |t| t.parse().unwrap());
            let end = (start + MAX_BATCH_KEYS).min(self.n);
            let mut keys: Vec<_> = (start..end).map(|i| key(format!("vol-{i}"))).collect();
            if start == 0 {
                keys[0] = AggregateResourceKey {
                    resource_name: Some("stuck".into()),
                    ..key("vol-stuck".into())
                };
            }
            Box::pin(std::future::ready(Ok(AggregatePage {
                keys,
                next_token: (end < self.n).then(|| end.to_string()),
            })))
        }

        fn batch_get_aggregate_resource_config<'a>(
            &'a self,
            _aggregator: &'a str,
            keys: &'a [AggregateResourceKey],
        ) -> BoxFuture<'a, Result<AggregateBatch, ApiError>> {
            self.batches.fetch_add(1, Ordering::Relaxed);
            assert!(keys.len() <= MAX_BATCH_KEYS);
            let (stuck, rest): (Vec<_>, Vec<_>) =
                keys.iter().partition(|k| k.resource_id == "vol-stuck");
            let items = rest
                .iter()
                .map(|k| {
                    ConfigurationItem::from_json_str(&format!(
                        r#"{{"resourceType":"AWS::EC2::Volume","resourceId":"{}","accountId":"111122223333","awsRegion":"eu-west-1","configurationItemStatus":"OK","configuration":{{}}}}"#,
                        k.resource_id
                    ))
                    .unwrap()
                })
                .collect();
            Box::pin(std::future::ready(Ok(AggregateBatch {
                items,
                // As the service may: without the name it was sent with.
                unprocessed: stuck
                    .into_iter()
                    .map(|k| AggregateResourceKey {
                        resource_name: None,
                        ..k.clone()
                    })
                    .collect(),
            })))
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_key_left_unprocessed_again_and_again_is_skipped_by_name_and_the_rest_read_once() {
        let api = Arc::new(Stubborn {
            n: 1000,
            batches: AtomicUsize::new(0),
        });
        let mut ids = Vec::new();
        let mut skipped = Vec::new();
        read_aggregator(
            Arc::clone(&api),
            Arc::from("org"),
            vec!["AWS::EC2::Volume"],
            &mut |r| match r {
                Ok(item) => ids.push(item.resource_id),
                Err(k) => skipped.push(k),
            },
        )
        .await
        .unwrap();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 999, "every other volume, once");
        assert_eq!(skipped.len(), 1);
        assert!(skipped[0].source.contains("vol-stuck"), "{:?}", skipped[0]);
        assert!(
            skipped[0].reason.contains("unprocessed 6 times"),
            "{:?}",
            skipped[0]
        );
        // The stuck key rides with the following batches: 10 full ones, then the last
        // retries of it alone once the listing is done.
        let batches = api.batches.load(Ordering::Relaxed);
        assert!(
            batches <= 10 + MAX_UNPROCESSED_ROUNDS + 1,
            "{batches} batches"
        );
    }
}
