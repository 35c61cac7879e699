//! The policy file of `rdk check` and the template parameter overrides.
//!
//! A policy file (YAML or JSON; schema: `rdk/data/policy.schema.json`) says, per rule,
//! how it is enforced and with which parameters (the same InputParameters the Config
//! rules take):
//!
//! ```yaml
//! defaultEnforcement: mandatory     # rules not listed below (default: mandatory)
//! minSeverity: low                  # violations below this severity do not fail the check
//! rules:
//!   s3-bucket-public-read-prohibited:
//!     enforcement: mandatory
//!   s3-bucket-logging-enabled:
//!     enforcement: advisory
//!     parameters: {targetBucket: central-logs}
//!   required-tags:
//!     enforcement: disabled
//! ```

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rules_lib::preventive::yaml::{self, Node, NodeValue};
use rules_lib::{rules, Severity};
use serde_json::{Map, Value};

use crate::commands::{closest, CliError};
use crate::scan::report::Enforcement;

/// How a rule is enforced, `disabled` included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Enforced with this level.
    On(Enforcement),
    /// Not run at all.
    Disabled,
}

/// A policy file, read and checked against the catalog.
#[derive(Debug, Clone)]
pub struct Policy {
    /// The level of rules the file does not list.
    pub default: Level,
    /// Per-rule levels.
    pub levels: BTreeMap<String, Level>,
    /// Per-rule parameters (`{"rule": {"param": "value"}}`).
    pub parameters: Map<String, Value>,
    /// `minSeverity`, when given.
    pub min_severity: Option<Severity>,
}

impl Default for Policy {
    /// Without a policy file every selected rule is mandatory.
    fn default() -> Self {
        Self {
            default: Level::On(Enforcement::Mandatory),
            levels: BTreeMap::new(),
            parameters: Map::new(),
            min_severity: None,
        }
    }
}

impl Policy {
    /// The level of `rule`.
    pub fn level(&self, rule: &str) -> Level {
        self.levels.get(rule).copied().unwrap_or(self.default)
    }

    /// Reads a policy file; every problem names the file, line and column, and the fix.
    pub fn read(path: &Path) -> Result<Self, CliError> {
        let text = std::fs::read_to_string(path).map_err(|e| {
            CliError::input(format!(
                "{}: cannot read the policy file: {e}",
                path.display()
            ))
        })?;
        Self::parse(&text).map_err(|(pos, why)| {
            CliError::input(format!(
                "{}:{}:{}: {why}",
                path.display(),
                pos.line,
                pos.column
            ))
        })
    }

    /// Parses policy text.
    pub fn parse(text: &str) -> Result<Self, (yaml::Pos, String)> {
        let root = yaml::parse(text)
            .map_err(|e| (e.pos, format!("not valid YAML or JSON: {}", e.reason)))?;
        let NodeValue::Map(entries) = &root.value else {
            return Err((
                root.pos,
                format!("a policy is a mapping with `rules:`, found {}", root.kind()),
            ));
        };
        let mut policy = Policy::default();
        for (key, kpos, v) in entries {
            match key.as_str() {
                "defaultEnforcement" => policy.default = level(v)?,
                "minSeverity" => policy.min_severity = Some(severity(v)?),
                "rules" => {
                    for (rule, rpos, body) in v.entries() {
                        if rules::find(rule).is_none() {
                            let names: Vec<&str> = rules::catalog().iter().map(|r| r.spec().name).collect();
                            let close = closest(rule, &names);
                            let hint = if close.is_empty() { "`rdk rules` lists them".to_string() } else { format!("did you mean {}?", close.join(" or ")) };
                            return Err((*rpos, format!("`{rule}` is not a rule of the catalog: {hint}")));
                        }
                        for (k, kp, x) in body.entries() {
                            match k.as_str() {
                                "enforcement" => {
                                    policy.levels.insert(rule.clone(), level(x)?);
                                }
                                "parameters" => {
                                    let mut m = Map::new();
                                    for (pk, _, pv) in x.entries() {
                                        m.insert(pk.clone(), Value::String(scalar_text(pv)?));
                                    }
                                    policy.parameters.insert(rule.clone(), Value::Object(m));
                                }
                                other => return Err((*kp, format!("rule {rule}: unknown key `{other}` (use enforcement or parameters)"))),
                            }
                        }
                        if !matches!(body.value, NodeValue::Map(_) | NodeValue::Null) {
                            return Err((body.pos, format!("rule {rule}: expected a mapping with enforcement and parameters, found {}", body.kind())));
                        }
                    }
                }
                "$schema" | "version" => {}
                other => {
                    return Err((*kpos, format!("unknown key `{other}`: a policy has rules, defaultEnforcement and minSeverity")))
                }
            }
        }
        Ok(policy)
    }
}

