//! `rdk scan`: sources, verdicts, every output format, gates, bad input, and the HTML
//! report rendered in headless Chromium.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rdk::scan::report::ScanFormat;
use rdk::scan::{scan, ScanOptions, Source};
use serde_json::{json, Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scratch() -> PathBuf {
    let d = root().join("target/ferrule-tests/scan");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rdk(args: &[&str], env: &[(&str, String)]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rdk"));
    c.current_dir(root()).args(args);
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("rdk runs")
}

fn opts(source: Source, rules: &[&str], parameters: Map<String, Value>) -> ScanOptions {
    ScanOptions {
        source,
        rules: rules.iter().map(|s| s.to_string()).collect(),
        parameters,
        progress: false,
    }
}

#[test]
fn every_rule_fixture_scanned_as_a_snapshot_gets_its_named_verdict() {
    let mut checked = 0;
    for rule in rules_lib::rules::catalog() {
        let name = rule.spec().name;
        let dir = root().join("tests/fixtures").join(name);
        if !rule.spec().trigger.on_change() {
            // Periodic-only rules judge the account (IAM, read live) or a set of items
            // (flow logs over VPCs), not one item per fixture: tests/tests/periodic.rs
            // runs each of them.
            continue;
        }
        // Every catalog rule has fixtures: a rule without them fails here instead of
        // being skipped without a word.
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| {
            panic!(
                "{name} has no fixtures ({}: {e}); add tests/fixtures/{name}/ with one item per verdict",
                dir.display()
            )
        });
        let mut files: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| !p.to_string_lossy().ends_with(".params.json"))
            .collect();
        files.sort();
        for file in files {
            let fname = file.file_name().unwrap().to_string_lossy().into_owned();
            let stem = fname
                .trim_end_matches(".json")
                .trim_end_matches("-event")
                .trim_end_matches("-api");
            let params_file = dir.join(format!("{stem}.params.json"));
            let mut parameters = Map::new();
            if params_file.exists() {
                parameters.insert(
                    name.to_string(),
                    serde_json::from_str(&std::fs::read_to_string(&params_file).unwrap()).unwrap(),
                );
            }
            let report = scan(&opts(
                Source::Snapshots(vec![file.clone()]),
                &[name],
                parameters,
            ))
            .unwrap();
            let expected = ["non-compliant-", "not-applicable-", "compliant-"]
                .iter()
                .find(|p| fname.starts_with(*p))
                .unwrap();
            let expected = expected
                .trim_end_matches('-')
                .to_ascii_uppercase()
                .replace('-', "_");
            let got: Vec<&str> = report
                .evaluations
                .iter()
                .map(|e| e.compliance_type.as_str())
                .collect();
            // An out-of-scope fixture produces no evaluation in a scan (the rule does not apply).
            if got.is_empty() {
                assert_eq!(expected, "NOT_APPLICABLE", "{name}/{fname}");
            } else {
                assert_eq!(got, [expected.as_str()], "{name}/{fname}");
            }
            checked += 1;
        }
    }
    assert!(checked >= 90, "{checked}");
}

#[test]
fn the_bundled_sample_account_is_scanned_with_every_rule() {
    let report = scan(&opts(Source::Sample, &[], Map::new())).unwrap();
    assert_eq!(report.items, 231);
    assert!(report.skipped.is_empty(), "{:?}", report.skipped);
    let not_evaluated: Vec<&str> = report.not_evaluated.iter().map(|n| n.rule).collect();
    assert_eq!(
        not_evaluated,
        [
            "access-keys-rotated",
            "iam-password-policy",
            "iam-root-access-key-check",
            "iam-user-mfa-enabled",
            "iam-user-unused-credentials-check",
            "mfa-enabled-for-iam-console-access",
            "root-account-mfa-enabled",
        ]
    );
    let by_rule = report.by_rule();
    for (rule, counts) in &by_rule {
        if !not_evaluated.contains(rule) {
            assert!(
                counts.compliant + counts.non_compliant + counts.not_applicable > 0,
                "{rule} judged nothing in the sample account"
            );
        }
    }
    let find = |rule: &str, id: &str| {
        report
            .evaluations
            .iter()
            .find(|e| e.config_rule_name == rule && &*e.compliance_resource_id == id)
            .map(|e| e.compliance_type.as_str())
    };
    assert_eq!(
        find("s3-bucket-public-read-prohibited", "acme-website"),
        Some("NON_COMPLIANT")
    );
    assert_eq!(
        find("vpc-flow-logs-enabled", "vpc-0sample000000a"),
        Some("COMPLIANT")
    );
    assert_eq!(
        find("vpc-flow-logs-enabled", "vpc-0sample000000b"),
        Some("NON_COMPLIANT")
    );
    assert_eq!(
        find("restricted-ssh", "sg-00000000000000b02"),
        Some("NON_COMPLIANT")
    );
}

