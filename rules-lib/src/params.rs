//! Typed rule parameters.
//!
//! AWS Config passes `ruleParameters` as a JSON object whose values are text. Each rule
//! declares its parameters ([`ParamSpec`]); [`Params::parse`] checks every given value
//! against its declared [`ParamKind`] before the rule sees it, so a rule never parses
//! text itself and a bad value is reported with its name, its value and what is
//! expected.
//!
//! Defaults: like AWS managed rules, which fill defaults only in the console and never
//! through the API, a missing optional parameter stays *absent* here. The declared
//! default is what generated templates and scaffolds put in InputParameters; a rule
//! that has an inherent default (a port list, say) applies it itself and says so.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::ParamError;

/// Parameters every rule accepts, read by the runtime rather than the rule (as rdklib).
pub const RUNTIME_PARAMETERS: &[&str] =
    &["ExecutionRoleName", "ExecutionRoleRegion", "AssumeRoleMode"];

/// The type of a rule parameter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    /// Free text.
    String,
    /// A whole number.
    Int,
    /// `true` or `false`, lower case (AWS documents these as case-sensitive).
    Bool,
    /// `true` or `false` in any case (`True`, as some managed rules document it).
    BoolAnyCase,
    /// Comma-separated text values; spaces around commas are ignored, empties dropped.
    Csv,
    /// Comma-separated ports and port ranges, e.g. `443,1020-1025`.
    PortRanges,
    /// One port, 0-65535 (read with [`Params::int`]).
    Port,
    /// One of these words, in any case; read back spelled as listed (with [`Params::str`]).
    Choice(&'static [&'static str]),
    /// A whole number between these bounds, inclusive (read with [`Params::int`]).
    IntRange(i64, i64),
    /// Comma-separated words, each one of these in any case; read back spelled as listed
    /// (with [`Params::list`]).
    ChoiceList(&'static [&'static str]),
}

impl ParamKind {
    /// What a valid value looks like, for messages and documentation.
    pub fn expected(&self) -> String {
        match self {
            Self::Choice(words) => format!("one of {}", words.join(", ")),
            Self::IntRange(lo, hi) => format!("a whole number from {lo} to {hi}"),
            Self::ChoiceList(words) => {
                format!("a comma-separated list of {}", words.join(", "))
            }
            other => other.expected_static().to_string(),
        }
    }

    fn expected_static(&self) -> &'static str {
        match self {
            Self::Choice(_) | Self::ChoiceList(_) => "one of a list",
            Self::IntRange(_, _) => "a whole number in a range",
            Self::String => "text",
            Self::Int => "a whole number",
            Self::Bool => "true or false (lower case)",
            Self::BoolAnyCase => "true or false",
            Self::Csv => "a comma-separated list",
            Self::PortRanges => "comma-separated ports or ranges 0-65535, e.g. 443,1020-1025",
            Self::Port => "a port number 0-65535",
        }
    }

    /// A valid value of this kind, as InputParameters carry it (for tests, fuzzing and
    /// anything that must run a rule whose required parameters are not given).
    pub fn example(&self) -> String {
        match self {
            Self::Int | Self::Port => "1".into(),
            Self::IntRange(lo, _) => lo.to_string(),
            Self::Bool | Self::BoolAnyCase => "true".into(),
            Self::PortRanges => "443,1020-1025".into(),
            Self::Choice(words) | Self::ChoiceList(words) => {
                words.first().copied().unwrap_or("x").into()
            }
            Self::String | Self::Csv => "x".into(),
        }
    }

    /// The name used in `rdk rules` and templates.
    pub fn name(&self) -> &'static str {
        match self {
            Self::String => "string",
            Self::Int => "int",
            Self::Bool | Self::BoolAnyCase => "boolean",
            Self::Csv => "csv",
            Self::PortRanges => "port-ranges",
            Self::Port => "port",
            Self::Choice(_) => "string",
            Self::IntRange(_, _) => "int",
            Self::ChoiceList(_) => "csv",
        }
    }
}

/// One declared parameter of a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ParamSpec {
    /// The name, as the AWS managed rule spells it (`kmsId`, `tag1Key`).
    pub name: &'static str,
    /// Its type.
    pub kind: ParamKind,
    /// Whether the rule refuses to run without it.
    pub required: bool,
    /// What templates and scaffolds fill in (never applied at evaluation time).
    pub default: Option<&'static str>,
    /// One line for `rdk rules` and templates.
    pub description: &'static str,
}

impl ParamSpec {
    /// A required parameter.
    pub const fn required(name: &'static str, kind: ParamKind, description: &'static str) -> Self {
        Self {
            name,
            kind,
            required: true,
            default: None,
            description,
        }
    }

