//! `rdk cost`: what running a selection of rules costs a month, from the resources each
//! rule judges and how often it runs.
//!
//! Evaluations a month, per rule:
//! - change-triggered: every recorded change of a resource in scope is one evaluation
//!   (and one invocation): resources × changes per resource a day × days;
//! - periodic: every run evaluates every resource in scope (a rule scoped to the account:
//!   the account, once): resources × runs a day × days, one invocation a run;
//! - both triggers: the sum.
//!
//! AWS Config charges per evaluation, tiered over all rules of the account and region
//! together; custom Lambda rules add Lambda requests and GB-seconds (arm64, the rule's
//! memory, the durations below). The same rules as AWS managed rules cost the same
//! evaluations and no Lambda. Every price is in [`PRICES`], the one table to update.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rules_lib::rule::ACCOUNT;
use rules_lib::Rule;
use serde::Serialize;

/// Prices, with where they come from.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Prices {
    /// Where the prices were read, and when.
    pub source: &'static str,
    /// AWS Config rule evaluations: (evaluations in the tier, USD each), in order; the
    /// last tier is unbounded.
    pub evaluation_tiers: &'static [(u64, f64)],
    /// Lambda: USD per million requests.
    pub lambda_per_million_requests: f64,
    /// Lambda on arm64: USD per GB-second (first tier).
    pub lambda_arm64_per_gb_second: f64,
}

/// The price table (us-east-1).
pub const PRICES: Prices = Prices {
    source: "https://aws.amazon.com/config/pricing/ (rule evaluations, per account and region) and https://aws.amazon.com/lambda/pricing/ (arm64, first tier); us-east-1, as published in 2026; free tiers not subtracted",
    evaluation_tiers: &[(100_000, 0.001), (400_000, 0.0008), (u64::MAX, 0.0005)],
    lambda_per_million_requests: 0.20,
    lambda_arm64_per_gb_second: 0.000_013_333_4,
};

/// Billed milliseconds of a change-triggered invocation: one item judged and one
/// PutEvaluations call. `tests/bench/coldstart.sh` measures a cold invocation at about
/// 7 ms to the evaluation stored; rounded up for the network call to Config.
pub const CHANGE_INVOCATION_MS: f64 = 20.0;
/// Billed milliseconds of a periodic run: a fixed part (list, compliance read-back,
/// PutEvaluations) plus a part per resource (batch-read 100 at a time and judged).
/// A ferrule estimate, not a measurement against AWS.
pub const PERIODIC_RUN_MS: f64 = 200.0;
/// See [`PERIODIC_RUN_MS`].
pub const PERIODIC_MS_PER_RESOURCE: f64 = 2.0;
/// Days in a month.
pub const DAYS: f64 = 30.0;

/// What the estimate starts from.
#[derive(Debug, Clone, Serialize)]
pub struct CostInputs {
    /// Where the resource counts come from.
    pub counts_from: String,
    /// Resources by type (deleted ones left out).
    pub resources: BTreeMap<String, u64>,
    /// Recorded configuration changes per resource per day.
    pub changes_per_day: f64,
}

/// One rule's share.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCost {
    /// The rule.
    pub rule: &'static str,
    /// Resources it judges (an account rule: 1, the account).
    pub resources: u64,
    /// Evaluations a month.
    pub evaluations: f64,
    /// Lambda invocations a month.
    pub invocations: f64,
    /// Lambda GB-seconds a month.
    pub gb_seconds: f64,
    /// The function's memory.
    pub memory_mb: u32,
}

/// The estimate.
#[derive(Debug, Clone, Serialize)]
pub struct CostReport {
    /// The inputs.
    pub inputs: CostInputs,
    /// The prices used.
    pub prices: Prices,
    /// Per rule.
    pub rules: Vec<RuleCost>,
    /// Evaluations a month, all rules.
    pub evaluations: f64,
    /// USD a month for the evaluations (the same for AWS managed rules).
    pub evaluation_usd: f64,
    /// USD a month for Lambda requests.
    pub lambda_request_usd: f64,
    /// USD a month for Lambda compute.
    pub lambda_compute_usd: f64,
    /// USD a month in all, as ferrule custom rules.
    pub total_usd: f64,
    /// USD a month for the same rules as AWS managed rules (evaluations only).
    pub managed_usd: f64,
}