#[test]
fn malformed_files_are_reported_with_path_and_position_and_the_scan_goes_on() {
    let report = scan(&opts(
        Source::Snapshots(vec![root().join("tests/fixtures/example-ci")]),
        &[],
        Map::new(),
    ))
    .unwrap();
    let mut skipped: Vec<String> = report
        .skipped
        .iter()
        .map(|s| format!("{}: {}", s.source, s.reason))
        .collect();
    skipped.sort();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(
        skipped[0].contains("AWS_EC2_NetworkInterface.json: invalid JSON at line 88 column 0"),
        "{}",
        skipped[0]
    );
    assert!(
        skipped[1].contains("AWS_SSM_ManagedInstanceInventory_Linux.json: invalid JSON at line"),
        "{}",
        skipped[1]
    );
    assert!(report.items >= 78, "{}", report.items);
    assert_eq!(report.summary_json()["skipped"], 2);
}

#[test]
fn gzipped_snapshots_and_directories_read_like_the_plain_file() {
    let dir = scratch().join("gz");
    std::fs::create_dir_all(&dir).unwrap();
    let gz = dir.join("123456789012_Config_us-east-1_ConfigSnapshot_20240601T000000Z.json.gz");
    let mut enc = flate2::write::GzEncoder::new(
        std::fs::File::create(&gz).unwrap(),
        flate2::Compression::fast(),
    );
    enc.write_all(rdk::scan::source::SAMPLE_ACCOUNT).unwrap();
    enc.finish().unwrap();
    let params: Map<String, Value> =
        serde_json::from_str(rdk::scan::source::SAMPLE_PARAMETERS).unwrap();
    let from_gz = scan(&opts(Source::Snapshots(vec![dir.clone()]), &[], params)).unwrap();
    let bundled = scan(&opts(Source::Sample, &[], Map::new())).unwrap();
    assert_eq!(from_gz.items, bundled.items);
    assert_eq!(from_gz.evaluations.len(), bundled.evaluations.len());
    assert_eq!(from_gz.totals(), bundled.totals());
}