    /// An optional parameter.
    pub const fn optional(name: &'static str, kind: ParamKind, description: &'static str) -> Self {
        Self {
            name,
            kind,
            required: false,
            default: None,
            description,
        }
    }

    /// With the value templates and scaffolds fill in.
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = Some(default);
        self
    }
}

/// A parsed parameter value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    /// [`ParamKind::String`].
    String(String),
    /// [`ParamKind::Int`].
    Int(i64),
    /// [`ParamKind::Bool`].
    Bool(bool),
    /// [`ParamKind::Csv`].
    List(Vec<String>),
    /// [`ParamKind::PortRanges`]: inclusive ranges.
    Ports(Vec<(u16, u16)>),
}

/// The validated parameters of one invocation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Params {
    values: BTreeMap<&'static str, ParamValue>,
    /// The rule's declared parameters, when parsed for a rule: reading one it did not
    /// declare is a bug that fails every test reaching the read.
    declared: Option<&'static [ParamSpec]>,
}

/// The runtime's own options from the rule parameters (cross-account settings).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuntimeOptions {
    /// `ExecutionRoleName`: assume this role name in the rule's account instead of
    /// the role in `executionRoleArn`.
    pub execution_role_name: Option<String>,
    /// `ExecutionRoleRegion`: the region for the assumed-role clients.
    pub execution_role_region: Option<String>,
    /// `AssumeRoleMode`: `true` always assume, `false` never; absent = automatic.
    pub assume_role_mode: Option<bool>,
}

impl Params {
    /// Every value the parameters hold, as JSON text and numbers (list elements and port
    /// range ends one by one): what a value known only at deploy time might equal when
    /// a rule compares it with a parameter (used by `rdk check`).
    pub fn candidate_values(&self) -> Vec<serde_json::Value> {
        use serde_json::Value;
        let mut out: Vec<Value> = Vec::new();
        let mut add = |v: Value| {
            if !out.contains(&v) {
                out.push(v);
            }
        };
        for v in self.values.values() {
            match v {
                ParamValue::String(s) => add(Value::String(s.clone())),
                ParamValue::Int(i) => {
                    add(Value::from(*i));
                    add(Value::String(i.to_string()));
                }
                ParamValue::Bool(_) => {}
                ParamValue::List(l) => l.iter().for_each(|s| add(Value::String(s.clone()))),
                ParamValue::Ports(p) => p.iter().for_each(|(a, b)| {
                    add(Value::from(*a));
                    add(Value::from(*b));
                }),
            }
        }
        out
    }

    /// Checks `raw` against `specs` and parses every value. Runtime parameters
    /// ([`RUNTIME_PARAMETERS`]) are accepted for every rule and returned separately.
    pub fn parse(
        rule: &str,
        specs: &'static [ParamSpec],
        raw: &Map<String, Value>,
    ) -> Result<(Self, RuntimeOptions), ParamError> {
        let mut values = BTreeMap::new();
        let mut runtime = RuntimeOptions::default();
        for (name, value) in raw {
            let text = match value {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                Value::Bool(b) => b.to_string(),
                Value::Null => continue,
                other => {
                    return Err(ParamError::Invalid {
                        name: name.clone(),
                        value: other.to_string(),
                        expected: "text (AWS Config passes every parameter value as text)".into(),
                    })
                }
            };
            match name.as_str() {
                "ExecutionRoleName" => {
                    runtime.execution_role_name =
                        Some(text.trim().to_string()).filter(|s| !s.is_empty());
                    continue;
                }
                "ExecutionRoleRegion" => {
                    runtime.execution_role_region =
                        Some(text.trim().to_string()).filter(|s| !s.is_empty());
                    continue;
                }
                "AssumeRoleMode" => {
                    runtime.assume_role_mode = match text.trim().to_ascii_lowercase().as_str() {
                        "" => None,
                        "true" => Some(true),
                        "false" => Some(false),
                        _ => {
                            return Err(ParamError::Invalid {
                                name: name.clone(),
                                value: text,
                                expected: "true or false".into(),
                            })
                        }
                    };
                    continue;
                }
                _ => {}
            }
            let spec = specs.iter().find(|s| s.name == name).ok_or_else(|| {
                // A close match (case-insensitive) is the commonest mistake: say so.
                let known: Vec<&str> = specs.iter().map(|s| s.name).collect();
                let hint = specs
                    .iter()
                    .find(|s| s.name.eq_ignore_ascii_case(name))
                    .map(|s| format!(" (did you mean `{}`?)", s.name))
                    .unwrap_or_default();
                ParamError::Unknown {
                    name: name.clone(),
                    hint,
                    rule: rule.to_string(),
                    known: if known.is_empty() {
                        "no parameters".into()
                    } else {
                        known.join(", ")
                    },
                }
            })?;
            // An empty value is how the console leaves an optional parameter unset.
            if text.trim().is_empty() {
                continue;
            }
            values.insert(spec.name, parse_value(spec, &text)?);
        }
        for spec in specs.iter().filter(|s| s.required) {
            if !values.contains_key(spec.name) {
                return Err(ParamError::Missing {
                    name: spec.name.to_string(),
                    expected: spec.kind.expected(),
                });
            }
        }
        Ok((
            Self {
                values,
                declared: Some(specs),
            },
            runtime,
        ))
    }

