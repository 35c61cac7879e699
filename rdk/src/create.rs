//! `rdk create`: scaffolds a new rule so that it compiles and its tests pass at once:
//! the rule file, its catalog entry, its function binary, fixtures named by verdict in
//! both shapes. (The rules template is regenerated afterwards by the rebuilt `rdk
//! create-rule-template`, which knows the new rule.)

use std::path::{Path, PathBuf};

use rules_lib::ConfigurationItem;
use serde_json::{json, Map, Value};

use crate::commands::{closest, CliError};
use crate::template::camel;

/// What to scaffold.
#[derive(Debug, Clone)]
pub struct NewRule {
    /// kebab-case rule name.
    pub name: String,
    /// Resource types in scope.
    pub resource_types: Vec<String>,
    /// `One_Hour` ... `TwentyFour_Hours`: also run periodically.
    pub maximum_frequency: Option<String>,
    /// Parameters and their defaults, as InputParameters JSON.
    pub input_parameters: Map<String, Value>,
    /// low, medium, high or critical.
    pub severity: String,
}

/// The repository root: the nearest directory up from `start` holding the catalog.
pub fn find_root(start: &Path) -> Result<PathBuf, CliError> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join("rules-lib/src/rules/catalog.rs").is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(CliError::input(format!("{} is not inside a ferrule checkout (no rules-lib/src/rules/catalog.rs above it); run rdk create from the repository", start.display())))
}

fn validate(rule: &NewRule) -> Result<(), CliError> {
    let n = &rule.name;
    let ok = !n.is_empty()
        && n.len() <= 60
        && n.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && n.starts_with(|c: char| c.is_ascii_lowercase())
        && !n.ends_with('-')
        && !n.contains("--");
    if !ok {
        return Err(CliError::input(format!("rule name `{n}` must be kebab-case (lower-case letters, digits and single dashes, starting with a letter, at most 60 characters), like encrypted-volumes")));
    }
    if rules_lib::rules::find(n).is_some() {
        return Err(CliError::input(format!(
            "a rule named `{n}` already exists; pick another name (rdk rules lists them)"
        )));
    }
    if rule.resource_types.is_empty() {
        return Err(CliError::input(
            "--resource-types is required, e.g. --resource-types AWS::S3::Bucket",
        ));
    }
    let known: Vec<&str> = aws_sdk_config::types::ResourceType::values().to_vec();
    for t in &rule.resource_types {
        if !known.contains(&t.as_str()) {
            let close = closest(t, &known);
            let hint = if close.is_empty() {
                "see the AWS Config resource types list".to_string()
            } else {
                format!("did you mean {}?", close.join(" or "))
            };
            return Err(CliError::input(format!(
                "unknown resource type `{t}`: {hint}"
            )));
        }
    }
    if let Some(f) = &rule.maximum_frequency {
        if ![
            "One_Hour",
            "Three_Hours",
            "Six_Hours",
            "Twelve_Hours",
            "TwentyFour_Hours",
        ]
        .contains(&f.as_str())
        {
            return Err(CliError::input(format!("--maximum-frequency `{f}` must be One_Hour, Three_Hours, Six_Hours, Twelve_Hours or TwentyFour_Hours")));
        }
    }
    if !["low", "medium", "high", "critical"].contains(&rule.severity.as_str()) {
        return Err(CliError::input(format!(
            "--severity `{}` must be low, medium, high or critical",
            rule.severity
        )));
    }
    for (k, v) in &rule.input_parameters {
        if !k.chars().all(|c| c.is_ascii_alphanumeric())
            || !k.starts_with(|c: char| c.is_ascii_alphabetic())
        {
            return Err(CliError::input(format!("--input-parameters: parameter name `{k}` must be alphanumeric (camelCase, like kmsId)")));
        }
        if !v.is_string() {
            return Err(CliError::input(format!("--input-parameters: the default of `{k}` must be text (AWS Config passes parameters as text), found {v}")));
        }
    }
    Ok(())
}

