//! Scan results: the summary, and the output formats (text, json, sarif, junit, html).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rules_lib::preventive::{CheckCompliance, PropertyRef};
use rules_lib::scan::{Origin, ScanEvaluation};
use rules_lib::Severity;
use serde::Serialize;
use serde_json::{json, Value};

use super::source::Skipped;

/// One evaluation as a report shows it: a scan's (a configuration item judged) or a
/// check's (a template resource judged, with enforcement and a location). Every format
/// is written from this, once, for both.
pub trait Finding: Serialize {
    /// The rule.
    fn rule(&self) -> &'static str;
    /// The resource type (AWS::...).
    fn resource_type(&self) -> &str;
    /// The resource id (or logical ID).
    fn resource_id(&self) -> &str;
    /// The verdict.
    fn outcome(&self) -> CheckCompliance;
    /// Why, when there is something to say.
    fn annotation(&self) -> Option<&str>;
    /// The rule's severity.
    fn severity(&self) -> Severity;
    /// Where it stands in a file (templates only).
    fn location(&self) -> Option<&Location> {
        None
    }
    /// Mandatory or advisory (checks only).
    fn enforcement(&self) -> Option<Enforcement> {
        None
    }
    /// Why it is suppressed, when it is (checks only).
    fn suppressed(&self) -> Option<&str> {
        None
    }
    /// The resource's account and region (scans across accounts and regions only).
    fn origin(&self) -> Option<&Origin> {
        None
    }
    /// `<account>/<region>/` before a resource's name when it has an origin.
    fn origin_prefix(&self) -> String {
        self.origin()
            .map(|o| format!("{}/{}/", o.account_id(), o.aws_region()))
            .unwrap_or_default()
    }
    /// Whether this evaluation fails a gate: NON_COMPLIANT, not suppressed, not advisory.
    fn is_violation(&self) -> bool {
        self.outcome() == CheckCompliance::NonCompliant
            && self.suppressed().is_none()
            && self.enforcement() != Some(Enforcement::Advisory)
    }
}

impl Finding for ScanEvaluation {
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
        self.compliance_type.into()
    }
    fn annotation(&self) -> Option<&str> {
        self.annotation.as_deref()
    }
    fn severity(&self) -> Severity {
        self.severity
    }
    fn origin(&self) -> Option<&Origin> {
        self.origin.as_ref()
    }
}

/// How a policy enforces a rule (`rdk check`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Enforcement {
    /// A violation fails the check (exit 1).
    Mandatory,
    /// A violation is reported and does not fail the check.
    Advisory,
}

impl Enforcement {
    /// Lower-case name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Mandatory => "mandatory",
            Self::Advisory => "advisory",
        }
    }
}

/// Where an evaluation points in a file: the resource, and the offending property when
/// there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file, as given or found.
    pub file: String,
    /// The resource's line (1-based).
    pub line: u32,
    /// The resource's column (1-based).
    pub column: u32,
    /// The property the verdict points at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub property: Option<PropertyRef>,
}

impl Location {
    /// The most precise line and column: the property's, else the resource's.
    pub fn best(&self) -> (u32, u32) {
        self.property
            .as_ref()
            .map_or((self.line, self.column), |p| (p.pos.line, p.pos.column))
    }
}

/// Output format of `rdk scan`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanFormat {
    /// Summary tables and findings, for people.
    Text,
    /// `{"summary": {...}, "evaluations": [...]}`.
    Json,
    /// SARIF 2.1.0 (code-scanning dashboards): one result per NON_COMPLIANT resource.
    Sarif,
    /// JUnit XML (CI test reports): a suite per rule, a case per resource.
    Junit,
    /// One self-contained HTML page with charts per rule and per resource type.
    Html,
}

