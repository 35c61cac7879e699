//! `rdk scan`: every applicable rule over a whole account, streamed and on every core.
//!
//! Items are parsed one at a time on the calling thread (a snapshot file is never held
//! in memory whole), handed in batches to one worker per core that judges them with
//! [`rules_lib::scan::Scanner`] (the same engine path the functions use), and the
//! evaluations are gathered into a [`report::ScanReport`].

pub mod live;
pub mod report;
pub mod source;
mod split;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{channel, sync_channel};
use std::sync::Mutex;
use std::time::Instant;

use rules_lib::scan::{Origin, ScanEvaluation, Scanner};
use rules_lib::{rules, ConfigurationItem, Rule, Timestamp};
use serde_json::{Map, Value};

use crate::commands::CliError;
use report::{NotEvaluated, ScanReport};
use source::{ItemResult, RawItem, Skipped};

/// Where the items come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The bundled sample account.
    Sample,
    /// Snapshot/history files, item files, or directories of them.
    Snapshots(Vec<PathBuf>),
    /// The account, through the Config API (credentials and region from the
    /// environment, `--region`, `--profile`; `AWS_ENDPOINT_URL_CONFIG_SERVICE` honoured),
    /// or with `aggregator` every account and region of that configuration aggregator.
    Live {
        /// The region (of the aggregator, with one).
        region: Option<String>,
        /// The named profile.
        profile: Option<String>,
        /// A configuration aggregator's name: read every account and region through it.
        aggregator: Option<String>,
    },
}

/// What to scan and with which rules.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// The source.
    pub source: Source,
    /// Rule names (`--rules`); empty: the whole catalog.
    pub rules: Vec<String>,
    /// Per-rule parameters: `{"rule-name": {"param": "value"}}`.
    pub parameters: Map<String, Value>,
    /// Draw a progress bar on stderr (hidden when stderr is not a terminal).
    pub progress: bool,
}

const BATCH: usize = 256;

/// Files a worker takes at a time when a scan is shared out by file.
const FILES_PER_JOB: usize = 64;

/// Work for a scan worker: items the stream found, or whole files to read.
enum Job {
    Items(Vec<RawItem>),
    Files(Vec<std::path::PathBuf>),
}

/// What a worker read of whole files.
#[derive(Default)]
struct FilesRead {
    count: usize,
    bytes: u64,
}

/// Reads `--parameters-file`: `{"rule-name": {"param": "value", ...}, ...}`.
pub fn read_parameters_file(path: &std::path::Path) -> Result<Map<String, Value>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::input(format!("{}: cannot read: {e}", path.display())))?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(m)) => {
            for (rule, v) in &m {
                if rules::find(rule).is_none() {
                    return Err(CliError::input(format!(
                        "{}: `{rule}` is not a rule of the catalog (rdk rules lists them)",
                        path.display()
                    )));
                }
                if !v.is_object() {
                    return Err(CliError::input(format!("{}: the parameters of {rule} must be an object like {{\"param\": \"value\"}}", path.display())));
                }
            }
            Ok(m)
        }
        Ok(_) => Err(CliError::input(format!(
            "{}: expected an object of rule names to their InputParameters",
            path.display()
        ))),
        Err(e) => Err(CliError::input(format!(
            "{}: invalid JSON at line {} column {}",
            path.display(),
            e.line(),
            e.column()
        ))),
    }
}

/// Chooses the rules: the named ones (their parameters must be valid), or every rule
/// whose required parameters are given (the others are reported as not evaluated).
pub fn select_rules(
    names: &[String],
    parameters: &Map<String, Value>,
) -> Result<(Vec<&'static dyn Rule>, Vec<NotEvaluated>), CliError> {
    if !names.is_empty() {
        let mut out = Vec::new();
        for name in names {
            out.push(crate::commands::find_rule(name)?);
        }
        return Ok((out, Vec::new()));
    }
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for rule in rules::catalog() {
        let spec = rule.spec();
        let given = parameters.get(spec.name).and_then(Value::as_object);
        let missing: Vec<&str> = spec
            .parameters
            .iter()
            .filter(|p| {
                p.required
                    && given.is_none_or(|g| g.get(p.name).is_none_or(|v| v.as_str() == Some("")))
            })
            .map(|p| p.name)
            .collect();
        if missing.is_empty() {
            out.push(*rule);
        } else {
            skipped.push(NotEvaluated {
                rule: spec.name,
                reason: format!(
                    "required parameter {} not given (add it to --parameters-file)",
                    missing.join(", ")
                ),
            });
        }
    }
    Ok((out, skipped))
}

