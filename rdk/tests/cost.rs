//! `rdk cost`: the estimate over the bundled sample account and over a snapshot, and bad input.

use std::process::Command;

fn rdk(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_rdk"))
        .args(args)
        .output()
        .expect("rdk runs")
}

#[test]
fn the_estimate_adds_up_and_managed_rules_cost_the_evaluations_alone() {
    let out = rdk(&["cost", "--format", "json", "--changes-per-day", "2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rules = v["rules"].as_array().unwrap();
    assert_eq!(rules.len(), rules_lib::rules::catalog().len());
    let sum: f64 = rules
        .iter()
        .map(|r| r["evaluations"].as_f64().unwrap())
        .sum();
    assert!((sum - v["evaluations"].as_f64().unwrap()).abs() < 1e-6);
    let total = v["total_usd"].as_f64().unwrap();
    let parts = ["evaluation_usd", "lambda_request_usd", "lambda_compute_usd"]
        .iter()
        .map(|k| v[k].as_f64().unwrap())
        .sum::<f64>();
    assert!((total - parts).abs() < 1e-9);
    assert_eq!(v["managed_usd"], v["evaluation_usd"]);
    assert_eq!(v["inputs"]["changes_per_day"], 2.0);
    assert!(v["prices"]["source"]
        .as_str()
        .unwrap()
        .contains("aws.amazon.com/config/pricing"));
}

#[test]
fn the_text_estimate_names_its_inputs_prices_and_sources() {
    let out = rdk(&["cost", "--rules", "encrypted-volumes,restricted-ssh"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    for want in [
        "bundled sample account",
        "--changes-per-day",
        "aws.amazon.com/lambda/pricing",
        "encrypted-volumes",
        "restricted-ssh",
        "as AWS managed rules",
    ] {
        assert!(text.contains(want), "missing {want}:\n{text}");
    }
}

#[test]
fn a_missing_snapshot_or_an_unknown_rule_exits_2_naming_it() {
    let out = rdk(&["cost", "--snapshot", "/no/such/snapshot.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/snapshot.json"));
    let out = rdk(&["cost", "--rules", "no-such-rule"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-rule"));
    let out = rdk(&["cost", "--changes-per-day=-1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--changes-per-day"));
}

/// Recomputes every figure of the estimate from the inputs it printed, the catalog's
/// triggers, scopes and memory, and the published prices: the arithmetic a reader would
/// do by hand.
#[test]
fn every_figure_recomputes_by_hand_from_the_printed_inputs() {
    let out = rdk(&["cost", "--format", "json", "--changes-per-day", "0.5"]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let resources = v["inputs"]["resources"].as_object().unwrap();
    let changes = v["inputs"]["changes_per_day"].as_f64().unwrap();
    let days = 30.0;
    let (mut evaluations, mut invocations, mut gb_seconds) = (0.0, 0.0, 0.0);
    for r in v["rules"].as_array().unwrap() {
        let rule = rules_lib::rules::find(r["rule"].as_str().unwrap()).unwrap();
        let spec = rule.spec();
        let account = spec.resource_types.iter().all(|t| *t == "AWS::::Account");
        let n: f64 = if account {
            1.0
        } else {
            spec.resource_types
                .iter()
                .map(|t| resources.get(*t).and_then(|c| c.as_f64()).unwrap_or(0.0))
                .sum()
        };
        assert_eq!(r["resources"].as_f64().unwrap(), n, "{}", spec.name);
        let gb = f64::from(spec.memory_mb) / 1024.0;
        let (mut e, mut i, mut g) = (0.0, 0.0, 0.0);
        if spec.trigger.on_change() && !account {
            e += n * changes * days;
            i += n * changes * days;
            g += n * changes * days * 0.020 * gb;
        }
        if let Some(f) = spec.trigger.frequency() {
            let runs = f64::from(f.runs_per_day()) * days;
            e += runs * n;
            i += runs;
            g += runs * (0.200 + 0.002 * n) * gb;
        }
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-6 * b.abs().max(1.0);
        assert!(
            close(r["evaluations"].as_f64().unwrap(), e),
            "{} evaluations",
            spec.name
        );
        assert!(
            close(r["invocations"].as_f64().unwrap(), i),
            "{} invocations",
            spec.name
        );
        assert!(
            close(r["gb_seconds"].as_f64().unwrap(), g),
            "{} GB-s",
            spec.name
        );
        evaluations += e;
        invocations += i;
        gb_seconds += g;
    }
    // us-east-1: $0.001 each for the first 100,000 evaluations, $0.0008 for the next
    // 400,000, $0.0005 after; Lambda $0.20 per million requests, $0.0000133334 per arm64
    // GB-second.
    let tiered = evaluations.min(100_000.0) * 0.001
        + (evaluations - 100_000.0).clamp(0.0, 400_000.0) * 0.0008
        + (evaluations - 500_000.0).max(0.0) * 0.0005;
    let lambda = invocations / 1e6 * 0.20 + gb_seconds * 0.000_013_333_4;
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 + 1e-9 * b.abs();
    assert!(close(v["evaluations"].as_f64().unwrap(), evaluations));
    assert!(close(v["evaluation_usd"].as_f64().unwrap(), tiered));
    assert!(close(v["total_usd"].as_f64().unwrap(), tiered + lambda));
    assert!(close(v["managed_usd"].as_f64().unwrap(), tiered));
}

/// `--live` counts the account's resources through the Config API (the local endpoint,
/// through the SDK): serving the bundled sample account, it counts what the snapshot
/// count gives for every type the rules judge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_counts_through_the_config_api_match_the_snapshot_counts() {
    let mut items = Vec::new();
    rdk::scan::source::stream(rdk::scan::source::SAMPLE_ACCOUNT, "sample", &mut |r| {
        items.push(r.unwrap())
    })
    .unwrap();
    let endpoint = rdk::local_config::LocalConfig::new(items);
    let running = endpoint
        .serve("127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    let live = Command::new(env!("CARGO_BIN_EXE_rdk"))
        .args(["cost", "--live", "--format", "json"])
        .env("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url())
        .env("AWS_ACCESS_KEY_ID", "k")
        .env("AWS_SECRET_ACCESS_KEY", "s")
        .env("AWS_REGION", "us-east-1")
        .output()
        .unwrap();
    assert!(
        live.status.success(),
        "{}",
        String::from_utf8_lossy(&live.stderr)
    );
    let live: serde_json::Value = serde_json::from_slice(&live.stdout).unwrap();
    let sample: serde_json::Value =
        serde_json::from_slice(&rdk(&["cost", "--format", "json"]).stdout).unwrap();
    assert!(live["inputs"]["counts_from"]
        .as_str()
        .unwrap()
        .contains("ListDiscoveredResources"));
    let counted = live["inputs"]["resources"].as_object().unwrap();
    assert!(counted.len() > 30, "{counted:?}");
    for (t, n) in counted {
        let expected = sample["inputs"]["resources"][t].as_u64().unwrap_or(0);
        assert_eq!(n.as_u64().unwrap(), expected, "{t}");
    }
    assert_eq!(live["evaluations"], sample["evaluations"]);
    running.task.abort();
}