/// Counts of one rule or resource type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counts {
    /// COMPLIANT.
    pub compliant: usize,
    /// NON_COMPLIANT.
    pub non_compliant: usize,
    /// NOT_APPLICABLE.
    pub not_applicable: usize,
    /// INSUFFICIENT_DATA (checks only: a verdict that depends on deploy-time values).
    #[serde(skip_serializing_if = "is_zero")]
    pub insufficient_data: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl Counts {
    fn add(&mut self, c: CheckCompliance) {
        match c {
            CheckCompliance::Compliant => self.compliant += 1,
            CheckCompliance::NonCompliant => self.non_compliant += 1,
            CheckCompliance::NotApplicable => self.not_applicable += 1,
            CheckCompliance::InsufficientData => self.insufficient_data += 1,
        }
    }
    fn total(&self) -> usize {
        self.compliant + self.non_compliant + self.not_applicable + self.insufficient_data
    }
}

/// A rule the scan could not judge, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotEvaluated {
    /// The rule.
    pub rule: &'static str,
    /// Why.
    pub reason: String,
}

/// What a report is about: titles and the unit of input differ, nothing else.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportKind {
    /// `rdk scan`: configuration items.
    #[default]
    Scan,
    /// `rdk check`: infrastructure-code files.
    Check,
}

impl ReportKind {
    fn title(&self) -> &'static str {
        match self {
            Self::Scan => "ferrule scan",
            Self::Check => "ferrule check",
        }
    }
    fn unit(&self) -> &'static str {
        match self {
            Self::Scan => "items",
            Self::Check => "templates",
        }
    }
}

/// Everything a scan or a check produced.
#[derive(Debug)]
pub struct Report<F> {
    /// Scan or check.
    pub kind: ReportKind,
    /// Every evaluation, in a stable order (rule, resource type, resource id).
    pub evaluations: Vec<F>,
    /// Inputs that could not be read (or were not templates).
    pub skipped: Vec<Skipped>,
    /// Rules that could not be judged.
    pub not_evaluated: Vec<NotEvaluated>,
    /// Items (scan) or templates (check) read.
    pub items: usize,
    /// Bytes read (files).
    pub bytes: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Severity of each rule in the run.
    pub severities: BTreeMap<&'static str, Severity>,
    /// Description of each rule in the run.
    pub descriptions: BTreeMap<&'static str, &'static str>,
    /// Items read per account and region, for scans across accounts and regions (an
    /// aggregator); empty otherwise.
    pub items_by_origin: super::ItemsByOrigin,
}

impl<F> Default for Report<F> {
    fn default() -> Self {
        Self {
            kind: ReportKind::Scan,
            evaluations: Vec::new(),
            skipped: Vec::new(),
            not_evaluated: Vec::new(),
            items: 0,
            bytes: 0,
            seconds: 0.0,
            severities: BTreeMap::new(),
            descriptions: BTreeMap::new(),
            items_by_origin: BTreeMap::new(),
        }
    }
}

/// What `rdk scan` produced.
pub type ScanReport = Report<ScanEvaluation>;

