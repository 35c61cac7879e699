//! The local Config endpoint enforces the service's limits and serves the reads the
//! runtime uses, through the real SDK and ferrule's own ConfigApi.

use std::net::SocketAddr;

use aws_sdk_config::primitives::DateTime;
use aws_sdk_config::types::{ComplianceType, Evaluation};
use ferrule_tests::{config_client, fixture};
use rdk::local_config::{Faults, LocalConfig};
use rules_lib::config_api::{ConfigApi, ResourceKey, SdkConfigApi};
use rules_lib::ConfigurationItem;

fn eval(id: &str, ct: ComplianceType, annotation: Option<String>, secs: i64) -> Evaluation {
    Evaluation::builder()
        .compliance_resource_type("AWS::EC2::Volume")
        .compliance_resource_id(id)
        .compliance_type(ct)
        .set_annotation(annotation)
        .ordering_timestamp(DateTime::from_secs(secs))
        .build()
        .unwrap()
}

async fn start(items: Vec<ConfigurationItem>) -> (LocalConfig, aws_sdk_config::Client, String) {
    let endpoint = LocalConfig::new(items);
    let running = endpoint
        .serve(SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .unwrap();
    let url = running.url();
    std::mem::forget(running); // serve for the rest of the test
    (endpoint, config_client(&url).await, url)
}

fn code<E: aws_sdk_config::error::ProvideErrorMetadata>(e: &E) -> String {
    e.code().unwrap_or("").to_string()
}

/// ferrule's own ConfigApi (aws-sdk-config underneath) pointed at the endpoint.
async fn ferrule_api(url: &str) -> SdkConfigApi {
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new("us-east-1"))
        .endpoint_url(url)
        .credentials_provider(aws_sdk_config::config::Credentials::new(
            "a", "b", None, None, "t",
        ))
        .load()
        .await;
    SdkConfigApi::from_sdk_config(&sdk)
}

#[tokio::test]
async fn put_evaluations_enforces_the_service_limits() {
    let (endpoint, client, _) = start(Vec::new()).await;
    let many: Vec<Evaluation> = (0..101)
        .map(|i| eval(&format!("vol-{i}"), ComplianceType::Compliant, None, 1))
        .collect();
    let err = client
        .put_evaluations()
        .result_token("r/1")
        .set_evaluations(Some(many))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err.into_service_error()), "ValidationException");

    let err = client
        .put_evaluations()
        .result_token("r/1")
        .evaluations(eval("vol-1", ComplianceType::InsufficientData, None, 1))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&err.into_service_error()),
        "InvalidParameterValueException"
    );

    let err = client
        .put_evaluations()
        .result_token("r/1")
        .evaluations(eval(
            "vol-1",
            ComplianceType::Compliant,
            Some("x".repeat(257)),
            1,
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(code(&err.into_service_error()), "ValidationException");

    let err = client
        .put_evaluations()
        .result_token("r/1")
        .evaluations(eval(
            "vol-1",
            ComplianceType::Compliant,
            Some(String::new()),
            1,
        ))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        code(&err.into_service_error()),
        "ValidationException",
        "an empty annotation is refused: leave it out"
    );

    assert!(
        endpoint.stored().is_empty(),
        "nothing from a refused call is stored"
    );

    client
        .put_evaluations()
        .result_token("TESTMODE")
        .test_mode(true)
        .evaluations(eval("vol-1", ComplianceType::Compliant, None, 1))
        .send()
        .await
        .unwrap();
    assert!(endpoint.stored().is_empty(), "TestMode stores nothing");
}

#[tokio::test]
async fn newer_results_replace_older_ones_never_the_reverse() {
    let (endpoint, client, _) = start(Vec::new()).await;
    client
        .put_evaluations()
        .result_token("r/1")
        .evaluations(eval("vol-1", ComplianceType::NonCompliant, None, 200))
        .send()
        .await
        .unwrap();
    client
        .put_evaluations()
        .result_token("r/2")
        .evaluations(eval("vol-1", ComplianceType::Compliant, None, 100))
        .send()
        .await
        .unwrap();
    assert_eq!(
        endpoint.stored_for("r")[0].compliance_type.as_str(),
        "NON_COMPLIANT"
    );
    client
        .put_evaluations()
        .result_token("r/3")
        .evaluations(eval("vol-1", ComplianceType::Compliant, None, 300))
        .send()
        .await
        .unwrap();
    assert_eq!(
        endpoint.stored_for("r")[0].compliance_type.as_str(),
        "COMPLIANT"
    );
}

#[tokio::test]
async fn compliance_details_page_by_100_and_filter_by_type() {
    let (_endpoint, client, url) = start(Vec::new()).await;
    for chunk in (0..250).collect::<Vec<_>>().chunks(100) {
        let evals = chunk
            .iter()
            .map(|i| {
                eval(
                    &format!("vol-{i:03}"),
                    if i % 2 == 0 {
                        ComplianceType::Compliant
                    } else {
                        ComplianceType::NotApplicable
                    },
                    None,
                    1,
                )
            })
            .collect();
        client
            .put_evaluations()
            .result_token("paged/1")
            .set_evaluations(Some(evals))
            .send()
            .await
            .unwrap();
    }
    let first = client
        .get_compliance_details_by_config_rule()
        .config_rule_name("paged")
        .send()
        .await
        .unwrap();
    assert_eq!(first.evaluation_results().len(), 100);
    assert!(first.next_token().is_some());
    // ferrule's own reader pages through and asks only for COMPLIANT and NON_COMPLIANT.
    let api = ferrule_api(&url).await;
    assert_eq!(api.compliance_results("paged").await.unwrap().len(), 125);
}

