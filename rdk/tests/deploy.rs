//! `rdk deploy` and `rdk undeploy` against moto server (CloudFormation and S3, the real
//! wire protocols through aws-sdk-cloudformation and aws-sdk-s3) and the local Config
//! endpoint (StartConfigRulesEvaluation): deploy from nothing, again with no change
//! (nothing uploaded, no change set), after changing one package (one upload, one
//! change, one evaluation started), after changing one parameter, a dry run, undeploy.
//! Packages come from `--packages` (building 90 arm64 functions is the pipeline's job;
//! the build step's input tracking has unit tests in `rdk/src/deploy/package.rs`).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use rdk::local_config::LocalConfig;
use serde_json::Value;
use sha2::Digest;

const BUCKET: &str = "ferrule-code";

async fn sdk(url: &str) -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_s3::config::Credentials::new(
            "k", "s", None, None, "tests",
        ))
        .load()
        .await
}

async fn s3(url: &str) -> aws_sdk_s3::Client {
    aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&sdk(url).await)
            .force_path_style(true)
            .build(),
    )
}

async fn keys(s3: &aws_sdk_s3::Client) -> Vec<String> {
    let listed = s3.list_objects_v2().bucket(BUCKET).send().await.unwrap();
    let mut k: Vec<String> = listed
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    k.sort();
    k
}

