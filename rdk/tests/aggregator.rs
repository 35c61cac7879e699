//! Organization-wide scans: `rdk scan --live --aggregator NAME` through aws-sdk-config
//! against the local endpoint serving items of several accounts and regions (made from
//! the bundled fixtures by rewriting accountId, awsRegion and resourceId), with and
//! without injected throttling and unprocessed keys; and the endpoint's aggregator
//! calls themselves, through the SDK.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Output};

use aws_sdk_config::error::ProvideErrorMetadata;
use aws_sdk_config::types::{AggregateResourceIdentifier, ResourceFilters, ResourceType};
use rdk::local_config::{CallRecord, Faults, LocalConfig};
use rules_lib::ConfigurationItem;
use serde_json::Value;

const AGGREGATOR: &str = "org-aggregator";
const ACCOUNTS: [&str; 3] = ["111111111111", "222222222222", "333333333333"];
const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
/// Copies of each fixture item per account and region: every type's count is then a
/// multiple of 100, so full pages and full batches are what the calls should be.
const COPIES: usize = 50;
const RULES: &str = "encrypted-volumes,s3-bucket-versioning-enabled,cloudtrail-enabled";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

fn fixture_items(dir: &str) -> Vec<ConfigurationItem> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("tests/fixtures").join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with("-api.json"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|f| ConfigurationItem::from_json_str(&std::fs::read_to_string(f).unwrap()).unwrap())
        .collect()
}

/// The volumes and buckets in every account and region, trails only in the first
/// account; resource ids `<fixture id>~<copy>`.
fn organization() -> Vec<ConfigurationItem> {
    let trail = fixture_items("cloud-trail-encryption-enabled").remove(0);
    let mut out = Vec::new();
    for account in ACCOUNTS {
        for region in REGIONS {
            let mut templates = fixture_items("encrypted-volumes");
            templates.extend(fixture_items("s3-bucket-versioning-enabled"));
            if account == ACCOUNTS[0] {
                templates.push(trail.clone());
            }
            for t in &templates {
                for copy in 0..COPIES {
                    let mut item = t.clone();
                    item.account_id = Some(account.to_string());
                    item.region = Some(region.to_string());
                    item.resource_id = format!("{}~{copy}", t.resource_id);
                    out.push(item);
                }
            }
        }
    }
    out
}

/// Resources the listing shows (deleted ones are not listed).
fn listed(items: &[ConfigurationItem]) -> usize {
    items
        .iter()
        .filter(|i| !i.status.as_str().starts_with("ResourceDeleted"))
        .count()
}

async fn serve(items: Vec<ConfigurationItem>) -> (LocalConfig, String) {
    let endpoint = LocalConfig::new(items);
    endpoint.add_aggregator(AGGREGATOR);
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = running.url();
    std::mem::forget(running); // serve for the rest of the test
    (endpoint, url)
}

async fn rdk(args: &[&str], url: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_rdk"));
    c.current_dir(root()).args(args);
    for (k, v) in [
        ("AWS_ENDPOINT_URL_CONFIG_SERVICE", url),
        ("AWS_ACCESS_KEY_ID", "org"),
        ("AWS_SECRET_ACCESS_KEY", "org"),
        ("AWS_EC2_METADATA_DISABLED", "true"),
        ("AWS_REGION", "us-east-1"),
        // Throttled calls back off 1 ms instead of 100: the same retries, sooner.
        ("FERRULE_RETRY_BASE_MS", "1"),
    ] {
        c.env(k, v);
    }
    tokio::task::spawn_blocking(move || c.output().expect("rdk runs"))
        .await
        .unwrap()
}

