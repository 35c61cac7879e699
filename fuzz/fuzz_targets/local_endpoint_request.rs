//! The local AWS Config endpoint's request handling (`rdk local-config`), driven
//! in-process through its axum `Router` on one current-thread runtime: the first byte
//! picks the `X-Amz-Target` (the five actions it serves, an unknown one, none, or one
//! without the `StarlingDoveService.` prefix), the rest is the JSON 1.1 body of a
//! `POST /`. Each input gets a fresh endpoint serving the bundled sample account, with
//! a dozen stored PutEvaluations results for rule `fuzz-rule`, so the reads have
//! something to page through.
//!
//! Selector bytes 0xF8..=0xFF send the body to the other routes instead (the control
//! endpoints `/_local/items` and `/_local/faults`, a wrong method on `/`, an unknown
//! path), which also answer errors in the JSON 1.1 shape.
//!
//! Property: never panics; every answer (but a 204) is JSON; every non-2xx answer is a
//! JSON 1.1 error (`__type` and `message` text); after a PutEvaluations or added items
//! the control endpoints still answer JSON.
#![no_main]

use std::sync::OnceLock;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use libfuzzer_sys::fuzz_target;
use rdk::local_config::LocalConfig;
use rules_lib::ConfigurationItem;
use serde_json::{json, Value};
use tower::ServiceExt;

const ACTIONS: &[&str] = &[
    "PutEvaluations",
    "GetResourceConfigHistory",
    "ListDiscoveredResources",
    "BatchGetResourceConfig",
    "GetComplianceDetailsByConfigRule",
];

fn runtime() -> &'static tokio::runtime::Runtime {
    static RT: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    RT.get_or_init(|| {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime")
    })
}

/// Items of the bundled sample account, read once: the first capture of each resource
/// type and every capture of the resources those have (history to page through), at
/// most `MAX_ITEMS` (each input clones them into a fresh endpoint).
fn sample_items() -> &'static [ConfigurationItem] {
    const MAX_ITEMS: usize = 40;
    static ITEMS: OnceLock<Vec<ConfigurationItem>> = OnceLock::new();
    ITEMS.get_or_init(|| {
        let mut all = Vec::new();
        rdk::scan::source::stream(
            rdk::scan::source::SAMPLE_ACCOUNT,
            "sample-account.json",
            &mut |r| all.extend(r.ok()),
        )
        .expect("the sample account reads");
        let mut types = std::collections::BTreeSet::new();
        let mut keep = std::collections::BTreeSet::new();
        for i in &all {
            if types.insert(i.resource_type.clone()) || keep.len() < MAX_ITEMS / 2 {
                keep.insert((i.resource_type.clone(), i.resource_id.clone()));
            }
        }
        let items: Vec<ConfigurationItem> = all
            .into_iter()
            .filter(|i| keep.contains(&(i.resource_type.clone(), i.resource_id.clone())))
            .take(MAX_ITEMS)
            .collect();
        assert!(!items.is_empty());
        items
    })
}

/// Stored results for a dozen sample resources, so compliance reads page through something.
fn seed_put() -> &'static str {
    static BODY: OnceLock<String> = OnceLock::new();
    BODY.get_or_init(|| {
        let evaluations: Vec<Value> = sample_items()
            .iter()
            .take(12)
            .map(|i| {
                json!({"ComplianceResourceType": i.resource_type, "ComplianceResourceId": i.resource_id,
                       "ComplianceType": "NON_COMPLIANT", "Annotation": "seeded",
                       "OrderingTimestamp": 1714557600.0})
            })
            .collect();
        json!({"ResultToken": "fuzz-rule/seed", "Evaluations": evaluations}).to_string()
    })
}

async fn call(
    app: &axum::Router,
    method: Method,
    uri: &str,
    target: Option<&str>,
    body: Vec<u8>,
) -> (StatusCode, Vec<u8>) {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(t) = target {
        req = req.header("x-amz-target", t);
    }
    let req = req
        .header("content-type", "application/x-amz-json-1.1")
        .body(Body::from(body))
        .expect("a request");
    let resp = app
        .clone()
        .oneshot(req)
        .await
        .expect("the router is infallible");
    let status = resp.status();
    let bytes = axum::body::to_bytes(resp.into_body(), usize::MAX)
        .await
        .expect("the body reads");
    (status, bytes.to_vec())
}

fn check_json_answer(status: StatusCode, body: &[u8], what: &str) {
    let v: Value = serde_json::from_slice(body).unwrap_or_else(|e| {
        panic!(
            "{what}: answer {status} is not JSON ({e}): {}",
            String::from_utf8_lossy(body)
        )
    });
    if !status.is_success() {
        assert!(
            v.get("__type").is_some_and(Value::is_string),
            "{what}: error {status} without __type: {v}"
        );
        assert!(
            v.get("message").is_some_and(Value::is_string),
            "{what}: error {status} without message: {v}"
        );
    } else {
        // JSON 1.1 answers are objects; `GET /_local/calls` and `/evaluations` lists.
        assert!(v.is_object() || v.is_array(), "{what}: {v}");
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    // 0xF8..: the other routes (control endpoints, unknown paths, wrong methods).
    let (method, uri) = match selector {
        0xF8 => (Method::POST, "/_local/items"),
        0xF9 => (Method::PUT, "/_local/faults"),
        0xFA => (Method::GET, "/"),
        0xFB => (Method::PUT, "/"),
        0xFC => (Method::POST, "/_local/evaluations"),
        0xFD => (Method::GET, "/_local/calls"),
        0xFE => (Method::DELETE, "/_local/items"),
        0xFF => (Method::POST, "/nothing/here"),
        _ => (Method::POST, "/"),
    };
    let target = match selector % 8 {
        n @ 0..=4 => Some(format!("StarlingDoveService.{}", ACTIONS[n as usize])),
        5 => Some("StarlingDoveService.DeleteConfigRule".to_string()),
        6 => None,
        _ => Some(ACTIONS[(selector as usize / 8) % ACTIONS.len()].to_string()),
    };
    let local = LocalConfig::new(sample_items().to_vec());
    let app = local.router();
    runtime().block_on(async {
        let (status, answer) = call(
            &app,
            Method::POST,
            "/",
            Some("StarlingDoveService.PutEvaluations"),
            seed_put().as_bytes().to_vec(),
        )
        .await;
        assert_eq!(
            status,
            StatusCode::OK,
            "{}",
            String::from_utf8_lossy(&answer)
        );

        let what = format!(
            "{method} {uri} {}",
            target.as_deref().unwrap_or("(no X-Amz-Target)")
        );
        let (status, answer) =
            call(&app, method.clone(), uri, target.as_deref(), body.to_vec()).await;
        if status != StatusCode::NO_CONTENT {
            check_json_answer(status, &answer, &what);
        }

        if selector % 8 == 0 || selector == 0xF8 {
            for uri in ["/_local/evaluations", "/_local/calls"] {
                let (status, answer) = call(&app, Method::GET, uri, None, Vec::new()).await;
                assert_eq!(status, StatusCode::OK, "{uri}");
                let v: Value = serde_json::from_slice(&answer).expect("control answers JSON");
                assert!(v.is_array(), "{uri}: {v}");
            }
        }
    });
});