fn scalar_text(v: &Node) -> Result<String, (yaml::Pos, String)> {
    match &v.value {
        NodeValue::Str(s) | NodeValue::Number(s) => Ok(s.clone()),
        NodeValue::Bool(b) => Ok(b.to_string()),
        NodeValue::Seq(l) => l
            .iter()
            .map(scalar_text)
            .collect::<Result<Vec<_>, _>>()
            .map(|v| v.join(",")),
        _ => Err((
            v.pos,
            format!(
                "a parameter value is text, a number or a list, found {}",
                v.kind()
            ),
        )),
    }
}

fn level(v: &Node) -> Result<Level, (yaml::Pos, String)> {
    match v.as_str() {
        Some("mandatory") => Ok(Level::On(Enforcement::Mandatory)),
        Some("advisory") => Ok(Level::On(Enforcement::Advisory)),
        Some("disabled") => Ok(Level::Disabled),
        _ => Err((
            v.pos,
            format!(
                "enforcement must be mandatory, advisory or disabled, found `{}`",
                scalar_text(v).unwrap_or_else(|_| v.kind().to_string())
            ),
        )),
    }
}

fn severity(v: &Node) -> Result<Severity, (yaml::Pos, String)> {
    match v.as_str() {
        Some("low") => Ok(Severity::Low),
        Some("medium") => Ok(Severity::Medium),
        Some("high") => Ok(Severity::High),
        Some("critical") => Ok(Severity::Critical),
        _ => Err((
            v.pos,
            "minSeverity must be low, medium, high or critical".into(),
        )),
    }
}

/// Reads `--parameter-overrides`: `Key=Value` pairs, or `file://params.json` in the
/// `aws cloudformation create-stack` form (`[{"ParameterKey", "ParameterValue"}]`),
/// the `aws cloudformation deploy` form (`["Key=Value"]`), the CodePipeline template
/// configuration form (`{"Parameters": {"Key": "Value"}}`) or a plain object.
pub fn parse_overrides(args: &[String]) -> Result<HashMap<String, String>, CliError> {
    let mut out = HashMap::new();
    for a in args {
        if let Some(file) = a.strip_prefix("file://") {
            let text = std::fs::read_to_string(file).map_err(|e| {
                CliError::input(format!("{file}: cannot read the parameter overrides: {e}"))
            })?;
            let v: Value = serde_json::from_str(&text).map_err(|e| {
                CliError::input(format!(
                    "{file}:{}:{}: the parameter overrides are not valid JSON: {e}",
                    e.line(),
                    e.column()
                ))
            })?;
            read_override_json(&v, &mut out)
                .map_err(|why| CliError::input(format!("{file}: {why}")))?;
        } else if let Some((k, v)) = a.split_once('=') {
            out.insert(k.trim().to_string(), v.to_string());
        } else {
            return Err(CliError::input(format!(
                "--parameter-overrides `{a}`: expected Key=Value or file://params.json"
            )));
        }
    }
    Ok(out)
}

