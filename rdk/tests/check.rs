//! `rdk check`: template fixtures by verdict for every rule, the 295 real templates,
//! enforcement and suppression exit codes, resolution through the CLI, SARIF locations.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use rdk::check::{check, policy::Policy, CheckOptions};
use rdk::scan::report::Finding;
use serde_json::{Map, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("ferrule-check-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn rdk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rdk"))
        .current_dir(root())
        .args(args)
        .output()
        .expect("rdk runs")
}

fn json_of(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn read_json_object(p: &Path) -> Map<String, Value> {
    match std::fs::read_to_string(p) {
        Ok(t) => serde_json::from_str::<Value>(&t)
            .unwrap()
            .as_object()
            .cloned()
            .unwrap(),
        Err(_) => Map::new(),
    }
}

const VERDICTS: [(&str, &str); 4] = [
    ("insufficient-data-", "INSUFFICIENT_DATA"),
    ("non-compliant-", "NON_COMPLIANT"),
    ("not-applicable-", "NOT_APPLICABLE"),
    ("compliant-", "COMPLIANT"),
];

#[test]
fn every_template_fixture_gets_its_named_verdict_for_every_resource_in_scope() {
    let dir = root().join("tests/fixtures/check");
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut seen: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for rule_dir in std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
    {
        let rule = rule_dir.file_name().unwrap().to_str().unwrap().to_string();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&rule_dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                let n = p.file_name().unwrap().to_str().unwrap();
                (n.ends_with(".yaml") || n.ends_with(".json"))
                    && !n.ends_with(".params.json")
                    && !n.ends_with(".overrides.json")
            })
            .collect();
        files.sort();
        for file in files {
            let name = file.file_name().unwrap().to_str().unwrap().to_string();
            let Some((_, expected)) = VERDICTS.iter().find(|(p, _)| name.starts_with(p)) else {
                failures.push(format!("{name}: the name must start with a verdict"));
                continue;
            };
            let stem = name.rsplit_once('.').unwrap().0;
            let params = read_json_object(&rule_dir.join(format!("{stem}.params.json")));
            let overrides: HashMap<String, String> =
                read_json_object(&rule_dir.join(format!("{stem}.overrides.json")))
                    .into_iter()
                    .map(|(k, v)| {
                        (
                            k,
                            v.as_str()
                                .map(str::to_string)
                                .unwrap_or_else(|| v.to_string()),
                        )
                    })
                    .collect();
            let mut parameters = Map::new();
            parameters.insert(rule.clone(), Value::Object(params));
            let run = check(&CheckOptions {
                paths: vec![file.clone()],
                rules: vec![rule.clone()],
                policy: Policy::default(),
                parameters,
                overrides,
            })
            .unwrap_or_else(|e| panic!("{name}: {}", e.message));
            assert!(run.malformed.is_empty(), "{name}: {:?}", run.malformed);
            assert_eq!(
                run.report.items, 1,
                "{name} is read as a template: {:?}",
                run.report.skipped
            );
            let evals: Vec<_> = run
                .report
                .evaluations
                .iter()
                .filter(|e| e.rule() == rule)
                .collect();
            if evals.is_empty() {
                failures.push(format!("{rule}/{name}: no resource in the rule's scope"));
            }
            for e in evals {
                checked += 1;
                if e.outcome().as_str() != *expected {
                    failures.push(format!(
                        "{rule}/{name}: {} is {} ({}), expected {expected}",
                        e.resource_id(),
                        e.outcome().as_str(),
                        e.annotation().unwrap_or("")
                    ));
                }
            }
            let format = if name.ends_with(".tfplan.json") {
                "tfplan"
            } else if name.ends_with(".pulumi.json") {
                "pulumi"
            } else {
                "template"
            };
            seen.entry(format!("{rule} {format}"))
                .or_default()
                .push(expected);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} evaluations disagree:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // Every change-triggered rule with a CloudFormation type has the three verdicts
    // (vpc-default-security-group-closed: a group a template creates is never a default one).
    for r in rules_lib::rules::catalog() {
        let spec = r.spec();
        // No CloudFormation type for the account-level block; and every new bucket is
        // encrypted (SSE-S3 cannot be turned off), so no template can violate SSE.
        if !spec.trigger.on_change()
            || !spec.preventive
            || spec.name == "s3-account-level-public-access-blocks"
        {
            continue;
        }
        let got = seen
            .get(&format!("{} template", spec.name))
            .cloned()
            .unwrap_or_default();
        let wanted: &[&str] = if spec.name == "vpc-default-security-group-closed" {
            &["NOT_APPLICABLE"]
        } else if spec.name == "s3-bucket-server-side-encryption-enabled" {
            &["COMPLIANT"]
        } else {
            &["COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA"]
        };
        for w in wanted {
            assert!(
                got.contains(w),
                "{} has no {w} template fixture (tests/fixtures/check/{}/)",
                spec.name,
                spec.name
            );
        }
    }
    // Plans: every change-triggered rule, in both formats (tests/fixtures/check/plans.py).
    // Terraform can manage the VPC's default group and the account's Block Public
    // Access; every bucket is still encrypted whatever a plan says.
    for r in rules_lib::rules::catalog() {
        let spec = r.spec();
        if !spec.trigger.on_change() || !spec.preventive {
            continue;
        }
        let wanted: &[&str] = if spec.name == "s3-bucket-server-side-encryption-enabled" {
            &["COMPLIANT"]
        } else {
            &["COMPLIANT", "NON_COMPLIANT", "INSUFFICIENT_DATA"]
        };
        for format in ["tfplan", "pulumi"] {
            let got = seen
                .get(&format!("{} {format}", spec.name))
                .cloned()
                .unwrap_or_default();
            for w in wanted {
                assert!(
                    got.contains(w),
                    "{} has no {w} {format} fixture (run tests/fixtures/check/plans.py)",
                    spec.name
                );
            }
        }
    }
}

