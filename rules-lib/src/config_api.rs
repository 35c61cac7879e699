//! A small trait over the AWS Config API, with the aws-sdk-config implementation.
//!
//! Every method makes exactly one attempt per underlying call and classifies failures
//! as [`ApiError::Retryable`] or [`ApiError::Rejected`]; retrying with backoff is the
//! job of [`crate::retry::Retrying`], which wraps any implementation. Paging and
//! BatchGetResourceConfig's unprocessed keys are handled here.
//!
//! [`AggregatorApi`] reads every account and region through a configuration aggregator
//! one page or one batch per call (ListAggregateDiscoveredResources,
//! BatchGetAggregateResourceConfig), so a scan can pipeline pages into batches and keep
//! memory flat however many accounts there are.

use std::future::Future;
use std::pin::Pin;

use aws_sdk_config::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_config::types as sdk;
use serde_json::{json, Map, Value};

use crate::error::ApiError;
use crate::evaluation::{Compliance, Evaluation};
use crate::item::{ConfigurationItem, Timestamp};

/// A boxed, sendable future (the trait must be object-safe).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// BatchGetResourceConfig takes 1..100 keys.
pub const MAX_BATCH_KEYS: usize = 100;
/// Rounds of retrying `unprocessedResourceKeys` before giving up.
pub const MAX_UNPROCESSED_ROUNDS: usize = 5;

/// A resource's identity.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResourceKey {
    /// e.g. `AWS::EC2::Volume`.
    pub resource_type: String,
    /// e.g. `vol-0123`.
    pub resource_id: String,
}

/// A resource's identity in a configuration aggregator (`AggregateResourceIdentifier`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AggregateResourceKey {
    /// `SourceAccountId`.
    pub source_account_id: String,
    /// `SourceRegion`.
    pub source_region: String,
    /// `ResourceType`.
    pub resource_type: String,
    /// `ResourceId`.
    pub resource_id: String,
    /// `ResourceName`, when the listing gave one.
    pub resource_name: Option<String>,
}

/// One page of ListAggregateDiscoveredResources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AggregatePage {
    /// The page's resources.
    pub keys: Vec<AggregateResourceKey>,
    /// The token of the next page; `None` on the last.
    pub next_token: Option<String>,
}

/// What one BatchGetAggregateResourceConfig call returned.
#[derive(Debug, Clone, Default)]
pub struct AggregateBatch {
    /// `BaseConfigurationItems`, read (deleted resources are not returned, as by the
    /// service).
    pub items: Vec<ConfigurationItem>,
    /// `UnprocessedResourceIdentifiers`: ask for these again.
    pub unprocessed: Vec<AggregateResourceKey>,
}

/// The AWS Config operations that read a configuration aggregator, one call each: the
/// caller pipelines pages into batches and sends unprocessed keys again with the next
/// batch, so no call is spent on a handful of keys.
pub trait AggregatorApi: Send + Sync {
    /// One page (at most 100) of the resources of one type in every account and region
    /// of `aggregator` (ListAggregateDiscoveredResources).
    fn list_aggregate_resources_page<'a>(
        &'a self,
        aggregator: &'a str,
        resource_type: &'a str,
        next_token: Option<&'a str>,
    ) -> BoxFuture<'a, Result<AggregatePage, ApiError>>;

    /// The items of up to 100 keys, and the keys left unprocessed
    /// (BatchGetAggregateResourceConfig, one call).
    fn batch_get_aggregate_resource_config<'a>(
        &'a self,
        aggregator: &'a str,
        keys: &'a [AggregateResourceKey],
    ) -> BoxFuture<'a, Result<AggregateBatch, ApiError>>;
}

/// One stored result of a rule, from GetComplianceDetailsByConfigRule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComplianceRecord {
    /// The resource.
    pub key: ResourceKey,
    /// Its recorded compliance.
    pub compliance: Compliance,
}

/// The AWS Config operations the runtime uses.
pub trait ConfigApi: Send + Sync {
    /// The newest item at or before `later_time` (GetResourceConfigHistory, limit 1).
    fn get_latest_item<'a>(
        &'a self,
        resource_type: &'a str,
        resource_id: &'a str,
        later_time: Option<Timestamp>,
    ) -> BoxFuture<'a, Result<Option<ConfigurationItem>, ApiError>>;

    /// Every recorded (not deleted) resource of a type (ListDiscoveredResources, all pages).
    fn list_discovered_resources<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ResourceKey>, ApiError>>;

    /// Items for up to 100 keys (BatchGetResourceConfig); unprocessed keys are retried.
    /// Deleted resources are not returned, as by the service.
    fn batch_get_resource_config<'a>(
        &'a self,
        keys: &'a [ResourceKey],
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>>;

    /// A rule's COMPLIANT and NON_COMPLIANT results (GetComplianceDetailsByConfigRule,
    /// all pages).
    fn compliance_results<'a>(
        &'a self,
        config_rule_name: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ComplianceRecord>, ApiError>>;

    /// One PutEvaluations call (at most 100 evaluations). Returns the
    /// `FailedEvaluations` the service reported.
    fn put_evaluations<'a>(
        &'a self,
        evaluations: &'a [Evaluation],
        result_token: &'a str,
        test_mode: bool,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, ApiError>>;
}

