//! `rdk logs` against moto's CloudWatch Logs (the real wire protocol, through the SDK):
//! the events of a rule's log group formatted for people, the newest N, a missing group
//! or rule named, and `--follow` showing new events until Ctrl-C, then exiting 0.
//! moto comes from the test command's virtualenv (`.venv/bin/moto_server`).

mod common;

use common::moto;

use std::io::BufRead;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

async fn logs_client(url: &str) -> aws_sdk_cloudwatchlogs::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_config::config::Credentials::new(
            "k", "s", None, None, "tests",
        ))
        .load()
        .await;
    aws_sdk_cloudwatchlogs::Client::new(&sdk)
}

async fn put(c: &aws_sdk_cloudwatchlogs::Client, group: &str, messages: &[&str]) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let mut req = c
        .put_log_events()
        .log_group_name(group)
        .log_stream_name("2026/12/02/[$LATEST]abc");
    for (i, m) in messages.iter().enumerate() {
        req = req.log_events(
            aws_sdk_cloudwatchlogs::types::InputLogEvent::builder()
                .timestamp(now - 10_000 + i as i64)
                .message(*m)
                .build()
                .unwrap(),
        );
    }
    req.send().await.unwrap();
}

fn rdk(url: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rdk"));
    c.env("AWS_ENDPOINT_URL_CLOUDWATCH_LOGS", url)
        .env("AWS_ACCESS_KEY_ID", "k")
        .env("AWS_SECRET_ACCESS_KEY", "s")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE");
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn logs_show_the_newest_events_formatted_and_follow_until_ctrl_c() {
    let moto = moto();
    let c = logs_client(&moto.url).await;
    let group = "/aws/lambda/ferrule-encrypted-volumes";
    c.create_log_group()
        .log_group_name(group)
        .send()
        .await
        .unwrap();
    c.create_log_stream()
        .log_group_name(group)
        .log_stream_name("2026/12/02/[$LATEST]abc")
        .send()
        .await
        .unwrap();
    put(
        &c,
        group,
        &[
            "START RequestId: 8f2a-1 Version: $LATEST",
            r#"{"level":"INFO","message":"NON_COMPLIANT","resource_id":"vol-1","span":{"request_id":"8f2a-1","name":"invocation"}}"#,
            r#"{"_aws":{"Timestamp":0,"CloudWatchMetrics":[{"Namespace":"ferrule","Dimensions":[["RuleName"],[]],"Metrics":[{"Name":"NonCompliant","Unit":"Count"}]}]},"RuleName":"encrypted-volumes","NonCompliant":1.0,"RequestId":"8f2a-1"}"#,
        ],
    )
    .await;

    let out = rdk(&moto.url)
        .args(["logs", "encrypted-volumes", "--since", "1h"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines[0].ends_with("START RequestId: 8f2a-1 Version: $LATEST"),
        "{text}"
    );
    assert!(
        lines[1].ends_with("INFO  [8f2a] NON_COMPLIANT resource_id=vol-1"),
        "{text}"
    );
    assert!(
        lines[2].ends_with("METRICS [8f2a] NonCompliant=1"),
        "{text}"
    );

    let out = rdk(&moto.url)
        .args(["logs", "encrypted-volumes", "--number", "1"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
    assert!(text.contains("METRICS"), "the newest one: {text}");

    // A rule of the catalog whose function is not deployed, and a rule that does not exist.
    let out = rdk(&moto.url)
        .args(["logs", "restricted-ssh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("/aws/lambda/ferrule-restricted-ssh does not exist"));
    let out = rdk(&moto.url)
        .args(["logs", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = rdk(&moto.url)
        .args(["logs", "encrypted-volumes", "--since", "1y"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // --follow: the old events, then a new one as it arrives, then Ctrl-C ends it cleanly.
    let mut follow = rdk(&moto.url)
        .args(["logs", "encrypted-volumes", "--follow"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = mpsc::channel();
    let stdout = follow.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stdout)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let wait_for = |needle: &str| {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains(needle) => return,
                Ok(_) => {}
                Err(_) => panic!("--follow did not show {needle} within 20 s"),
            }
        }
    };
    wait_for("METRICS");
    put(
        &c,
        group,
        &[r#"{"level":"INFO","message":"evaluations delivered","span":{"request_id":"77aa-2"}}"#],
    )
    .await;
    wait_for("[77aa] evaluations delivered");
    let sent = Command::new("kill")
        .args(["-s", "INT", &follow.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(s) = follow.try_wait().unwrap() {
            break s;
        }
        assert!(
            Instant::now() < deadline,
            "--follow did not stop within 10 s of Ctrl-C"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "Ctrl-C ends --follow with exit 0, got {status}"
    );
}
