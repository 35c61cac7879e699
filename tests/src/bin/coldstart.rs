//! Cold-start benchmark: from process start of a release `bootstrap` to the first
//! evaluation stored by the local Config endpoint, and the function's peak RSS.
//!
//! A minimal Lambda Runtime API (the four routes a function uses) is served here so
//! the measurement is the function's own start, not cargo-lambda's `cargo run`.
//! Usage: `coldstart <bootstrap> [runs]` (see tests/bench/coldstart.sh).

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::routing::{get, post};
use axum::Router;
use rdk::local_config::LocalConfig;
use tokio::sync::Mutex;

#[derive(Clone)]
struct Runtime {
    event: Arc<String>,
    served: Arc<Mutex<bool>>,
}

async fn next(State(rt): State<Runtime>) -> (StatusCode, HeaderMap, String) {
    let mut served = rt.served.lock().await;
    if *served {
        drop(served);
        // One invocation per process: park the second poll.
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return (StatusCode::NO_CONTENT, HeaderMap::new(), String::new());
    }
    *served = true;
    let mut h = HeaderMap::new();
    h.insert(
        "lambda-runtime-aws-request-id",
        HeaderValue::from_static("bench-1"),
    );
    h.insert(
        "lambda-runtime-deadline-ms",
        HeaderValue::from_str(
            &(std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis()
                + 60_000)
                .to_string(),
        )
        .unwrap(),
    );
    h.insert(
        "lambda-runtime-invoked-function-arn",
        HeaderValue::from_static("arn:aws:lambda:us-east-1:123456789012:function:bench"),
    );
    h.insert(
        "lambda-runtime-trace-id",
        HeaderValue::from_static("Root=1-00000000-000000000000000000000000"),
    );
    (StatusCode::OK, h, rt.event.to_string())
}

async fn accepted(Path(_id): Path<String>) -> StatusCode {
    StatusCode::ACCEPTED
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let bootstrap = args
        .get(1)
        .expect("usage: coldstart <bootstrap> [runs]")
        .clone();
    let runs: usize = args.get(2).and_then(|r| r.parse().ok()).unwrap_or(10);
    let item = std::fs::read_to_string(ferrule_tests::fixture(
        "encrypted-volumes/non-compliant-unencrypted-attached-event.json",
    ))
    .unwrap();
    let item: serde_json::Value = serde_json::from_str(&item).unwrap();
    let mut times = Vec::new();
    let mut rss = Vec::new();
    for run in 0..runs {
        let endpoint = LocalConfig::default();
        let config = endpoint
            .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .unwrap();
        let event = ferrule_tests::payload(
            ferrule_tests::change_event(&item),
            serde_json::json!({}),
            "bench",
            &format!("bench/{run}"),
        );
        let rt = Runtime {
            event: Arc::new(event.to_string()),
            served: Arc::new(Mutex::new(false)),
        };
        let app = Router::new()
            .route("/2018-06-01/runtime/invocation/next", get(next))
            .route(
                "/2018-06-01/runtime/invocation/{id}/response",
                post(accepted),
            )
            .route("/2018-06-01/runtime/invocation/{id}/error", post(accepted))
            .route(
                "/2018-06-01/runtime/init/error",
                post(|| async { StatusCode::ACCEPTED }),
            )
            .with_state(rt);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let api = listener.local_addr().unwrap();
        let server = tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

        let start = Instant::now();
        let mut child = std::process::Command::new(&bootstrap)
            .env_clear()
            .env("AWS_LAMBDA_RUNTIME_API", api.to_string())
            .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "128")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
            .env("AWS_REGION", "us-east-1")
            .env("AWS_ACCESS_KEY_ID", "bench")
            .env("AWS_SECRET_ACCESS_KEY", "bench")
            .env("AWS_ENDPOINT_URL_CONFIG_SERVICE", config.url())
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .spawn()
            .expect("bootstrap starts");
        while endpoint.stored().is_empty() {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "no evaluation stored within 30 s"
            );
            tokio::time::sleep(Duration::from_micros(200)).await;
        }
        let elapsed = start.elapsed();
        // Let the response post land, then read the peak RSS while the process lives.
        tokio::time::sleep(Duration::from_millis(50)).await;
        rss.push(vm_hwm_kb(child.id()).unwrap_or(0));
        let _ = child.kill();
        let _ = child.wait();
        server.abort();
        config.task.abort();
        times.push(elapsed);
    }
    times.sort();
    rss.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("function:           {bootstrap}");
    println!("runs:               {runs}");
    println!(
        "start→stored (ms):  median {:.1}  min {:.1}  max {:.1}",
        ms(times[runs / 2]),
        ms(times[0]),
        ms(times[runs - 1])
    );
    println!(
        "peak RSS (MiB):     median {:.1}  max {:.1}",
        rss[runs / 2] as f64 / 1024.0,
        rss[runs - 1] as f64 / 1024.0
    );
}