impl<F: Finding> Report<F> {
    /// Counts per rule (every rule of the run, judged or not).
    pub fn by_rule(&self) -> BTreeMap<&'static str, Counts> {
        let mut m: BTreeMap<&'static str, Counts> = self
            .severities
            .keys()
            .map(|r| (*r, Counts::default()))
            .collect();
        for e in &self.evaluations {
            m.entry(e.rule()).or_default().add(e.outcome());
        }
        m
    }

    /// Counts per resource type.
    pub fn by_resource_type(&self) -> BTreeMap<&str, Counts> {
        let mut m: BTreeMap<&str, Counts> = BTreeMap::new();
        for e in &self.evaluations {
            m.entry(e.resource_type()).or_default().add(e.outcome());
        }
        m
    }

    /// Counts per account and region, with the items read there (scans across accounts
    /// and regions; empty otherwise).
    pub fn by_account_region(&self) -> BTreeMap<(&str, &str), (usize, Counts)> {
        let mut m: BTreeMap<(&str, &str), (usize, Counts)> = self
            .items_by_origin
            .iter()
            .map(|((a, r), n)| ((a.as_str(), r.as_str()), (*n, Counts::default())))
            .collect();
        for e in &self.evaluations {
            if let Some(o) = e.origin() {
                m.entry((o.account_id(), o.aws_region()))
                    .or_default()
                    .1
                    .add(e.outcome());
            }
        }
        m
    }

    /// All counts together.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for e in &self.evaluations {
            c.add(e.outcome());
        }
        c
    }

    /// Violations (NON_COMPLIANT, not suppressed, not advisory) of rules at or above `min`.
    pub fn failures(&self, min: Severity) -> usize {
        self.evaluations
            .iter()
            .filter(|e| e.is_violation() && e.severity() >= min)
            .count()
    }

    /// The `summary` object of the JSON output.
    pub fn summary_json(&self) -> Value {
        let t = self.totals();
        let by_rule: serde_json::Map<String, Value> = self
            .by_rule()
            .into_iter()
            .map(|(r, c)| {
                let mut v = serde_json::to_value(c).unwrap_or_default();
                v["severity"] = json!(self.severities.get(r).map(|s| s.as_str()));
                (r.to_string(), v)
            })
            .collect();
        let mut summary = json!({
            "items": self.items,
            "evaluations": self.evaluations.len(),
            "compliant": t.compliant,
            "nonCompliant": t.non_compliant,
            "notApplicable": t.not_applicable,
            "skipped": self.skipped.len(),
            "skippedInputs": self.skipped,
            "notEvaluated": self.not_evaluated,
            "byRule": by_rule,
            "byResourceType": self.by_resource_type(),
            "bytesRead": self.bytes,
            "seconds": (self.seconds * 1000.0).round() / 1000.0,
        });
        let by_origin = self.by_account_region();
        if !by_origin.is_empty() {
            summary["byAccountRegion"] = by_origin
                .iter()
                .map(|((account, region), (items, c))| {
                    json!({
                        "AccountId": account,
                        "Region": region,
                        "Items": items,
                        "Compliant": c.compliant,
                        "NonCompliant": c.non_compliant,
                        "NotApplicable": c.not_applicable,
                    })
                })
                .collect();
        }
        if self.kind == ReportKind::Check {
            summary["templates"] = json!(self.items);
            summary["insufficientData"] = json!(t.insufficient_data);
            summary["violations"] = json!(self.failures(Severity::Low));
            summary["advisory"] = json!(self
                .evaluations
                .iter()
                .filter(|e| e.outcome() == CheckCompliance::NonCompliant
                    && e.suppressed().is_none()
                    && e.enforcement() == Some(Enforcement::Advisory))
                .count());
            let suppressed: Vec<Value> = self
                .evaluations
                .iter()
                .filter_map(|e| {
                    e.suppressed().map(|why| {
                        json!({"ConfigRuleName": e.rule(), "ComplianceResourceId": e.resource_id(),
                               "ComplianceType": e.outcome().as_str(), "Reason": why, "Location": e.location()})
                    })
                })
                .collect();
            summary["suppressions"] = Value::Array(suppressed);
        }
        summary
    }

    /// Writes the report in `format`.
    pub fn render(&self, format: ScanFormat) -> String {
        match format {
            ScanFormat::Json => {
                // Serialized straight from the evaluations: no tree of the whole report.
                #[derive(Serialize)]
                struct Doc<'a, F> {
                    summary: Value,
                    evaluations: &'a [F],
                }
                let doc = Doc {
                    summary: self.summary_json(),
                    evaluations: &self.evaluations,
                };
                serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n"
            }
            ScanFormat::Text => self.text(),
            ScanFormat::Sarif => {
                serde_json::to_string_pretty(&self.sarif()).unwrap_or_default() + "\n"
            }
            ScanFormat::Junit => self.junit(),
            ScanFormat::Html => self.html(),
        }
    }

    /// `file:line:column: ` for findings with a location.
    fn where_text(e: &F) -> String {
        match e.location() {
            Some(l) => {
                let (line, col) = l.best();
                format!("{}:{line}:{col}: ", l.file)
            }
            None => String::new(),
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        let t = self.totals();
        let check = self.kind == ReportKind::Check;
        let extra_head = if check {
            format!(" {:>17}", "INSUFFICIENT_DATA")
        } else {
            String::new()
        };
        let extra = |c: &Counts| {
            if check {
                format!(" {:>17}", c.insufficient_data)
            } else {
                String::new()
            }
        };
        let _ = writeln!(
            s,
            "{:<45} {:>9} {:>10} {:>13} {:>14}{extra_head}",
            "RULE", "SEVERITY", "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
        );
        for (rule, c) in self.by_rule() {
            let sev = self.severities.get(rule).map_or("", |s| s.as_str());
            let _ = writeln!(
                s,
                "{rule:<45} {sev:>9} {:>10} {:>13} {:>14}{}",
                c.compliant,
                c.non_compliant,
                c.not_applicable,
                extra(&c)
            );
        }
        let _ = writeln!(
            s,
            "\n{:<45} {:>9} {:>10} {:>13} {:>14}{extra_head}",
            "RESOURCE TYPE", "", "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
        );
        for (rt, c) in self.by_resource_type() {
            let _ = writeln!(
                s,
                "{rt:<45} {:>9} {:>10} {:>13} {:>14}{}",
                "",
                c.compliant,
                c.non_compliant,
                c.not_applicable,
                extra(&c)
            );
        }
        let by_origin = self.by_account_region();
        if !by_origin.is_empty() {
            let _ = writeln!(
                s,
                "\n{:<14} {:<16} {:>12} {:>10} {:>13} {:>14}",
                "ACCOUNT", "REGION", "ITEMS", "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
            );
            for ((account, region), (items, c)) in &by_origin {
                let _ = writeln!(
                    s,
                    "{account:<14} {region:<16} {items:>12} {:>10} {:>13} {:>14}",
                    c.compliant, c.non_compliant, c.not_applicable
                );
            }
        }
        let _ = write!(
            s,
            "\n{} {}, {} evaluations: {} compliant, {} non-compliant, {} not applicable",
            self.items,
            self.kind.unit(),
            self.evaluations.len(),
            t.compliant,
            t.non_compliant,
            t.not_applicable,
        );
        if check {
            let _ = write!(s, ", {} insufficient data", t.insufficient_data);
        }
        let _ = writeln!(
            s,
            "; {} inputs skipped ({:.2} s)",
            self.skipped.len(),
            self.seconds
        );
        for n in &self.not_evaluated {
            let _ = writeln!(s, "not evaluated: {}: {}", n.rule, n.reason);
        }
        for k in &self.skipped {
            let _ = writeln!(s, "skipped: {}: {}", clean(&k.source), clean(&k.reason));
        }
        type Filter<F> = Box<dyn Fn(&F) -> bool>;
        let sections: [(&str, Filter<F>); 3] = [
            (
                "NON_COMPLIANT",
                Box::new(|e: &F| {
                    e.outcome() == CheckCompliance::NonCompliant && e.suppressed().is_none()
                }),
            ),
            (
                "INSUFFICIENT_DATA",
                Box::new(|e: &F| {
                    e.outcome() == CheckCompliance::InsufficientData && e.suppressed().is_none()
                }),
            ),
            ("SUPPRESSED", Box::new(|e: &F| e.suppressed().is_some())),
        ];
        for (title, keep) in &sections {
            let rows: Vec<&F> = self.evaluations.iter().filter(|e| keep(e)).collect();
            if rows.is_empty() {
                continue;
            }
            let _ = writeln!(s, "\n{title}:");
            for e in rows.iter().take(200) {
                let enforcement = e
                    .enforcement()
                    .map(|x| format!("{} ", x.as_str()))
                    .unwrap_or_default();
                let why = match e.suppressed() {
                    Some(reason) => format!("suppressed: {reason}"),
                    None => e.annotation().unwrap_or("").to_string(),
                };
                let _ = writeln!(
                    s,
                    "  {}[{}{}] {} {}{} {}: {}",
                    clean(&Self::where_text(e)),
                    enforcement,
                    e.severity().as_str(),
                    e.rule(),
                    clean(&e.origin_prefix()),
                    e.resource_type(),
                    clean(e.resource_id()),
                    clean(&why)
                );
            }
            if rows.len() > 200 {
                let _ = writeln!(s, "  ... and {} more (use --format json)", rows.len() - 200);
            }
        }
        // Every field came from input (resource types too): no control character, so no
        // terminal escape sequence, reaches the terminal, whichever field carried it.
        s.chars()
            .map(|c| if c.is_control() && c != '\n' { '?' } else { c })
            .collect()
    }

    fn sarif(&self) -> Value {
        let level = |s: Severity| match s {
            Severity::Critical | Severity::High => "error",
            Severity::Medium => "warning",
            Severity::Low => "note",
        };
        let score = |s: Severity| match s {
            Severity::Critical => "9.5",
            Severity::High => "8.0",
            Severity::Medium => "5.5",
            Severity::Low => "3.0",
        };
        let rules: Vec<Value> = self
            .severities
            .iter()
            .map(|(r, s)| {
                json!({
                    "id": r,
                    "name": r,
                    "shortDescription": {"text": self.descriptions.get(r).copied().unwrap_or("")},
                    "defaultConfiguration": {"level": level(*s)},
                    "properties": {"security-severity": score(*s), "tags": ["aws-config", s.as_str()]},
                })
            })
            .collect();
        let results: Vec<Value> = self
            .evaluations
            .iter()
            .filter(|e| e.outcome() == CheckCompliance::NonCompliant)
            .map(|e| {
                let resource = format!(
                    "{}{}/{}",
                    e.origin_prefix(),
                    e.resource_type(),
                    e.resource_id()
                );
                let mut locations = json!([{"logicalLocations": [{"fullyQualifiedName": resource, "name": e.resource_id(), "kind": "resource"}]}]);
                if let Some(l) = e.location() {
                    let (line, column) = l.best();
                    locations[0]["physicalLocation"] = json!({
                        "artifactLocation": {"uri": l.file.replace('\\', "/")},
                        "region": {"startLine": line, "startColumn": column},
                    });
                }
                let advisory = e.enforcement() == Some(Enforcement::Advisory);
                let mut r = json!({
                    "ruleId": e.rule(),
                    "level": if advisory { "note" } else { level(e.severity()) },
                    "message": {"text": format!("{resource}: {}", e.annotation().unwrap_or("NON_COMPLIANT"))},
                    "locations": locations,
                    "partialFingerprints": {"resource/v1": format!("{}|{resource}", e.rule())},
                });
                if let Some(x) = e.enforcement() {
                    r["properties"] = json!({"enforcement": x.as_str()});
                }
                if let Some(why) = e.suppressed() {
                    r["suppressions"] = json!([{"kind": "inSource", "justification": why}]);
                }
                r
            })
            .collect();
        json!({
            "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
            "version": "2.1.0",
            "runs": [{
                "tool": {"driver": {"name": "ferrule-rdk", "version": env!("CARGO_PKG_VERSION"), "informationUri": "https://github.com/ferrule/ferrule", "rules": rules}},
                "results": results,
            }]
        })
    }

    fn junit(&self) -> String {
        let mut by_rule: BTreeMap<&str, Vec<&F>> = BTreeMap::new();
        for e in &self.evaluations {
            by_rule.entry(e.rule()).or_default().push(e);
        }
        fn skipping<F: Finding>(e: &F) -> bool {
            !e.is_violation() && e.outcome() != CheckCompliance::Compliant
        }
        let total_fail = self.evaluations.iter().filter(|e| e.is_violation()).count();
        let total_skip = self.evaluations.iter().filter(|e| skipping(*e)).count();
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(s, "<testsuites name=\"{}\" tests=\"{}\" failures=\"{total_fail}\" skipped=\"{total_skip}\" time=\"{:.3}\">", self.kind.title(), self.evaluations.len(), self.seconds);
        for (rule, evals) in by_rule {
            let failures = evals.iter().filter(|e| e.is_violation()).count();
            let skipped = evals.iter().filter(|e| skipping(**e)).count();
            let _ = writeln!(s, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">", esc(rule), evals.len());
            for e in evals {
                let name = format!(
                    "{}{}{} {}",
                    Self::where_text(e),
                    e.origin_prefix(),
                    e.resource_type(),
                    e.resource_id()
                );
                let msg = esc(e.annotation().unwrap_or(""));
                let _ = write!(
                    s,
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    esc(rule),
                    esc(&name)
                );
                if e.is_violation() {
                    let _ = writeln!(s, ">\n      <failure message=\"{msg}\" type=\"NON_COMPLIANT\">{msg}</failure>\n    </testcase>");
                } else if e.outcome() == CheckCompliance::Compliant {
                    s.push_str("/>\n");
                } else {
                    let why = match (e.suppressed(), e.outcome()) {
                        (Some(r), _) => format!("suppressed: {r}"),
                        (None, CheckCompliance::NonCompliant) => {
                            format!("advisory: {}", e.annotation().unwrap_or(""))
                        }
                        (None, o) => format!("{}: {}", o.as_str(), e.annotation().unwrap_or("")),
                    };
                    let _ = writeln!(
                        s,
                        ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                        esc(&why)
                    );
                }
            }
            s.push_str("  </testsuite>\n");
        }
        s.push_str("</testsuites>\n");
        s
    }

    fn html(&self) -> String {
        let t = self.totals();
        let mut body = String::new();
        let insufficient = if self.kind == ReportKind::Check {
            format!(
                " <span class=\"i\">{} insufficient data</span>",
                t.insufficient_data
            )
        } else {
            String::new()
        };
        let _ = write!(
            body,
            "<header><h1>{}</h1><p class=\"totals\"><span class=\"c\">{} compliant</span> <span class=\"n\">{} non-compliant</span> <span class=\"a\">{} not applicable</span>{insufficient} &middot; {} {}, {} inputs skipped</p></header>",
            self.kind.title(), t.compliant, t.non_compliant, t.not_applicable, self.items, self.kind.unit(), self.skipped.len()
        );
        let rules: Vec<(String, Counts)> = self
            .by_rule()
            .into_iter()
            .map(|(r, c)| (r.to_string(), c))
            .collect();
        let types: Vec<(String, Counts)> = self
            .by_resource_type()
            .into_iter()
            .map(|(r, c)| (r.to_string(), c))
            .collect();
        body.push_str("<section><h2>Compliance per rule</h2>");
        body.push_str(&bar_chart("rules", &rules));
        body.push_str("</section><section><h2>Compliance per resource type</h2>");
        body.push_str(&bar_chart("types", &types));
        let origins: Vec<(String, Counts)> = self
            .by_account_region()
            .into_iter()
            .map(|((a, r), (_, c))| (format!("{a} {r}"), c))
            .collect();
        if !origins.is_empty() {
            body.push_str("</section><section><h2>Compliance per account and region</h2>");
            body.push_str(&bar_chart("accounts", &origins));
        }
        let location_head = if self.kind == ReportKind::Check {
            "<th>Where</th>"
        } else {
            ""
        };
        let _ = write!(body, "</section><section><h2>Non-compliant resources</h2><table id=\"findings\"><thead><tr><th>Severity</th><th>Rule</th><th>Resource type</th><th>Resource</th>{location_head}<th>Why</th></tr></thead><tbody>");
        let mut failing: Vec<&F> = self
            .evaluations
            .iter()
            .filter(|e| e.outcome() == CheckCompliance::NonCompliant)
            .collect();
        failing.sort_by(|a, b| b.severity().cmp(&a.severity()).then(a.rule().cmp(b.rule())));
        for e in failing {
            let location = if self.kind == ReportKind::Check {
                format!(
                    "<td>{}</td>",
                    esc(Self::where_text(e).trim_end_matches([' ', ':']))
                )
            } else {
                String::new()
            };
            let why = match (e.suppressed(), e.enforcement()) {
                (Some(r), _) => format!("suppressed: {r}"),
                (None, Some(Enforcement::Advisory)) => {
                    format!("advisory: {}", e.annotation().unwrap_or(""))
                }
                _ => e.annotation().unwrap_or("").to_string(),
            };
            let _ = write!(
                body,
                "<tr class=\"sev-{s}\"><td>{s}</td><td>{}</td><td>{}</td><td>{}</td>{location}<td>{}</td></tr>",
                esc(e.rule()),
                esc(e.resource_type()),
                esc(&format!("{}{}", e.origin_prefix(), e.resource_id())),
                esc(&why),
                s = e.severity().as_str()
            );
        }
        body.push_str("</tbody></table></section>");
        if !self.skipped.is_empty() || !self.not_evaluated.is_empty() {
            body.push_str("<section><h2>Not read or not judged</h2><ul>");
            for k in &self.skipped {
                let _ = write!(
                    body,
                    "<li>skipped {}: {}</li>",
                    esc(&k.source),
                    esc(&k.reason)
                );
            }
            for n in &self.not_evaluated {
                let _ = write!(
                    body,
                    "<li>not evaluated {}: {}</li>",
                    esc(n.rule),
                    esc(&n.reason)
                );
            }
            body.push_str("</ul></section>");
        }
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}: {} non-compliant</title><style>{CSS}</style></head><body>{body}</body></html>\n",
            self.kind.title(),
            t.non_compliant
        )
    }
}

