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
    /// Also run periodically, at most this often.
    pub maximum_frequency: Option<rules_lib::Frequency>,
    /// Parameters and their defaults, as InputParameters JSON.
    pub input_parameters: Map<String, Value>,
    /// The rule's severity.
    pub severity: rules_lib::Severity,
}

/// The repository root: the nearest directory up from `start` holding the catalog.
pub fn find_root(start: &Path) -> Result<PathBuf, CliError> {
    let mut dir = Some(start);
    while let Some(d) = dir {
        if d.join("rules-lib/src/rules/mod.rs").is_file() {
            return Ok(d.to_path_buf());
        }
        dir = d.parent();
    }
    Err(CliError::input(format!("{} is not inside a ferrule checkout (no rules-lib/src/rules/mod.rs above it); run rdk create from the repository", start.display())))
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
    // The variant names, as rules-lib spells them in source (`Frequency::SixHours`).
    let trigger = match rule.maximum_frequency {
        Some(f) => format!("\n    trigger: Trigger::Both(Frequency::{f:?}),"),
        None => String::new(),
    };
    let params_use = if rule.input_parameters.is_empty() {
        "use crate::params::Params;"
    } else {
        "use crate::params::{ParamKind, ParamSpec, Params};"
    };
    let rule_use = if rule.maximum_frequency.is_some() {
        "use crate::rule::{Frequency, ItemRule, RuleSpec, Severity, Trigger};"
    } else {
        "use crate::rule::{ItemRule, RuleSpec, Severity};"
    };
    let consts = rule
        .input_parameters
        .iter()
        .map(|(k, v)| {
            let d = v.as_str().unwrap_or("");
            let base =
                format!("ParamSpec::optional({k:?}, ParamKind::String, \"TODO: what {k} means\")");
            let value = if d.is_empty() {
                base
            } else {
                format!("{base}.with_default({d:?})")
            };
            format!(
                "/// `{k}`.\nconst {}: ParamSpec = {value};\n\n",
                const_name(k)
            )
        })
        .collect::<String>();
    let param_list = rule
        .input_parameters
        .keys()
        .map(|k| const_name(k))
        .collect::<Vec<_>>()
        .join(", ");
    let severity = format!("{:?}", rule.severity);
    format!(
        r#"//! `{name}`: TODO: one line on what is compliant.

use crate::evaluation::Verdict;
use crate::item::ConfigurationItem;
{params_use}
{rule_use}
use crate::views::Untyped;

/// `{name}`.
///
/// TODO: the documented logic (the AWS managed rule's, if one does this job) and every
/// choice made where the documentation is silent. Scaffolded by `rdk create`: the
/// starting logic below asks for an `owner` tag; replace it with the rule's own, and
/// the fixtures in `tests/fixtures/{name}/` with real items of each verdict.
pub struct {c};

{consts}static SPEC: RuleSpec = RuleSpec {{
    name: "{name}",
    description: "TODO: what is compliant, in one sentence.",
    resource_types: &[{types}],{trigger}
    parameters: &[{param_list}],
    severity: Severity::{severity},
    ..RuleSpec::CHANGE
}};

impl ItemRule for {c} {{
    // TODO: a typed view of the configuration (see rules_lib::views), parsed once per
    // item and shared by every rule reading it; `Untyped` reads the item itself.
    type View = Untyped;

    fn spec(&self) -> &'static RuleSpec {{
        &SPEC
    }}

    fn judge(&self, item: &ConfigurationItem, _view: &Untyped, _params: &Params) -> Verdict {{
        // TODO: replace with the rule's logic; read parameters with `params.str(&NAME)`
        // and return a verdict that says why.
        if item.tags.contains_key("owner") {{
            Verdict::compliant("the resource has an owner tag")
        }} else {{
            Verdict::non_compliant("the resource has no owner tag")
        }}
    }}
}}
"#,
        name = rule.name
    )
}

/// `kmsId` → `KMS_ID`: a parameter's constant name.
fn const_name(param: &str) -> String {
    let mut out = String::new();
    for (i, ch) in param.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_uppercase());
    }
    out
}

/// The `catalog!` list of rules/mod.rs with `module::Type,` added in name order: the one
/// list that declares the module, re-exports the type and builds the catalog.
fn insert_into_catalog(mod_rs: &str, module: &str, ty: &str) -> Option<String> {
    let start = mod_rs.find("catalog! {\n")? + "catalog! {\n".len();
    let end = start + mod_rs[start..].find("\n}\n")?;
    let mut lines: Vec<String> = mod_rs[start..end]
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    lines.push(format!("    {module}::{ty},"));
    lines.sort_by_key(|l| l.trim().split("::").next().unwrap_or("").to_string());
    Some(format!(
        "{}{}{}",
        &mod_rs[..start],
        lines.join("\n"),
        &mod_rs[end..]
    ))
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
    let mod_rs = insert_into_catalog(&mod_rs, &snake, &c).ok_or_else(|| {
        CliError::failed(format!(
            "could not find the catalog! list in rules/mod.rs; add `{snake}::{c},` to it by hand"
        ))
    })?;

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
            severity: rules_lib::Severity::Medium,
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
    fn a_new_rule_is_one_line_of_the_catalog_list_in_name_order() {
        let m = "catalog! {\n    approved_amis_by_id::ApprovedAmisById,\n    cloud_trail_encryption_enabled::CloudTrailEncryptionEnabled,\n}\n\nmod s3;\n";
        let out = insert_into_catalog(m, "b_rule", "BRule").unwrap();
        assert!(out.find("ApprovedAmisById").unwrap() < out.find("b_rule::BRule,").unwrap());
        assert!(out.find("b_rule::BRule,").unwrap() < out.find("CloudTrailEncryption").unwrap());
        assert_eq!(out.lines().count(), m.lines().count() + 1);
        assert!(insert_into_catalog("no list here", "b_rule", "BRule").is_none());
        assert_eq!(const_name("kmsId"), "KMS_ID");
    }
}