fn rule_source(rule: &NewRule) -> String {
    let c = camel(&rule.name);
    let types = rule
        .resource_types
        .iter()
        .map(|t| format!("{t:?}"))
        .collect::<Vec<_>>()
        .join(", ");
    let (trigger, frequency) = match rule.maximum_frequency.as_deref() {
        Some(f) => {
            let variant = match f {
                "One_Hour" => "OneHour",
                "Three_Hours" => "ThreeHours",
                "Six_Hours" => "SixHours",
                "Twelve_Hours" => "TwelveHours",
                _ => "TwentyFourHours",
            };
            ("Both", format!("Some(Frequency::{variant})"))
        }
        None => ("Change", "None".to_string()),
    };
    let params_use = if rule.input_parameters.is_empty() {
        "use crate::params::Params;"
    } else {
        "use crate::params::{ParamKind, ParamSpec, Params};"
    };
    let rule_use = if rule.maximum_frequency.is_some() {
        "use crate::rule::{Frequency, Rule, RuleSpec, Severity, Trigger};"
    } else {
        "use crate::rule::{Rule, RuleSpec, Severity, Trigger};"
    };
    let params = rule
        .input_parameters
        .iter()
        .map(|(k, v)| {
            let d = v.as_str().unwrap_or("");
            let base =
                format!("ParamSpec::optional({k:?}, ParamKind::String, \"TODO: what {k} means\")");
            if d.is_empty() {
                format!("        {base},\n")
            } else {
                format!("        {base}.with_default({d:?}),\n")
            }
        })
        .collect::<String>();
    let severity = camel(&rule.severity);
    format!(
        r#"//! `{name}`: TODO: one line on what is compliant.

use crate::error::RuleError;
use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
{params_use}
{rule_use}

/// `{name}`.
///
/// TODO: the documented logic (the AWS managed rule's, if one does this job) and every
/// choice made where the documentation is silent. Scaffolded by `rdk create`: the
/// starting logic below asks for an `owner` tag; replace it with the rule's own, and
/// the fixtures in `tests/fixtures/{name}/` with real items of each verdict.
pub struct {c};

static SPEC: RuleSpec = RuleSpec {{
    name: "{name}",
    description: "TODO: what is compliant, in one sentence.",
    resource_types: &[{types}],
    trigger: Trigger::{trigger},
    maximum_frequency: {frequency},
    parameters: &[
{params}    ],
    severity: Severity::{severity},
    permissions: &[],
    memory_mb: 128,
    timeout_seconds: 60,
}};

impl Rule for {c} {{
    fn spec(&self) -> &'static RuleSpec {{
        &SPEC
    }}

    fn evaluate(&self, item: &ConfigurationItem, _params: &Params) -> Result<Verdict, RuleError> {{
        // TODO: replace with the rule's logic. Read the item with `item.configuration`,
        // `item.supplementary("Key")` and `item.tags`; return a verdict that says why.
        if item.tags.contains_key("owner") {{
            Ok(Verdict::compliant("the resource has an owner tag"))
        }} else {{
            Ok(Verdict::non_compliant("the resource has no owner tag"))
        }}
    }}
}}
"#,
        name = rule.name
    )
}

fn insert_sorted_line(text: &str, line: &str, is_member: impl Fn(&str) -> bool) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let members: Vec<usize> = (0..lines.len()).filter(|&i| is_member(&lines[i])).collect();
    let pos = members
        .iter()
        .copied()
        .find(|&i| lines[i].as_str() > line)
        .or(members.last().map(|i| i + 1))
        .unwrap_or(lines.len());
    lines.insert(pos, line.to_string());
    lines.join("\n") + "\n"
}