/// Text for a terminal: control characters (escape sequences among them) shown as `?`.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2330;background:#fafbfc}h1{margin:0}h2{margin-top:2rem;font-size:1.15rem}\
.totals span{font-weight:600;margin-right:.8rem}.c{color:#1a7f37}.n{color:#cf222e}.a{color:#6e7781}\
svg text{font-size:12px;fill:#1d2330}svg .lbl{text-anchor:end}rect.c{fill:#2da44e}rect.n{fill:#cf222e}rect.a{fill:#afb8c1}rect.i{fill:#bf8700}.i{color:#9a6700}\
table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border-bottom:1px solid #d0d7de;padding:.35rem .5rem;text-align:left;vertical-align:top}\
th{background:#eaeef2}tr.sev-critical td:first-child{color:#a40e26;font-weight:700}tr.sev-high td:first-child{color:#cf222e;font-weight:600}";

/// A horizontal stacked bar per row (compliant, non-compliant, not applicable), as inline SVG.
fn bar_chart(id: &str, rows: &[(String, Counts)]) -> String {
    let (label_w, bar_w, row_h) = (330.0, 520.0, 22.0);
    let max = rows
        .iter()
        .map(|(_, c)| c.total())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = row_h * rows.len() as f64 + 28.0;
    let mut s = format!("<svg id=\"chart-{id}\" role=\"img\" width=\"{}\" height=\"{height}\" xmlns=\"http://www.w3.org/2000/svg\">", label_w + bar_w + 90.0);
    for (i, (name, c)) in rows.iter().enumerate() {
        let y = i as f64 * row_h;
        let _ = write!(
            s,
            "<text class=\"lbl\" x=\"{}\" y=\"{}\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(name)
        );
        let mut x = label_w;
        for (cls, n, what) in [
            ("c", c.compliant, "compliant"),
            ("n", c.non_compliant, "non-compliant"),
            ("a", c.not_applicable, "not applicable"),
            ("i", c.insufficient_data, "insufficient data"),
        ] {
            if n == 0 {
                continue;
            }
            let w = (n as f64 / max * bar_w).max(2.0);
            let _ = write!(s, "<rect class=\"{cls}\" x=\"{x:.1}\" y=\"{}\" width=\"{w:.1}\" height=\"{}\"><title>{} {what}: {n}</title></rect>", y + 3.0, row_h - 6.0, esc(name));
            x += w;
        }
        let _ = write!(
            s,
            "<text x=\"{:.1}\" y=\"{}\">{}/{}</text>",
            x + 6.0,
            y + 15.0,
            c.non_compliant,
            c.total()
        );
    }
    let ly = row_h * rows.len() as f64 + 18.0;
    let _ = write!(
        s,
        "<rect class=\"c\" x=\"{label_w}\" y=\"{}\" width=\"10\" height=\"10\"/><text x=\"{}\" y=\"{ly}\">compliant</text><rect class=\"n\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"/><text x=\"{}\" y=\"{ly}\">non-compliant</text><rect class=\"a\" x=\"{}\" y=\"{}\" width=\"10\" height=\"10\"/><text x=\"{}\" y=\"{ly}\">not applicable</text></svg>",
        ly - 9.0,
        label_w + 14.0,
        label_w + 100.0,
        ly - 9.0,
        label_w + 114.0,
        label_w + 220.0,
        ly - 9.0,
        label_w + 234.0
    );
    s
}

/// Escapes text for HTML and XML.
pub fn esc(s: &str) -> String {
    // Control characters other than tab and newline, and the noncharacters U+FFFE and
    // U+FFFF, are not allowed in XML 1.0.
    let s: String = s
        .chars()
        .map(|c| {
            if (c.is_control() && c != '\t' && c != '\n') || c == '\u{FFFE}' || c == '\u{FFFF}' {
                '?'
            } else {
                c
            }
        })
        .collect();
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rules_lib::{Compliance, Timestamp};
    use std::borrow::Cow;

    fn evaluation(id: &str, origin: Option<Origin>, c: Compliance) -> ScanEvaluation {
        ScanEvaluation {
            config_rule_name: "encrypted-volumes",
            compliance_resource_type: Cow::Borrowed("AWS::EC2::Volume"),
            compliance_resource_id: id.into(),
            compliance_type: c,
            annotation: Some("an annotation".into()),
            ordering_timestamp: Timestamp::from_epoch_secs(0.0).unwrap(),
            origin,
            severity: Severity::Medium,
        }
    }

    fn report(origins: bool) -> ScanReport {
        let a = origins.then(|| Origin::new("111122223333", "eu-west-1"));
        let b = origins.then(|| Origin::new("444455556666", "us-east-1"));
        ScanReport {
            evaluations: vec![
                evaluation("vol-1", a, Compliance::NonCompliant),
                evaluation("vol-2", b, Compliance::Compliant),
            ],
            items: 2,
            items_by_origin: if origins {
                [
                    (("111122223333".into(), "eu-west-1".into()), 1),
                    (("444455556666".into(), "us-east-1".into()), 1),
                ]
                .into()
            } else {
                BTreeMap::new()
            },
            severities: [("encrypted-volumes", Severity::Medium)].into(),
            ..Default::default()
        }
    }

    #[test]
    fn every_format_names_the_account_and_region_of_a_resource_from_an_aggregator() {
        let r = report(true);
        for format in [
            ScanFormat::Text,
            ScanFormat::Json,
            ScanFormat::Sarif,
            ScanFormat::Junit,
            ScanFormat::Html,
        ] {
            let out = r.render(format);
            assert!(
                out.contains("111122223333") && out.contains("eu-west-1"),
                "{format:?}: {out}"
            );
        }
        assert_eq!(
            r.summary_json()["byAccountRegion"],
            json!([
                {"AccountId": "111122223333", "Region": "eu-west-1", "Items": 1,
                 "Compliant": 0, "NonCompliant": 1, "NotApplicable": 0},
                {"AccountId": "444455556666", "Region": "us-east-1", "Items": 1,
                 "Compliant": 1, "NonCompliant": 0, "NotApplicable": 0},
            ])
        );
        assert!(r
            .render(ScanFormat::Text)
            .contains("111122223333/eu-west-1/AWS::EC2::Volume vol-1"));
    }

    #[test]
    fn a_report_of_one_account_has_no_account_breakdown() {
        let r = report(false);
        assert!(r.summary_json().get("byAccountRegion").is_none());
        assert!(!r.render(ScanFormat::Text).contains("ACCOUNT"));
        assert!(!r
            .render(ScanFormat::Html)
            .contains("per account and region"));
        assert!(!r.render(ScanFormat::Json).contains("AccountId"));
    }
}