/// [`ConfigApi`] over aws-sdk-config.
#[derive(Debug, Clone)]
pub struct SdkConfigApi {
    client: aws_sdk_config::Client,
}

impl SdkConfigApi {
    /// Wraps a client. Build it with SDK retries disabled: [`crate::retry::Retrying`]
    /// retries, so attempts do not multiply.
    pub fn new(client: aws_sdk_config::Client) -> Self {
        Self { client }
    }

    /// From an SDK configuration, with the SDK's own retries turned off.
    pub fn from_sdk_config(sdk_config: &aws_config::SdkConfig) -> Self {
        let conf = aws_sdk_config::config::Builder::from(sdk_config)
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        Self::new(aws_sdk_config::Client::from_conf(conf))
    }
}

/// Turns an SDK error into an [`ApiError`]: throttling, 5xx, timeouts and connection
/// failures may succeed later; everything else is refused for good.
pub fn classify_sdk_error<E>(operation: &'static str, err: SdkError<E>) -> ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let code = err.code().map(str::to_string);
    let message = readable_sdk_error(operation, &err);
    let retryable = match &err {
        SdkError::TimeoutError(_) | SdkError::DispatchFailure(_) => true,
        SdkError::ResponseError(_) => status.is_none_or(|s| s >= 500),
        SdkError::ServiceError(_) => {
            status.is_some_and(|s| s >= 500 || s == 429)
                || code.as_deref().is_some_and(is_throttling_code)
        }
        _ => false,
    };
    if retryable {
        ApiError::Retryable { operation, message }
    } else {
        ApiError::Rejected {
            operation,
            code: code.unwrap_or_else(|| {
                status.map_or_else(|| "ClientError".to_string(), |s| format!("HTTP{s}"))
            }),
            message,
        }
    }
}

/// One readable line for an SDK error: the service's own message for a service error,
/// the innermost cause for a connection or construction failure, and what to check,
/// instead of the SDK's nested debug output.
fn readable_sdk_error<E>(operation: &str, err: &SdkError<E>) -> String
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    // The innermost cause says what actually went wrong (a refused connection, a DNS
    // failure, missing credentials); the outer layers only wrap it.
    let innermost = || {
        let mut cause: &dyn std::error::Error = err;
        while let Some(next) = cause.source() {
            cause = next;
        }
        cause.to_string()
    };
    match err {
        SdkError::ServiceError(_) | SdkError::ResponseError(_) => {
            let status = err
                .raw_response()
                .map(|r| format!("HTTP {}", r.status().as_u16()))
                .unwrap_or_else(|| "no HTTP status".into());
            let what = err.message().map(str::to_string).unwrap_or_else(innermost);
            let code = err.code().unwrap_or("no error code");
            let check = if code.contains("AccessDenied") || code.contains("Unauthorized") {
                format!("; check that the caller's IAM policy allows {operation}")
            } else if code.contains("Token") || code.contains("Signature") {
                "; check the AWS credentials and the clock".to_string()
            } else {
                String::new()
            };
            format!("{code} ({status}): {what}{check}")
        }
        SdkError::TimeoutError(_) => {
            "the request timed out; check the network path to the AWS endpoint".into()
        }
        SdkError::DispatchFailure(_) => {
            let cause = innermost();
            let check = if cause.to_ascii_lowercase().contains("credential") {
                "check the AWS credentials (AWS_PROFILE, AWS_ACCESS_KEY_ID, the instance or function role)"
            } else {
                "check the region, the network and any AWS_ENDPOINT_URL* setting"
            };
            format!("the request did not reach AWS: {cause}; {check}")
        }
        _ => format!("the request could not be made: {}", innermost()),
    }
}

