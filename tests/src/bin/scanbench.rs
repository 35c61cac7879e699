//! Scan benchmark: a synthetic AWS Config snapshot of N items over the catalog's resource
//! types, scanned with every rule, against a parse-only pass over the same file.
//!
//! `scanbench generate N FILE` writes the snapshot; `scanbench split FILE DIR` writes its
//! items one file each (what Config history delivery and `rdk sample-ci` users have).
//! `scanbench value PATH` (each item parsed into a `serde_json::Value`: the baseline),
//! `scanbench parse PATH` (each item read into a `ConfigurationItem`, as scans read them)
//! and `scanbench scan PATH` (the whole catalog, as `rdk scan`) each print items/s, MB/s
//! and the process's peak RSS (run them as separate processes so each RSS is its own;
//! tests/bench/scan.sh does). PATH is a file or a directory of them.

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

use rdk::scan::{scan, source, ScanOptions, Source};
use serde_json::{Map, Value};

// Scans allocate items on the parsing thread and free them on the workers; glibc's
// allocator serialises that on an arena lock (measured: 40% of scan time), mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

fn generate(n: usize, path: &PathBuf) {
    // The sample account's items (fixtures of every rule and the RDK's examples) are the
    // templates; each copy gets its own resource id.
    let snapshot: Value = serde_json::from_slice(source::SAMPLE_ACCOUNT).unwrap();
    let templates = snapshot["configurationItems"].as_array().unwrap();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(
        out,
        r#"{{"fileVersion":"1.0","configSnapshotId":"bench","configurationItems":["#
    )
    .unwrap();
    for i in 0..n {
        let mut item = templates[i % templates.len()].clone();
        let id = format!("{}-{i}", item["resourceId"].as_str().unwrap_or("r"));
        item["resourceId"] = Value::String(id);
        if i > 0 {
            out.write_all(b",").unwrap();
        }
        serde_json::to_writer(&mut out, &item).unwrap();
    }
    out.write_all(b"]}\n").unwrap();
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let usage = "usage: scanbench generate N FILE | scanbench split FILE DIR | scanbench value|parse|scan PATH";
    let mode = args.get(1).expect(usage);
    match mode.as_str() {
        "generate" => {
            let n: usize = args.get(2).and_then(|s| s.parse().ok()).expect(usage);
            generate(n, &PathBuf::from(args.get(3).expect(usage)));
        }
        "split" => {
            let from = PathBuf::from(args.get(2).expect(usage));
            let dir = PathBuf::from(args.get(3).expect(usage));
            std::fs::create_dir_all(&dir).unwrap();
            let mut i = 0usize;
            source::read_file_raw(&from, &mut |raw| {
                // Spread over subdirectories as Config's S3 prefixes are (100 files each
                // would be ~1,000 directories; 1,000 each keeps listings short).
                let sub = dir.join(format!("{:04}", i / 1000));
                if i % 1000 == 0 {
                    std::fs::create_dir_all(&sub).unwrap();
                }
                std::fs::write(sub.join(format!("item-{i}.json")), raw.text()).unwrap();
                i += 1;
            })
            .unwrap();
            println!("split {i} items into {}", dir.display());
        }
        "value" | "parse" | "scan" => {
            let path = PathBuf::from(args.get(2).expect(usage));
            let (files, _) = source::snapshot_files(&path).unwrap();
            let mb = files
                .iter()
                .map(|f| std::fs::metadata(f).unwrap().len())
                .sum::<u64>() as f64
                / 1_048_576.0;
            let started = Instant::now();
            let (items, evaluations) = if mode == "value" || mode == "parse" {
                let mut n = 0usize;
                for f in &files {
                    if mode == "value" {
                        source::read_file_raw(f, &mut |raw| {
                            if serde_json::from_str::<Value>(raw.text()).is_ok() {
                                n += 1
                            }
                        })
                        .unwrap();
                    } else {
                        source::read_file(f, &mut |r| {
                            if r.is_ok() {
                                n += 1
                            }
                        })
                        .unwrap();
                    }
                }
                (n, 0)
            } else {
                let params: Map<String, Value> =
                    serde_json::from_str(source::SAMPLE_PARAMETERS).unwrap();
                let r = scan(&ScanOptions {
                    source: Source::Snapshots(vec![path.clone()]),
                    rules: Vec::new(),
                    parameters: params,
                    progress: false,
                })
                .unwrap();
                assert!(r.skipped.is_empty(), "{:?}", r.skipped.first());
                (r.items, r.evaluations.len())
            };
            let s = started.elapsed().as_secs_f64();
            let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
            println!(
                "{mode:<5}  items {items}  evaluations {evaluations}  {:.2} s  {:.0} items/s  ({:.0} items/s per core, {cores} cores)  {:.1} MB/s  peak RSS {:.1} MiB",
                s,
                items as f64 / s,
                items as f64 / s / cores as f64,
                mb / s,
                peak_rss_mib()
            );
        }
        _ => panic!("{usage}"),
    }
}
