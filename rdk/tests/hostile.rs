//! Hostile input to the `rdk` binary: FIFOs, devices, symbolic-link loops, oversized
//! items, out-of-range timestamps, byte-order marks, control characters. Each test is a
//! regression test for a defect found by hostile input, named after what it checks:
//! no hang, no crash, no lost report, and an error that names the input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A scratch directory of this test's own.
fn scratch(name: &str) -> PathBuf {
    let d = root().join("target/ferrule-tests/hostile").join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs rdk and fails the test (instead of hanging it) if it runs past 30 s.
fn rdk(args: &[&str]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rdk"))
        .current_dir(root())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("rdk runs");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("rdk {args:?} hung (killed after 30 s)");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `rdk [global...] scan --snapshot <path> --rules encrypted-volumes --format json`:
/// the report, after asserting the scan succeeded.
fn scan_report(global: &[&str], path: &Path) -> serde_json::Value {
    let mut args: Vec<&str> = global.to_vec();
    args.extend([
        "scan",
        "--snapshot",
        path.to_str().unwrap(),
        "--rules",
        "encrypted-volumes",
        "--format",
        "json",
    ]);
    let out = rdk(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn mkfifo(path: &Path) {
    let st = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(st.success(), "mkfifo {}", path.display());
}

const VOLUME: &str = "tests/fixtures/encrypted-volumes/compliant-encrypted-attached-event.json";

fn volume_item(id: &str) -> serde_json::Value {
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(VOLUME)).unwrap()).unwrap();
    v["resourceId"] = id.into();
    v
}

#[test]
fn a_fifo_given_as_item_or_event_is_refused_at_once_naming_it() {
    let d = scratch("fifo-evaluate");
    let fifo = d.join("item.json");
    mkfifo(&fifo);
    for flag in ["--item", "--event"] {
        let out = rdk(&[
            "evaluate",
            "--rule",
            "encrypted-volumes",
            flag,
            fifo.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{flag}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("item.json: is a FIFO (named pipe); only regular files are read"),
            "{flag}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_fifo_named_json_in_a_snapshot_directory_is_skipped_and_the_scan_goes_on() {
    let d = scratch("fifo-scan");
    std::fs::write(d.join("a.json"), volume_item("vol-a").to_string()).unwrap();
    mkfifo(&d.join("b.json"));
    let report = scan_report(&[], &d);
    assert_eq!(report["summary"]["items"], 1, "{report}");
    let skipped = report["summary"]["skippedInputs"].to_string();
    assert!(
        skipped.contains("b.json") && skipped.contains("FIFO"),
        "{skipped}"
    );
}

#[test]
fn symbolic_link_loops_end_and_each_file_is_read_once() {
    let d = scratch("symlink-loop");
    let inner = d.join("inner");
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::write(inner.join("a.json"), volume_item("vol-a").to_string()).unwrap();
    // A loop back to the top, a loop to itself, and a second name for the same file.
    std::os::unix::fs::symlink(&d, inner.join("up")).unwrap();
    std::os::unix::fs::symlink(&inner, inner.join("self")).unwrap();
    std::os::unix::fs::symlink(inner.join("a.json"), d.join("again.json")).unwrap();
    std::os::unix::fs::symlink(d.join("nowhere.json"), d.join("broken.json")).unwrap();
    let report = scan_report(&[], &d);
    assert_eq!(report["summary"]["items"], 1, "counted once: {report}");
    assert!(report["summary"]["skippedInputs"]
        .to_string()
        .contains("broken symbolic link"));
}

#[test]
fn a_scan_of_nothing_readable_exits_2_naming_the_input() {
    let empty = scratch("empty-dir");
    let missing = root().join("target/ferrule-tests/hostile/does-not-exist");
    for (path, needle) in [
        (missing.to_str().unwrap(), "does-not-exist: cannot read"),
        ("/dev/zero", "/dev/zero: is a device"),
        (empty.to_str().unwrap(), "no .json or .json.gz files here"),
    ] {
        let out = rdk(&["scan", "--snapshot", path]);
        assert_eq!(out.status.code(), Some(2), "{path}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{path}: no report on stdout");
        assert!(stderr(&out).contains(needle), "{path}: {}", stderr(&out));
    }
    // A directory whose only file cannot be read is as good as empty.
    let d = scratch("unreadable-only");
    std::fs::write(d.join("a.json"), r#"[{"nope": 1}]"#).unwrap();
    let ok = rdk(&["scan", "--snapshot", d.to_str().unwrap()]);
    assert!(
        ok.status.success(),
        "a read file with a bad item is still read"
    );
    mkfifo(&d.join("b.json"));
    std::fs::remove_file(d.join("a.json")).unwrap();
    let out = rdk(&["scan", "--snapshot", d.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("no snapshot file could be read"));
}

#[test]
fn an_event_from_dev_zero_is_refused_without_reading_it() {
    let out = rdk(&[
        "evaluate",
        "--rule",
        "encrypted-volumes",
        "--event",
        "/dev/zero",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("/dev/zero: is a device"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_item_larger_than_the_cap_is_refused_and_the_other_files_are_scanned() {
    let d = scratch("oversized");
    // Two MiB of one string, compressed to a few KiB, against a cap of 1 MiB.
    let mut big = volume_item("vol-big");
    big["configuration"]["description"] = "x".repeat(2 << 20).into();
    let gz = std::fs::File::create(d.join("big.json.gz")).unwrap();
    let mut enc = flate2::write::GzEncoder::new(gz, flate2::Compression::best());
    enc.write_all(big.to_string().as_bytes()).unwrap();
    enc.finish().unwrap();
    std::fs::write(d.join("small.json"), volume_item("vol-small").to_string()).unwrap();
    let report = scan_report(&["--max-item-mib", "1"], &d);
    assert_eq!(report["summary"]["items"], 1, "{report}");
    let skipped = report["summary"]["skippedInputs"].to_string();
    assert!(
        skipped.contains("big.json.gz") && skipped.contains("larger than the 1 MiB"),
        "{skipped}"
    );
    // The same file as an --event is refused with the cap named.
    let event = d.join("event.json");
    std::fs::write(&event, big.to_string()).unwrap();
    let out = rdk(&[
        "--max-item-mib",
        "1",
        "evaluate",
        "--rule",
        "encrypted-volumes",
        "--event",
        event.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--max-item-mib"), "{}", stderr(&out));
}

#[test]
fn out_of_range_timestamps_are_refused_when_read_and_a_scan_skips_only_that_item() {
    let d = scratch("timestamps");
    let mut items = Vec::new();
    for (i, t) in [
        serde_json::json!(1e12),
        serde_json::json!(1e308),
        serde_json::json!(18446744073709551616.0),
    ]
    .into_iter()
    .enumerate()
    {
        let mut v = volume_item(&format!("vol-{i}"));
        v["configurationItemCaptureTime"] = t;
        items.push(v);
    }
    items.push(volume_item("vol-good"));
    let file = d.join("items.json");
    std::fs::write(&file, serde_json::Value::Array(items.clone()).to_string()).unwrap();
    let report = scan_report(&[], &file);
    assert_eq!(report["summary"]["items"], 1, "{report}");
    assert_eq!(
        report["summary"]["skippedInputs"].as_array().unwrap().len(),
        3,
        "{report}"
    );
    assert!(report["summary"]["skippedInputs"]
        .to_string()
        .contains("outside the times AWS Config records"));

    let one = d.join("one.json");
    std::fs::write(&one, items[0].to_string()).unwrap();
    let out = rdk(&[
        "evaluate",
        "--rule",
        "encrypted-volumes",
        "--item",
        one.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("configurationItemCaptureTime"));
    assert!(!stderr(&out).contains("panicked"));
}

#[test]
fn a_byte_order_mark_or_a_directory_is_named_as_the_problem() {
    let d = scratch("bom");
    let bom = d.join("bom.json");
    std::fs::write(&bom, format!("\u{feff}{}", volume_item("vol-a"))).unwrap();
    for flag in ["--item", "--event"] {
        let out = rdk(&[
            "evaluate",
            "--rule",
            "encrypted-volumes",
            flag,
            bom.to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            stderr(&out).contains("byte-order mark"),
            "{flag}: {}",
            stderr(&out)
        );
    }
    let out = rdk(&[
        "evaluate",
        "--rule",
        "encrypted-volumes",
        "--item",
        d.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is a directory"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("line 0"), "{}", stderr(&out));
}

#[test]
fn control_characters_keep_junit_well_formed_and_text_free_of_escapes() {
    let d = scratch("control-chars");
    let mut v = volume_item("vol-\u{1b}[31mred\u{7}\u{0}");
    v["resourceType"] = "AWS::EC2::Volume".into();
    v["configuration"]["encrypted"] = false.into();
    let file = d.join("items.json");
    std::fs::write(&file, v.to_string()).unwrap();
    let junit = rdk(&[
        "scan",
        "--snapshot",
        file.to_str().unwrap(),
        "--rules",
        "encrypted-volumes",
        "--format",
        "junit",
    ]);
    assert!(junit.status.success(), "{}", stderr(&junit));
    let xml = String::from_utf8(junit.stdout).unwrap();
    assert!(
        !xml.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "no control characters in XML 1.0"
    );
    assert!(xml.contains("vol-?[31mred??"), "{xml}");
    let text = rdk(&[
        "scan",
        "--snapshot",
        file.to_str().unwrap(),
        "--rules",
        "encrypted-volumes",
    ]);
    let out = String::from_utf8(text.stdout).unwrap();
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out}");
}

#[test]
fn a_failed_output_write_leaves_no_temporary_file() {
    let d = scratch("output");
    // The report's path is an existing directory: the rename over it fails.
    let target = d.join("report.json");
    std::fs::create_dir_all(target.join("occupied")).unwrap();
    let out = rdk(&[
        "scan",
        "--rules",
        "encrypted-volumes",
        "--format",
        "json",
        "--output",
        target.to_str().unwrap(),
    ]);
    assert_ne!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("report.json: cannot write"),
        "{}",
        stderr(&out)
    );
    assert!(!d.join("report.json.tmp").exists(), "no .tmp left behind");
}

#[test]
fn an_unknown_parameter_in_an_aws_example_event_is_an_error_that_parameters_replace() {
    let event = "tests/fixtures/events/change-triggered.json";
    if !root().join(event).is_file() {
        panic!("{event} is missing: the test needs AWS's example change event");
    }
    let out = rdk(&["evaluate", "--rule", "encrypted-volumes", "--event", event]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .contains("rule parameter `myParameterKey` is not a parameter of encrypted-volumes"),
        "{}",
        stderr(&out)
    );
    let out = rdk(&[
        "evaluate",
        "--rule",
        "encrypted-volumes",
        "--event",
        event,
        "--parameters",
        "{}",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Sends one raw HTTP/1.1 request (with `Connection: close`) and returns the status and
/// the body.
async fn http(addr: std::net::SocketAddr, head: &str, body: &[u8]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!(
        "{head}\r\nHost: local\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let _ = s.write_all(body).await;
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out).await;
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn json_error(body: &str) -> serde_json::Value {
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("not JSON ({e}): {body}"));
    assert!(v["__type"].is_string() && v["message"].is_string(), "{v}");
    v
}

#[tokio::test]
async fn the_local_endpoint_answers_every_error_in_the_json_1_1_shape() {
    let endpoint = rdk::local_config::LocalConfig::default();
    let running = endpoint
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let a = running.addr;
    let (st, body) = http(a, "GET /nowhere HTTP/1.1", b"").await;
    assert_eq!(st, 404);
    json_error(&body);
    for head in [
        "GET / HTTP/1.1",
        "POST /_local/evaluations HTTP/1.1",
        "DELETE /_local/items HTTP/1.1",
    ] {
        let (st, body) = http(a, head, b"").await;
        assert_eq!(st, 405, "{head}");
        json_error(&body);
    }
    let big = vec![b' '; rdk::local_config::MAX_BODY_BYTES + 1];
    let (st, body) = http(
        a,
        "POST / HTTP/1.1\r\nX-Amz-Target: StarlingDoveService.PutEvaluations",
        &big,
    )
    .await;
    assert_eq!(st, 413);
    assert_eq!(
        json_error(&body)["__type"],
        "RequestEntityTooLargeException"
    );
    let (st, body) = http(
        a,
        "POST / HTTP/1.1\r\nX-Amz-Target: ConfigService.PutEvaluations",
        b"{}",
    )
    .await;
    assert_eq!(st, 400);
    assert!(
        json_error(&body)["message"]
            .as_str()
            .unwrap()
            .contains("wrong X-Amz-Target prefix"),
        "{body}"
    );
    let (st, body) = http(
        a,
        "PUT /_local/faults HTTP/1.1",
        b"{\"throttlePut\": \"x\"}",
    )
    .await;
    assert_eq!(st, 400);
    json_error(&body);
    let (st, body) = http(a, "POST /_local/items HTTP/1.1", b"[{\"nope\": 1}]").await;
    assert_eq!(st, 400);
    json_error(&body);
    running.task.abort();
}

#[tokio::test]
async fn the_local_endpoint_keeps_a_bounded_call_log_and_refuses_huge_tokens() {
    let endpoint = rdk::local_config::LocalConfig::default();
    let running = endpoint
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let token = "r/".to_string() + &"t".repeat(rdk::local_config::MAX_TOKEN_BYTES);
    let body = serde_json::json!({"Evaluations": [], "ResultToken": token}).to_string();
    let (st, resp) = http(
        running.addr,
        "POST / HTTP/1.1\r\nX-Amz-Target: StarlingDoveService.PutEvaluations",
        body.as_bytes(),
    )
    .await;
    assert_eq!(st, 400, "{resp}");
    assert!(json_error(&resp)["message"]
        .as_str()
        .unwrap()
        .contains("ResultToken"));
    // The call log keeps the most recent calls only.
    for _ in 0..(rdk::local_config::MAX_CALLS / 20) {
        let mut handles = Vec::new();
        for _ in 0..20 {
            handles.push(tokio::spawn(http(
                running.addr,
                "POST / HTTP/1.1\r\nX-Amz-Target: StarlingDoveService.Nothing",
                b"{}",
            )));
        }
        for h in handles {
            assert_eq!(h.await.unwrap().0, 400);
        }
    }
    let _ = http(
        running.addr,
        "POST / HTTP/1.1\r\nX-Amz-Target: StarlingDoveService.Nothing",
        b"{}",
    )
    .await;
    assert_eq!(endpoint.calls().len(), rdk::local_config::MAX_CALLS);
    running.task.abort();
}

#[tokio::test]
async fn the_local_endpoint_closes_idle_and_half_open_connections() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let endpoint = rdk::local_config::LocalConfig::default();
    let running = endpoint
        .serve_with_idle_timeout(
            std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            Duration::from_millis(300),
        )
        .await
        .unwrap();
    for sent in ["", "POST / HTTP/1.1\r\nHost: local\r\n"] {
        let mut s = tokio::net::TcpStream::connect(running.addr).await.unwrap();
        s.write_all(sent.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let closed = tokio::time::timeout(Duration::from_secs(10), s.read_to_end(&mut buf)).await;
        assert!(closed.is_ok(), "connection after {sent:?} was not closed");
    }
    running.task.abort();
}

async fn sdk_api(endpoint: &str) -> rules_lib::config_api::SdkConfigApi {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(endpoint)
        .credentials_provider(aws_sdk_config::config::Credentials::new(
            "k", "s", None, None, "tests",
        ))
        .load()
        .await;
    rules_lib::config_api::SdkConfigApi::from_sdk_config(&sdk)
}

#[tokio::test]
async fn api_failures_read_as_one_line_with_the_code_the_message_and_what_to_check() {
    use rules_lib::config_api::ConfigApi;
    // Nothing listens on the port: the innermost cause, and where to look.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let api = sdk_api(&format!("http://127.0.0.1:{port}")).await;
    let err = api
        .list_discovered_resources("AWS::EC2::Volume")
        .await
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\n'), "one line: {err}");
    assert!(err.contains("did not reach AWS"), "{err}");
    assert!(err.contains("check the region, the network"), "{err}");
    assert!(
        !err.contains("DispatchFailure") && !err.contains("ConnectorError"),
        "{err}"
    );

    // A refusal: the service's code, status and message, not the SDK's debug output.
    let endpoint = rdk::local_config::LocalConfig::default();
    let running = endpoint
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let api = sdk_api(&running.url()).await;
    let err = api
        .put_evaluations(&[], "", false)
        .await
        .unwrap_err()
        .to_string();
    assert!(!err.contains('\n'), "one line: {err}");
    assert!(
        err.contains("ValidationException (HTTP 400): 1 validation error detected"),
        "{err}"
    );
    assert!(
        !err.contains("ErrorMetadata") && !err.contains("Error {"),
        "{err}"
    );
    running.task.abort();
}

#[tokio::test]
async fn a_page_token_near_the_largest_number_answers_an_empty_page() {
    let endpoint = rdk::local_config::LocalConfig::default();
    let running = endpoint
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    for (action, body) in [
        (
            "ListDiscoveredResources",
            r#"{"resourceType": "AWS::EC2::Volume", "nextToken": "18446744073709551615"}"#,
        ),
        (
            "GetComplianceDetailsByConfigRule",
            r#"{"ConfigRuleName": "r", "NextToken": "18446744073709551615"}"#,
        ),
    ] {
        let (st, resp) = http(
            running.addr,
            &format!("POST / HTTP/1.1\r\nX-Amz-Target: StarlingDoveService.{action}"),
            body.as_bytes(),
        )
        .await;
        assert_eq!(st, 200, "{action}: {resp}");
        assert!(
            !resp.contains("extToken"),
            "{action}: no further page: {resp}"
        );
    }
    running.task.abort();
}

#[test]
fn a_live_command_without_a_region_exits_2_at_once_saying_how_to_set_one() {
    // No region anywhere: no variable, no config file, a home without ~/.aws. The
    // endpoint variable points at a closed port, so any call that went out would fail
    // (and be retried) instead of answering.
    let home = scratch("no-region-home");
    for args in [
        &["scan", "--live", "--rules", "encrypted-volumes"][..],
        &["status"][..],
        &["logs", "encrypted-volumes"][..],
    ] {
        let started = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_rdk"))
            .current_dir(root())
            .args(args)
            .env_remove("AWS_REGION")
            .env_remove("AWS_DEFAULT_REGION")
            .env_remove("AWS_PROFILE")
            .env("HOME", &home)
            .env("AWS_CONFIG_FILE", home.join("config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", home.join("credentials"))
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_ACCESS_KEY_ID", "k")
            .env("AWS_SECRET_ACCESS_KEY", "s")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "rdk {args:?}: {err}");
        assert!(err.contains("no AWS region"), "rdk {args:?}: {err}");
        assert!(
            err.contains("--region") && err.contains("AWS_REGION"),
            "rdk {args:?}: {err}"
        );
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "rdk {args:?} took {:?}: the missing region was retried",
            started.elapsed()
        );
    }
}