/// Error codes AWS uses for throttling.
pub fn is_throttling_code(code: &str) -> bool {
    matches!(
        code,
        "ThrottlingException"
            | "Throttling"
            | "ThrottledException"
            | "RequestThrottled"
            | "RequestThrottledException"
            | "TooManyRequestsException"
            | "RequestLimitExceeded"
            | "SlowDown"
            | "ServiceUnavailable"
            | "ServiceUnavailableException"
            | "InternalFailure"
            | "InternalServerError"
    )
}

fn opt_time(t: Option<&aws_smithy_types::DateTime>) -> Value {
    t.map(|t| json!(t.as_secs_f64())).unwrap_or(Value::Null)
}

/// Reads an SDK configuration item (API shape) into ours.
fn item_from_sdk(ci: &sdk::ConfigurationItem) -> Result<ConfigurationItem, ApiError> {
    let mut o = Map::new();
    o.insert("version".into(), json!(ci.version()));
    o.insert("accountId".into(), json!(ci.account_id()));
    o.insert(
        "configurationItemCaptureTime".into(),
        opt_time(ci.configuration_item_capture_time()),
    );
    o.insert(
        "configurationItemStatus".into(),
        json!(ci.configuration_item_status().map(|s| s.as_str())),
    );
    o.insert(
        "configurationStateId".into(),
        json!(ci.configuration_state_id()),
    );
    o.insert(
        "configurationItemMD5Hash".into(),
        json!(ci.configuration_item_md5_hash()),
    );
    o.insert("arn".into(), json!(ci.arn()));
    o.insert(
        "resourceType".into(),
        json!(ci.resource_type().map(|s| s.as_str())),
    );
    o.insert("resourceId".into(), json!(ci.resource_id()));
    o.insert("resourceName".into(), json!(ci.resource_name()));
    o.insert("awsRegion".into(), json!(ci.aws_region()));
    o.insert("availabilityZone".into(), json!(ci.availability_zone()));
    o.insert(
        "resourceCreationTime".into(),
        opt_time(ci.resource_creation_time()),
    );
    o.insert("tags".into(), json!(ci.tags()));
    o.insert("relatedEvents".into(), json!(ci.related_events()));
    let rels: Vec<Value> = ci
        .relationships()
        .iter()
        .map(|r| {
            json!({
                "resourceType": r.resource_type().map(|s| s.as_str()),
                "resourceId": r.resource_id(),
                "resourceName": r.resource_name(),
                "relationshipName": r.relationship_name(),
            })
        })
        .collect();
    o.insert("relationships".into(), Value::Array(rels));
    o.insert("configuration".into(), json!(ci.configuration()));
    o.insert(
        "supplementaryConfiguration".into(),
        json!(ci.supplementary_configuration()),
    );
    from_api_value(Value::Object(o), "GetResourceConfigHistory")
}

fn base_item_from_sdk(ci: &sdk::BaseConfigurationItem) -> Result<ConfigurationItem, ApiError> {
    let v = json!({
        "version": ci.version(),
        "accountId": ci.account_id(),
        "configurationItemCaptureTime": opt_time(ci.configuration_item_capture_time()),
        "configurationItemStatus": ci.configuration_item_status().map(|s| s.as_str()),
        "configurationStateId": ci.configuration_state_id(),
        "arn": ci.arn(),
        "resourceType": ci.resource_type().map(|s| s.as_str()),
        "resourceId": ci.resource_id(),
        "resourceName": ci.resource_name(),
        "awsRegion": ci.aws_region(),
        "availabilityZone": ci.availability_zone(),
        "resourceCreationTime": opt_time(ci.resource_creation_time()),
        "configuration": ci.configuration(),
        "supplementaryConfiguration": ci.supplementary_configuration(),
    });
    from_api_value(v, "BatchGetResourceConfig")
}

fn aggregate_key_to_sdk(
    k: &AggregateResourceKey,
) -> Result<sdk::AggregateResourceIdentifier, ApiError> {
    sdk::AggregateResourceIdentifier::builder()
        .source_account_id(&k.source_account_id)
        .source_region(&k.source_region)
        .resource_type(sdk::ResourceType::from(k.resource_type.as_str()))
        .resource_id(&k.resource_id)
        .set_resource_name(k.resource_name.clone())
        .build()
        .map_err(|err| ApiError::Rejected {
            operation: "BatchGetAggregateResourceConfig",
            code: "InvalidParameterValueException".into(),
            message: format!(
                "resource {} {} of account {} in {} is incomplete: {err}",
                k.resource_type, k.resource_id, k.source_account_id, k.source_region
            ),
        })
}