fn read_override_json(v: &Value, out: &mut HashMap<String, String>) -> Result<(), String> {
    let text = |v: &Value| match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Array(a) => Ok(a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(",")),
        other => Err(format!("a parameter value must be text, found {other}")),
    };
    match v {
        Value::Array(list) => {
            for item in list {
                match item {
                    Value::String(s) => {
                        let (k, v) = s.split_once('=').ok_or_else(|| format!("`{s}` is not Key=Value"))?;
                        out.insert(k.to_string(), v.to_string());
                    }
                    Value::Object(o) => {
                        let k = o.get("ParameterKey").and_then(Value::as_str).ok_or("an entry has no ParameterKey")?;
                        let v = o.get("ParameterValue").ok_or_else(|| format!("{k} has no ParameterValue"))?;
                        out.insert(k.to_string(), text(v)?);
                    }
                    other => return Err(format!("expected {{\"ParameterKey\", \"ParameterValue\"}} or \"Key=Value\", found {other}")),
                }
            }
            Ok(())
        }
        Value::Object(o) => {
            let params = match o.get("Parameters") {
                Some(Value::Object(p)) => p,
                Some(_) => return Err("Parameters must be an object of names to values".into()),
                None => o,
            };
            for (k, v) in params {
                out.insert(k.clone(), text(v)?);
            }
            Ok(())
        }
        _ => Err("expected a list of parameters or an object".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_sets_levels_parameters_and_severity() {
        let p = Policy::parse(
            "defaultEnforcement: advisory\nminSeverity: high\nrules:\n  encrypted-volumes:\n    enforcement: mandatory\n    parameters: {kmsId: [a, b]}\n  required-tags: {enforcement: disabled}\n",
        )
        .unwrap();
        assert_eq!(
            p.level("encrypted-volumes"),
            Level::On(Enforcement::Mandatory)
        );
        assert_eq!(p.level("required-tags"), Level::Disabled);
        assert_eq!(p.level("restricted-ssh"), Level::On(Enforcement::Advisory));
        assert_eq!(p.parameters["encrypted-volumes"]["kmsId"], "a,b");
        assert_eq!(p.min_severity, Some(Severity::High));
    }

    #[test]
    fn policy_errors_name_the_position_and_the_fix() {
        let (pos, why) =
            Policy::parse("rules:\n  encrypted-volume:\n    enforcement: mandatory\n").unwrap_err();
        assert_eq!((pos.line, pos.column), (2, 3));
        assert!(why.contains("did you mean encrypted-volumes"), "{why}");
        let (pos, why) =
            Policy::parse("rules:\n  restricted-ssh:\n    enforcement: strict\n").unwrap_err();
        assert_eq!(pos.line, 3);
        assert!(why.contains("mandatory, advisory or disabled"), "{why}");
        let (_, why) = Policy::parse("rule:\n  x: 1\n").unwrap_err();
        assert!(why.contains("unknown key `rule`"), "{why}");
    }

    #[test]
    fn overrides_read_every_documented_form() {
        let dir = std::env::temp_dir().join(format!("ferrule-overrides-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let forms = [
            r#"[{"ParameterKey": "Env", "ParameterValue": "prod"}]"#,
            r#"["Env=prod"]"#,
            r#"{"Parameters": {"Env": "prod"}, "Tags": {}}"#,
            r#"{"Env": "prod"}"#,
        ];
        for (i, f) in forms.iter().enumerate() {
            let p = dir.join(format!("{i}.json"));
            std::fs::write(&p, f).unwrap();
            let o = parse_overrides(&[format!("file://{}", p.display())]).unwrap();
            assert_eq!(o.get("Env").map(String::as_str), Some("prod"), "form {f}");
        }
        let o = parse_overrides(&["A=1".into(), "B=x=y".into(), "C=".into()]).unwrap();
        assert_eq!(
            (o["A"].as_str(), o["B"].as_str(), o["C"].as_str()),
            ("1", "x=y", "")
        );
        assert!(parse_overrides(&["nope".into()])
            .unwrap_err()
            .message
            .contains("Key=Value"));
        std::fs::remove_dir_all(&dir).ok();
    }
}