#[test]
fn every_bundled_real_template_is_judged_or_skipped_with_a_reason() {
    let tree = root().join("tests/fixtures/cfn-templates");
    let run = check(&CheckOptions {
        paths: vec![tree.clone()],
        ..Default::default()
    })
    .unwrap();
    let report = &run.report;
    let files = walkdir_count(&tree);
    assert_eq!(
        report.items + report.skipped.len(),
        files,
        "every template-like file is judged or skipped"
    );
    assert_eq!(report.items, 275, "templates judged");
    assert_eq!(report.skipped.len(), 17, "skipped: {:#?}", report.skipped);
    assert!(run.malformed.is_empty(), "{:?}", run.malformed);
    for s in &report.skipped {
        assert!(
            s.reason.starts_with("not a template: "),
            "{}: {}",
            s.source,
            s.reason
        );
    }
    let t = report.totals();
    assert!(
        t.compliant > 800 && t.non_compliant > 300 && t.insufficient_data > 100,
        "{t:?}"
    );
    // INSUFFICIENT_DATA always names the property and where its value comes from.
    for e in report
        .evaluations
        .iter()
        .filter(|e| e.outcome().as_str() == "INSUFFICIENT_DATA")
    {
        let a = e.annotation().unwrap();
        assert!(
            a.contains("known only at deploy time") || a.contains("could not judge"),
            "{a}"
        );
    }
}

fn walkdir_count(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            n += walkdir_count(&p);
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml" | "json" | "template")
        ) {
            n += 1;
        }
    }
    n
}

const PUBLIC_BUCKET: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Parameters:
  KeyArn:
    Type: String
Resources:
  Site:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
      PublicAccessBlockConfiguration:
        BlockPublicAcls: false
        IgnorePublicAcls: false
  Data:
    Type: AWS::EC2::Volume
    Properties:
      AvailabilityZone: us-east-1a
      Size: 10
      Encrypted: true
      KmsKeyId: !Ref KeyArn
  Attach:
    Type: AWS::EC2::VolumeAttachment
    Properties: {VolumeId: !Ref Data, InstanceId: i-1, Device: /dev/sdf}
"#;

#[test]
fn a_mandatory_violation_exits_1_and_sarif_points_at_the_offending_line() {
    let d = scratch("sarif");
    let t = d.join("site.yaml");
    std::fs::write(&t, PUBLIC_BUCKET).unwrap();
    let out = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "s3-bucket-public-read-prohibited",
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let v = json_of(&out);
    let r = &v["runs"][0]["results"][0];
    assert_eq!(r["ruleId"], "s3-bucket-public-read-prohibited");
    let region = &r["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 9, "AccessControl is on line 9: {r}");
    assert_eq!(region["startColumn"], 7);
    assert!(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("site.yaml")
    );
    let text = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "s3-bucket-public-read-prohibited",
    ]);
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.contains("site.yaml:9:7: [mandatory critical] s3-bucket-public-read-prohibited AWS::S3::Bucket Site"), "{stdout}");
}

