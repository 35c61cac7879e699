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