async fn scan_json(url: &str) -> Value {
    let out = rdk(
        &[
            "scan",
            "--live",
            "--region",
            "us-east-1",
            "--aggregator",
            AGGREGATOR,
            "--rules",
            RULES,
            "--format",
            "json",
        ],
        url,
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Each fixture resource's verdict per rule, from a scan of the fixture files themselves.
fn fixture_verdicts() -> BTreeMap<(String, String), String> {
    let paths: Vec<PathBuf> = ["encrypted-volumes", "s3-bucket-versioning-enabled"]
        .iter()
        .flat_map(|d| {
            let dir = root().join("tests/fixtures").join(d);
            std::fs::read_dir(&dir)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.to_string_lossy().ends_with("-api.json"))
                .collect::<Vec<_>>()
        })
        .collect();
    let report = rdk::scan::scan(&rdk::scan::ScanOptions {
        source: rdk::scan::Source::Snapshots(paths),
        rules: RULES.split(',').map(str::to_string).collect(),
        parameters: Default::default(),
        progress: false,
    })
    .unwrap();
    report
        .evaluations
        .iter()
        .map(|e| {
            (
                (
                    e.config_rule_name.to_string(),
                    e.compliance_resource_id.to_string(),
                ),
                e.compliance_type.as_str().to_string(),
            )
        })
        .collect()
}

fn aggregate_calls(calls: &[CallRecord]) -> Vec<&CallRecord> {
    calls
        .iter()
        .filter(|c| c.action.contains("Aggregate"))
        .collect()
}

/// Checks what every aggregator scan of [`organization`] must show, whatever the faults:
/// each listed resource judged exactly once by each rule of its type with its fixture's
/// verdict, the right counts per account and region, and the trail rule per account and
/// region.
fn assert_scan_judged_the_organization(v: &Value, items: &[ConfigurationItem]) {
    let verdicts = fixture_verdicts();
    let evaluations = v["evaluations"].as_array().unwrap();
    let mut seen = BTreeSet::new();
    let mut per_origin: BTreeMap<(String, String), [usize; 3]> = BTreeMap::new();
    for e in evaluations {
        let rule = e["ConfigRuleName"].as_str().unwrap();
        let id = e["ComplianceResourceId"].as_str().unwrap();
        let account = e["AccountId"]
            .as_str()
            .expect("every evaluation names its account");
        let region = e["AwsRegion"]
            .as_str()
            .expect("every evaluation names its region");
        let verdict = e["ComplianceType"].as_str().unwrap();
        assert!(
            seen.insert((rule, account, region, id)),
            "{rule} judged {id} of {account} {region} twice"
        );
        let counts = per_origin
            .entry((account.to_string(), region.to_string()))
            .or_default();
        counts[match verdict {
            "COMPLIANT" => 0,
            "NON_COMPLIANT" => 1,
            _ => 2,
        }] += 1;
        if rule == "cloudtrail-enabled" {
            assert_eq!(e["ComplianceResourceType"], "AWS::::Account");
            // The trail is in the first account only: the others have none.
            if account != ACCOUNTS[0] {
                assert_eq!(verdict, "NON_COMPLIANT", "{account} {region} has no trail");
            }
            continue;
        }
        let base = id.rsplit_once('~').unwrap().0;
        assert_eq!(
            verdicts
                .get(&(rule.to_string(), base.to_string()))
                .map(String::as_str),
            Some(verdict),
            "{rule} {id} of {account} {region}"
        );
    }
    // Each listed volume and bucket judged once by its rule, plus one trail verdict per
    // account and region.
    let judged_items = items
        .iter()
        .filter(|i| !i.status.as_str().starts_with("ResourceDeleted"))
        .filter(|i| i.resource_type != "AWS::CloudTrail::Trail")
        .count();
    assert_eq!(
        evaluations.len(),
        judged_items + ACCOUNTS.len() * REGIONS.len()
    );
    assert_eq!(v["summary"]["items"], listed(items));
    let by_origin = v["summary"]["byAccountRegion"].as_array().unwrap();
    assert_eq!(by_origin.len(), ACCOUNTS.len() * REGIONS.len());
    for row in by_origin {
        let key = (
            row["AccountId"].as_str().unwrap().to_string(),
            row["Region"].as_str().unwrap().to_string(),
        );
        let expected_items = items
            .iter()
            .filter(|i| !i.status.as_str().starts_with("ResourceDeleted"))
            .filter(|i| (i.account_id.clone().unwrap(), i.region.clone().unwrap()) == key)
            .count();
        assert_eq!(row["Items"], expected_items, "{key:?}");
        let c = per_origin[&key];
        assert_eq!(
            [
                row["Compliant"].as_u64().unwrap() as usize,
                row["NonCompliant"].as_u64().unwrap() as usize,
                row["NotApplicable"].as_u64().unwrap() as usize
            ],
            c,
            "{key:?}"
        );
        assert!(c[0] > 0 && c[1] > 0, "{key:?}: both verdicts occur");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_aggregator_scan_judges_every_account_and_region_with_two_calls_per_100_resources() {
    let items = organization();
    let resources = listed(&items);
    assert_eq!(resources % 100, 0);
    let (endpoint, url) = serve(items.clone()).await;
    let v = scan_json(&url).await;
    assert_scan_judged_the_organization(&v, &items);
    let calls = endpoint.calls();
    let aggregate = aggregate_calls(&calls);
    assert_eq!(
        aggregate.len(),
        calls.len(),
        "an aggregator scan makes aggregator calls only"
    );
    assert!(aggregate.iter().all(|c| c.status == 200));
    assert!(
        aggregate.len() * 100 <= 2 * resources,
        "{} calls for {resources} resources: more than 2 per 100",
        aggregate.len()
    );
    let batches: Vec<_> = aggregate
        .iter()
        .filter(|c| c.action == "BatchGetAggregateResourceConfig")
        .collect();
    assert!(batches.iter().all(|c| c.keys == 100), "full batches only");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttling_and_unprocessed_keys_cost_retries_but_no_item_and_no_extra_pages() {
    let items = organization();
    let resources = listed(&items);
    let (endpoint, url) = serve(items.clone()).await;
    endpoint.set_faults(Faults {
        throttle_every_read: 5,
        unprocessed_batch_get: 6,
        ..Faults::default()
    });
    let v = scan_json(&url).await;
    assert_scan_judged_the_organization(&v, &items);
    assert!(v["summary"]["skippedInputs"].as_array().unwrap().is_empty());

    let calls = endpoint.calls();
    let aggregate = aggregate_calls(&calls);
    let throttled = aggregate
        .iter()
        .filter(|c| c.error.as_deref() == Some("ThrottlingException"))
        .count();
    assert!(throttled > 0, "the throttling fault fired");
    assert!(aggregate
        .iter()
        .all(|c| c.status == 200 || c.error.as_deref() == Some("ThrottlingException")));
    // Throttled calls are excluded from the budget: each is a retry the service asked
    // for by refusing the call. Keys left unprocessed must be asked for again, so the
    // budget grows by the batches they fill (they ride with the next batch, never alone).
    let answered: Vec<_> = aggregate.iter().filter(|c| c.status == 200).collect();
    let keys_sent: usize = answered
        .iter()
        .filter(|c| c.action == "BatchGetAggregateResourceConfig")
        .map(|c| c.keys)
        .sum();
    let unprocessed = keys_sent - resources;
    assert_eq!(unprocessed, 6 * 50, "every second key of 6 batches of 100");
    assert!(
        answered.len() * 100 <= 2 * resources + unprocessed.div_ceil(100) * 100,
        "{} answered calls for {resources} resources and {unprocessed} unprocessed keys",
        answered.len()
    );
    let pages = answered
        .iter()
        .filter(|c| c.action == "ListAggregateDiscoveredResources")
        .count();
    assert_eq!(
        pages,
        resources / 100,
        "a throttled page is asked for again, not the listing"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_aggregator_exits_2_naming_it_and_how_to_check() {
    let (endpoint, url) = serve(organization()).await;
    let out = rdk(
        &[
            "scan",
            "--live",
            "--aggregator",
            "no-such-one",
            "--rules",
            RULES,
        ],
        &url,
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--aggregator no-such-one"), "{err}");
    assert!(
        err.contains("NoSuchConfigurationAggregatorException"),
        "{err}"
    );
    assert!(err.contains("describe-configuration-aggregators"), "{err}");
    assert_eq!(
        endpoint.calls().len(),
        1,
        "the scan stops at the first refusal"
    );

    let bad = rdk(&["scan", "--live", "--aggregator", "org aggregator"], &url).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("not a configuration aggregator name"));
    let without_live = rdk(&["scan", "--aggregator", AGGREGATOR], &url).await;
    assert_eq!(without_live.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&without_live.stderr).contains("--live"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_text_report_has_a_row_per_account_and_region() {
    let (_endpoint, url) = serve(organization()).await;
    let out = rdk(
        &[
            "scan",
            "--live",
            "--aggregator",
            AGGREGATOR,
            "--rules",
            RULES,
        ],
        &url,
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("ACCOUNT "), "{text}");
    for account in ACCOUNTS {
        for region in REGIONS {
            let row = text
                .lines()
                .find(|l| l.starts_with(account) && l.contains(region))
                .unwrap_or_else(|| panic!("no row for {account} {region}:\n{text}"));
            let items: usize = row.split_whitespace().nth(2).unwrap().parse().unwrap();
            assert_eq!(
                items,
                if account == ACCOUNTS[0] { 500 } else { 450 },
                "{row}"
            );
        }
    }
    // Findings say whose resource they are.
    assert!(text.contains(&format!("{}/{}/AWS::EC2::Volume", ACCOUNTS[1], REGIONS[1])));
}

async fn sdk_client(url: &str) -> aws_sdk_config::Client {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_config::config::Credentials::new(
            "a", "b", None, None, "t",
        ))
        .retry_config(aws_config::retry::RetryConfig::disabled())
        .load()
        .await;
    aws_sdk_config::Client::new(&sdk)
}

fn code<E: ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or("").to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_endpoint_serves_aggregator_pages_filters_and_batches_as_the_service_does() {
    let items = organization();
    let (endpoint, url) = serve(items.clone()).await;
    let client = sdk_client(&url).await;

    // Every page at most 100, every resource once, in every account and region.
    let mut token = None;
    let mut ids = BTreeSet::new();
    loop {
        let page = client
            .list_aggregate_discovered_resources()
            .configuration_aggregator_name(AGGREGATOR)
            .resource_type(ResourceType::Volume)
            .set_next_token(token)
            .send()
            .await
            .unwrap();
        assert!(page.resource_identifiers().len() <= 100);
        for r in page.resource_identifiers() {
            assert_eq!(r.resource_type(), &ResourceType::Volume);
            assert!(ids.insert((
                r.source_account_id().to_string(),
                r.source_region().to_string(),
                r.resource_id().to_string()
            )));
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let volumes = items
        .iter()
        .filter(|i| i.resource_type == "AWS::EC2::Volume")
        .filter(|i| !i.status.as_str().starts_with("ResourceDeleted"))
        .count();
    assert_eq!(ids.len(), volumes);

    // Filters: one account in one region (two pages); one resource id.
    let filtered_page = |token: Option<String>| {
        client
            .list_aggregate_discovered_resources()
            .configuration_aggregator_name(AGGREGATOR)
            .resource_type(ResourceType::Bucket)
            .filters(
                ResourceFilters::builder()
                    .account_id(ACCOUNTS[2])
                    .region(REGIONS[1])
                    .build(),
            )
            .limit(100)
            .set_next_token(token)
            .send()
    };
    let filtered = filtered_page(None).await.unwrap();
    let rest = filtered_page(filtered.next_token().map(str::to_string))
        .await
        .unwrap();
    assert_eq!(filtered.resource_identifiers().len(), 100);
    assert_eq!(rest.resource_identifiers().len(), 4 * COPIES - 100);
    assert_eq!(rest.next_token(), None);
    assert!(filtered
        .resource_identifiers()
        .iter()
        .chain(rest.resource_identifiers())
        .all(|r| r.source_account_id() == ACCOUNTS[2] && r.source_region() == REGIONS[1]));
    let one = &filtered.resource_identifiers()[7];
    let by_id = client
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name(AGGREGATOR)
        .resource_type(ResourceType::Bucket)
        .filters(
            ResourceFilters::builder()
                .resource_id(one.resource_id())
                .build(),
        )
        .send()
        .await
        .unwrap();
    // The same bucket id in every account and region.
    assert_eq!(
        by_id.resource_identifiers().len(),
        ACCOUNTS.len() * REGIONS.len()
    );

    // Limits and names, with the service's error codes.
    let too_many = client
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name(AGGREGATOR)
        .resource_type(ResourceType::Bucket)
        .limit(101)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&too_many), "ValidationException");
    let unknown = client
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name("other")
        .resource_type(ResourceType::Bucket)
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&unknown), "NoSuchConfigurationAggregatorException");
    assert!(unknown
        .as_service_error()
        .is_some_and(|e| e.is_no_such_configuration_aggregator_exception()));
    let bad_token = client
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name(AGGREGATOR)
        .resource_type(ResourceType::Bucket)
        .next_token("not a token")
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&bad_token), "InvalidNextTokenException");

    // A batch: items of the keys asked for, account and region as listed; the deleted
    // volume and an unknown id are not returned.
    let key = |account: &str, region: &str, t: ResourceType, id: &str| {
        AggregateResourceIdentifier::builder()
            .source_account_id(account)
            .source_region(region)
            .resource_type(t)
            .resource_id(id)
            .build()
            .unwrap()
    };
    let deleted = items
        .iter()
        .find(|i| i.status.as_str() == "ResourceDeleted")
        .unwrap();
    let asked = vec![
        key(
            ACCOUNTS[1],
            REGIONS[0],
            ResourceType::Bucket,
            one.resource_id(),
        ),
        key(
            ACCOUNTS[2],
            REGIONS[1],
            ResourceType::Bucket,
            one.resource_id(),
        ),
        key(
            deleted.account_id.as_deref().unwrap(),
            deleted.region.as_deref().unwrap(),
            ResourceType::Volume,
            &deleted.resource_id,
        ),
        key(ACCOUNTS[0], REGIONS[0], ResourceType::Volume, "vol-unknown"),
    ];
    let got = client
        .batch_get_aggregate_resource_config()
        .configuration_aggregator_name(AGGREGATOR)
        .set_resource_identifiers(Some(asked.clone()))
        .send()
        .await
        .unwrap();
    let got_keys: Vec<(&str, &str, &str)> = got
        .base_configuration_items()
        .iter()
        .map(|i| {
            (
                i.account_id().unwrap(),
                i.aws_region().unwrap(),
                i.resource_id().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got_keys,
        [
            (ACCOUNTS[1], REGIONS[0], one.resource_id()),
            (ACCOUNTS[2], REGIONS[1], one.resource_id())
        ]
    );
    assert!(got.unprocessed_resource_identifiers().is_empty());

    // Unprocessed keys (injected): every second key comes back to be asked again.
    endpoint.set_faults(Faults {
        unprocessed_batch_get: 1,
        ..Faults::default()
    });
    let split = client
        .batch_get_aggregate_resource_config()
        .configuration_aggregator_name(AGGREGATOR)
        .set_resource_identifiers(Some(asked[..2].to_vec()))
        .send()
        .await
        .unwrap();
    assert_eq!(split.base_configuration_items().len(), 1);
    assert_eq!(split.unprocessed_resource_identifiers(), &asked[1..2]);

    // Throttling (injected) applies to the aggregator reads too.
    endpoint.set_faults(Faults {
        throttle_reads: 1,
        ..Faults::default()
    });
    let throttled = client
        .batch_get_aggregate_resource_config()
        .configuration_aggregator_name(AGGREGATOR)
        .set_resource_identifiers(Some(asked[..1].to_vec()))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&throttled), "ThrottlingException");

    let over = client
        .batch_get_aggregate_resource_config()
        .configuration_aggregator_name(AGGREGATOR)
        .set_resource_identifiers(Some(vec![asked[0].clone(); 101]))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&over), "ValidationException");
    let counts = endpoint.call_counts();
    assert_eq!(counts["BatchGetAggregateResourceConfig"].calls, 4);
    assert_eq!(counts["BatchGetAggregateResourceConfig"].throttled, 1);
    assert_eq!(counts["ListAggregateDiscoveredResources"].errors, 3);
}

/// `rdk local-config --aggregator NAME` serves that name, and only it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rdk_local_config_serves_the_aggregator_names_it_is_given() {
    use std::io::BufRead;
    let mut child = Command::new(env!("CARGO_BIN_EXE_rdk"))
        .current_dir(root())
        .args([
            "local-config",
            "--items",
            "tests/fixtures/encrypted-volumes",
            "--port",
            "0",
            "--aggregator",
            AGGREGATOR,
        ])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let url = tokio::task::spawn_blocking(move || {
        std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
            .find_map(|l| {
                l.split("AWS_ENDPOINT_URL_CONFIG_SERVICE=")
                    .nth(1)
                    .map(|u| u.trim().to_string())
            })
    })
    .await
    .unwrap()
    .expect("rdk local-config says where it listens");
    let client = sdk_client(&url).await;
    let page = client
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name(AGGREGATOR)
        .resource_type(ResourceType::Volume)
        .send()
        .await;
    let other = client
        .list_aggregate_discovered_resources()
        .configuration_aggregator_name("other")
        .resource_type(ResourceType::Volume)
        .send()
        .await;
    child.kill().unwrap();
    child.wait().unwrap();
    // The fixture volumes are the default account's, in us-east-1; the deleted one is not listed.
    let page = page.unwrap();
    assert_eq!(page.resource_identifiers().len(), 5);
    assert!(page
        .resource_identifiers()
        .iter()
        .all(|r| r.source_account_id() == "123456789012" && r.source_region() == "us-east-1"));
    assert_eq!(
        code(&other.unwrap_err()),
        "NoSuchConfigurationAggregatorException"
    );
}