#[test]
fn json_carries_enforcement_location_and_insufficient_data() {
    let d = scratch("json");
    let t = d.join("t.yaml");
    std::fs::write(&t, PUBLIC_BUCKET).unwrap();
    let params = d.join("p.json");
    std::fs::write(
        &params,
        r#"{"encrypted-volumes": {"kmsId": "arn:aws:kms:us-east-1:111122223333:key/abc"}}"#,
    )
    .unwrap();
    let out = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "encrypted-volumes",
        "--parameters-file",
        params.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "INSUFFICIENT_DATA fails nothing: {out:?}"
    );
    let v = json_of(&out);
    let e = &v["evaluations"][0];
    assert_eq!(e["ConfigRuleName"], "encrypted-volumes");
    assert_eq!(e["ComplianceResourceType"], "AWS::EC2::Volume");
    assert_eq!(e["ComplianceResourceId"], "Data");
    assert_eq!(e["ComplianceType"], "INSUFFICIENT_DATA");
    assert_eq!(e["Enforcement"], "mandatory");
    assert_eq!(e["Location"]["line"], 13);
    assert_eq!(e["Location"]["property"]["path"], "Properties.KmsKeyId");
    assert_eq!(e["Location"]["property"]["line"], 19);
    assert!(
        e["Annotation"].as_str().unwrap().contains("!Ref KeyArn"),
        "{e}"
    );
    assert_eq!(v["summary"]["insufficientData"], 1);
    // The same template with the parameter given: now known, and judged.
    let known = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "encrypted-volumes",
        "--parameters-file",
        params.to_str().unwrap(),
        "--format",
        "json",
        "--parameter-overrides",
        "KeyArn=arn:aws:kms:us-east-1:111122223333:key/other",
    ]);
    assert_eq!(known.status.code(), Some(1), "{known:?}");
    assert_eq!(
        json_of(&known)["evaluations"][0]["ComplianceType"],
        "NON_COMPLIANT"
    );
}

#[test]
fn advisory_findings_and_suppressions_do_not_fail_the_check_and_are_listed() {
    let d = scratch("policy");
    let t = d.join("t.yaml");
    std::fs::write(&t, PUBLIC_BUCKET).unwrap();
    let policy = d.join("policy.yaml");
    std::fs::write(
        &policy,
        "rules:\n  s3-bucket-public-read-prohibited:\n    enforcement: advisory\n",
    )
    .unwrap();
    let out = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "s3-bucket-public-read-prohibited",
        "--policy",
        policy.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let v = json_of(&out);
    assert_eq!(v["evaluations"][0]["Enforcement"], "advisory");
    assert_eq!(v["summary"]["advisory"], 1);

    let suppressed = PUBLIC_BUCKET.replace(
        "    Type: AWS::S3::Bucket\n",
        "    Type: AWS::S3::Bucket\n    Metadata:\n      ferrule:\n        SuppressedRules:\n          - rule: s3-bucket-public-read-prohibited\n            reason: a public website by design\n      guard:\n        SuppressedRules: [S3_BUCKET_PUBLIC_WRITE_PROHIBITED]\n",
    );
    std::fs::write(&t, suppressed).unwrap();
    let out = rdk(&["check", t.to_str().unwrap(), "--rules", "s3-bucket-public-read-prohibited,s3-bucket-public-write-prohibited,s3-bucket-versioning-enabled", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "versioning is still violated: {out:?}"
    );
    let v = json_of(&out);
    let sup = v["summary"]["suppressions"].as_array().unwrap();
    assert_eq!(sup.len(), 2, "{sup:?}");
    assert!(sup
        .iter()
        .any(|s| s["Reason"] == "a public website by design"));
    assert!(sup
        .iter()
        .any(|s| s["ConfigRuleName"] == "s3-bucket-public-write-prohibited"));
    let text = String::from_utf8_lossy(
        &rdk(&[
            "check",
            t.to_str().unwrap(),
            "--rules",
            "s3-bucket-public-read-prohibited",
        ])
        .stdout,
    )
    .to_string();
    assert!(
        text.contains("SUPPRESSED:") && text.contains("suppressed: a public website by design"),
        "{text}"
    );
    let clean = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "s3-bucket-public-read-prohibited",
    ]);
    assert_eq!(
        clean.status.code(),
        Some(0),
        "a suppressed violation fails nothing: {clean:?}"
    );
}