/// Counts the resources (deleted ones left out) by type in snapshot files, or in the
/// bundled sample account when `paths` is empty. An unreadable item is not counted and
/// is named in the returned list.
pub fn count_resources(
    paths: &[std::path::PathBuf],
) -> Result<(CostInputs, Vec<String>), crate::commands::CliError> {
    use crate::commands::CliError;
    use crate::scan::source;
    let mut resources: BTreeMap<String, u64> = BTreeMap::new();
    let mut unreadable = Vec::new();
    let mut bad_items = Vec::new();
    let mut count = |r: source::ItemResult| match r {
        Ok(item) if item.is_evaluable() => *resources.entry(item.resource_type).or_insert(0) += 1,
        Ok(_) => {}
        Err(k) => bad_items.push(format!("{}: {}", k.source, k.reason)),
    };
    let counts_from = if paths.is_empty() {
        source::stream(source::SAMPLE_ACCOUNT, "bundled sample account", &mut count).map_err(
            |e| CliError::failed(format!("the bundled sample account is unreadable: {e}")),
        )?;
        "the bundled sample account (give --snapshot for yours)".to_string()
    } else {
        for p in paths {
            let (files, skipped) = source::snapshot_files(p).map_err(|reason| {
                CliError::input(format!(
                    "{}: {reason}; give AWS Config snapshot files (.json, .json.gz) or directories of them",
                    p.display()
                ))
            })?;
            if files.is_empty() {
                return Err(CliError::input(format!(
                    "{}: no .json or .json.gz files here; give a Config snapshot file or its directory",
                    p.display()
                )));
            }
            unreadable.extend(
                skipped
                    .into_iter()
                    .map(|k| format!("{}: {}", k.source, k.reason)),
            );
            for f in files {
                if let Err(k) = source::read_file(&f, &mut count) {
                    unreadable.push(format!("{}: {}", k.source, k.reason));
                }
            }
        }
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    unreadable.extend(bad_items);
    Ok((
        CostInputs {
            counts_from,
            resources,
            changes_per_day: 0.0,
        },
        unreadable,
    ))
}

/// Counts the resources of the selected rules' types in the account itself, through the
/// Config API (ListDiscoveredResources, every page, retried; deleted resources are not
/// listed). Credentials and region from the environment, `region` and `profile`;
/// `AWS_ENDPOINT_URL_CONFIG_SERVICE` is honoured.
pub async fn count_live(
    rules: &[&'static dyn Rule],
    region: Option<String>,
    profile: Option<String>,
) -> Result<CostInputs, crate::commands::CliError> {
    use rules_lib::config_api::{ConfigApi, SdkConfigApi};
    use rules_lib::retry::{RetryPolicy, Retrying};
    let api = Retrying::new(
        SdkConfigApi::from_sdk_config(&crate::commands::sdk_config(region, profile).await?),
        RetryPolicy::default(),
    );
    let mut types: Vec<&str> = rules
        .iter()
        .flat_map(|r| r.spec().resource_types.iter().copied())
        .filter(|t| *t != ACCOUNT)
        .collect();
    types.sort_unstable();
    types.dedup();
    let mut resources = BTreeMap::new();
    for t in types {
        let keys = api.list_discovered_resources(t).await.map_err(|e| {
            crate::commands::CliError::failed(format!(
                "counting {t} through the AWS Config API failed: {e}; check the credentials, the region and the config:ListDiscoveredResources permission"
            ))
        })?;
        resources.insert(t.to_string(), keys.len() as u64);
    }
    Ok(CostInputs {
        counts_from: "the account, through the AWS Config API (ListDiscoveredResources)".into(),
        resources,
        changes_per_day: 0.0,
    })
}

/// The tiered price of `n` evaluations in one account and region.
pub fn evaluation_price(n: f64, prices: &Prices) -> f64 {
    let mut left = n.max(0.0);
    let mut usd = 0.0;
    for (size, each) in prices.evaluation_tiers {
        let here = left.min(*size as f64);
        usd += here * each;
        left -= here;
        if left <= 0.0 {
            break;
        }
    }
    usd
}

/// Estimates the monthly cost of `rules` over `inputs`.
pub fn estimate(rules: &[&'static dyn Rule], inputs: CostInputs, prices: Prices) -> CostReport {
    let mut out = Vec::new();
    for rule in rules {
        let spec = rule.spec();
        // A rule scoped to the account judges it once; any other judges each resource
        // of its types (an account-level rule like access-keys-rotated judges each user).
        let account = spec.resource_types.iter().all(|t| *t == ACCOUNT);
        let resources = if account {
            1
        } else {
            spec.resource_types
                .iter()
                .map(|t| inputs.resources.get(*t).copied().unwrap_or(0))
                .sum()
        };
        let n = resources as f64;
        let gb = f64::from(spec.memory_mb) / 1024.0;
        let (mut evaluations, mut invocations, mut gb_seconds) = (0.0, 0.0, 0.0);
        if spec.trigger.on_change() && !account {
            let changes = n * inputs.changes_per_day * DAYS;
            evaluations += changes;
            invocations += changes;
            gb_seconds += changes * CHANGE_INVOCATION_MS / 1000.0 * gb;
        }
        if let Some(f) = spec.trigger.frequency() {
            let runs = f64::from(f.runs_per_day()) * DAYS;
            evaluations += runs * n;
            invocations += runs;
            let ms = PERIODIC_RUN_MS + PERIODIC_MS_PER_RESOURCE * n;
            gb_seconds += runs * ms / 1000.0 * gb;
        }
        out.push(RuleCost {
            rule: spec.name,
            resources,
            evaluations,
            invocations,
            gb_seconds,
            memory_mb: spec.memory_mb,
        });
    }
    let evaluations: f64 = out.iter().map(|r| r.evaluations).sum();
    let invocations: f64 = out.iter().map(|r| r.invocations).sum();
    let gb_seconds: f64 = out.iter().map(|r| r.gb_seconds).sum();
    let evaluation_usd = evaluation_price(evaluations, &prices);
    let lambda_request_usd = invocations / 1e6 * prices.lambda_per_million_requests;
    let lambda_compute_usd = gb_seconds * prices.lambda_arm64_per_gb_second;
    CostReport {
        inputs,
        prices,
        rules: out,
        evaluations,
        evaluation_usd,
        lambda_request_usd,
        lambda_compute_usd,
        total_usd: evaluation_usd + lambda_request_usd + lambda_compute_usd,
        managed_usd: evaluation_usd,
    }
}

impl CostReport {
    /// For people: the inputs and prices with their sources, a row per rule, the totals.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let i = &self.inputs;
        let _ = writeln!(
            s,
            "Resources: {} ({} in all)",
            i.counts_from,
            i.resources.values().sum::<u64>()
        );
        let _ = writeln!(
            s,
            "Changes: {} recorded changes per resource per day (--changes-per-day); {DAYS} days a month",
            i.changes_per_day
        );
        let _ = writeln!(s, "Prices: {}", self.prices.source);
        let tiers: Vec<String> = self
            .prices
            .evaluation_tiers
            .iter()
            .map(|(n, p)| {
                if *n == u64::MAX {
                    format!("then ${p}")
                } else {
                    format!("${p} for the next {n}")
                }
            })
            .collect();
        let _ = writeln!(s, "  AWS Config evaluations: {}", tiers.join(", "));
        let _ = writeln!(
            s,
            "  Lambda arm64: ${} per million requests, ${} per GB-second",
            self.prices.lambda_per_million_requests, self.prices.lambda_arm64_per_gb_second
        );
        let _ = writeln!(
            s,
            "Durations: {CHANGE_INVOCATION_MS} ms per change (measured cold start, rounded up), {PERIODIC_RUN_MS} ms + {PERIODIC_MS_PER_RESOURCE} ms per resource per periodic run (estimate)\n"
        );
        let _ = writeln!(
            s,
            "{:<52} {:>9} {:>13} {:>12} {:>11}",
            "rule", "resources", "evaluations", "invocations", "GB-seconds"
        );
        for r in &self.rules {
            let _ = writeln!(
                s,
                "{:<52} {:>9} {:>13.0} {:>12.0} {:>11.1}",
                r.rule, r.resources, r.evaluations, r.invocations, r.gb_seconds
            );
        }
        let _ = writeln!(
            s,
            "\n{} rules, {:.0} evaluations a month",
            self.rules.len(),
            self.evaluations
        );
        let _ = writeln!(
            s,
            "  AWS Config evaluations   ${:>10.2}",
            self.evaluation_usd
        );
        let _ = writeln!(
            s,
            "  Lambda requests          ${:>10.2}",
            self.lambda_request_usd
        );
        let _ = writeln!(
            s,
            "  Lambda compute           ${:>10.2}",
            self.lambda_compute_usd
        );
        let _ = writeln!(
            s,
            "  total, as ferrule rules  ${:>10.2} a month",
            self.total_usd
        );
        let _ = writeln!(
            s,
            "  as AWS managed rules     ${:>10.2} a month (the same evaluations, no Lambda)",
            self.managed_usd
        );
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(resources: &[(&str, u64)], changes_per_day: f64) -> CostInputs {
        CostInputs {
            counts_from: "test".into(),
            resources: resources.iter().map(|(t, n)| (t.to_string(), *n)).collect(),
            changes_per_day,
        }
    }

    #[test]
    fn evaluations_are_priced_by_tier() {
        let p = PRICES;
        assert!((evaluation_price(50_000.0, &p) - 50.0).abs() < 1e-9);
        assert!((evaluation_price(100_000.0, &p) - 100.0).abs() < 1e-9);
        // 100,000 at 0.001, 400,000 at 0.0008, 500,000 at 0.0005.
        assert!((evaluation_price(1_000_000.0, &p) - (100.0 + 320.0 + 250.0)).abs() < 1e-6);
        assert_eq!(evaluation_price(0.0, &p), 0.0);
    }

    #[test]
    fn change_rules_count_changes_and_periodic_rules_count_runs_times_resources() {
        let volumes = rules_lib::rules::find("encrypted-volumes").unwrap();
        let report = estimate(
            &[volumes],
            inputs(&[("AWS::EC2::Volume", 100)], 0.5),
            PRICES,
        );
        let r = &report.rules[0];
        assert_eq!(r.resources, 100);
        assert!((r.evaluations - 100.0 * 0.5 * DAYS).abs() < 1e-9);
        assert_eq!(r.evaluations, r.invocations);

        // Both triggers every 24 hours: changes plus one evaluation per resource a day,
        // and one invocation a run.
        let ssh = rules_lib::rules::find("restricted-ssh").unwrap();
        let report = estimate(
            &[ssh],
            inputs(&[("AWS::EC2::SecurityGroup", 10)], 0.0),
            PRICES,
        );
        let r = &report.rules[0];
        assert!(
            (r.evaluations - 10.0 * DAYS).abs() < 1e-9,
            "{}",
            r.evaluations
        );
        assert!((r.invocations - DAYS).abs() < 1e-9);
        assert!(report.total_usd > report.managed_usd);
        assert_eq!(report.managed_usd, report.evaluation_usd);
    }

    #[test]
    fn an_account_level_rule_over_users_evaluates_each_user_a_run() {
        let keys = rules_lib::rules::find("access-keys-rotated").unwrap();
        let report = estimate(&[keys], inputs(&[("AWS::IAM::User", 7)], 3.0), PRICES);
        let runs = f64::from(keys.spec().trigger.frequency().unwrap().runs_per_day()) * DAYS;
        assert_eq!(report.rules[0].resources, 7);
        assert!((report.rules[0].evaluations - 7.0 * runs).abs() < 1e-9);
    }

    #[test]
    fn an_account_rule_evaluates_the_account_once_a_run() {
        let root = rules_lib::rules::find("root-account-mfa-enabled").unwrap();
        let report = estimate(&[root], inputs(&[], 3.0), PRICES);
        let r = &report.rules[0];
        assert_eq!(r.resources, 1);
        let runs = f64::from(root.spec().trigger.frequency().unwrap().runs_per_day()) * DAYS;
        assert!((r.evaluations - runs).abs() < 1e-9);
        assert!(report.text().contains("root-account-mfa-enabled"));
    }
}