/// The catalog in rule-name order: insert `&Struct,` before the first rule whose name
/// sorts after the new one.
fn insert_into_catalog(catalog: &str, new_name: &str, new_struct: &str) -> String {
    let names: Vec<(&str, &str)> = rules_lib::rules::catalog()
        .iter()
        .map(|r| r.spec().name)
        .map(|n| (n, n))
        .collect();
    let after = names.iter().map(|(n, _)| *n).find(|n| *n > new_name);
    let mut out = String::new();
    let mut inserted = false;
    for line in catalog.lines() {
        if !inserted {
            if let Some(next) = after {
                let next_struct = format!("&{},", camel(next));
                if line.trim() == next_struct || line.trim() == format!("&{}", camel(next)) {
                    out.push_str(&format!("    &{new_struct},\n"));
                    inserted = true;
                }
            } else if line.trim() == "];" && out.contains("static CATALOG") {
                out.push_str(&format!("    &{new_struct},\n"));
                inserted = true;
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

fn sample_item(rule: &NewRule, id: &str, tags: &[(&str, &str)]) -> ConfigurationItem {
    let t = &rule.resource_types[0];
    let base = crate::samples::for_type(t)
        .into_iter()
        .next()
        .and_then(|s| serde_json::from_str::<Value>(&s.json).ok());
    let mut item = base
        .and_then(|v| ConfigurationItem::from_value(&v).ok())
        .unwrap_or_else(|| {
            ConfigurationItem::from_value(
                &json!({"resourceType": t, "resourceId": id, "configuration": {}}),
            )
            .expect("a minimal item")
        });
    item.resource_id = id.to_string();
    item.status = rules_lib::item::ItemStatus::Ok;
    item.capture_time =
        Some(rules_lib::Timestamp::parse("2024-05-01T10:00:00.000Z").expect("a fixed time"));
    item.tags = tags
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    item
}

/// Writes every file; returns the paths written, relative to `root`.
pub fn create(root: &Path, rule: &NewRule) -> Result<Vec<String>, CliError> {
    validate(rule)?;
    let snake = rule.name.replace('-', "_");
    let c = camel(&rule.name);
    let rules_dir = root.join("rules-lib/src/rules");
    let rule_file = rules_dir.join(format!("{snake}.rs"));
    let bin = root.join(format!("functions/src/bin/{}.rs", rule.name));
    let fixtures = root.join("tests/fixtures").join(&rule.name);
    for p in [&rule_file, &bin] {
        if p.exists() {
            return Err(CliError::input(format!(
                "{} already exists; pick another rule name",
                p.display()
            )));
        }
    }
    let mod_rs = std::fs::read_to_string(rules_dir.join("mod.rs"))
        .map_err(|e| CliError::failed(format!("rules/mod.rs: {e}")))?;
    let catalog_rs = std::fs::read_to_string(rules_dir.join("catalog.rs"))
        .map_err(|e| CliError::failed(format!("rules/catalog.rs: {e}")))?;
    let mod_rs = insert_sorted_line(&mod_rs, &format!("mod {snake};"), |l| {
        l.starts_with("mod ") && l.ends_with(';') && l != "mod catalog;"
    });
    let mod_rs = insert_sorted_line(&mod_rs, &format!("pub use {snake}::{c};"), |l| {
        l.starts_with("pub use ") && !l.starts_with("pub use catalog")
    });
    let catalog_rs = insert_into_catalog(&catalog_rs, &rule.name, &c);
    if !catalog_rs.contains(&format!("&{c},")) {
        return Err(CliError::failed(
            "could not find where to add the rule in rules/catalog.rs; add it by hand",
        ));
    }

    let compliant = sample_item(
        rule,
        &format!("{}-compliant-example", rule.name),
        &[("owner", "platform-team")],
    );
    let non_compliant = sample_item(rule, &format!("{}-non-compliant-example", rule.name), &[]);
    let pretty = |v: &Value| serde_json::to_string_pretty(v).expect("serializes") + "\n";
    // Generated fixtures prove nothing about the rule: marked, they fail
    // `rdk test-local` until replaced by real items.
    let marked = |mut v: Value| {
        if let Value::Object(o) = &mut v {
            o.insert(
                crate::fixtures::SCAFFOLD_MARK.into(),
                json!(format!(
                    "generated by rdk create: replace this file with a real configuration item \
                     (`rdk sample-ci {}` prints one) that shows this verdict, without this field",
                    rule.resource_types[0]
                )),
            );
        }
        pretty(&v)
    };
    let mut files: Vec<(PathBuf, String)> = vec![
        (rule_file, rule_source(rule)),
        (bin, format!("//! The `{}` rule as an AWS Lambda function.\nrules_lib::lambda_main!(rules_lib::rules::{c});\n", rule.name)),
        (rules_dir.join("mod.rs"), mod_rs),
        (rules_dir.join("catalog.rs"), catalog_rs),
        (fixtures.join("compliant-has-owner-tag-event.json"), marked(compliant.to_event_json())),
        (fixtures.join("compliant-has-owner-tag-api.json"), marked(compliant.to_api_json())),
        (fixtures.join("non-compliant-missing-owner-tag-event.json"), marked(non_compliant.to_event_json())),
        (fixtures.join("non-compliant-missing-owner-tag-api.json"), marked(non_compliant.to_api_json())),
    ];
    if !rule.input_parameters.is_empty() {
        for stem in ["compliant-has-owner-tag", "non-compliant-missing-owner-tag"] {
            files.push((
                fixtures.join(format!("{stem}.params.json")),
                pretty(&Value::Object(rule.input_parameters.clone())),
            ));
        }
    }
    std::fs::create_dir_all(&fixtures)
        .map_err(|e| CliError::failed(format!("{}: {e}", fixtures.display())))?;
    let mut written = Vec::new();
    for (path, text) in files {
        // Whole files only, so an interrupted scaffold leaves no half file.
        crate::commands::write_atomically(&path, text.as_bytes()).map_err(CliError::failed)?;
        written.push(
            path.strip_prefix(root)
                .unwrap_or(&path)
                .display()
                .to_string(),
        );
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new(name: &str, types: &[&str]) -> NewRule {
        NewRule {
            name: name.into(),
            resource_types: types.iter().map(|s| s.to_string()).collect(),
            maximum_frequency: None,
            input_parameters: Map::new(),
            severity: "medium".into(),
        }
    }

    #[test]
    fn refuses_existing_names_unknown_types_and_bad_names() {
        let e = validate(&new("encrypted-volumes", &["AWS::EC2::Volume"])).unwrap_err();
        assert!(e.message.contains("already exists"), "{}", e.message);
        let e = validate(&new("my-rule", &["AWS::EC2::Volumes"])).unwrap_err();
        assert!(
            e.message.contains(
                "unknown resource type `AWS::EC2::Volumes`: did you mean AWS::EC2::Volume"
            ),
            "{}",
            e.message
        );
        let e = validate(&new("My_Rule", &["AWS::EC2::Volume"])).unwrap_err();
        assert!(e.message.contains("kebab-case"), "{}", e.message);
        assert!(validate(&new("ebs-owner-tagged", &["AWS::EC2::Volume"])).is_ok());
    }

    #[test]
    fn the_catalog_stays_sorted() {
        let cat = "static CATALOG: &[&(dyn Rule + 'static)] = &[\n    &ApprovedAmisById,\n    &CloudTrailEncryptionEnabled,\n];\n";
        let out = insert_into_catalog(cat, "b-rule", "BRule");
        assert!(out.find("&ApprovedAmisById").unwrap() < out.find("&BRule").unwrap());
        assert!(out.find("&BRule").unwrap() < out.find("&CloudTrailEncryptionEnabled").unwrap());
    }
}