    /// InputParameters that satisfy `specs`: a valid value ([`ParamKind::example`]) for
    /// each required parameter, nothing for the optional ones.
    pub fn required_examples(specs: &[ParamSpec]) -> Map<String, Value> {
        specs
            .iter()
            .filter(|p| p.required)
            .map(|p| (p.name.to_string(), Value::from(p.kind.example())))
            .collect()
    }

    /// Builds parameters directly (tests and tools).
    pub fn from_values(values: impl IntoIterator<Item = (&'static str, ParamValue)>) -> Self {
        Self {
            values: values.into_iter().collect(),
            declared: None,
        }
    }

    fn value(&self, p: &ParamSpec) -> Option<&ParamValue> {
        if let Some(declared) = self.declared {
            debug_assert!(
                declared.iter().any(|d| d.name == p.name),
                "a rule read parameter `{}`, which it does not declare in its RuleSpec",
                p.name
            );
        }
        self.values.get(p.name)
    }

    /// Whether the parameter was given.
    pub fn has(&self, p: &ParamSpec) -> bool {
        self.value(p).is_some()
    }

    /// A text parameter.
    pub fn str(&self, p: &ParamSpec) -> Option<&str> {
        match self.value(p)? {
            ParamValue::String(s) => Some(s),
            _ => None,
        }
    }

    /// An integer parameter.
    pub fn int(&self, p: &ParamSpec) -> Option<i64> {
        match self.value(p)? {
            ParamValue::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// A boolean parameter.
    pub fn bool(&self, p: &ParamSpec) -> Option<bool> {
        match self.value(p)? {
            ParamValue::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// A CSV list parameter.
    pub fn list(&self, p: &ParamSpec) -> Option<&[String]> {
        match self.value(p)? {
            ParamValue::List(l) => Some(l),
            _ => None,
        }
    }

    /// A port-ranges parameter.
    pub fn ports(&self, p: &ParamSpec) -> Option<&[(u16, u16)]> {
        match self.value(p)? {
            ParamValue::Ports(p) => Some(p),
            _ => None,
        }
    }
}

fn parse_value(spec: &ParamSpec, text: &str) -> Result<ParamValue, ParamError> {
    let invalid = || ParamError::Invalid {
        name: spec.name.to_string(),
        value: text.to_string(),
        expected: spec.kind.expected(),
    };
    let t = text.trim();
    Ok(match spec.kind {
        ParamKind::String => ParamValue::String(t.to_string()),
        ParamKind::Int => ParamValue::Int(t.parse().map_err(|_| invalid())?),
        ParamKind::Port => ParamValue::Int(t.parse::<u16>().map_err(|_| invalid())?.into()),
        ParamKind::Bool => match t {
            "true" => ParamValue::Bool(true),
            "false" => ParamValue::Bool(false),
            _ => return Err(invalid()),
        },
        ParamKind::BoolAnyCase => match t.to_ascii_lowercase().as_str() {
            "true" => ParamValue::Bool(true),
            "false" => ParamValue::Bool(false),
            _ => return Err(invalid()),
        },
        ParamKind::Csv => ParamValue::List(split_csv(t)),
        ParamKind::IntRange(lo, hi) => match t.parse::<i64>() {
            Ok(n) if (lo..=hi).contains(&n) => ParamValue::Int(n),
            _ => return Err(invalid()),
        },
        ParamKind::ChoiceList(words) => ParamValue::List(
            split_csv(t)
                .iter()
                .map(|w| {
                    words
                        .iter()
                        .find(|c| c.eq_ignore_ascii_case(w))
                        .map(|c| c.to_string())
                        .ok_or_else(invalid)
                })
                .collect::<Result<_, _>>()?,
        ),
        ParamKind::Choice(words) => ParamValue::String(
            words
                .iter()
                .find(|w| w.eq_ignore_ascii_case(t))
                .ok_or_else(invalid)?
                .to_string(),
        ),
        ParamKind::PortRanges => ParamValue::Ports(parse_port_ranges(t).map_err(|_| invalid())?),
    })
}

/// Splits a comma-separated list, trimming spaces and dropping empty entries.
pub fn split_csv(text: &str) -> Vec<String> {
    text.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// Parses `443,1020-1025` into inclusive ranges.
pub fn parse_port_ranges(text: &str) -> Result<Vec<(u16, u16)>, String> {
    let mut out = Vec::new();
    for part in split_csv(text) {
        let (a, b) = match part.split_once('-') {
            Some((a, b)) => (a.trim(), b.trim()),
            None => (part.as_str(), part.as_str()),
        };
        let a: u16 = a.parse().map_err(|_| format!("`{part}` is not a port"))?;
        let b: u16 = b.parse().map_err(|_| format!("`{part}` is not a port"))?;
        if a > b {
            return Err(format!("`{part}` is a range that ends before it starts"));
        }
        out.push((a, b));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const SPECS: &[ParamSpec] = &[
        ParamSpec {
            name: "runtime",
            kind: ParamKind::Csv,
            required: true,
            default: None,
            description: "",
        },
        ParamSpec {
            name: "timeout",
            kind: ParamKind::Int,
            required: false,
            default: Some("3"),
            description: "",
        },
        ParamSpec {
            name: "flag",
            kind: ParamKind::Bool,
            required: false,
            default: None,
            description: "",
        },
        ParamSpec {
            name: "ports",
            kind: ParamKind::PortRanges,
            required: false,
            default: None,
            description: "",
        },
    ];

    fn parse(v: Value) -> Result<Params, ParamError> {
        Params::parse("test-rule", SPECS, v.as_object().unwrap()).map(|(p, _)| p)
    }

    #[test]
    fn values_are_typed() {
        let p = parse(json!({"runtime": " python3.12 , nodejs20.x,", "timeout": "30", "flag": "true", "ports": "443, 1020-1025"})).unwrap();
        assert_eq!(p.list(&SPECS[0]).unwrap(), ["python3.12", "nodejs20.x"]);
        assert_eq!(p.int(&SPECS[1]), Some(30));
        assert_eq!(p.bool(&SPECS[2]), Some(true));
        assert_eq!(p.ports(&SPECS[3]).unwrap(), [(443, 443), (1020, 1025)]);
    }

    #[test]
    fn ranges_and_word_lists_are_checked_when_parsed() {
        const KINDS: &[ParamSpec] = &[
            ParamSpec::optional("days", ParamKind::IntRange(1, 35), ""),
            ParamSpec::optional(
                "logs",
                ParamKind::ChoiceList(&["search", "index", "error"]),
                "",
            ),
        ];
        let parse = |v: Value| Params::parse("r", KINDS, v.as_object().unwrap()).map(|(p, _)| p);
        let p = parse(json!({"days": "35", "logs": "Search, ERROR"})).unwrap();
        assert_eq!(p.int(&KINDS[0]), Some(35));
        assert_eq!(p.list(&KINDS[1]).unwrap(), ["search", "error"]);
        let e = parse(json!({"days": "36"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rule parameter `days` has value `36`, expected a whole number from 1 to 35"
        );
        let e = parse(json!({"logs": "search, audit"})).unwrap_err();
        assert!(
            e.to_string()
                .contains("a comma-separated list of search, index, error"),
            "{e}"
        );
        assert_eq!(ParamKind::IntRange(1, 35).example(), "1");
    }

    #[test]
    fn defaults_are_not_applied() {
        let p = parse(json!({"runtime": "python3.12"})).unwrap();
        assert_eq!(p.int(&SPECS[1]), None);
    }

    #[test]
    fn errors_name_the_parameter_value_and_expectation() {
        let e = parse(json!({"runtime": "x", "timeout": "thirty"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rule parameter `timeout` has value `thirty`, expected a whole number"
        );
        let e = parse(json!({})).unwrap_err();
        assert!(e.to_string().contains("`runtime` is required"), "{e}");
        let e = parse(json!({"runtime": "x", "Timeout": "3"})).unwrap_err();
        assert_eq!(
            e.to_string(),
            "rule parameter `Timeout` is not a parameter of test-rule (did you mean `timeout`?); \
             it takes: runtime, timeout, flag, ports"
        );
        let e = parse(json!({"runtime": "x", "flag": "True"})).unwrap_err();
        assert!(e.to_string().contains("lower case"), "{e}");
        let e = parse(json!({"runtime": "x", "ports": "99999"})).unwrap_err();
        assert!(e.to_string().contains("`ports`"), "{e}");
    }

    #[test]
    fn runtime_parameters_are_accepted_for_every_rule() {
        let raw = json!({"runtime": "x", "ExecutionRoleName": "audit", "AssumeRoleMode": "FALSE"});
        let (_, rt) = Params::parse("r", SPECS, raw.as_object().unwrap()).unwrap();
        assert_eq!(rt.execution_role_name.as_deref(), Some("audit"));
        assert_eq!(rt.assume_role_mode, Some(false));
    }
}