/// Items read per account and region (`accountId`, `awsRegion`).
pub type ItemsByOrigin = BTreeMap<(String, String), usize>;

/// The account and region of an item (`-` for one it does not name), shared with the
/// previous item's when they are the same (items arrive grouped by account and region).
fn origin_of(item: &ConfigurationItem, last: &mut Option<Origin>) -> Origin {
    let account = item.account_id.as_deref().unwrap_or("-");
    let region = item.region.as_deref().unwrap_or("-");
    match last {
        Some(o) if o.is(account, region) => o.clone(),
        _ => {
            let o = Origin::new(account, region);
            *last = Some(o.clone());
            o
        }
    }
}

/// Runs a scan.
pub fn scan(opts: &ScanOptions) -> Result<ScanReport, CliError> {
    let started = Instant::now();
    let mut parameters = opts.parameters.clone();
    if matches!(opts.source, Source::Sample) {
        let sample: Map<String, Value> =
            serde_json::from_str(source::SAMPLE_PARAMETERS).expect("bundled parameters are valid");
        for (k, v) in sample {
            parameters.entry(k).or_insert(v);
        }
    }
    let opts = ScanOptions {
        parameters,
        ..opts.clone()
    };
    let (selected, mut not_evaluated) = select_rules(&opts.rules, &opts.parameters)?;
    let scanner = Scanner::new(&selected, &opts.parameters, Timestamp::now())
        .map_err(|e| CliError::input(e.to_string()))?;
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get());
    // Across accounts and regions every evaluation says whose resource it judged, and the
    // set rules judge each account and region on its own, as a deployed rule does.
    let by_origin = matches!(
        opts.source,
        Source::Live {
            aggregator: Some(_),
            ..
        }
    );
    let mut items_by_origin = ItemsByOrigin::new();

    // Every --snapshot path must exist and hold something to read: a typo in a CI
    // script exits 2 instead of passing with an empty report.
    let mut skipped: Vec<Skipped> = Vec::new();
    let mut snapshot_files = Vec::new();
    if let Source::Snapshots(paths) = &opts.source {
        for p in paths {
            let (files, walk_skipped) = source::snapshot_files(p).map_err(|reason| {
                CliError::input(format!(
                    "{}: {reason}; give AWS Config snapshot or history files (.json, .json.gz) or directories of them",
                    p.display()
                ))
            })?;
            if files.is_empty() && !walk_skipped.is_empty() {
                return Err(CliError::input(format!(
                    "{}: no snapshot file could be read: {}",
                    p.display(),
                    walk_skipped
                        .iter()
                        .map(|k| format!("{}: {}", k.source, k.reason))
                        .collect::<Vec<_>>()
                        .join("; ")
                )));
            }
            if files.is_empty() {
                return Err(CliError::input(format!(
                    "{}: no .json or .json.gz files here; give the directory that holds the snapshot files",
                    p.display()
                )));
            }
            snapshot_files.extend(files);
            skipped.extend(walk_skipped);
        }
    }
    let mut files_read = 0usize;

    let progress = indicatif::ProgressBar::with_draw_target(
        None,
        if opts.progress {
            indicatif::ProgressDrawTarget::stderr()
        } else {
            indicatif::ProgressDrawTarget::hidden()
        },
    );
    progress.set_style(
        indicatif::ProgressStyle::with_template("{spinner} {human_pos} items ({per_sec}) {msg}")
            .expect("valid template"),
    );

    let mut kept: Vec<ConfigurationItem> = Vec::new();
    let mut items = 0usize;
    let mut bytes = 0u64;
    let mut batches: Vec<Vec<ScanEvaluation>> = Vec::new();
    let mut producer_error = None;

    // Workers read each item (the costly part: JSON to a tree to a ConfigurationItem)
    // and judge it; this thread only finds where each item starts and ends.
    //
    // A directory of many small files (one item each, as history delivery writes them)
    // is shared out by file instead: each worker opens, reads and judges whole files, so
    // the per-file work runs on every core too.
    type Done = (
        Vec<ScanEvaluation>,
        Vec<Skipped>,
        Vec<ConfigurationItem>,
        usize,
        FilesRead,
        Vec<(Origin, usize)>,
    );
    let by_file = snapshot_files.len() >= workers * 4;
    let (item_tx, item_rx) = sync_channel::<Job>(workers * 4);
    let item_rx = Mutex::new(item_rx);
    let (res_tx, res_rx) = channel::<Done>();
    let mut item_skipped: Vec<Skipped> = Vec::new();
    std::thread::scope(|s| {
        for _ in 0..workers {
            let res_tx = res_tx.clone();
            let (item_rx, scanner) = (&item_rx, &scanner);
            s.spawn(move || loop {
                let job = match item_rx.lock().unwrap_or_else(|p| p.into_inner()).recv() {
                    Ok(b) => b,
                    Err(_) => return,
                };
                let mut failed = Vec::new();
                let mut files = FilesRead::default();
                let batch = match job {
                    Job::Items(batch) => batch,
                    Job::Files(paths) => {
                        let mut batch = Vec::new();
                        for f in paths {
                            match source::read_file_raw(&f, &mut |raw| batch.push(raw)) {
                                Ok(n) => {
                                    files.bytes += n;
                                    files.count += 1;
                                }
                                Err(k) => failed.push(k),
                            }
                        }
                        batch
                    }
                };
                let mut evals = Vec::with_capacity(batch.len() * 4);
                let mut kept = Vec::new();
                let mut parsed = 0;
                let mut origins: Vec<(Origin, usize)> = Vec::new();
                let mut last_origin = None;
                for raw in batch {
                    let item = match raw.parse() {
                        Ok(item) => item,
                        Err(k) => {
                            failed.push(k);
                            continue;
                        }
                    };
                    parsed += 1;
                    let origin = by_origin.then(|| origin_of(&item, &mut last_origin));
                    if let Some(o) = &origin {
                        match origins.last_mut() {
                            Some((last, n)) if last == o => *n += 1,
                            _ => origins.push((o.clone(), 1)),
                        }
                    }
                    match scanner.evaluate(&item) {
                        Ok(mut e) => {
                            if let Some(o) = &origin {
                                e.iter_mut().for_each(|e| e.origin = Some(o.clone()));
                            }
                            evals.extend(e)
                        }
                        Err(e) => failed.push(Skipped {
                            source: format!("{} {}", item.resource_type, item.resource_id),
                            reason: e.to_string(),
                        }),
                    }
                    if scanner.keeps(&item.resource_type) {
                        let mut item = item;
                        item.shed_caches();
                        kept.push(item);
                    }
                }
                evals.shrink_to_fit();
                if res_tx
                    .send((evals, failed, kept, parsed, files, origins))
                    .is_err()
                {
                    return;
                }
            });
        }
        drop(res_tx);

        let mut batch = Vec::with_capacity(BATCH);
        let mut seen = 0u64;
        let mut sink = |raw: RawItem| {
            seen += 1;
            batch.push(raw);
            if batch.len() == BATCH {
                progress.set_position(seen);
                let _ = item_tx.send(Job::Items(std::mem::replace(
                    &mut batch,
                    Vec::with_capacity(BATCH),
                )));
            }
        };
        match &opts.source {
            Source::Sample => {
                if let Err(reason) =
                    source::stream_raw(source::SAMPLE_ACCOUNT, "bundled sample account", &mut sink)
                {
                    producer_error = Some(CliError::failed(format!(
                        "the bundled sample account is unreadable: {reason}"
                    )));
                }
                bytes = source::SAMPLE_ACCOUNT.len() as u64;
            }
            Source::Snapshots(_) if by_file => {
                for chunk in snapshot_files.chunks(FILES_PER_JOB) {
                    progress.set_message(chunk[0].display().to_string());
                    let _ = item_tx.send(Job::Files(chunk.to_vec()));
                }
            }
            Source::Snapshots(_) => {
                for f in &snapshot_files {
                    progress.set_message(f.display().to_string());
                    match source::read_file_raw(f, &mut sink) {
                        Ok(n) => {
                            bytes += n;
                            files_read += 1;
                        }
                        Err(k) => skipped.push(k),
                    }
                }
            }
            Source::Live {
                region,
                profile,
                aggregator,
            } => {
                let mut live_sink = |r: ItemResult| match r {
                    Ok(item) => sink(RawItem::ready(item)),
                    Err(k) => item_skipped.push(k),
                };
                let read = match aggregator {
                    Some(name) => live::aggregator_items(
                        &selected,
                        region.clone(),
                        profile.clone(),
                        name,
                        &mut live_sink,
                    ),
                    None => live::account_items(
                        &selected,
                        region.clone(),
                        profile.clone(),
                        &mut live_sink,
                    ),
                };
                if let Err(e) = read {
                    producer_error = Some(e);
                }
            }
        }
        if !batch.is_empty() {
            let _ = item_tx.send(Job::Items(batch));
        }
        drop(item_tx);
        for (evals, failed, kept_items, parsed, files, origins) in res_rx {
            for (o, n) in origins {
                *items_by_origin
                    .entry((o.account_id().to_string(), o.aws_region().to_string()))
                    .or_default() += n;
            }
            batches.push(evals);
            skipped.extend(failed);
            kept.extend(kept_items);
            items += parsed;
            files_read += files.count;
            bytes += files.bytes;
        }
    });
    progress.finish_and_clear();
    skipped.extend(item_skipped);
    // Workers finish in any order: keep the report stable.
    skipped.sort_by(|a, b| a.source.cmp(&b.source));
    if let Some(e) = producer_error {
        return Err(e);
    }
    if matches!(opts.source, Source::Snapshots(_)) && files_read == 0 {
        return Err(CliError::input(format!(
            "no snapshot file could be read: {}",
            skipped
                .iter()
                .map(|k| format!("{}: {}", k.source, k.reason))
                .collect::<Vec<_>>()
                .join("; ")
        )));
    }
    // The set rules judge the kept items on one core while this one gathers the item
    // rules' evaluations: one allocation (a growing Vec would hold up to twice its length
    // and copy itself on the way), each batch freed as it is moved in. Capacity never
    // touched costs no memory, so room for the set rules' evaluations is reserved too.
    let set_rules = scanner
        .rules()
        .filter(|r| matches!(r.kind(), rules_lib::RuleKind::Set(_)))
        .count();
    let kept_len = kept.len();
    let ((snapshot_evals, offline), mut evaluations) = std::thread::scope(|s| {
        let (scanner, seen) = (&scanner, &items_by_origin);
        let finishing = s.spawn(move || {
            if by_origin {
                finish_by_origin(scanner, kept, seen)
            } else {
                scanner.finish(&kept)
            }
        });
        let total = batches.iter().map(Vec::len).sum::<usize>() + (kept_len + 2) * set_rules;
        let mut all = Vec::with_capacity(total);
        for batch in batches {
            all.extend(batch);
        }
        let finished = finishing
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (finished, all)
    });
    evaluations.extend(snapshot_evals);
    for rule in offline {
        not_evaluated.push(NotEvaluated {
            rule,
            reason: "needs live AWS APIs (IAM): run it as a deployed function".into(),
        });
    }
    sort_evaluations(&mut evaluations);
    Ok(ScanReport {
        kind: report::ReportKind::Scan,
        evaluations,
        skipped,
        not_evaluated,
        items,
        bytes,
        seconds: started.elapsed().as_secs_f64(),
        severities: scanner
            .rules()
            .map(|r| (r.spec().name, r.spec().severity))
            .collect(),
        descriptions: scanner
            .rules()
            .map(|r| (r.spec().name, r.spec().description))
            .collect(),
        items_by_origin,
    })
}

