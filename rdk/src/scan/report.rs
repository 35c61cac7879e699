//! Scan results: the summary, and the output formats (text, json, sarif, junit, html).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rules_lib::scan::ScanEvaluation;
use rules_lib::{Compliance, Severity};
use serde::Serialize;
use serde_json::{json, Value};

use super::source::Skipped;

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
}

impl Counts {
    fn add(&mut self, c: Compliance) {
        match c {
            Compliance::Compliant => self.compliant += 1,
            Compliance::NonCompliant => self.non_compliant += 1,
            Compliance::NotApplicable => self.not_applicable += 1,
        }
    }
    fn total(&self) -> usize {
        self.compliant + self.non_compliant + self.not_applicable
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

/// Everything a scan produced.
#[derive(Debug, Default)]
pub struct ScanReport {
    /// Every evaluation, in a stable order (rule, resource type, resource id).
    pub evaluations: Vec<ScanEvaluation>,
    /// Inputs that could not be read.
    pub skipped: Vec<Skipped>,
    /// Rules that could not be judged.
    pub not_evaluated: Vec<NotEvaluated>,
    /// Items read.
    pub items: usize,
    /// Bytes read (files).
    pub bytes: u64,
    /// Wall time in seconds.
    pub seconds: f64,
    /// Severity of each rule in the scan.
    pub severities: BTreeMap<&'static str, Severity>,
    /// Description of each rule in the scan.
    pub descriptions: BTreeMap<&'static str, &'static str>,
}

impl ScanReport {
    /// Counts per rule (every rule of the scan, judged or not).
    pub fn by_rule(&self) -> BTreeMap<&'static str, Counts> {
        let mut m: BTreeMap<&'static str, Counts> = self
            .severities
            .keys()
            .map(|r| (*r, Counts::default()))
            .collect();
        for e in &self.evaluations {
            m.entry(e.config_rule_name)
                .or_default()
                .add(e.evaluation.compliance_type);
        }
        m
    }

    /// Counts per resource type.
    pub fn by_resource_type(&self) -> BTreeMap<&str, Counts> {
        let mut m: BTreeMap<&str, Counts> = BTreeMap::new();
        for e in &self.evaluations {
            m.entry(e.evaluation.compliance_resource_type.as_str())
                .or_default()
                .add(e.evaluation.compliance_type);
        }
        m
    }

    /// All counts together.
    pub fn totals(&self) -> Counts {
        let mut c = Counts::default();
        for e in &self.evaluations {
            c.add(e.evaluation.compliance_type);
        }
        c
    }

    /// NON_COMPLIANT evaluations of rules at or above `min`.
    pub fn failures(&self, min: Severity) -> usize {
        self.evaluations
            .iter()
            .filter(|e| {
                e.evaluation.compliance_type == Compliance::NonCompliant && e.severity >= min
            })
            .count()
    }

    /// The `summary` object of the JSON output.
    pub fn summary_json(&self) -> Value {
        let t = self.totals();
        let by_rule: serde_json::Map<String, Value> = self
            .by_rule()
            .into_iter()
            .map(|(r, c)| {
                let mut v = serde_json::to_value(c).unwrap();
                v["severity"] = json!(self.severities.get(r).map(|s| s.as_str()));
                (r.to_string(), v)
            })
            .collect();
        json!({
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
        })
    }

    /// Writes the report in `format`.
    pub fn render(&self, format: ScanFormat) -> String {
        match format {
            ScanFormat::Json => {
                let v = json!({"summary": self.summary_json(), "evaluations": self.evaluations});
                serde_json::to_string_pretty(&v).unwrap() + "\n"
            }
            ScanFormat::Text => self.text(),
            ScanFormat::Sarif => serde_json::to_string_pretty(&self.sarif()).unwrap() + "\n",
            ScanFormat::Junit => self.junit(),
            ScanFormat::Html => self.html(),
        }
    }

    fn text(&self) -> String {
        let mut s = String::new();
        let t = self.totals();
        let _ = writeln!(
            s,
            "{:<45} {:>9} {:>10} {:>13} {:>14}",
            "RULE", "SEVERITY", "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
        );
        for (rule, c) in self.by_rule() {
            let sev = self.severities.get(rule).map_or("", |s| s.as_str());
            let _ = writeln!(
                s,
                "{rule:<45} {sev:>9} {:>10} {:>13} {:>14}",
                c.compliant, c.non_compliant, c.not_applicable
            );
        }
        let _ = writeln!(
            s,
            "\n{:<45} {:>9} {:>10} {:>13} {:>14}",
            "RESOURCE TYPE", "", "COMPLIANT", "NON_COMPLIANT", "NOT_APPLICABLE"
        );
        for (rt, c) in self.by_resource_type() {
            let _ = writeln!(
                s,
                "{rt:<45} {:>9} {:>10} {:>13} {:>14}",
                "", c.compliant, c.non_compliant, c.not_applicable
            );
        }
        let _ = writeln!(
            s,
            "\n{} items, {} evaluations: {} compliant, {} non-compliant, {} not applicable; {} inputs skipped ({:.2} s)",
            self.items,
            self.evaluations.len(),
            t.compliant,
            t.non_compliant,
            t.not_applicable,
            self.skipped.len(),
            self.seconds
        );
        for n in &self.not_evaluated {
            let _ = writeln!(s, "not evaluated: {}: {}", n.rule, n.reason);
        }
        for k in &self.skipped {
            let _ = writeln!(s, "skipped: {}: {}", k.source, k.reason);
        }
        let failing: Vec<&ScanEvaluation> = self
            .evaluations
            .iter()
            .filter(|e| e.evaluation.compliance_type == Compliance::NonCompliant)
            .collect();
        if !failing.is_empty() {
            let _ = writeln!(s, "\nNON_COMPLIANT:");
            for e in failing.iter().take(200) {
                let _ = writeln!(
                    s,
                    "  [{}] {} {} {}: {}",
                    e.severity.as_str(),
                    e.config_rule_name,
                    e.evaluation.compliance_resource_type,
                    e.evaluation.compliance_resource_id,
                    e.evaluation.annotation.as_deref().unwrap_or("")
                );
            }
            if failing.len() > 200 {
                let _ = writeln!(
                    s,
                    "  ... and {} more (use --format json)",
                    failing.len() - 200
                );
            }
        }
        s
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
            .filter(|e| e.evaluation.compliance_type == Compliance::NonCompliant)
            .map(|e| {
                let resource = format!("{}/{}", e.evaluation.compliance_resource_type, e.evaluation.compliance_resource_id);
                json!({
                    "ruleId": e.config_rule_name,
                    "level": level(e.severity),
                    "message": {"text": format!("{resource}: {}", e.evaluation.annotation.as_deref().unwrap_or("NON_COMPLIANT"))},
                    "locations": [{"logicalLocations": [{"fullyQualifiedName": resource, "name": e.evaluation.compliance_resource_id, "kind": "resource"}]}],
                    "partialFingerprints": {"resource/v1": format!("{}|{resource}", e.config_rule_name)},
                })
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
        let mut by_rule: BTreeMap<&str, Vec<&ScanEvaluation>> = BTreeMap::new();
        for e in &self.evaluations {
            by_rule.entry(e.config_rule_name).or_default().push(e);
        }
        let t = self.totals();
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(s, "<testsuites name=\"ferrule scan\" tests=\"{}\" failures=\"{}\" skipped=\"{}\" time=\"{:.3}\">", self.evaluations.len(), t.non_compliant, t.not_applicable, self.seconds);
        for (rule, evals) in by_rule {
            let failures = evals
                .iter()
                .filter(|e| e.evaluation.compliance_type == Compliance::NonCompliant)
                .count();
            let skipped = evals
                .iter()
                .filter(|e| e.evaluation.compliance_type == Compliance::NotApplicable)
                .count();
            let _ = writeln!(s, "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" skipped=\"{skipped}\">", esc(rule), evals.len());
            for e in evals {
                let name = format!(
                    "{} {}",
                    e.evaluation.compliance_resource_type, e.evaluation.compliance_resource_id
                );
                let msg = esc(e.evaluation.annotation.as_deref().unwrap_or(""));
                let _ = write!(
                    s,
                    "    <testcase classname=\"{}\" name=\"{}\"",
                    esc(rule),
                    esc(&name)
                );
                match e.evaluation.compliance_type {
                    Compliance::Compliant => s.push_str("/>\n"),
                    Compliance::NonCompliant => {
                        let _ = writeln!(s, ">\n      <failure message=\"{msg}\" type=\"NON_COMPLIANT\">{msg}</failure>\n    </testcase>");
                    }
                    Compliance::NotApplicable => {
                        let _ =
                            writeln!(s, ">\n      <skipped message=\"{msg}\"/>\n    </testcase>");
                    }
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
        let _ = write!(
            body,
            "<header><h1>ferrule scan</h1><p class=\"totals\"><span class=\"c\">{} compliant</span> <span class=\"n\">{} non-compliant</span> <span class=\"a\">{} not applicable</span> &middot; {} items, {} inputs skipped</p></header>",
            t.compliant, t.non_compliant, t.not_applicable, self.items, self.skipped.len()
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
        body.push_str("</section><section><h2>Non-compliant resources</h2><table id=\"findings\"><thead><tr><th>Severity</th><th>Rule</th><th>Resource type</th><th>Resource</th><th>Why</th></tr></thead><tbody>");
        let mut failing: Vec<&ScanEvaluation> = self
            .evaluations
            .iter()
            .filter(|e| e.evaluation.compliance_type == Compliance::NonCompliant)
            .collect();
        failing.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then(a.config_rule_name.cmp(b.config_rule_name))
        });
        for e in failing {
            let _ = write!(
                body,
                "<tr class=\"sev-{s}\"><td>{s}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                esc(e.config_rule_name),
                esc(&e.evaluation.compliance_resource_type),
                esc(&e.evaluation.compliance_resource_id),
                esc(e.evaluation.annotation.as_deref().unwrap_or("")),
                s = e.severity.as_str()
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
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>ferrule scan: {} non-compliant</title><style>{CSS}</style></head><body>{body}</body></html>\n",
            t.non_compliant
        )
    }
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2330;background:#fafbfc}h1{margin:0}h2{margin-top:2rem;font-size:1.15rem}\
.totals span{font-weight:600;margin-right:.8rem}.c{color:#1a7f37}.n{color:#cf222e}.a{color:#6e7781}\
svg text{font-size:12px;fill:#1d2330}svg .lbl{text-anchor:end}rect.c{fill:#2da44e}rect.n{fill:#cf222e}rect.a{fill:#afb8c1}\
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
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
