//! What the fuzz targets share: parameters for every catalog rule, and the checks every
//! evaluation must pass whatever the input.
//!
//! The property of every target is "never panics"; on top of it the checks here assert
//! what an evaluation must always be (the item's own type and id, a PutEvaluations-valid
//! shape, NOT_APPLICABLE outside the rule's scope, a timestamp that writes and reads
//! back) and that an item read from either JSON shape reads back the same.

use std::future::Future;
use std::pin::pin;
use std::sync::OnceLock;
use std::task::{Context, Poll, Waker};

use rules_lib::config_api::{BoxFuture, ComplianceRecord, ConfigApi, ResourceKey};
use rules_lib::evaluation::{MAX_ANNOTATION_CHARS, MAX_RESOURCE_ID_CHARS, MAX_RESOURCE_TYPE_CHARS};
use rules_lib::{
    engine, rules, ApiError, Compliance, ConfigurationItem, Evaluation, Params, Rule, Timestamp,
};

/// The time evaluations of items without a capture time are stamped with: fixed, so a
/// reproducer behaves the same on every run.
pub fn fallback_time() -> Timestamp {
    static T: OnceLock<Timestamp> = OnceLock::new();
    *T.get_or_init(|| Timestamp::parse("2024-05-01T10:00:00.000Z").expect("a valid time"))
}

/// Every catalog rule with parameters it accepts: none for rules that need none, a
/// valid value for every required one otherwise ([`Params::required_examples`]).
pub fn rules_with_params() -> &'static [(&'static dyn Rule, Params)] {
    static ALL: OnceLock<Vec<(&'static dyn Rule, Params)>> = OnceLock::new();
    ALL.get_or_init(|| {
        rules::catalog()
            .iter()
            .map(|&rule| {
                let spec = rule.spec();
                let (params, _) = Params::parse(
                    spec.name,
                    spec.parameters,
                    &Params::required_examples(spec.parameters),
                )
                .unwrap_or_else(|e| {
                    panic!("{}: valid required parameters refused: {e}", spec.name)
                });
                (rule, params)
            })
            .collect()
    })
}

/// Every resource type some catalog rule evaluates, sorted and unique.
pub fn catalog_resource_types() -> &'static [&'static str] {
    static ALL: OnceLock<Vec<&'static str>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut types: Vec<&'static str> = rules::catalog()
            .iter()
            .flat_map(|r| r.spec().resource_types.iter().copied())
            .collect();
        types.sort_unstable();
        types.dedup();
        types
    })
}

/// Judges `item` with every catalog rule and checks each evaluation.
pub fn evaluate_with_every_rule(item: &ConfigurationItem) {
    for (rule, params) in rules_with_params() {
        evaluate_and_check(*rule, item, params);
    }
}

/// Judges `item` with one rule and checks the result; an error must print.
pub fn evaluate_and_check(rule: &dyn Rule, item: &ConfigurationItem, params: &Params) {
    match engine::evaluate_item(rule, item, params, fallback_time()) {
        Ok(e) => check_evaluation(rule, item, &e),
        Err(e) => {
            let _ = e.to_string();
        }
    }
}

/// What every evaluation of an item must be.
pub fn check_evaluation(rule: &dyn Rule, item: &ConfigurationItem, e: &Evaluation) {
    let spec = rule.spec();
    assert_eq!(
        e.compliance_resource_type, item.resource_type,
        "{}",
        spec.name
    );
    assert_eq!(e.compliance_resource_id, item.resource_id, "{}", spec.name);
    assert_eq!(
        e.ordering_timestamp,
        item.capture_time.unwrap_or(fallback_time()),
        "{}: the ordering timestamp is the capture time",
        spec.name
    );
    // The item reader bounds the type and id, so PutEvaluations must take them.
    assert!(
        e.invalid_reason().is_none(),
        "{}: {:?}",
        spec.name,
        e.invalid_reason()
    );
    assert!(e.compliance_resource_type.chars().count() <= MAX_RESOURCE_TYPE_CHARS);
    assert!(e.compliance_resource_id.chars().count() <= MAX_RESOURCE_ID_CHARS);
    if let Some(a) = &e.annotation {
        let n = a.chars().count();
        assert!(
            (1..=MAX_ANNOTATION_CHARS).contains(&n),
            "{}: annotation of {n} characters",
            spec.name
        );
    }
    if !spec.in_scope(&item.resource_type) || !item.is_evaluable() {
        assert_eq!(
            e.compliance_type,
            Compliance::NotApplicable,
            "{}: out of scope or not evaluable ({} {})",
            spec.name,
            item.resource_type,
            item.status.as_str()
        );
    }
    check_serializes(e);
}

