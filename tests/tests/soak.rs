//! Fault soak: 2,000 invocations of a real function binary (`encrypted-volumes`,
//! behind `cargo lambda watch`'s Lambda Runtime API) against the local Config endpoint
//! with seeded random faults: throttling, 5xx, FailedEvaluations, connection resets
//! and latency. After each invocation: either it succeeded and its evaluation is
//! stored exactly once, or it failed (so that Config would retry it), in which case
//! the test retries it as Config does until it succeeds. Zero evaluations are lost.
//!
//! `cargo lambda watch` gives its functions no real deadline, so the deadline half of
//! the contract (stop before it, with a clear error) is soaked in-process below, through
//! the same `RuleFunction` the binary runs.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use ferrule_tests::{change_event, fixture, lambda_watch, payload, read_json};
use rdk::local_config::{Faults, LocalConfig};
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// xorshift64*: a seeded generator, so a failing run can be repeated exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// A fault plan for one invocation, and its name for failure messages.
fn faults(rng: &mut Rng) -> (Faults, &'static str) {
    let mut f = Faults::default();
    let name = match rng.below(8) {
        0 | 1 => "none",
        2 => {
            f.throttle_put = 1 + rng.below(3) as usize;
            "throttling"
        }
        3 => {
            f.server_error_put = 1 + rng.below(2) as usize;
            "5xx"
        }
        4 => {
            f.fail_evaluations_put = 1 + rng.below(2) as usize;
            "FailedEvaluations"
        }
        5 => {
            f.reset_put = 1;
            "connection reset"
        }
        6 => {
            f.delay_ms = 20 + rng.below(40);
            "latency"
        }
        _ => {
            // More throttling than the function's attempts: the invocation must fail.
            f.throttle_put = 20;
            "throttling beyond the retry budget"
        }
    };
    (f, name)
}

/// One invocation through the Lambda Invoke API that `cargo lambda watch` serves.
/// Returns whether the function succeeded.
async fn invoke(port: u16, function: &str, body: &Value) -> (bool, String) {
    let body = body.to_string();
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("cargo lambda watch listens");
    let req = format!(
        "POST /2015-03-31/functions/{function}/invocations HTTP/1.1\r\nHost: local\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = Vec::new();
    s.read_to_end(&mut out).await.unwrap();
    let text = String::from_utf8_lossy(&out).into_owned();
    let ok = text.starts_with("HTTP/1.1 200")
        && !text.to_ascii_lowercase().contains("x-amz-function-error")
        && !text.contains("errorType");
    (ok, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_thousand_invocations_under_random_faults_lose_no_evaluation() {
    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let watch = lambda_watch(&[
        ("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url()),
        ("FERRULE_MAX_ATTEMPTS", "4".into()),
        ("FERRULE_RETRY_BASE_MS", "1".into()),
        ("RUST_LOG", "warn".into()),
    ]);
    let template = read_json(&fixture(
        "encrypted-volumes/non-compliant-unencrypted-attached-event.json",
    ));
    let seed = 0x5EED_F00D_u64;
    let mut rng = Rng(seed);
    let (mut failed_then_retried, mut by_fault) = (0usize, std::collections::BTreeMap::new());
    let started = Instant::now();
    const N: usize = 2_000;
    for i in 0..N {
        let mut ci = template.clone();
        let id = format!("vol-soak-{i:05}");
        ci["resourceId"] = id.clone().into();
        let token = format!("soak/{i}");
        let event = payload(change_event(&ci), serde_json::json!({}), "soak", &token);
        let (plan, name) = faults(&mut rng);
        *by_fault.entry(name).or_insert(0usize) += 1;
        endpoint.set_faults(plan);
        let (mut ok, mut answer) = invoke(watch.port, "encrypted-volumes", &event).await;
        // Config retries a failed invocation; so does the test, without faults.
        let mut retries = 0;
        while !ok {
            retries += 1;
            assert!(
                retries <= 3,
                "invocation {i} ({name}, seed {seed:#x}) kept failing: {answer}\n{}",
                watch.log_text()
            );
            endpoint.set_faults(Faults::default());
            (ok, answer) = invoke(watch.port, "encrypted-volumes", &event).await;
        }
        if retries > 0 {
            failed_then_retried += 1;
        }
        let stored: Vec<_> = endpoint
            .stored_for("soak")
            .into_iter()
            .filter(|e| e.resource_id == id)
            .collect();
        assert_eq!(
            stored.len(),
            1,
            "invocation {i} ({name}, seed {seed:#x}) succeeded but its evaluation is stored {} times",
            stored.len()
        );
        assert_eq!(
            stored[0].compliance_type,
            rules_lib::Compliance::NonCompliant
        );
        assert_eq!(stored[0].result_token, token);
    }
    assert_eq!(
        endpoint.stored_for("soak").len(),
        N,
        "every evaluation stored"
    );
    assert!(
        failed_then_retried > 0,
        "the faults must have failed some invocations"
    );
    eprintln!(
        "soak: {N} invocations in {:.1} s, {failed_then_retried} failed and were retried; faults: {by_fault:?}",
        started.elapsed().as_secs_f64()
    );
    running.task.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_function_stops_before_its_deadline_with_a_clear_error() {
    let endpoint = LocalConfig::default();
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    // Every call takes 3 s; the invocation has 1.5 s.
    endpoint.set_faults(Faults {
        delay_ms: 3_000,
        ..Default::default()
    });
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(running.url())
        .credentials_provider(aws_sdk_config::config::Credentials::new(
            "k", "s", None, None, "tests",
        ))
        .load()
        .await;
    let function = rules_lib::lambda::RuleFunction::new(
        rules_lib::rules::find("encrypted-volumes").unwrap(),
        sdk,
    );
    let ci = read_json(&fixture(
        "encrypted-volumes/non-compliant-unencrypted-attached-event.json",
    ));
    let event = payload(change_event(&ci), serde_json::json!({}), "late", "late/1");
    let started = Instant::now();
    let deadline = std::time::SystemTime::now() + Duration::from_millis(1_500);
    let err = function
        .handle_before(event, None, deadline)
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert_eq!(err.error_type(), "DeadlineReachedException");
    assert!(
        err.to_string().contains("before the invocation's deadline"),
        "{err}"
    );
    assert!(
        took < Duration::from_millis(1_400),
        "stopped {} ms after start: it must stop before the 1.5 s deadline",
        took.as_millis()
    );
    assert!(endpoint.stored_for("late").is_empty());
    running.task.abort();
}