fn aggregate_key_from_sdk(r: &sdk::AggregateResourceIdentifier) -> AggregateResourceKey {
    AggregateResourceKey {
        source_account_id: r.source_account_id().to_string(),
        source_region: r.source_region().to_string(),
        resource_type: r.resource_type().as_str().to_string(),
        resource_id: r.resource_id().to_string(),
        resource_name: r.resource_name().map(str::to_string),
    }
}

fn from_api_value(v: Value, operation: &'static str) -> Result<ConfigurationItem, ApiError> {
    // Owned: the configuration text is moved into the item, not copied.
    ConfigurationItem::from_owned(v).map_err(|e| ApiError::Rejected {
        operation,
        code: "MalformedConfigurationItem".into(),
        message: format!("the service returned an item ferrule cannot read: {e}"),
    })
}

fn evaluation_to_sdk(e: &Evaluation) -> Result<sdk::Evaluation, ApiError> {
    sdk::Evaluation::builder()
        .compliance_resource_type(&e.compliance_resource_type)
        .compliance_resource_id(&e.compliance_resource_id)
        .compliance_type(sdk::ComplianceType::from(e.compliance_type.as_str()))
        .set_annotation(e.annotation.clone())
        .ordering_timestamp(e.ordering_timestamp.to_smithy())
        .build()
        .map_err(|err| ApiError::Rejected {
            operation: "PutEvaluations",
            code: "InvalidParameterValueException".into(),
            message: format!("evaluation of {} is incomplete: {err}", e.resource_key()),
        })
}

fn evaluation_from_sdk(e: &sdk::Evaluation) -> Evaluation {
    Evaluation {
        compliance_resource_type: e.compliance_resource_type().to_string(),
        compliance_resource_id: e.compliance_resource_id().to_string(),
        compliance_type: Compliance::parse(e.compliance_type().as_str())
            .unwrap_or(Compliance::NotApplicable),
        annotation: e.annotation().map(str::to_string),
        // The service echoes the timestamp ferrule sent, which was in range; should it
        // ever not be, the re-sent evaluation is ordered now rather than dropped.
        ordering_timestamp: Timestamp::from_smithy(*e.ordering_timestamp())
            .unwrap_or_else(|_| Timestamp::now()),
    }
}

impl AggregatorApi for SdkConfigApi {
    fn list_aggregate_resources_page<'a>(
        &'a self,
        aggregator: &'a str,
        resource_type: &'a str,
        next_token: Option<&'a str>,
    ) -> BoxFuture<'a, Result<AggregatePage, ApiError>> {
        Box::pin(async move {
            let out = self
                .client
                .list_aggregate_discovered_resources()
                .configuration_aggregator_name(aggregator)
                .resource_type(sdk::ResourceType::from(resource_type))
                .limit(MAX_BATCH_KEYS as i32)
                .set_next_token(next_token.map(str::to_string))
                .send()
                .await
                .map_err(|e| classify_sdk_error("ListAggregateDiscoveredResources", e))?;
            Ok(AggregatePage {
                keys: out
                    .resource_identifiers()
                    .iter()
                    .map(aggregate_key_from_sdk)
                    .collect(),
                next_token: out
                    .next_token()
                    .filter(|t| !t.is_empty())
                    .map(str::to_string),
            })
        })
    }

    fn batch_get_aggregate_resource_config<'a>(
        &'a self,
        aggregator: &'a str,
        keys: &'a [AggregateResourceKey],
    ) -> BoxFuture<'a, Result<AggregateBatch, ApiError>> {
        Box::pin(async move {
            let ids = keys
                .iter()
                .map(aggregate_key_to_sdk)
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .batch_get_aggregate_resource_config()
                .configuration_aggregator_name(aggregator)
                .set_resource_identifiers(Some(ids))
                .send()
                .await
                .map_err(|e| classify_sdk_error("BatchGetAggregateResourceConfig", e))?;
            let mut items = Vec::with_capacity(out.base_configuration_items().len());
            for ci in out.base_configuration_items() {
                items.push(base_item_from_sdk(ci)?);
            }
            Ok(AggregateBatch {
                items,
                unprocessed: out
                    .unprocessed_resource_identifiers()
                    .iter()
                    .map(aggregate_key_from_sdk)
                    .collect(),
            })
        })
    }
}