/// An evaluation serializes (out-of-range timestamps once panicked here) in the
/// PutEvaluations shape, and its timestamp reads back as the same time.
pub fn check_serializes(e: &Evaluation) {
    let v = serde_json::to_value(e).expect("an evaluation serializes");
    let text = v["OrderingTimestamp"]
        .as_str()
        .expect("OrderingTimestamp is text");
    // Every timestamp is whole milliseconds (`Timestamp::now` too, since the fix of
    // fuzz/regressions/lambda_payload/now-keeps-nanoseconds.json).
    check_timestamp(e.ordering_timestamp);
    assert_eq!(
        Timestamp::parse(text).expect("a written timestamp reads back"),
        e.ordering_timestamp
    );
    assert_eq!(v["ComplianceType"], e.compliance_type.as_str());
    serde_json::to_string(e).expect("an evaluation serializes to text");
}

/// A timestamp writes as ISO-8601 text and JSON 1.1 epoch seconds, and both read back.
pub fn check_timestamp(t: Timestamp) {
    let text = t.to_string();
    assert_eq!(
        Timestamp::parse(&text).unwrap_or_else(|e| panic!("{text}: {e}")),
        t,
        "ISO-8601 round trip of {text}"
    );
    let secs = t.epoch_secs_f64();
    assert_eq!(
        Timestamp::from_epoch_secs(secs).unwrap_or_else(|e| panic!("{secs}: {e}")),
        t,
        "epoch-seconds round trip of {text} ({secs})"
    );
}

/// An item written in either shape reads back as the same resource. Reading the
/// written JSON back must succeed and keep type, id, status and times.
pub fn check_round_trip(item: &ConfigurationItem) {
    for t in [item.capture_time, item.resource_creation_time]
        .into_iter()
        .flatten()
    {
        check_timestamp(t);
    }
    for (shape, v) in [("event", item.to_event_json()), ("api", item.to_api_json())] {
        let back = ConfigurationItem::from_value(&v).unwrap_or_else(|e| {
            panic!("the {shape} shape of a read item does not read back: {e}\n{v}")
        });
        assert_eq!(back.resource_type, item.resource_type, "{shape} shape");
        assert_eq!(back.resource_id, item.resource_id, "{shape} shape");
        assert_eq!(back.status, item.status, "{shape} shape");
        assert_eq!(back.capture_time, item.capture_time, "{shape} shape");
        assert_eq!(
            back.resource_creation_time, item.resource_creation_time,
            "{shape} shape"
        );
        assert_eq!(back.tags, item.tags, "{shape} shape");
        assert_eq!(back.relationships, item.relationships, "{shape} shape");
        let owned = ConfigurationItem::from_owned(v.clone())
            .unwrap_or_else(|e| panic!("from_owned refuses what from_value read: {e}"));
        assert_eq!(
            owned, back,
            "from_owned and from_value disagree ({shape} shape)"
        );
    }
}

/// A [`ConfigApi`] with no resources and no stored results: what the engine sees for
/// an oversized notification whose item is not (yet) recorded.
pub struct EmptyConfigApi;

impl ConfigApi for EmptyConfigApi {
    fn get_latest_item<'a>(
        &'a self,
        _resource_type: &'a str,
        _resource_id: &'a str,
        _later_time: Option<Timestamp>,
    ) -> BoxFuture<'a, Result<Option<ConfigurationItem>, ApiError>> {
        Box::pin(async { Ok(None) })
    }
    fn list_discovered_resources<'a>(
        &'a self,
        _resource_type: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ResourceKey>, ApiError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn batch_get_resource_config<'a>(
        &'a self,
        _keys: &'a [ResourceKey],
    ) -> BoxFuture<'a, Result<Vec<ConfigurationItem>, ApiError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn compliance_results<'a>(
        &'a self,
        _config_rule_name: &'a str,
    ) -> BoxFuture<'a, Result<Vec<ComplianceRecord>, ApiError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
    fn put_evaluations<'a>(
        &'a self,
        _evaluations: &'a [Evaluation],
        _result_token: &'a str,
        _test_mode: bool,
    ) -> BoxFuture<'a, Result<Vec<Evaluation>, ApiError>> {
        Box::pin(async { Ok(Vec::new()) })
    }
}

/// Runs a future that never waits (every await in it is on [`EmptyConfigApi`]).
pub fn run_ready<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    match f.as_mut().poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(v) => v,
        Poll::Pending => panic!("fuzz harness: a future that should not wait is pending"),
    }
}
