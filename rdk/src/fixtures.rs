//! `rdk test-local`: each rule over its fixtures, named by verdict
//! (`tests/fixtures/<rule>/compliant-*.json`, `non-compliant-*`, `not-applicable-*`,
//! with `<name>.params.json` beside a fixture that needs parameters).

use std::path::{Path, PathBuf};

use rules_lib::engine::evaluate_item;
use rules_lib::{ConfigurationItem, Params, Rule, Timestamp};
use serde_json::Value;

/// The field `rdk create` puts in the fixtures it generates: such a fixture fails until
/// it is replaced by a real configuration item (a scaffold's fixtures prove nothing).
pub const SCAFFOLD_MARK: &str = "ferruleScaffold";

/// One fixture's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureResult {
    /// The rule.
    pub rule: &'static str,
    /// The fixture file name.
    pub fixture: String,
    /// What its name says.
    pub expected: String,
    /// What the rule said (or the error).
    pub got: String,
    /// The annotation, when there was one.
    pub annotation: String,
}

impl FixtureResult {
    /// Whether the rule said what the name says.
    pub fn passed(&self) -> bool {
        self.expected == self.got
    }
}

/// The verdict a fixture's name announces.
pub fn expected_verdict(file_name: &str) -> Option<&'static str> {
    [
        ("non-compliant-", "NON_COMPLIANT"),
        ("not-applicable-", "NOT_APPLICABLE"),
        ("compliant-", "COMPLIANT"),
    ]
    .iter()
    .find(|(p, _)| file_name.starts_with(p))
    .map(|(_, v)| *v)
}

/// The item fixtures of a rule (not the `.params.json` files), sorted.
pub fn fixture_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.extension().is_some_and(|e| e == "json")
                && !p.to_string_lossy().ends_with(".params.json")
        })
        .collect();
    v.sort();
    Ok(v)
}

/// The parameters of a fixture: `<name>.params.json` beside it (name without the
/// `-event` / `-api` suffix), or none.
pub fn fixture_parameters(path: &Path) -> Result<serde_json::Map<String, Value>, String> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let stem = name
        .trim_end_matches(".json")
        .trim_end_matches("-event")
        .trim_end_matches("-api");
    let p = path.with_file_name(format!("{stem}.params.json"));
    if !p.exists() {
        return Ok(Default::default());
    }
    let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
    match serde_json::from_str(&text) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(format!("{}: not a JSON object of parameters", p.display())),
    }
}

/// Runs `rule` over every fixture in `dir`.
pub fn run_rule(rule: &'static dyn Rule, dir: &Path) -> Result<Vec<FixtureResult>, String> {
    let spec = rule.spec();
    let files = fixture_files(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut out = Vec::new();
    for path in files {
        let fixture = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let expected = expected_verdict(&fixture)
            .unwrap_or("(name must start with compliant-, non-compliant- or not-applicable-)")
            .to_string();
        let result = (|| -> Result<(String, String), String> {
            let raw = fixture_parameters(&path)?;
            let (params, _) =
                Params::parse(spec.name, spec.parameters, &raw).map_err(|e| e.to_string())?;
            let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
            if let Ok(Value::Object(o)) = serde_json::from_str::<Value>(&text) {
                if let Some(why) = o.get(SCAFFOLD_MARK) {
                    return Err(format!(
                        "scaffold fixture, {}",
                        why.as_str().unwrap_or("replace it with a real item")
                    ));
                }
            }
            let item = ConfigurationItem::from_json_str(&text).map_err(|e| e.to_string())?;
            let e =
                evaluate_item(rule, &item, &params, Timestamp::now()).map_err(|e| e.to_string())?;
            Ok((
                e.compliance_type.as_str().to_string(),
                e.annotation.unwrap_or_default(),
            ))
        })();
        let (got, annotation) = result.unwrap_or_else(|e| (format!("error: {e}"), String::new()));
        out.push(FixtureResult {
            rule: spec.name,
            fixture,
            expected,
            got,
            annotation,
        });
    }
    Ok(out)
}
