//! `rdk check`: the catalog's rules over infrastructure code, before deploy.
//!
//! Files and directories are walked for `.yaml`, `.yml`, `.json` and `.template` files
//! (hidden directories and `node_modules` are left out; symbolic links are followed once
//! per real path, so loops end); each is read as a CloudFormation template (SAM and
//! `cdk synth` output included) and judged by [`rules_lib::preventive`] on every core.
//! Files that are not templates are listed as skipped; a malformed template is named with
//! its file and position and the run goes on. Reports reuse the scan's formats.

pub mod policy;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use rules_lib::preventive::{self, CheckCompliance, FileOutcome, TemplateEvaluation};
use rules_lib::{Params, Rule, Severity};
use serde::Serialize;
use serde_json::{Map, Value};

use crate::commands::CliError;
use crate::scan::report::{Enforcement, Finding, Location, NotEvaluated, Report, ReportKind};
use crate::scan::source::Skipped;
use policy::{Level, Policy};

/// Files larger than this are not read. CloudFormation itself takes templates of at
/// most 1 MB; Terraform plans and Pulumi previews of large estates run to tens of MB.
pub const MAX_TEMPLATE_BYTES: u64 = 64 * 1024 * 1024;

/// What to check and how.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Files and directories.
    pub paths: Vec<PathBuf>,
    /// Only these rules (empty: the catalog, less what the policy disables).
    pub rules: Vec<String>,
    /// The policy.
    pub policy: Policy,
    /// Rule parameters from `--parameters-file` (`{"rule": {"param": "value"}}`); the
    /// policy's parameters take precedence.
    pub parameters: Map<String, Value>,
    /// Template parameter values (`--parameter-overrides`).
    pub overrides: HashMap<String, String>,
}

/// One evaluation of a check, as reports and `--format json` show it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct CheckFinding {
    /// The rule.
    pub config_rule_name: &'static str,
    /// The AWS Config type the resource is recorded as.
    pub compliance_resource_type: String,
    /// The logical ID.
    pub compliance_resource_id: String,
    /// The verdict.
    pub compliance_type: CheckCompliance,
    /// Why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub annotation: Option<String>,
    /// Mandatory or advisory.
    pub enforcement: Enforcement,
    /// File, line, column (and the offending property).
    pub location: Location,
    /// `{"Reason": ...}` when a resource's Metadata suppresses the rule.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppression: Option<Suppression>,
    #[serde(skip)]
    severity: Severity,
}

/// A suppression and its reason.
#[derive(Debug, Clone, Serialize)]
pub struct Suppression {
    /// Why the rule does not apply to this resource.
    #[serde(rename = "Reason")]
    pub reason: String,
}

impl Finding for CheckFinding {
    fn rule(&self) -> &'static str {
        self.config_rule_name
    }
    fn resource_type(&self) -> &str {
        &self.compliance_resource_type
    }
    fn resource_id(&self) -> &str {
        &self.compliance_resource_id
    }
    fn outcome(&self) -> CheckCompliance {
        self.compliance_type
    }
    fn annotation(&self) -> Option<&str> {
        self.annotation.as_deref()
    }
    fn severity(&self) -> Severity {
        self.severity
    }
    fn location(&self) -> Option<&Location> {
        Some(&self.location)
    }
    fn enforcement(&self) -> Option<Enforcement> {
        Some(self.enforcement)
    }
    fn suppressed(&self) -> Option<&str> {
        self.suppression.as_ref().map(|s| s.reason.as_str())
    }
}

/// A check's report.
pub type CheckReport = Report<CheckFinding>;

/// What a check produced, and what went wrong on the way.
#[derive(Debug)]
pub struct CheckRun {
    /// The report.
    pub report: CheckReport,
    /// Malformed templates: `file:line:column: reason`.
    pub malformed: Vec<String>,
    /// Warnings about templates (a Ref to nothing, a missing mapping entry).
    pub warnings: Vec<String>,
}