#[test]
fn every_output_format_is_well_formed() {
    let report = scan(&opts(Source::Sample, &[], Map::new())).unwrap();
    let t = report.totals();

    let v: Value = serde_json::from_str(&report.render(ScanFormat::Json)).unwrap();
    assert_eq!(v["summary"]["nonCompliant"], t.non_compliant);
    assert_eq!(
        v["evaluations"].as_array().unwrap().len(),
        report.evaluations.len()
    );
    let e0 = &v["evaluations"][0];
    for k in [
        "ConfigRuleName",
        "ComplianceResourceType",
        "ComplianceResourceId",
        "ComplianceType",
        "OrderingTimestamp",
    ] {
        assert!(e0.get(k).is_some(), "evaluations carry {k}: {e0}");
    }

    let sarif: Value = serde_json::from_str(&report.render(ScanFormat::Sarif)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    assert_eq!(run["results"].as_array().unwrap().len(), t.non_compliant);
    let rule_ids: Vec<&str> = run["tool"]["driver"]["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    for r in run["results"].as_array().unwrap() {
        assert!(rule_ids.contains(&r["ruleId"].as_str().unwrap()));
        assert!(["error", "warning", "note"].contains(&r["level"].as_str().unwrap()));
        assert!(
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                .as_str()
                .unwrap()
                .contains("::")
        );
    }

    let junit = report.render(ScanFormat::Junit);
    assert!(junit.starts_with("<?xml"));
    assert_eq!(
        junit.matches("<testcase ").count(),
        report.evaluations.len()
    );
    assert_eq!(junit.matches("<failure ").count(), t.non_compliant);
    assert_eq!(junit.matches("<skipped ").count(), t.not_applicable);
    assert_eq!(
        junit.matches("<testsuite ").count(),
        junit.matches("</testsuite>").count()
    );
    assert!(!junit.contains("& "), "unescaped ampersand");

    let text = report.render(ScanFormat::Text);
    assert!(
        text.contains("RULE") && text.contains("RESOURCE TYPE") && text.contains("NON_COMPLIANT:")
    );
    assert!(text.contains(&format!("{} non-compliant", t.non_compliant)));

    let html = report.render(ScanFormat::Html);
    assert!(
        html.starts_with("<!DOCTYPE html>")
            && html.contains("id=\"chart-rules\"")
            && html.contains("id=\"chart-types\"")
    );
    assert!(
        !html.contains("<script src") && !html.contains("<link "),
        "the page must be self-contained"
    );
}

#[test]
fn gates_set_the_exit_code() {
    let out = rdk(
        &["scan", "--fail-on", "non-compliant", "--format", "json"],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr)
        .contains("NON_COMPLIANT evaluations of rules at or above low severity"));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        v["summary"]["nonCompliant"].as_u64().unwrap() > 0,
        "the report is still written"
    );

    // Only medium-severity findings, gated at high: passes.
    let out = rdk(
        &[
            "scan",
            "--rules",
            "s3-bucket-versioning-enabled",
            "--fail-on",
            "non-compliant",
            "--min-severity",
            "high",
        ],
        &[],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = rdk(
        &[
            "scan",
            "--snapshot",
            "tests/fixtures/example-ci",
            "--fail-on",
            "skipped",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let out = rdk(&["scan", "--snapshot", "tests/fixtures/example-ci"], &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "skipped inputs alone do not fail a scan"
    );

    // Bad input: exit 2, one line.
    let out = rdk(&["scan", "--rules", "no-such-rule"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let bad = scratch().join("bad-params.json");
    std::fs::write(&bad, r#"{"encrypted-volumes": {"kmsID": "x"}}"#).unwrap();
    let out = rdk(&["scan", "--parameters-file", bad.to_str().unwrap()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kmsID"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_scans_read_the_account_through_the_config_api() {
    let (endpoint, _) =
        rdk::local_config::LocalConfig::load_dir(&root().join("tests/fixtures/restricted-ssh"))
            .unwrap();
    let running = endpoint
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let env = [
        ("AWS_ENDPOINT_URL_CONFIG_SERVICE", running.url()),
        ("AWS_ACCESS_KEY_ID", "scan".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "scan".to_string()),
        ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
    ];
    let out = tokio::task::spawn_blocking(move || {
        rdk(
            &[
                "scan",
                "--live",
                "--region",
                "us-east-1",
                "--rules",
                "restricted-ssh,vpc-default-security-group-closed",
                "--format",
                "json",
            ],
            &env,
        )
    })
    .await
    .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["items"], 4);
    // One account and region: no per-account breakdown, no account on the evaluations
    // (those are for --aggregator scans).
    assert!(v["summary"].get("byAccountRegion").is_none());
    assert!(v["evaluations"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e.get("AccountId").is_none() && e.get("AwsRegion").is_none()));
    assert_eq!(
        v["summary"]["byRule"]["restricted-ssh"],
        json!({"compliant": 2, "nonCompliant": 2, "notApplicable": 0, "severity": "high"})
    );
    let calls = endpoint.calls();
    assert!(calls.iter().any(|c| c.action == "ListDiscoveredResources"));
    assert!(calls.iter().any(|c| c.action == "BatchGetResourceConfig"));
    assert!(
        calls.iter().all(|c| c.action != "PutEvaluations"),
        "a scan reports nothing to Config"
    );
}

fn chromium() -> PathBuf {
    for c in [
        "/usr/bin/chromium",
        "/usr/bin/chromium-browser",
        "/usr/bin/google-chrome",
    ] {
        if Path::new(c).exists() {
            return PathBuf::from(c);
        }
    }
    panic!("Chromium is not installed: `bash tests/run-all.sh` installs it (apt-get install chromium), or install it yourself");
}

#[test]
fn the_html_report_renders_in_headless_chromium() {
    let browser = chromium();
    let dir = scratch().join("html");
    std::fs::create_dir_all(&dir).unwrap();
    let page = dir.join("report.html");
    let out = rdk(
        &[
            "scan",
            "--format",
            "html",
            "--output",
            page.to_str().unwrap(),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let profile = dir.join("profile");
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ];
    let url = format!("file://{}", page.display());
    let dom = Command::new(&browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", &url])
        .output()
        .expect("chromium runs");
    let dom = String::from_utf8_lossy(&dom.stdout);
    assert!(
        dom.contains("id=\"chart-rules\"") && dom.contains("id=\"chart-types\""),
        "charts missing from the rendered DOM"
    );
    assert!(
        dom.matches("<rect class=\"n\"").count() >= 10,
        "non-compliant bars missing"
    );
    assert!(dom.contains("<table id=\"findings\">"));
    let shot = dir.join("report.png");
    let _ = std::fs::remove_file(&shot);
    let out = Command::new(&browser)
        .args(flags)
        .arg(format!("--user-data-dir={}", profile.display()))
        .args([
            "--window-size=1280,1600",
            &format!("--screenshot={}", shot.display()),
            &url,
        ])
        .output()
        .expect("chromium runs");
    let png = std::fs::read(&shot).unwrap_or_else(|e| {
        panic!(
            "no screenshot ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    assert!(
        png.len() > 20_000,
        "a blank page would be tiny: {} bytes",
        png.len()
    );
}

/// The scan's speed rests on typed views: the rules of the most common types read only
/// the fields they need from the configuration's text, and nothing (the engine's checks
/// included) parses the whole configuration into a `Value` tree. A rule that falls back
/// to the untyped configuration for one of these types fails this test.
#[test]
fn judging_the_common_types_with_every_rule_never_parses_a_whole_configuration() {
    use rules_lib::scan::Scanner;
    use rules_lib::{rules, ConfigurationItem, Timestamp};
    const TYPED: [&str; 8] = [
        "AWS::S3::Bucket",
        "AWS::EC2::Instance",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::Volume",
        "AWS::Lambda::Function",
        "AWS::RDS::DBInstance",
        "AWS::IAM::Policy",
        "AWS::OpenSearch::Domain",
    ];
    let snapshot: Value = serde_json::from_slice(rdk::scan::source::SAMPLE_ACCOUNT).unwrap();
    let params: Map<String, Value> =
        serde_json::from_str(rdk::scan::source::SAMPLE_PARAMETERS).unwrap();
    let catalog: Vec<_> = rules::catalog().to_vec();
    let (selected, _) = rdk::scan::select_rules(&[], &params).unwrap();
    assert!(selected.len() > catalog.len() / 2);
    let scanner = Scanner::new(&selected, &params, Timestamp::now()).unwrap();
    let mut judged = 0;
    for raw in snapshot["configurationItems"].as_array().unwrap() {
        let item = ConfigurationItem::from_json_str(&raw.to_string()).unwrap();
        if !TYPED.contains(&item.resource_type.as_str()) || item.configuration.is_null() {
            continue;
        }
        let evaluations = scanner.evaluate(&item).unwrap();
        assert!(!evaluations.is_empty(), "{} was judged", item.resource_id);
        assert!(
            !item.configuration.is_parsed(),
            "judging {} {} parsed its whole configuration; give the rule that did a typed view",
            item.resource_type,
            item.resource_id
        );
        judged += 1;
    }
    assert!(judged > 50, "only {judged} items of the typed types");
}