impl ConfigApi for SdkConfigApi {
    fn get_latest_item<'a>(
        &'a self,
        resource_type: &'a str,
        resource_id: &'a str,
        later_time: Option<Timestamp>,
    ) -> BoxFuture<'a, Result<Option<ConfigurationItem>, ApiError>> {
        Box::pin(async move {
            let out = self
                .client
                .get_resource_config_history()
                .resource_type(sdk::ResourceType::from(resource_type))
                .resource_id(resource_id)
                .limit(1)
                .set_later_time(later_time.map(|t| t.to_smithy()))
                .send()
                .await
                .map_err(|e| classify_sdk_error("GetResourceConfigHistory", e))?;
            out.configuration_items()
                .first()
                .map(item_from_sdk)
                .transpose()
        })
    }

    fn list_discovered_resources<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ResourceKey>, ApiError>> {
        Box::pin(async move {
            let mut keys = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let out = self
                    .client
                    .list_discovered_resources()
                    .resource_type(sdk::ResourceType::from(resource_type))
                    .limit(100)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(|e| classify_sdk_error("ListDiscoveredResources", e))?;
                for r in out.resource_identifiers() {
                    if let (Some(t), Some(id)) = (r.resource_type(), r.resource_id()) {
                        keys.push(ResourceKey {
                            resource_type: t.as_str().to_string(),
                            resource_id: id.to_string(),
                        });
                    }
                }
                match out.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Ok(keys)
        })
    }

    fn batch_get_resource_config<'a>(
        &'a self,
        keys: &'a [ResourceKey],
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>> {
        Box::pin(async move {
            let mut items = Vec::new();
            let mut pending: Vec<sdk::ResourceKey> = keys
                .iter()
                .map(|k| {
                    sdk::ResourceKey::builder()
                        .resource_type(sdk::ResourceType::from(k.resource_type.as_str()))
                        .resource_id(&k.resource_id)
                        .build()
                        .expect("resource type and id are set")
                })
                .collect();
            for _round in 0..=MAX_UNPROCESSED_ROUNDS {
                if pending.is_empty() {
                    return Ok(items);
                }
                let out = self
                    .client
                    .batch_get_resource_config()
                    .set_resource_keys(Some(std::mem::take(&mut pending)))
                    .send()
                    .await
                    .map_err(|e| classify_sdk_error("BatchGetResourceConfig", e))?;
                for ci in out.base_configuration_items() {
                    items.push(base_item_from_sdk(ci)?);
                }
                pending = out.unprocessed_resource_keys().to_vec();
            }
            if pending.is_empty() {
                Ok(items)
            } else {
                Err(ApiError::Retryable {
                    operation: "BatchGetResourceConfig",
                    message: format!(
                        "{} keys were still unprocessed after {MAX_UNPROCESSED_ROUNDS} retries",
                        pending.len()
                    ),
                })
            }
        })
    }

    fn compliance_results<'a>(
        &'a self,
        config_rule_name: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ComplianceRecord>, ApiError>> {
        Box::pin(async move {
            let mut records = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let out = self
                    .client
                    .get_compliance_details_by_config_rule()
                    .config_rule_name(config_rule_name)
                    .compliance_types(sdk::ComplianceType::Compliant)
                    .compliance_types(sdk::ComplianceType::NonCompliant)
                    .limit(100)
                    .set_next_token(token.take())
                    .send()
                    .await
                    .map_err(|e| classify_sdk_error("GetComplianceDetailsByConfigRule", e))?;
                for r in out.evaluation_results() {
                    let q = r
                        .evaluation_result_identifier()
                        .and_then(|i| i.evaluation_result_qualifier());
                    let (Some(t), Some(id)) = (
                        q.and_then(|q| q.resource_type()),
                        q.and_then(|q| q.resource_id()),
                    ) else {
                        continue;
                    };
                    let Some(c) = r
                        .compliance_type()
                        .and_then(|c| Compliance::parse(c.as_str()))
                    else {
                        continue;
                    };
                    records.push(ComplianceRecord {
                        key: ResourceKey {
                            resource_type: t.to_string(),
                            resource_id: id.to_string(),
                        },
                        compliance: c,
                    });
                }
                match out.next_token() {
                    Some(t) if !t.is_empty() => token = Some(t.to_string()),
                    _ => break,
                }
            }
            Ok(records)
        })
    }

    fn put_evaluations<'a>(
        &'a self,
        evaluations: &'a [Evaluation],
        result_token: &'a str,
        test_mode: bool,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, ApiError>> {
        Box::pin(async move {
            let sdk_evals = evaluations
                .iter()
                .map(evaluation_to_sdk)
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .put_evaluations()
                .set_evaluations(Some(sdk_evals))
                .result_token(result_token)
                .set_test_mode(test_mode.then_some(true))
                .send()
                .await
                .map_err(|e| classify_sdk_error("PutEvaluations", e))?;
            Ok(out
                .failed_evaluations()
                .iter()
                .map(evaluation_from_sdk)
                .collect())
        })
    }
}