/// Runs a check.
pub fn check(opts: &CheckOptions) -> Result<CheckRun, CliError> {
    let started = Instant::now();
    let mut parameters = opts.parameters.clone();
    for (rule, p) in &opts.policy.parameters {
        let entry = parameters
            .entry(rule.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if let (Value::Object(e), Value::Object(p)) = (entry, p) {
            for (k, v) in p {
                e.insert(k.clone(), v.clone());
            }
        }
    }
    let (candidates, mut not_evaluated) = crate::scan::select_rules(&opts.rules, &parameters)?;
    let mut selected: Vec<(&'static dyn Rule, Params, Enforcement)> = Vec::new();
    for rule in candidates {
        let spec = rule.spec();
        let enforcement = match opts.policy.level(spec.name) {
            Level::Disabled => continue,
            Level::On(e) => e,
        };
        if !spec.trigger.on_change() {
            not_evaluated.push(NotEvaluated {
                rule: spec.name,
                reason: "a periodic rule judges the deployed account, not a template".into(),
            });
            continue;
        }
        if !spec.preventive {
            not_evaluated.push(NotEvaluated {
                rule: spec.name,
                reason: "templates of its resource types are not translated to the recorded \
                         shape yet: it judges deployed resources only"
                    .into(),
            });
            continue;
        }
        let raw = parameters
            .get(spec.name)
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        let (params, _) = Params::parse(spec.name, spec.parameters, &raw).map_err(|e| {
            CliError::input(format!("{e} (from the policy file or --parameters-file)"))
        })?;
        selected.push((rule, params, enforcement));
    }
    not_evaluated.retain(|n| opts.policy.level(n.rule) != Level::Disabled);

    let mut skipped = Vec::new();
    let mut files = Vec::new();
    for p in &opts.paths {
        let meta = std::fs::metadata(p).map_err(|e| {
            CliError::input(format!(
                "{}: cannot read: {e}; give template files or directories",
                p.display()
            ))
        })?;
        if meta.is_dir() {
            let before = files.len();
            crate::input::walk(p, &template_like, &mut files, &mut skipped);
            if files.len() == before {
                return Err(CliError::input(format!(
                    "{}: no .yaml, .yml, .json or .template files here; give the directory that holds the templates",
                    p.display()
                )));
            }
        } else if meta.is_file() {
            files.push(p.clone());
        } else {
            return Err(CliError::input(format!(
                "{}: is {}; only regular files and directories are read",
                p.display(),
                crate::input::kind_of(&meta)
            )));
        }
    }

    let rules: Vec<(&'static dyn Rule, Params)> =
        selected.iter().map(|(r, p, _)| (*r, p.clone())).collect();
    let enforcement: HashMap<&str, Enforcement> = selected
        .iter()
        .map(|(r, _, e)| (r.spec().name, *e))
        .collect();
    let outcomes = judge_files(&files, &rules, &opts.overrides);

    let mut report = CheckReport {
        kind: ReportKind::Check,
        ..Default::default()
    };
    let mut malformed = Vec::new();
    let mut warnings = Vec::new();
    for (file, outcome) in files.iter().zip(outcomes) {
        let name = file.display().to_string();
        match outcome {
            Err(why) => skipped.push(Skipped {
                source: name,
                reason: why,
            }),
            Ok((bytes, FileOutcome::NotATemplate(why))) => {
                report.bytes += bytes;
                skipped.push(Skipped {
                    source: name,
                    reason: format!("not a template: {why}"),
                });
            }
            Ok((bytes, FileOutcome::Malformed(e))) => {
                report.bytes += bytes;
                let line = format!("{name}:{}:{}: {}", e.pos.line, e.pos.column, e.reason);
                skipped.push(Skipped {
                    source: format!("{name}:{}:{}", e.pos.line, e.pos.column),
                    reason: format!("malformed template: {}", e.reason),
                });
                malformed.push(line);
            }
            Ok((bytes, FileOutcome::Judged(t))) => {
                report.bytes += bytes;
                report.items += 1;
                warnings.extend(
                    t.warnings
                        .iter()
                        .map(|(pos, w)| format!("{name}:{}:{}: {w}", pos.line, pos.column)),
                );
                report.evaluations.extend(
                    t.evaluations
                        .into_iter()
                        .map(|e| finding(&name, e, &enforcement)),
                );
            }
        }
    }
    report.skipped = skipped;
    report.not_evaluated = not_evaluated;
    report.severities = selected
        .iter()
        .map(|(r, _, _)| (r.spec().name, r.spec().severity))
        .collect::<BTreeMap<_, _>>();
    report.descriptions = selected
        .iter()
        .map(|(r, _, _)| (r.spec().name, r.spec().description))
        .collect();
    report.seconds = started.elapsed().as_secs_f64();
    Ok(CheckRun {
        report,
        malformed,
        warnings,
    })
}

fn finding(
    file: &str,
    e: TemplateEvaluation,
    enforcement: &HashMap<&str, Enforcement>,
) -> CheckFinding {
    let severity = rules_lib::rules::find(e.rule).map_or(Severity::Low, |r| r.spec().severity);
    CheckFinding {
        config_rule_name: e.rule,
        compliance_resource_type: e.resource_type,
        compliance_resource_id: e.logical_id,
        compliance_type: e.compliance,
        annotation: rules_lib::evaluation::fit_annotation(&e.annotation),
        enforcement: enforcement
            .get(e.rule)
            .copied()
            .unwrap_or(Enforcement::Mandatory),
        location: Location {
            file: file.to_string(),
            line: e.resource_pos.line,
            column: e.resource_pos.column,
            property: e.property,
        },
        suppression: e.suppressed.map(|reason| Suppression { reason }),
        severity,
    }
}

/// Judges the files on every core, keeping their order.
fn judge_files(
    files: &[PathBuf],
    rules: &[(&'static dyn Rule, Params)],
    overrides: &HashMap<String, String>,
) -> Vec<FileResult> {
    let next = AtomicUsize::new(0);
    let workers = std::thread::available_parallelism()
        .map_or(2, |n| n.get())
        .min(files.len().max(1));
    let mut results: Vec<(usize, FileResult)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(file) = files.get(i) else { break };
                        out.push((i, judge_file(file, rules, overrides)));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}

/// What became of one file (its size and outcome), or why it could not be read.
type FileResult = Result<(u64, FileOutcome), String>;

fn judge_file(
    file: &Path,
    rules: &[(&'static dyn Rule, Params)],
    overrides: &HashMap<String, String>,
) -> Result<(u64, FileOutcome), String> {
    let meta = std::fs::metadata(file).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "is {}; only regular files are read",
            crate::input::kind_of(&meta)
        ));
    }
    if meta.len() > MAX_TEMPLATE_BYTES {
        return Err(format!(
            "{} bytes is larger than the {} MiB ferrule reads (CloudFormation accepts templates of at most 1 MB); split the plan or template",
            meta.len(),
            MAX_TEMPLATE_BYTES >> 20
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read: {e}"))?;
    let text = decode(bytes)?;
    Ok((meta.len(), preventive::check_text(&text, rules, overrides)))
}

/// UTF-8 text, or UTF-16 with a byte-order mark (what `terraform show -json > plan.json`
/// writes in Windows PowerShell 5).
fn decode(bytes: Vec<u8>) -> Result<String, String> {
    let utf16 = |big_endian: bool| {
        let units = bytes[2..].chunks(2).map(|c| match (c, big_endian) {
            ([a, b], false) => u16::from_le_bytes([*a, *b]),
            ([a, b], true) => u16::from_be_bytes([*a, *b]),
            _ => 0xFFFD,
        });
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .map_err(|e| {
                format!(
                    "not valid UTF-16 text (unpaired surrogate {:#06x})",
                    e.unpaired_surrogate()
                )
            })
    };
    match bytes.get(..2) {
        Some([0xFF, 0xFE]) => utf16(false),
        Some([0xFE, 0xFF]) => utf16(true),
        _ => String::from_utf8(bytes).map_err(|e| {
            format!(
                "not UTF-8 text (byte {}); save it as UTF-8 (or UTF-16 with a byte-order mark)",
                e.utf8_error().valid_up_to()
            )
        }),
    }
}

/// Whether a file name looks like a template or plan (`.yaml`, `.yml`, `.json`, `.template`).
fn template_like(name: &str) -> bool {
    let ext = Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    matches!(ext.as_str(), "yaml" | "yml" | "json" | "template")
}