fn rdk(moto: &str, config: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rdk"))
        .args(args)
        .env("AWS_ENDPOINT_URL", moto)
        .env("AWS_ENDPOINT_URL_CONFIG_SERVICE", config)
        .env("AWS_ACCESS_KEY_ID", "k")
        .env("AWS_SECRET_ACCESS_KEY", "s")
        .env("AWS_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .stdin(Stdio::null())
        .output()
        .expect("rdk runs")
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "rdk failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn names(v: &Value) -> Vec<String> {
    let mut n: Vec<String> = v
        .as_array()
        .unwrap_or(&Vec::new())
        .iter()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect();
    n.sort();
    n
}

/// A temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let p = std::env::temp_dir().join(format!("rdk-deploy-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).unwrap();
        Self(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A stand-in package: moto stores the bytes, it never runs them.
fn package(dir: &Path, rule: &str, version: &str) -> String {
    let bytes = format!("PK package of {rule}, version {version}");
    std::fs::write(dir.join(format!("{rule}.zip")), &bytes).unwrap();
    sha2::Sha256::digest(bytes.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

async fn stack_events(cfn: &aws_sdk_cloudformation::Client, stack: &str) -> usize {
    cfn.describe_stack_events()
        .stack_name(stack)
        .send()
        .await
        .unwrap()
        .stack_events()
        .len()
}

async fn template(cfn: &aws_sdk_cloudformation::Client, stack: &str) -> Value {
    let t = cfn.get_template().stack_name(stack).send().await.unwrap();
    serde_json::from_str(t.template_body().unwrap()).unwrap()
}

fn changes(report: &Value) -> Vec<(String, String, String)> {
    let mut c: Vec<(String, String, String)> = report["changeSet"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["action"].as_str().unwrap().to_string(),
                c["logicalId"].as_str().unwrap().to_string(),
                c["resourceType"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    c.sort();
    c
}

/// The local stand-ins a deploy test runs against: moto (CloudFormation, S3) with the
/// code bucket made, and the local Config endpoint.
struct Stands {
    moto: common::Moto,
    config: LocalConfig,
    _running: rdk::local_config::Running,
    config_url: String,
    s3: aws_sdk_s3::Client,
    cfn: aws_sdk_cloudformation::Client,
}

async fn stand_ins() -> Stands {
    let moto = common::moto();
    let config = LocalConfig::default();
    let running = config.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let config_url = running.url();
    let s3 = s3(&moto.url).await;
    s3.create_bucket().bucket(BUCKET).send().await.unwrap();
    let cfn = aws_sdk_cloudformation::Client::new(&sdk(&moto.url).await);
    Stands {
        moto,
        config,
        _running: running,
        config_url,
        s3,
        cfn,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_uploads_and_updates_only_what_changed_and_starts_evaluations_of_changed_rules() {
    let Stands {
        moto,
        config,
        _running,
        config_url,
        s3,
        cfn,
    } = stand_ins().await;
    let dir = TempDir::new("packages");
    let rules = [
        "encrypted-volumes",
        "s3-bucket-versioning-enabled",
        "required-tags",
    ];
    let mut hashes: Vec<String> = rules.iter().map(|r| package(&dir.0, r, "1")).collect();
    let params = dir.0.join("parameters.json");
    std::fs::write(&params, r#"{"required-tags": {"tag1Key": "owner"}}"#).unwrap();
    let packages = dir.0.to_str().unwrap();
    let args = [
        "deploy",
        "--rules",
        "encrypted-volumes,s3-bucket-versioning-enabled,required-tags",
        "--code-bucket",
        BUCKET,
        "--stack-prefix",
        "t",
        "--packages",
        packages,
        "--parameters-file",
        params.to_str().unwrap(),
        "--format",
        "json",
    ];

    // From nothing: three packages, one stack created.
    let first = json_of(&rdk(&moto.url, &config_url, &args));
    assert_eq!(first["stackAction"], "create");
    assert_eq!(names(&first["uploaded"]), names(&serde_json::json!(rules)));
    assert_eq!(first["changeSet"]["executed"], true);
    let added = changes(&first);
    for kind in [
        "AWS::Lambda::Function",
        "AWS::Config::ConfigRule",
        "AWS::IAM::Role",
    ] {
        assert_eq!(
            added.iter().filter(|c| c.0 == "Add" && c.2 == kind).count(),
            3,
            "{kind} in {added:?}"
        );
    }
    assert!(
        names(&first["evaluationsStarted"]).is_empty(),
        "new rules are evaluated by Config itself"
    );
    let mut want: Vec<String> = rules
        .iter()
        .zip(&hashes)
        .map(|(r, h)| format!("ferrule/{r}/{h}.zip"))
        .collect();
    want.sort();
    assert_eq!(keys(&s3).await, want);
    let deployed = template(&cfn, "t-rules").await;
    assert_eq!(
        deployed["Resources"]["EncryptedVolumesFunction"]["Properties"]["Code"]["S3Key"],
        format!("ferrule/encrypted-volumes/{}.zip", hashes[0])
    );
    let events = stack_events(&cfn, "t-rules").await;

    // Again, nothing changed: nothing uploaded, no change set, no new stack event.
    let again = json_of(&rdk(&moto.url, &config_url, &args));
    assert_eq!(again["stackAction"], "none");
    assert!(again["changeSet"].is_null());
    assert!(names(&again["uploaded"]).is_empty());
    assert_eq!(names(&again["unchanged"]).len(), 3);
    assert_eq!(stack_events(&cfn, "t-rules").await, events);
    assert_eq!(keys(&s3).await, want);
    assert!(config.evaluations_started().is_empty());

    // One package changed: one upload, one function modified, one evaluation started.
    hashes[0] = package(&dir.0, "encrypted-volumes", "2");
    let one = json_of(&rdk(&moto.url, &config_url, &args));
    assert_eq!(one["stackAction"], "update");
    assert_eq!(names(&one["uploaded"]), ["encrypted-volumes"]);
    assert_eq!(
        changes(&one),
        [(
            "Modify".to_string(),
            "EncryptedVolumesFunction".to_string(),
            "AWS::Lambda::Function".to_string()
        )]
    );
    assert_eq!(names(&one["evaluationsStarted"]), ["encrypted-volumes"]);
    assert_eq!(
        config.evaluations_started(),
        [vec!["encrypted-volumes".to_string()]]
    );
    assert_eq!(
        keys(&s3).await.len(),
        4,
        "the old package stays for rollback"
    );

    // One parameter changed: nothing uploaded, that rule evaluated again.
    std::fs::write(&params, r#"{"required-tags": {"tag1Key": "team"}}"#).unwrap();
    let param = json_of(&rdk(&moto.url, &config_url, &args));
    assert!(names(&param["uploaded"]).is_empty());
    assert_eq!(param["stackAction"], "update");
    assert_eq!(names(&param["changedRules"]), ["required-tags"]);
    assert_eq!(config.evaluations_started().len(), 2);
    assert_eq!(config.evaluations_started()[1], ["required-tags"]);

    // A dry run: the change set is shown and deleted, nothing uploaded or deployed.
    package(&dir.0, "s3-bucket-versioning-enabled", "2");
    let mut dry_args = args.to_vec();
    dry_args.push("--dry-run");
    let dry = json_of(&rdk(&moto.url, &config_url, &dry_args));
    assert_eq!(dry["dryRun"], true);
    assert_eq!(names(&dry["uploaded"]), ["s3-bucket-versioning-enabled"]);
    assert_eq!(dry["changeSet"]["executed"], false);
    assert_eq!(changes(&dry)[0].1, "S3BucketVersioningEnabledFunction");
    assert!(
        dry["cost"]["total_usd"].is_number() || dry["cost"].is_object(),
        "{dry}"
    );
    assert_eq!(keys(&s3).await.len(), 4);
    assert_eq!(
        template(&cfn, "t-rules").await["Resources"]["S3BucketVersioningEnabledFunction"]
            ["Properties"]["Code"]["S3Key"],
        format!("ferrule/s3-bucket-versioning-enabled/{}.zip", hashes[1])
    );
    assert_eq!(config.evaluations_started().len(), 2);
    let text_args: Vec<&str> = dry_args
        .iter()
        .copied()
        .filter(|a| *a != "--format" && *a != "json")
        .collect();
    let text = rdk(&moto.url, &config_url, &text_args);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("dry run, not executed") && text.contains("Modify"),
        "{text}"
    );

    // Undeploy asks; without a terminal and without --force it refuses.
    let refused = rdk(&moto.url, &config_url, &["undeploy", "--stack-prefix", "t"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert!(cfn
        .describe_stacks()
        .stack_name("t-rules")
        .send()
        .await
        .is_ok());
    let removed = rdk(
        &moto.url,
        &config_url,
        &["undeploy", "--stack-prefix", "t", "--force"],
    );
    assert!(
        removed.status.success(),
        "{}",
        String::from_utf8_lossy(&removed.stderr)
    );
    let said = String::from_utf8_lossy(&removed.stdout);
    assert!(
        said.contains("3 Config rules") && said.contains("required-tags"),
        "{said}"
    );
    assert!(cfn
        .describe_stacks()
        .stack_name("t-rules")
        .send()
        .await
        .is_err());
    assert_eq!(keys(&s3).await.len(), 4, "the code bucket is kept");
    let none = rdk(
        &moto.url,
        &config_url,
        &["undeploy", "--stack-prefix", "t", "--force"],
    );
    assert!(none.status.success());
    assert!(String::from_utf8_lossy(&none.stdout).contains("nothing to remove"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploying_the_whole_catalog_sends_its_template_through_s3_and_leaves_out_rules_missing_parameters(
) {
    let moto = common::moto();
    let config = LocalConfig::default();
    let running = config.serve("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let s3 = s3(&moto.url).await;
    s3.create_bucket().bucket(BUCKET).send().await.unwrap();
    let dir = TempDir::new("catalog");
    let catalog: Vec<&str> = rules_lib::rules::catalog()
        .iter()
        .map(|r| r.spec().name)
        .collect();
    for r in &catalog {
        package(&dir.0, r, "1");
    }
    let report = json_of(&rdk(
        &moto.url,
        &running.url(),
        &[
            "deploy",
            "--all",
            "--code-bucket",
            BUCKET,
            "--packages",
            dir.0.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    let url = report["template"].as_str().unwrap();
    assert!(
        url.starts_with("https://ferrule-code.s3.us-east-1.amazonaws.com/ferrule/templates/"),
        "{url}"
    );
    let keys = keys(&s3).await;
    assert_eq!(
        keys.iter().filter(|k| k.ends_with(".zip")).count(),
        catalog.len()
    );
    assert_eq!(
        keys.iter()
            .filter(|k| k.starts_with("ferrule/templates/"))
            .count(),
        1
    );
    let not_deployed = report["notDeployed"].as_array().unwrap();
    assert!(
        not_deployed.iter().any(|n| n
            .as_str()
            .unwrap()
            .starts_with("required-tags: its required parameter tag1Key")),
        "{not_deployed:?}"
    );
    let cfn = aws_sdk_cloudformation::Client::new(&sdk(&moto.url).await);
    let stack = cfn
        .describe_stacks()
        .stack_name("ferrule-rules")
        .send()
        .await
        .unwrap();
    assert_eq!(
        stack.stacks()[0].stack_status().unwrap().as_str(),
        "CREATE_COMPLETE"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_refuses_bad_input_with_exit_2_naming_it_before_touching_the_account() {
    let moto = common::moto();
    let s3 = s3(&moto.url).await;
    let dir = TempDir::new("bad");
    package(&dir.0, "encrypted-volumes", "1");
    let packages = dir.0.to_str().unwrap();
    let params = dir.0.join("p.json");
    std::fs::write(&params, r#"{"encrypted-volumes": {"kmsIdd": "x"}}"#).unwrap();
    let cases: [(Vec<&str>, &str); 5] = [
        (vec!["--rules", "encrypted-volume"], "encrypted-volumes"),
        (
            vec!["--rules", "encrypted-volumes,s3-bucket-versioning-enabled"],
            "no package for s3-bucket-versioning-enabled",
        ),
        (
            vec![
                "--rules",
                "encrypted-volumes",
                "--parameters-file",
                params.to_str().unwrap(),
            ],
            "no parameter `kmsIdd`",
        ),
        (
            vec!["--rules", "encrypted-volumes", "--stack-prefix", "1bad"],
            "--stack-prefix",
        ),
        (vec!["--rules", "encrypted-volumes"], "no such bucket"),
    ];
    for (extra, said) in cases {
        let mut args = vec!["deploy", "--code-bucket", BUCKET, "--packages", packages];
        args.extend(extra.iter().copied());
        let out = rdk(&moto.url, "http://127.0.0.1:9", &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(said), "{args:?}: {err}");
        assert!(out.stdout.is_empty());
    }
    // Nothing was created on the way.
    assert!(s3.list_buckets().send().await.unwrap().buckets().is_empty());
    let cfn = aws_sdk_cloudformation::Client::new(&sdk(&moto.url).await);
    assert!(cfn
        .describe_stacks()
        .send()
        .await
        .unwrap()
        .stacks()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn package_then_a_deploy_made_elsewhere_then_reevaluate_starts_only_the_changed_rules() {
    let Stands {
        moto,
        config,
        _running,
        config_url,
        s3: _,
        cfn,
    } = stand_ins().await;
    let dir = TempDir::new("package");
    let a = package(&dir.0, "encrypted-volumes", "1");
    package(&dir.0, "s3-bucket-versioning-enabled", "1");
    let template = dir.0.join("packaged.json");
    let before = dir.0.join("before.json");
    let package_args = [
        "package",
        "--rules",
        "encrypted-volumes,s3-bucket-versioning-enabled",
        "--code-bucket",
        BUCKET,
        "--packages",
        dir.0.to_str().unwrap(),
        "--output-template",
        template.to_str().unwrap(),
        "--format",
        "json",
    ];
    let first = json_of(&rdk(&moto.url, &config_url, &package_args));
    assert_eq!(names(&first["uploaded"]).len(), 2);
    let body = std::fs::read_to_string(&template).unwrap();
    let t: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        t["Resources"]["EncryptedVolumesFunction"]["Properties"]["Code"]["S3Key"],
        format!("ferrule/encrypted-volumes/{a}.zip")
    );
    // The pipeline's CloudFormation action, here through the SDK.
    let bucket_param = aws_sdk_cloudformation::types::Parameter::builder()
        .parameter_key("CodeBucket")
        .parameter_value(BUCKET)
        .build();
    cfn.create_stack()
        .stack_name("p-rules")
        .template_body(&body)
        .parameters(bucket_param.clone())
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .send()
        .await
        .unwrap();

    // Before the next deploy: record; then one package changes and is deployed.
    let saved = rdk(
        &moto.url,
        &config_url,
        &[
            "reevaluate",
            "--stack-name",
            "p-rules",
            "--save",
            before.to_str().unwrap(),
        ],
    );
    assert!(
        saved.status.success(),
        "{}",
        String::from_utf8_lossy(&saved.stderr)
    );
    package(&dir.0, "encrypted-volumes", "2");
    let second = json_of(&rdk(&moto.url, &config_url, &package_args));
    assert_eq!(names(&second["uploaded"]), ["encrypted-volumes"]);
    assert_eq!(
        names(&second["unchanged"]),
        ["s3-bucket-versioning-enabled"]
    );
    cfn.update_stack()
        .stack_name("p-rules")
        .template_body(std::fs::read_to_string(&template).unwrap())
        .parameters(bucket_param)
        .capabilities(aws_sdk_cloudformation::types::Capability::CapabilityNamedIam)
        .send()
        .await
        .unwrap();
    let after = json_of(&rdk(
        &moto.url,
        &config_url,
        &[
            "reevaluate",
            "--stack-name",
            "p-rules",
            "--since",
            before.to_str().unwrap(),
            "--format",
            "json",
        ],
    ));
    assert_eq!(names(&after["changedRules"]), ["encrypted-volumes"]);
    assert_eq!(names(&after["evaluationsStarted"]), ["encrypted-volumes"]);
    assert_eq!(
        config.evaluations_started(),
        [vec!["encrypted-volumes".to_string()]]
    );

    // Nothing changed since the last record: nothing started.
    rdk(
        &moto.url,
        &config_url,
        &[
            "reevaluate",
            "--stack-name",
            "p-rules",
            "--save",
            before.to_str().unwrap(),
        ],
    );
    let quiet = rdk(
        &moto.url,
        &config_url,
        &[
            "reevaluate",
            "--stack-name",
            "p-rules",
            "--since",
            before.to_str().unwrap(),
        ],
    );
    assert!(String::from_utf8_lossy(&quiet.stdout).contains("no deployed rule changed"));
    assert_eq!(config.evaluations_started().len(), 1);

    // A record that is not there is bad input, with the fix.
    let missing = rdk(
        &moto.url,
        &config_url,
        &["reevaluate", "--since", "/nonexistent/before.json"],
    );
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("rdk reevaluate --save"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn functions_only_and_rules_only_deploy_the_central_and_member_halves_of_an_organization() {
    let Stands {
        moto,
        config,
        _running,
        config_url,
        s3: _,
        cfn,
    } = stand_ins().await;
    let dir = TempDir::new("organization");
    package(&dir.0, "encrypted-volumes", "1");
    let packages = dir.0.to_str().unwrap();

    // The central account: functions, no Config rule.
    let central = json_of(&rdk(
        &moto.url,
        &config_url,
        &[
            "deploy",
            "--functions-only",
            "--rules",
            "encrypted-volumes",
            "--code-bucket",
            BUCKET,
            "--packages",
            packages,
            "--stack-prefix",
            "org",
            "--format",
            "json",
            "--parameter-overrides",
            "MemberAccountIds=111122223333",
            "OrganizationId=o-a1b2c3d4e5",
        ],
    ));
    assert_eq!(central["stack"], "org-functions");
    assert_eq!(names(&central["uploaded"]), ["encrypted-volumes"]);
    let kinds: Vec<String> = changes(&central).into_iter().map(|c| c.2).collect();
    assert!(
        kinds.contains(&"AWS::Lambda::Function".to_string()),
        "{kinds:?}"
    );
    assert!(
        !kinds.contains(&"AWS::Config::ConfigRule".to_string()),
        "{kinds:?}"
    );
    let stack = cfn
        .describe_stacks()
        .stack_name("org-functions")
        .send()
        .await
        .unwrap();
    let params: Vec<(String, String)> = stack.stacks()[0]
        .parameters()
        .iter()
        .map(|p| {
            (
                p.parameter_key().unwrap().to_string(),
                p.parameter_value().unwrap().to_string(),
            )
        })
        .collect();
    // (moto shows a CommaDelimitedList value as a Python list: match the account only.)
    assert!(
        params
            .iter()
            .any(|(k, v)| k == "MemberAccountIds" && v.contains("111122223333")),
        "{params:?}"
    );

    // A member account: the Config rule only, calling the central function; nothing built
    // or uploaded, no bucket needed.
    let member_args = |kms: &'static str| {
        vec![
            "deploy",
            "--rules-only",
            "--rules",
            "encrypted-volumes",
            "--stack-prefix",
            "m",
            "--format",
            "json",
            "--parameter-overrides",
            "FunctionArnPrefix=arn:aws:lambda:us-east-1:123456789012:function:org-",
            kms,
        ]
    };
    let member = json_of(&rdk(
        &moto.url,
        &config_url,
        &member_args("EncryptedVolumesKmsId="),
    ));
    assert_eq!(member["stack"], "m-rules");
    assert!(names(&member["uploaded"]).is_empty() && names(&member["unchanged"]).is_empty());
    assert_eq!(
        changes(&member),
        [(
            "Add".to_string(),
            "EncryptedVolumesConfigRule".to_string(),
            "AWS::Config::ConfigRule".to_string()
        )]
    );
    let arn = template(&cfn, "m-rules").await["Resources"]["EncryptedVolumesConfigRule"]
        ["Properties"]["Source"]["SourceIdentifier"]
        .to_string();
    assert!(arn.contains("FunctionArnPrefix"), "{arn}");
    // A parameter of the rule changes: that rule is evaluated again.
    let again = json_of(&rdk(
        &moto.url,
        &config_url,
        &member_args("EncryptedVolumesKmsId=alias/ebs"),
    ));
    assert_eq!(names(&again["evaluationsStarted"]), ["encrypted-volumes"]);
    assert_eq!(
        config.evaluations_started(),
        [vec!["encrypted-volumes".to_string()]]
    );

    // An override the template does not declare is refused, naming the ones it does.
    let bad = rdk(
        &moto.url,
        &config_url,
        &[
            "deploy",
            "--rules-only",
            "--rules",
            "encrypted-volumes",
            "--stack-prefix",
            "m",
            "--parameter-overrides",
            "FunctionArnPrefx=x",
        ],
    );
    assert_eq!(bad.status.code(), Some(2));
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("no parameter FunctionArnPrefx") && err.contains("FunctionArnPrefix"),
        "{err}"
    );
    // The whole-account kind needs a bucket for its packages.
    let no_bucket = rdk(
        &moto.url,
        &config_url,
        &[
            "deploy",
            "--rules",
            "encrypted-volumes",
            "--packages",
            packages,
        ],
    );
    assert_eq!(no_bucket.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_bucket.stderr).contains("--code-bucket is required"));
}