#[tokio::test]
async fn reads_serve_items_in_api_shape_with_unprocessed_keys_retried() {
    let dir = fixture("encrypted-volumes");
    let (endpoint, _client, url) = start(rdk::input::load_items(&dir).unwrap().0).await;
    let api = ferrule_api(&url).await;
    let keys = api
        .list_discovered_resources("AWS::EC2::Volume")
        .await
        .unwrap();
    assert_eq!(keys.len(), 5, "{keys:?}");
    endpoint.set_faults(Faults {
        unprocessed_batch_get: 2,
        ..Default::default()
    });
    let items = api.batch_get_resource_config(&keys).await.unwrap();
    assert_eq!(items.len(), 5);
    assert!(
        items
            .iter()
            .all(|i| i.tags.is_empty() && i.relationships.is_empty()),
        "BatchGetResourceConfig returns no tags or relationships"
    );
    assert_eq!(
        endpoint
            .calls()
            .iter()
            .filter(|c| c.action == "BatchGetResourceConfig")
            .count(),
        3
    );

    let key = ResourceKey {
        resource_type: "AWS::EC2::Volume".into(),
        resource_id: "vol-0a1b2c3d4e5f60001".into(),
    };
    let item = api
        .get_latest_item(&key.resource_type, &key.resource_id, None)
        .await
        .unwrap()
        .unwrap();
    let original = ConfigurationItem::from_json_str(
        &std::fs::read_to_string(dir.join("compliant-encrypted-attached-event.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        item, original,
        "GetResourceConfigHistory returns the item as stored"
    );
    let missing = api
        .get_latest_item("AWS::EC2::Volume", "vol-nope", None)
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Some("ResourceNotDiscoveredException"));
}

#[tokio::test]
async fn listing_pages_every_live_resource_once_in_id_order_and_batch_reads_serve_the_newest() {
    // 250 volumes, each captured twice (the newer capture deleted for every tenth), and
    // one bucket: three pages of volumes, each live one once, deleted ones left out.
    let base = rdk::input::load_items(&fixture("encrypted-volumes"))
        .unwrap()
        .0
        .remove(0)
        .to_api_json();
    let mut items = Vec::new();
    for n in 0..250 {
        for (capture, status) in [
            ("2024-05-01T10:00:00.000Z", "OK"),
            (
                "2024-05-02T10:00:00.000Z",
                if n % 10 == 0 { "ResourceDeleted" } else { "OK" },
            ),
        ] {
            let mut v = base.clone();
            v["resourceId"] = serde_json::json!(format!("vol-{n:05}"));
            v["configurationItemCaptureTime"] = serde_json::json!(capture);
            v["configurationItemStatus"] = serde_json::json!(status);
            items.push(ConfigurationItem::from_value(&v).unwrap());
        }
    }
    let (endpoint, client, url) = start(items).await;
    let mut bucket = base.clone();
    bucket["resourceType"] = serde_json::json!("AWS::S3::Bucket");
    bucket["resourceId"] = serde_json::json!("vol-00001");
    endpoint.add_items(vec![ConfigurationItem::from_value(&bucket).unwrap()]);

    let mut pages = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_discovered_resources()
            .resource_type(aws_sdk_config::types::ResourceType::Volume)
            .set_next_token(token.take())
            .send()
            .await
            .unwrap();
        pages.push(
            page.resource_identifiers()
                .iter()
                .map(|r| r.resource_id().unwrap_or_default().to_string())
                .collect::<Vec<_>>(),
        );
        match page.next_token() {
            Some(t) => token = Some(t.to_string()),
            None => break,
        }
    }
    assert_eq!(
        pages.iter().map(Vec::len).collect::<Vec<_>>(),
        [100, 100, 25]
    );
    let listed: Vec<String> = pages.concat();
    let want: Vec<String> = (0..250)
        .filter(|n| n % 10 != 0)
        .map(|n| format!("vol-{n:05}"))
        .collect();
    assert_eq!(listed, want, "every live volume once, in id order");

    // The batch read finds each listed volume at its newest capture; a deleted one is
    // not returned, and the bucket of the same id stays out of a volume read.
    let api = ferrule_api(&url).await;
    let keys = api
        .list_discovered_resources("AWS::EC2::Volume")
        .await
        .unwrap();
    assert_eq!(keys.len(), 225);
    let mut read = Vec::new();
    for chunk in keys.chunks(100) {
        read.extend(api.batch_get_resource_config(chunk).await.unwrap());
    }
    assert_eq!(read.len(), 225);
    assert!(read.iter().all(|i| i.resource_type == "AWS::EC2::Volume"
        // 2024-05-02T10:00:00Z, as the API's epoch seconds.
        && i.to_api_json()["configurationItemCaptureTime"].as_f64() == Some(1_714_644_000.0)));
    let deleted = api
        .batch_get_resource_config(&[ResourceKey {
            resource_type: "AWS::EC2::Volume".into(),
            resource_id: "vol-00010".into(),
        }])
        .await
        .unwrap();
    assert!(deleted.is_empty(), "{deleted:?}");
}