#[test]
fn bad_input_exits_2_with_one_line_naming_file_and_position() {
    let d = scratch("bad");
    let missing = rdk(&["check", "no/such/dir"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(missing.stdout.is_empty());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such/dir: cannot read"));

    let broken = d.join("broken.yaml");
    std::fs::write(
        &broken,
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: [AWS::S3::Bucket\n",
    )
    .unwrap();
    let out = rdk(&["check", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(out.stdout.is_empty(), "nothing judged, nothing on stdout");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.yaml:"), "{err}");

    let unknown = rdk(&[
        "check",
        "tests/fixtures/check",
        "--rules",
        "encrypted-volume",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("encrypted-volumes"));

    let policy = d.join("p.yaml");
    std::fs::write(
        &policy,
        "rules:\n  restricted-ssh:\n    enforcement: strict\n",
    )
    .unwrap();
    let out = rdk(&[
        "check",
        "tests/fixtures/check",
        "--policy",
        policy.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("p.yaml:3:18: enforcement must be mandatory, advisory or disabled"),
        "{err}"
    );

    let empty = d.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let out = rdk(&["check", empty.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an empty directory is a typo, not a pass"
    );
}

#[test]
fn sam_functions_with_globals_and_cdk_output_are_judged() {
    let d = scratch("sam");
    std::fs::write(
        d.join("sam.yaml"),
        "Transform: AWS::Serverless-2016-10-31\nGlobals:\n  Function:\n    Runtime: python3.12\n    Environment:\n      Variables:\n        DB_PASSWORD: hunter2hunter2\nResources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Handler: app.handler\n      CodeUri: src/\n      FunctionUrlConfig:\n        AuthType: NONE\n  Table:\n    Type: AWS::Serverless::SimpleTable\n",
    )
    .unwrap();
    let cdk = d.join("cdk.out");
    std::fs::create_dir_all(&cdk).unwrap();
    std::fs::write(
        cdk.join("manifest.json"),
        r#"{"version": "36.0.0", "artifacts": {}}"#,
    )
    .unwrap();
    std::fs::write(
        cdk.join("AppStack.template.json"),
        r#"{"Resources": {"Logs5A6F0E2D": {"Type": "AWS::S3::Bucket", "Properties": {"VersioningConfiguration": {"Status": "Enabled"}}, "Metadata": {"aws:cdk:path": "AppStack/Logs/Resource"}}}}"#,
    )
    .unwrap();
    let out = rdk(&[
        "check", d.to_str().unwrap(), "--rules",
        "lambda-function-no-plaintext-secrets,lambda-function-public-access-prohibited,dynamodb-pitr-enabled,s3-bucket-versioning-enabled",
        "--format", "json",
    ]);
    let v = json_of(&out);
    let verdict = |rule: &str, id: &str| {
        v["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["ConfigRuleName"] == rule && e["ComplianceResourceId"] == id)
            .map(|e| e["ComplianceType"].as_str().unwrap().to_string())
    };
    assert_eq!(
        verdict("lambda-function-no-plaintext-secrets", "Fn").as_deref(),
        Some("NON_COMPLIANT"),
        "Globals apply: {v}"
    );
    assert_eq!(
        verdict("lambda-function-public-access-prohibited", "Fn").as_deref(),
        Some("NON_COMPLIANT")
    );
    assert_eq!(
        verdict("dynamodb-pitr-enabled", "Table").as_deref(),
        Some("NON_COMPLIANT")
    );
    assert_eq!(
        verdict("s3-bucket-versioning-enabled", "Logs5A6F0E2D").as_deref(),
        Some("COMPLIANT")
    );
    assert_eq!(v["summary"]["templates"], 2);
    let skipped = v["summary"]["skippedInputs"].as_array().unwrap();
    assert!(
        skipped
            .iter()
            .any(|s| s["source"].as_str().unwrap().ends_with("manifest.json")),
        "{skipped:?}"
    );
}

#[test]
fn junit_and_html_stay_well_formed_with_hostile_text() {
    let d = scratch("hostile");
    let t = d.join("t.yaml");
    std::fs::write(&t, PUBLIC_BUCKET.replace("  Site:", "  Site\u{1b}[31m:")).unwrap();
    let junit = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "s3-bucket-public-read-prohibited",
        "--format",
        "junit",
    ]);
    let xml = String::from_utf8(junit.stdout).unwrap();
    assert!(
        !xml.chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t'),
        "no control characters in XML"
    );
    assert!(xml.contains("<failure"), "{xml}");
    let text = rdk(&[
        "check",
        t.to_str().unwrap(),
        "--rules",
        "s3-bucket-public-read-prohibited",
    ]);
    assert!(
        !String::from_utf8_lossy(&text.stdout).contains('\u{1b}'),
        "no terminal escapes in text output"
    );
}

#[test]
fn the_pipelines_own_templates_pass_its_policy_check_before_deploy() {
    let out = rdk(&[
        "check",
        "cloudformation/recorder.yaml",
        "cloudformation/rules.yaml",
        "cloudformation/alerts.yaml",
        "--policy",
        "cloudformation/policy.yaml",
        "--format",
        "json",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json_of(&out);
    assert_eq!(v["summary"]["templates"], 3);
    assert_eq!(v["summary"]["violations"], 0);
    // The pipeline runs that check in a stage between Build and Deploy.
    let pipeline = std::fs::read_to_string(root().join("cloudformation/pipeline.yaml")).unwrap();
    let stage = |name: &str| {
        pipeline
            .find(&format!("- Name: {name}"))
            .unwrap_or_else(|| panic!("no {name} stage"))
    };
    assert!(stage("Build") < stage("PolicyCheck") && stage("PolicyCheck") < stage("Deploy"));
    let hooks = std::fs::read_to_string(root().join(".pre-commit-hooks.yaml")).unwrap();
    assert!(
        hooks.contains("id: rdk-check") && hooks.contains("entry: rdk check"),
        "{hooks}"
    );
}

#[test]
fn the_policy_schema_lists_every_rule_and_its_parameters() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("rdk/data/policy.schema.json")).unwrap(),
    )
    .unwrap();
    let rules = schema["properties"]["rules"]["properties"]
        .as_object()
        .unwrap();
    for r in rules_lib::rules::catalog() {
        let spec = r.spec();
        let entry = rules
            .get(spec.name)
            .unwrap_or_else(|| panic!("{} is missing from the schema (regenerate it)", spec.name));
        let params: Vec<&str> = entry["properties"]["parameters"]["properties"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut want: Vec<&str> = spec.parameters.iter().map(|p| p.name).collect();
        want.sort_unstable();
        let mut got = params.clone();
        got.sort_unstable();
        assert_eq!(got, want, "{}", spec.name);
    }
    assert_eq!(rules.len(), rules_lib::rules::catalog().len());
    // The pipeline's policy file is valid for rdk.
    Policy::read(&root().join("cloudformation/policy.yaml")).unwrap();
}

#[test]
fn real_terraform_plans_and_pulumi_previews_are_judged_with_positions_in_the_plan() {
    let dir = root().join("tests/fixtures/iac-plans");
    let out = rdk(&["check", dir.to_str().unwrap(), "--format", "json"]);
    let report = json_of(&out);
    let summary = &report["summary"];
    assert_eq!(summary["templates"], 19, "{summary}");
    assert_eq!(summary["skipped"], 0, "{summary}");
    let evals = report["evaluations"].as_array().unwrap();
    let verdict = |file: &str, rule: &str, id: &str| -> String {
        let e = evals
            .iter()
            .find(|e| {
                e["ConfigRuleName"] == rule
                    && e["ComplianceResourceId"] == id
                    && e["Location"]["file"].as_str().unwrap().contains(file)
            })
            .unwrap_or_else(|| panic!("no {rule} evaluation of {id} in {file}"));
        assert!(
            e["Location"]["file"].as_str().unwrap().ends_with(".json"),
            "{e}"
        );
        assert!(e["Location"]["line"].as_u64().unwrap() > 1, "{e}");
        e["ComplianceType"].as_str().unwrap().to_string()
    };
    // TerraGoat (format 0.1): public IP, no backups; a public-read-write ACL with Block
    // Public Access off in a counted registry module (format 1.1).
    assert_eq!(
        verdict(
            "terragoat",
            "ec2-instance-no-public-ip",
            "aws_instance.web_host"
        ),
        "NON_COMPLIANT"
    );
    assert_eq!(
        verdict(
            "terragoat",
            "db-instance-backup-enabled",
            "aws_db_instance.default"
        ),
        "NON_COMPLIANT"
    );
    assert_eq!(
        verdict(
            "nested-modules",
            "s3-bucket-public-write-prohibited",
            "module.s3_bucket.aws_s3_bucket.this[0]"
        ),
        "NON_COMPLIANT"
    );
    // A module instantiated with for_each, security groups open to the world.
    assert_eq!(
        verdict(
            "for-each",
            "restricted-ssh",
            "module.sg[\"bad_example\"].aws_security_group.bad"
        ),
        "NON_COMPLIANT"
    );
    // A bucket policy read from a data source only at apply: it could say anything.
    assert_eq!(
        verdict(
            "from-data-source",
            "resource-policy-no-public-access",
            "aws_s3_bucket.example"
        ),
        "INSUFFICIENT_DATA"
    );
    // A plan written by PowerShell (UTF-16 with a byte-order mark) is read.
    assert_eq!(
        verdict(
            "utf16le",
            "s3-bucket-versioning-enabled",
            "aws_s3_bucket.data"
        ),
        "NON_COMPLIANT"
    );
    // Pulumi: the Lambda function and its permission share a name, so the function is
    // named by its type.
    assert_eq!(
        verdict(
            "preview-creates",
            "lambda-function-public-access-prohibited",
            "aws_lambda_function.docsHandler"
        ),
        "COMPLIANT"
    );
    // A deleted resource is never judged.
    assert!(!evals
        .iter()
        .any(|e| e["ComplianceResourceId"] == "aws_s3_bucket.delete_bucket"));
}

#[test]
fn an_unsupported_plan_format_version_exits_2_naming_it() {
    let dir = scratch("plan-version");
    let f = dir.join("plan.json");
    std::fs::write(
        &f,
        r#"{"format_version": "2.0", "terraform_version": "2.0.0", "resource_changes": []}"#,
    )
    .unwrap();
    let out = rdk(&["check", f.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("plan.json:1:"), "{err}");
    assert!(
        err.contains("format_version \"2.0\" is not supported"),
        "{err}"
    );
}

#[test]
fn the_same_misconfiguration_gets_the_same_verdict_from_cloudformation_terraform_and_pulumi() {
    // A bucket with Block Public Access off and a public-read ACL, in each language.
    let dir = scratch("three-languages");
    let template = dir.join("template.yaml");
    std::fs::write(
        &template,
        "Resources:\n  Data:\n    Type: AWS::S3::Bucket\n    Properties:\n      AccessControl: PublicRead\n      PublicAccessBlockConfiguration:\n        BlockPublicAcls: false\n        IgnorePublicAcls: false\n        BlockPublicPolicy: false\n        RestrictPublicBuckets: false\n",
    )
    .unwrap();
    let fixtures = root().join("tests/fixtures/check/s3-bucket-public-read-prohibited");
    for (file, id) in [
        (template, "Data"),
        (
            fixtures.join("non-compliant-public-read-acl.tfplan.json"),
            "aws_s3_bucket.data",
        ),
        (
            fixtures.join("non-compliant-public-read-acl.pulumi.json"),
            "aws_s3_bucket.data",
        ),
    ] {
        let out = rdk(&[
            "check",
            file.to_str().unwrap(),
            "--rules",
            "s3-bucket-public-read-prohibited,s3-bucket-versioning-enabled",
            "--format",
            "json",
        ]);
        assert_eq!(out.status.code(), Some(1), "{}", file.display());
        let report = json_of(&out);
        let got: Vec<(String, String, String)> = report["evaluations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["ConfigRuleName"].as_str().unwrap().to_string(),
                    e["ComplianceResourceId"].as_str().unwrap().to_string(),
                    e["ComplianceType"].as_str().unwrap().to_string(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "s3-bucket-public-read-prohibited".to_string(),
                    id.to_string(),
                    "NON_COMPLIANT".to_string()
                ),
                (
                    "s3-bucket-versioning-enabled".to_string(),
                    id.to_string(),
                    "NON_COMPLIANT".to_string()
                ),
            ],
            "{}",
            file.display()
        );
    }
}
