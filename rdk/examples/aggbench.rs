//! The organization-wide scan benchmark's endpoint: N generated aggregated items served
//! by the local AWS Config endpoint under the aggregator `bench`.
//!
//! `aggbench N URL_FILE` takes the bundled sample account's items of the types the
//! catalog's rules judge as templates and
//! spreads N copies over 20 accounts × 3 regions (each copy with its own accountId,
//! awsRegion and resourceId), serves them on 127.0.0.1 (a free port), writes the
//! endpoint's URL to URL_FILE once it answers, and serves until it is stopped.
//! tests/bench/aggregator.sh runs it, scans it with `rdk scan --live --aggregator bench`
//! and reads the calls from `GET /_local/call-counts`.

use rdk::local_config::LocalConfig;
use rdk::scan::source;

/// The benchmark's organization.
const ACCOUNTS: usize = 20;
const REGIONS: [&str; 3] = ["us-east-1", "eu-west-1", "ap-southeast-2"];

fn main() {
    let usage = "usage: aggbench N URL_FILE";
    let args: Vec<String> = std::env::args().collect();
    let n: usize = args.get(1).and_then(|s| s.parse().ok()).expect(usage);
    let url_file = args.get(2).expect(usage).clone();

    let mut templates = Vec::new();
    source::stream(source::SAMPLE_ACCOUNT, "sample account", &mut |item| {
        templates.push(item.expect("the bundled sample account reads"))
    })
    .expect("the bundled sample account reads");
    // Only what a scan of the catalog reads: resources of the types its rules judge
    // (deleted resources are never listed).
    let judged = rdk::scan::live::judged_types(rules_lib::rules::catalog());
    templates.retain(|t| t.is_evaluable() && judged.contains(&t.resource_type.as_str()));
    let origins: Vec<(String, &str)> = (0..ACCOUNTS)
        .flat_map(|a| {
            REGIONS
                .iter()
                .map(move |r| (format!("{:012}", 100_000_000_000 + a), *r))
        })
        .collect();
    let mut items = Vec::with_capacity(n);
    for i in 0..n {
        let t = &templates[i % templates.len()];
        let (account, region) = &origins[(i / templates.len()) % origins.len()];
        let mut item = t.clone();
        item.account_id = Some(account.clone());
        item.region = Some(region.to_string());
        item.resource_id = format!("{}-{i}", t.resource_id);
        item.shed_caches();
        items.push(item);
    }
    let endpoint = LocalConfig::new(items);
    endpoint.add_aggregator("bench");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    rt.block_on(async {
        let running = endpoint
            .serve(std::net::SocketAddr::from(([127, 0, 0, 1], 0)))
            .await
            .expect("listens on 127.0.0.1");
        std::fs::write(&url_file, running.url()).expect("writes the URL file");
        eprintln!(
            "aggbench: {} items of {} accounts x {} regions on {}",
            endpoint.item_count(),
            ACCOUNTS,
            REGIONS.len(),
            running.url()
        );
        let _ = running.task.await;
    });
}