/// The set rules over each account and region on its own (every one items were read
/// from, so an account without a trail is judged too), each evaluation saying whose.
fn finish_by_origin(
    scanner: &Scanner,
    kept: Vec<ConfigurationItem>,
    seen: &ItemsByOrigin,
) -> (Vec<ScanEvaluation>, Vec<&'static str>) {
    let mut groups: BTreeMap<(String, String), Vec<ConfigurationItem>> =
        seen.keys().map(|k| (k.clone(), Vec::new())).collect();
    for item in kept {
        let key = (
            item.account_id.clone().unwrap_or_else(|| "-".into()),
            item.region.clone().unwrap_or_else(|| "-".into()),
        );
        groups.entry(key).or_default().push(item);
    }
    if groups.is_empty() {
        return scanner.finish(&[]);
    }
    let mut all = Vec::new();
    let mut offline = Vec::new();
    for ((account, region), items) in groups {
        let origin = Origin::new(&account, &region);
        let (evals, not_judged) = scanner.finish_for(&items, Some(&account));
        all.extend(evals.into_iter().map(|mut e| {
            e.origin = Some(origin.clone());
            e
        }));
        offline = not_judged;
    }
    (all, offline)
}

/// Sorts a scan's evaluations by rule, resource type and resource id, then by every other
/// field (so equal resources keep one order whatever order the workers finished in), in
/// place and on two cores: split at the median, then each half sorted on its own core.
fn sort_evaluations(evaluations: &mut [ScanEvaluation]) {
    fn key(e: &ScanEvaluation) -> impl Ord + '_ {
        (
            e.config_rule_name,
            &e.compliance_resource_type,
            &e.compliance_resource_id,
            &e.origin,
            e.compliance_type,
            &e.annotation,
            e.ordering_timestamp,
        )
    }
    let cmp = |a: &ScanEvaluation, b: &ScanEvaluation| key(a).cmp(&key(b));
    if evaluations.len() < 50_000 {
        evaluations.sort_unstable_by(cmp);
        return;
    }
    let mid = evaluations.len() / 2;
    evaluations.select_nth_unstable_by(mid, cmp);
    // Everything before `mid` now sorts before everything from it on.
    let (low, high) = evaluations.split_at_mut(mid);
    std::thread::scope(|s| {
        s.spawn(|| low.sort_unstable_by(cmp));
        high.sort_unstable_by(cmp);
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules_lib::{Compliance, Severity};

    #[test]
    fn evaluations_sorted_on_two_cores_match_one_sort_on_every_field() {
        let at = Timestamp::now();
        let rules = [
            "s3-bucket-versioning-enabled",
            "encrypted-volumes",
            "restricted-ssh",
        ];
        // A fixed pseudo-random order, with duplicate resources that differ only in
        // compliance or annotation (the fields after the resource decide their order).
        let mut state = 0x2545_f491_u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut evaluations: Vec<ScanEvaluation> = (0..120_000)
            .map(|_| {
                let r = next();
                ScanEvaluation {
                    config_rule_name: rules[(r % 3) as usize],
                    compliance_resource_type: "AWS::S3::Bucket".into(),
                    compliance_resource_id: format!("b-{}", (r >> 8) % 40_000).into(),
                    compliance_type: if r & 16 == 0 {
                        Compliance::Compliant
                    } else {
                        Compliance::NonCompliant
                    },
                    annotation: (r & 32 == 0).then(|| format!("a{}", (r >> 40) % 3).into()),
                    ordering_timestamp: at,
                    origin: None,
                    severity: Severity::Medium,
                }
            })
            .collect();
        let mut expected = evaluations.clone();
        expected.sort_by(|a, b| {
            (
                a.config_rule_name,
                &a.compliance_resource_type,
                &a.compliance_resource_id,
                a.compliance_type,
                &a.annotation,
            )
                .cmp(&(
                    b.config_rule_name,
                    &b.compliance_resource_type,
                    &b.compliance_resource_id,
                    b.compliance_type,
                    &b.annotation,
                ))
        });
        sort_evaluations(&mut evaluations);
        assert!(
            evaluations == expected,
            "the two-core sort differs from one sort"
        );
    }
}
