//! Resolution, honestly: a template's values as far as they are known before deploy.
//!
//! Parameters take their override or `Default`; `Mappings` resolve; `Conditions` are
//! evaluated when their inputs are known and `Fn::If` then picks its branch; `Fn::Sub`,
//! `Fn::Join`, `Fn::Select`, `Fn::Split` resolve when their parts are known. Whatever is
//! still unknown (a `!GetAtt`, an `!ImportValue`, a parameter with no value, a pseudo
//! parameter such as `AWS::AccountId`, a condition that depends on them) becomes an
//! [`Unknown`]: a marker in the resolved JSON that names where it came from and carries
//! the values it could take ([`Unknown::domain`]). Nothing is guessed here; the
//! judge ([`super::judge`]) tries a verdict under each candidate and reports
//! INSUFFICIENT_DATA when the verdict depends on the choice.
//!
//! Markers are JSON objects with one reserved key (see [`marker`], [`if_marker`],
//! [`NO_VALUE_KEY`]); [`substitute`] replaces them with chosen candidates.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::template::Template;
use super::yaml::{Node, NodeValue, Pos};

/// The key of an unknown-value marker: `{"\u{1}unknown": id}`.
pub const UNKNOWN_KEY: &str = "\u{1}unknown";
/// The key of a branch on an unknown condition: `{"\u{1}if": [cond_id, then, else]}`.
pub const IF_KEY: &str = "\u{1}if";
/// The key of `AWS::NoValue`: the property is removed.
pub const NO_VALUE_KEY: &str = "\u{1}novalue";
/// The key of a value a plan says is known only after apply (Terraform's
/// `after_unknown`, Pulumi's unknown output):
/// `{"\u{1}planUnknown": [origin, refers_to, kind]}`, written by [`super::plan`] into the
/// template it builds; `refers_to` is the address of the resource the value comes from,
/// or empty; `kind` is `values` when the candidates follow (a boolean's `false` and
/// `true`, a policy granting nothing or everything), `maybe-null` for an expression that
/// may come out empty (a conditional), else empty (an opaque value).
pub const PLAN_UNKNOWN_KEY: &str = "\u{1}planUnknown";

/// At most this many candidates are kept for one unknown.
const MAX_DOMAIN: usize = 24;

/// A value only known at deploy time.
#[derive(Debug, Clone, PartialEq)]
pub struct Unknown {
    /// Where it comes from, as a person would write it: `!GetAtt Key.Arn`,
    /// `!Ref DbPassword (no Default, no override)`, `condition IsProd`.
    pub origin: String,
    /// Where the expression is written.
    pub pos: Pos,
    /// The values it could take; the first is the one shown by default. Candidates may
    /// contain markers themselves.
    pub domain: Vec<Value>,
    /// The resource a `Ref`/`GetAtt` names (for folding related resources).
    pub refers_to: Option<String>,
    /// Whether the value is free text (a parameter with no value, an import, an
    /// attribute): the judge adds the rule's own parameter values as candidates, so a
    /// rule that compares against a parameter is not fooled.
    pub open: bool,
    /// A condition (domain `[true, false]`).
    pub is_condition: bool,
    /// For ARNs whose only unknown is the account: the rule's own values are candidates
    /// when they end with this (`:role/name`).
    pub suffix: Option<String>,
}
/// A marker for unknown `id`.
pub fn marker(id: usize) -> Value {
    let mut m = Map::new();
    m.insert(UNKNOWN_KEY.into(), Value::from(id));
    Value::Object(m)
}

/// A branch on unknown condition `cond`.
pub fn if_marker(cond: usize, then: Value, otherwise: Value) -> Value {
    let mut m = Map::new();
    m.insert(
        IF_KEY.into(),
        Value::Array(vec![Value::from(cond), then, otherwise]),
    );
    Value::Object(m)
}

fn no_value() -> Value {
    let mut m = Map::new();
    m.insert(NO_VALUE_KEY.into(), Value::Bool(true));
    Value::Object(m)
}

/// The unknown a value is, when it is a plain marker.
pub fn marker_id(v: &Value) -> Option<usize> {
    match v {
        Value::Object(o) if o.len() == 1 => o.get(UNKNOWN_KEY)?.as_u64().map(|n| n as usize),
        _ => None,
    }
}

fn is_no_value(v: &Value) -> bool {
    matches!(v, Value::Object(o) if o.len() == 1 && o.contains_key(NO_VALUE_KEY))
}

/// Whether a value holds any marker.
pub fn has_markers(v: &Value) -> bool {
    match v {
        Value::Object(o) => {
            o.contains_key(UNKNOWN_KEY) || o.contains_key(IF_KEY) || o.values().any(has_markers)
        }
        Value::Array(a) => a.iter().any(has_markers),
        _ => false,
    }
}

/// Every unknown a value refers to (directly or inside candidates), in first-seen order.
pub fn collect_unknowns(v: &Value, unknowns: &[Unknown], out: &mut Vec<usize>) {
    match v {
        Value::Object(o) => {
            if let Some(id) = marker_id(v) {
                if !out.contains(&id) {
                    out.push(id);
                    if let Some(u) = unknowns.get(id) {
                        for c in &u.domain {
                            collect_unknowns(c, unknowns, out);
                        }
                    }
                }
                return;
            }
            if let Some(Value::Array(b)) = o.get(IF_KEY) {
                if let Some(id) = b.first().and_then(Value::as_u64).map(|n| n as usize) {
                    if !out.contains(&id) {
                        out.push(id);
                    }
                }
                for x in b.iter().skip(1) {
                    collect_unknowns(x, unknowns, out);
                }
                return;
            }
            for x in o.values() {
                collect_unknowns(x, unknowns, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_unknowns(x, unknowns, out)),
        _ => {}
    }
}

/// Replaces every marker with the candidate `choose(id)` picks (an index into the
/// domain, or into `extra` past the domain's end), and removes `AWS::NoValue`.
pub fn substitute(
    v: &Value,
    unknowns: &[Unknown],
    choose: &dyn Fn(usize) -> usize,
    extra: &[Value],
) -> Value {
    let out = subst(v, unknowns, choose, extra, 0);
    if is_no_value(&out) {
        Value::Null
    } else {
        out
    }
}

fn candidate(u: &Unknown, i: usize, extra: &[Value]) -> Value {
    if i < u.domain.len() {
        u.domain[i].clone()
    } else if u.open || u.suffix.is_some() {
        extra
            .get(i - u.domain.len())
            .cloned()
            .unwrap_or(Value::Null)
    } else {
        u.domain.first().cloned().unwrap_or(Value::Null)
    }
}

fn subst(
    v: &Value,
    unknowns: &[Unknown],
    choose: &dyn Fn(usize) -> usize,
    extra: &[Value],
    depth: usize,
) -> Value {
    if depth > 64 {
        return Value::Null;
    }
    match v {
        Value::Object(o) => {
            if let Some(id) = marker_id(v) {
                let Some(u) = unknowns.get(id) else {
                    return Value::Null;
                };
                let c = candidate(u, choose(id), extra);
                return subst(&c, unknowns, choose, extra, depth + 1);
            }
            if let Some(Value::Array(b)) = o.get(IF_KEY) {
                let id = b.first().and_then(Value::as_u64).unwrap_or(0) as usize;
                let holds = unknowns
                    .get(id)
                    .map(|u| candidate(u, choose(id), extra))
                    .and_then(|c| c.as_bool())
                    .unwrap_or(true);
                let branch = if holds { b.get(1) } else { b.get(2) };
                return subst(
                    branch.unwrap_or(&Value::Null),
                    unknowns,
                    choose,
                    extra,
                    depth + 1,
                );
            }
            let mut m = Map::new();
            for (k, x) in o {
                let s = subst(x, unknowns, choose, extra, depth + 1);
                if !is_no_value(&s) {
                    m.insert(k.clone(), s);
                }
            }
            Value::Object(m)
        }
        Value::Array(a) => Value::Array(
            a.iter()
                .map(|x| subst(x, unknowns, choose, extra, depth + 1))
                .filter(|x| !is_no_value(x))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A boolean that may be unknown (an unknown condition's id).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tri {
    /// Known.
    Known(bool),
    /// Unknown: the id of an unknown with domain `[true, false]`.
    Unknown(usize),
}

/// Evaluates a template's values: parameters, mappings, conditions and intrinsics.
pub struct Resolver<'t> {
    template: &'t Template,
    params: HashMap<String, Value>,
    conditions: HashMap<String, Tri>,
    in_progress: Vec<String>,
    /// Every unknown met so far; markers index into it.
    pub unknowns: Vec<Unknown>,
    /// Problems found while resolving (a Ref to nothing, a mapping key that does not
    /// exist): each with its position.
    pub problems: Vec<(Pos, String)>,
}

/// Pseudo parameters and what is known of them before deploy.
fn pseudo(name: &str) -> Option<(Vec<Value>, bool)> {
    let opaque = |s: &str| (vec![Value::String(format!("<{s}>"))], true);
    Some(match name {
        "AWS::Partition" => (
            vec!["aws".into(), "aws-cn".into(), "aws-us-gov".into()],
            false,
        ),
        "AWS::URLSuffix" => (
            vec!["amazonaws.com".into(), "amazonaws.com.cn".into()],
            false,
        ),
        "AWS::NotificationARNs" => (vec![Value::Array(vec![])], false),
        "AWS::AccountId" | "AWS::Region" | "AWS::StackName" | "AWS::StackId" => opaque(name),
        _ => return None,
    })
}

impl<'t> Resolver<'t> {
    /// A resolver over `template` with parameter `overrides` (name → value as text).
    pub fn new(template: &'t Template, overrides: &HashMap<String, String>) -> Self {
        let mut r = Self {
            template,
            params: HashMap::new(),
            conditions: HashMap::new(),
            in_progress: Vec::new(),
            unknowns: Vec::new(),
            problems: Vec::new(),
        };
        for p in &template.parameters {
            let is_list = p.type_name == "CommaDelimitedList" || p.type_name.starts_with("List<");
            let is_ssm = p.type_name.starts_with("AWS::SSM::Parameter::Value");
            let given = overrides.get(&p.name).map(|s| Value::String(s.clone()));
            // An SSM-typed parameter's Default is the *name* of an SSM parameter; its
            // value is read at deploy time, so only an override makes it known.
            let default = if is_ssm {
                None
            } else {
                p.default.as_ref().map(|d| match &d.value {
                    NodeValue::Seq(_) => d.to_json(),
                    NodeValue::Bool(b) => Value::String(b.to_string()),
                    _ => Value::String(d.as_str().unwrap_or_default().to_string()),
                })
            };
            let value = match given.or(default) {
                Some(Value::String(s)) if is_list => Value::Array(
                    s.split(',')
                        .map(|x| Value::String(x.trim().to_string()))
                        .collect(),
                ),
                Some(v) => v,
                None => {
                    let (domain, open) = parameter_domain(p, is_list);
                    let id = r.push(Unknown {
                        origin: format!(
                            "!Ref {} (a parameter with no Default and no override)",
                            p.name
                        ),
                        pos: p.pos,
                        domain,
                        refers_to: None,
                        open,
                        is_condition: false,
                        suffix: None,
                    });
                    marker(id)
                }
            };
            r.params.insert(p.name.clone(), value);
        }
        r
    }

    pub(crate) fn push(&mut self, mut u: Unknown) -> usize {
        u.domain.truncate(MAX_DOMAIN);
        if u.domain.is_empty() {
            u.domain.push(Value::String("<unknown>".into()));
        }
        self.unknowns.push(u);
        self.unknowns.len() - 1
    }

    fn opaque(&mut self, origin: String, pos: Pos, refers_to: Option<String>) -> Value {
        let shown = format!("<{}>", origin.trim_start_matches('!'));
        let id = self.push(Unknown {
            origin,
            pos,
            domain: vec![Value::String(shown)],
            refers_to,
            open: true,
            is_condition: false,
            suffix: None,
        });
        marker(id)
    }

    /// Whether the named condition holds.
    pub fn condition(&mut self, name: &str, pos: Pos) -> Tri {
        if let Some(t) = self.conditions.get(name) {
            return *t;
        }
        if self.in_progress.iter().any(|n| n == name) {
            self.problems
                .push((pos, format!("condition {name} refers to itself")));
            return self.unknown_condition(format!("condition {name}"), pos);
        }
        let Some(node) = self
            .template
            .conditions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, n)| n.clone())
        else {
            self.problems.push((
                pos,
                format!("condition {name} is not defined in Conditions"),
            ));
            return self.unknown_condition(format!("condition {name} (not defined)"), pos);
        };
        self.in_progress.push(name.to_string());
        let t = match self.eval_condition(&node) {
            Tri::Known(b) => Tri::Known(b),
            // One unknown per named condition, so every Fn::If on it branches together.
            Tri::Unknown(_) => self.unknown_condition(format!("condition {name}"), node.pos),
        };
        self.in_progress.pop();
        self.conditions.insert(name.to_string(), t);
        t
    }

    fn unknown_condition(&mut self, origin: String, pos: Pos) -> Tri {
        Tri::Unknown(self.push(Unknown {
            origin,
            pos,
            domain: vec![Value::Bool(true), Value::Bool(false)],
            refers_to: None,
            open: false,
            is_condition: true,
            suffix: None,
        }))
    }

    /// Evaluates a condition expression (`Fn::Equals`, `Fn::And`, `Fn::Or`, `Fn::Not`,
    /// `Condition`).
    pub fn eval_condition(&mut self, node: &Node) -> Tri {
        let entries = node.entries();
        let Some((fname, _, arg)) = entries.first().filter(|_| entries.len() == 1) else {
            return match &node.value {
                NodeValue::Bool(b) => Tri::Known(*b),
                _ => match node.as_str() {
                    Some(s) if s.eq_ignore_ascii_case("true") => Tri::Known(true),
                    Some(s) if s.eq_ignore_ascii_case("false") => Tri::Known(false),
                    _ => self.unknown_condition(
                        "a condition that is not a condition function".into(),
                        node.pos,
                    ),
                },
            };
        };
        let args: Vec<Node> = match &arg.value {
            NodeValue::Seq(l) => l.clone(),
            _ => vec![arg.clone()],
        };
        match fname.as_str() {
            "Condition" => match arg.as_str() {
                Some(n) => self.condition(n, arg.pos),
                None => self.unknown_condition("Condition without a name".into(), arg.pos),
            },
            "Fn::Equals" if args.len() == 2 => {
                let a = self.resolve(&args[0]);
                let b = self.resolve(&args[1]);
                if has_markers(&a) || has_markers(&b) {
                    self.unknown_condition(
                        format!("Fn::Equals at line {}", node.pos.line),
                        node.pos,
                    )
                } else {
                    Tri::Known(loose_eq(&a, &b))
                }
            }
            "Fn::Not" if args.len() == 1 => match self.eval_condition(&args[0]) {
                Tri::Known(b) => Tri::Known(!b),
                Tri::Unknown(_) => {
                    self.unknown_condition(format!("Fn::Not at line {}", node.pos.line), node.pos)
                }
            },
            "Fn::And" | "Fn::Or" => {
                let is_and = fname == "Fn::And";
                let mut unknown = false;
                for a in &args {
                    match self.eval_condition(a) {
                        Tri::Known(b) if b != is_and => return Tri::Known(b),
                        Tri::Known(_) => {}
                        Tri::Unknown(_) => unknown = true,
                    }
                }
                if unknown {
                    self.unknown_condition(format!("{fname} at line {}", node.pos.line), node.pos)
                } else {
                    Tri::Known(is_and)
                }
            }
            _ => match self.resolve(node) {
                Value::Bool(b) => Tri::Known(b),
                _ => self.unknown_condition(format!("{fname} at line {}", node.pos.line), node.pos),
            },
        }
    }

    /// Resolves a template value into JSON with markers for what is unknown.
    pub fn resolve(&mut self, node: &Node) -> Value {
        match &node.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(_) => node.to_json(),
            NodeValue::Str(s) if s.contains("{{resolve:") => self.dynamic_reference(s, node.pos),
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(l) => Value::Array(
                l.iter()
                    .map(|n| self.resolve(n))
                    .filter(|v| !is_no_value(v))
                    .collect(),
            ),
            NodeValue::Map(m) => {
                if m.len() == 1 {
                    let (k, _, arg) = &m[0];
                    if k == "Ref" || k == "Condition" || k.starts_with("Fn::") {
                        return self.intrinsic(k, arg, node.pos);
                    }
                    if k == PLAN_UNKNOWN_KEY {
                        let part = |i: usize| match &arg.value {
                            NodeValue::Seq(l) => l.get(i).and_then(Node::as_str).unwrap_or(""),
                            _ => "",
                        };
                        let refers_to = Some(part(1)).filter(|r| !r.is_empty());
                        let (domain, open) = match (&arg.value, part(2)) {
                            (NodeValue::Seq(l), "values") if l.len() > 3 => {
                                (l[3..].iter().map(Node::to_json).collect(), false)
                            }
                            (_, "maybe-null") => (
                                vec![Value::String(format!("<{}>", part(0))), Value::Null],
                                true,
                            ),
                            _ => {
                                return self.opaque(
                                    part(0).to_string(),
                                    node.pos,
                                    refers_to.map(str::to_string),
                                )
                            }
                        };
                        let id = self.push(Unknown {
                            origin: part(0).to_string(),
                            pos: node.pos,
                            domain,
                            refers_to: refers_to.map(str::to_string),
                            open,
                            is_condition: false,
                            suffix: None,
                        });
                        return marker(id);
                    }
                }
                let mut out = Map::new();
                for (k, _, v) in m {
                    let r = self.resolve(v);
                    if !is_no_value(&r) {
                        out.insert(k.clone(), r);
                    }
                }
                Value::Object(out)
            }
        }
    }

    fn intrinsic(&mut self, name: &str, arg: &Node, pos: Pos) -> Value {
        let args: Vec<Node> = match &arg.value {
            NodeValue::Seq(l) => l.clone(),
            _ => vec![arg.clone()],
        };
        match name {
            "Ref" => {
                let target = arg.as_str().unwrap_or_default().to_string();
                self.reference(&target, pos)
            }
            "Condition" => match self.eval_condition(&Node {
                pos,
                value: NodeValue::Map(vec![("Condition".into(), pos, arg.clone())]),
            }) {
                Tri::Known(b) => Value::Bool(b),
                Tri::Unknown(id) => marker(id),
            },
            "Fn::GetAtt" => {
                let (res, attr) = match &arg.value {
                    NodeValue::Seq(l) if l.len() == 2 => (
                        l[0].as_str().unwrap_or_default().to_string(),
                        self.resolve(&l[1]).as_str().unwrap_or("?").to_string(),
                    ),
                    _ => (arg.as_str().unwrap_or_default().to_string(), String::new()),
                };
                if self.template.resource(&res).is_none() {
                    self.problems.push((
                        pos,
                        format!("!GetAtt names {res}, which is not a resource of this template"),
                    ));
                }
                if let Some(arn) = self.known_arn(&res, &attr) {
                    // Only the account is unknown: the rule's own values are candidates
                    // only when they are ARNs of this same role.
                    let suffix = arn.split_once(":role").map(|(_, s)| format!(":role{s}"));
                    let id = self.push(Unknown {
                        origin: format!("!GetAtt {res}.{attr}"),
                        pos,
                        domain: vec![Value::String(arn)],
                        refers_to: Some(res),
                        open: false,
                        is_condition: false,
                        suffix,
                    });
                    return marker(id);
                }
                self.opaque(format!("!GetAtt {res}.{attr}"), pos, Some(res))
            }
            "Fn::ImportValue" => {
                let what = match self.resolve(arg) {
                    Value::String(s) => s,
                    _ => "an export".into(),
                };
                self.opaque(format!("!ImportValue {what}"), pos, None)
            }
            "Fn::Sub" => self.sub(&args, pos),
            "Fn::Join" if args.len() == 2 => {
                let delim = self
                    .resolve(&args[0])
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                let list = self.resolve(&args[1]);
                match list {
                    Value::Array(parts) => self.concat(parts, &delim, "!Join", pos),
                    other => self.derived(
                        "!Join over a list known only at deploy time",
                        pos,
                        &[other],
                        |c| {
                            c[0].as_array().map(|p| {
                                Value::String(
                                    p.iter().map(text_of).collect::<Vec<_>>().join(&delim),
                                )
                            })
                        },
                    ),
                }
            }
            "Fn::Select" if args.len() == 2 => {
                let index = self.resolve(&args[0]);
                let list = self.resolve(&args[1]);
                match (text_of(&index).parse::<usize>(), &list) {
                    (Ok(i), Value::Array(items)) if !has_markers(&index) => match items.get(i) {
                        Some(v) => v.clone(),
                        None => {
                            self.problems.push((
                                pos,
                                format!(
                                    "!Select index {i} is past the end of a list of {}",
                                    items.len()
                                ),
                            ));
                            Value::Null
                        }
                    },
                    _ => self.derived("!Select", pos, &[index, list], |c| {
                        let i = text_of(&c[0]).parse::<usize>().ok()?;
                        c[1].as_array()?.get(i).cloned()
                    }),
                }
            }
            "Fn::Split" if args.len() == 2 => {
                let delim = self.resolve(&args[0]).as_str().unwrap_or(",").to_string();
                let source = self.resolve(&args[1]);
                match source {
                    Value::String(s) => Value::Array(
                        s.split(delim.as_str())
                            .map(|x| Value::String(x.into()))
                            .collect(),
                    ),
                    other => self.derived("!Split", pos, &[other], |c| {
                        Some(Value::Array(
                            text_of(&c[0])
                                .split(delim.as_str())
                                .map(|x| Value::String(x.into()))
                                .collect(),
                        ))
                    }),
                }
            }
            "Fn::FindInMap" if args.len() >= 3 => self.find_in_map(&args, pos),
            "Fn::If" if args.len() == 3 => {
                let cond = match args[0].as_str() {
                    Some(n) => self.condition(n, args[0].pos),
                    None => self.eval_condition(&args[0]),
                };
                match cond {
                    Tri::Known(true) => self.resolve(&args[1]),
                    Tri::Known(false) => self.resolve(&args[2]),
                    Tri::Unknown(id) => {
                        let a = self.resolve(&args[1]);
                        let b = self.resolve(&args[2]);
                        if a == b {
                            a
                        } else {
                            if_marker(id, a, b)
                        }
                    }
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" => {
                let node = Node {
                    pos,
                    value: NodeValue::Map(vec![(name.to_string(), pos, arg.clone())]),
                };
                match self.eval_condition(&node) {
                    Tri::Known(b) => Value::Bool(b),
                    Tri::Unknown(id) => marker(id),
                }
            }
            "Fn::Base64" => self.resolve(arg),
            "Fn::ToJsonString" => {
                let v = self.resolve(arg);
                if has_markers(&v) {
                    self.derived("!ToJsonString", pos, &[v], |c| {
                        Some(Value::String(c[0].to_string()))
                    })
                } else {
                    Value::String(v.to_string())
                }
            }
            "Fn::Length" => match self.resolve(arg) {
                Value::Array(a) if !has_markers(&Value::Array(a.clone())) => Value::from(a.len()),
                _ => self.opaque("!Length".into(), pos, None),
            },
            "Fn::GetAZs" => {
                // The region's zones: known only at deploy time, at least three of them.
                let zones = (1..=6)
                    .map(|n| Value::String(format!("<availability zone {n}>")))
                    .collect();
                let id = self.push(Unknown {
                    origin: "!GetAZs".into(),
                    pos,
                    domain: vec![Value::Array(zones)],
                    refers_to: None,
                    open: false,
                    is_condition: false,
                    suffix: None,
                });
                marker(id)
            }
            other => self.opaque(format!("!{}", other.trim_start_matches("Fn::")), pos, None),
        }
    }

    /// A dynamic reference (`{{resolve:ssm:...}}`, `{{resolve:secretsmanager:...}}`):
    /// CloudFormation puts the referenced value in place at deploy time, so the deployed
    /// resource holds that value, not the reference.
    fn dynamic_reference(&mut self, text: &str, pos: Pos) -> Value {
        let shown: String = text.chars().take(80).collect();
        let id = self.push(Unknown {
            origin: format!("dynamic reference {shown}"),
            pos,
            domain: vec![Value::String(format!("<value of {shown}>"))],
            refers_to: None,
            open: true,
            is_condition: false,
            suffix: None,
        });
        marker(id)
    }

    fn reference(&mut self, target: &str, pos: Pos) -> Value {
        if target == "AWS::NoValue" {
            return no_value();
        }
        if let Some(v) = self.params.get(target) {
            return v.clone();
        }
        if let Some((domain, open)) = pseudo(target) {
            let id = self.push(Unknown {
                origin: format!("!Ref {target}"),
                pos,
                domain,
                refers_to: None,
                open,
                is_condition: false,
                suffix: None,
            });
            return marker(id);
        }
        match self.template.resource(target) {
            Some(r) => {
                // Where the resource's name is given, Ref returns it (buckets, functions,
                // roles, tables); otherwise the physical ID is only known at deploy time.
                let name_prop = match r.type_name.as_str() {
                    "AWS::S3::Bucket" => Some("BucketName"),
                    "AWS::Lambda::Function" | "AWS::Serverless::Function" => Some("FunctionName"),
                    "AWS::IAM::Role" => Some("RoleName"),
                    "AWS::IAM::User" => Some("UserName"),
                    "AWS::IAM::Group" => Some("GroupName"),
                    "AWS::DynamoDB::Table" => Some("TableName"),
                    _ => None,
                };
                let given = name_prop
                    .and_then(|p| r.properties.as_ref()?.get(p).cloned())
                    .filter(|n| n.as_str().is_some());
                match given {
                    Some(n) => Value::String(n.as_str().unwrap_or_default().to_string()),
                    None => self.opaque(format!("!Ref {target}"), pos, Some(target.to_string())),
                }
            }
            None => {
                self.problems.push((
                    pos,
                    format!(
                        "!Ref {target}: no parameter, pseudo parameter or resource has that name"
                    ),
                ));
                self.opaque(format!("!Ref {target} (undefined)"), pos, None)
            }
        }
    }

    /// `arn:aws:iam::<account>:role/<path><name>` for a role whose name is given.
    fn known_arn(&self, res: &str, attr: &str) -> Option<String> {
        let r = self.template.resource(res)?;
        if r.type_name != "AWS::IAM::Role" || attr != "Arn" {
            return None;
        }
        let props = r.properties.as_ref()?;
        let name = props.get("RoleName")?.as_str()?;
        let path = props.get("Path").and_then(Node::as_str).unwrap_or("/");
        Some(format!("arn:aws:iam::<account>:role{path}{name}"))
    }

    fn sub(&mut self, args: &[Node], pos: Pos) -> Value {
        let Some(text) = args.first().and_then(Node::as_str).map(str::to_string) else {
            return self.opaque("!Sub".into(), pos, None);
        };
        let mut vars: HashMap<String, Value> = HashMap::new();
        if let Some(m) = args.get(1) {
            for (k, _, v) in m.entries() {
                let r = self.resolve(v);
                vars.insert(k.clone(), r);
            }
        }
        let mut parts = Vec::new();
        let mut rest = text.as_str();
        while let Some(start) = rest.find("${") {
            parts.push(Value::String(rest[..start].to_string()));
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                parts.push(Value::String(rest[start..].to_string()));
                rest = "";
                break;
            };
            let var = &after[..end];
            if let Some(lit) = var.strip_prefix('!') {
                parts.push(Value::String(format!("${{{lit}}}")));
            } else if let Some(v) = vars.get(var) {
                parts.push(v.clone());
            } else if let Some((res, attr)) = var
                .split_once('.')
                .filter(|(r, _)| self.template.resource(r).is_some())
            {
                parts.push(self.opaque(
                    format!("!GetAtt {res}.{attr}"),
                    pos,
                    Some(res.to_string()),
                ));
            } else {
                parts.push(self.reference(var, pos));
            }
            rest = &after[end + 1..];
        }
        parts.push(Value::String(rest.to_string()));
        self.concat(parts, "", "!Sub", pos)
    }

    /// Joins parts into text; when some are unknown, the result is a new unknown whose
    /// candidates vary one part at a time.
    fn concat(&mut self, parts: Vec<Value>, delim: &str, what: &str, pos: Pos) -> Value {
        if !parts.iter().any(has_markers) {
            return Value::String(parts.iter().map(text_of).collect::<Vec<_>>().join(delim));
        }
        let delim = delim.to_string();
        self.derived(what, pos, &parts, move |c| {
            Some(Value::String(
                c.iter().map(text_of).collect::<Vec<_>>().join(&delim),
            ))
        })
    }

    /// A new unknown computed from `inputs` by `f`: its candidates are `f` over the
    /// inputs' candidates, one input varied at a time (the others at their first).
    fn derived(
        &mut self,
        what: &str,
        pos: Pos,
        inputs: &[Value],
        f: impl Fn(&[Value]) -> Option<Value>,
    ) -> Value {
        let mut ids = Vec::new();
        for i in inputs {
            collect_unknowns(i, &self.unknowns, &mut ids);
        }
        let origins: Vec<String> = ids
            .iter()
            .filter_map(|id| self.unknowns.get(*id))
            .map(|u| u.origin.clone())
            .take(3)
            .collect();
        let refers_to = ids
            .iter()
            .find_map(|id| self.unknowns.get(*id)?.refers_to.clone());
        let open = ids
            .iter()
            .any(|id| self.unknowns.get(*id).is_some_and(|u| u.open));
        let unknowns = &self.unknowns;
        let mut domain: Vec<Value> = Vec::new();
        let mut add = |choice: &dyn Fn(usize) -> usize| {
            let concrete: Vec<Value> = inputs
                .iter()
                .map(|i| substitute(i, unknowns, choice, &[]))
                .collect();
            if let Some(v) = f(&concrete) {
                if !domain.contains(&v) && domain.len() < MAX_DOMAIN {
                    domain.push(v);
                }
            }
        };
        add(&|_| 0);
        for id in &ids {
            let n = unknowns[*id].domain.len();
            for k in 1..n {
                let (id, k) = (*id, k);
                add(&move |x| if x == id { k } else { 0 });
            }
        }
        let id = self.push(Unknown {
            origin: format!("{what} of {}", origins.join(", ")),
            pos,
            domain,
            refers_to,
            open,
            is_condition: false,
            suffix: None,
        });
        marker(id)
    }

    fn find_in_map(&mut self, args: &[Node], pos: Pos) -> Value {
        let map_name = self.resolve(&args[0]);
        let top = self.resolve(&args[1]);
        let second = self.resolve(&args[2]);
        let mappings = self
            .template
            .mappings
            .as_ref()
            .map(Node::to_json)
            .unwrap_or(Value::Null);
        let lookup = |m: &Value, a: &Value, b: &Value, c: &Value| -> Option<Value> {
            m.get(text_of(a))?.get(text_of(b))?.get(text_of(c)).cloned()
        };
        if !has_markers(&map_name) && !has_markers(&top) && !has_markers(&second) {
            return match lookup(&mappings, &map_name, &top, &second) {
                Some(v) => v,
                None => {
                    self.problems.push((
                        pos,
                        format!(
                            "!FindInMap [{}, {}, {}]: no such entry in Mappings",
                            text_of(&map_name),
                            text_of(&top),
                            text_of(&second)
                        ),
                    ));
                    self.opaque("!FindInMap (missing entry)".into(), pos, None)
                }
            };
        }
        // An unknown key: the candidates are every value the known keys still allow.
        let mut domain = Vec::new();
        if let Some(Value::Object(maps)) = Some(&mappings) {
            for (mname, level1) in maps {
                if !has_markers(&map_name) && text_of(&map_name) != *mname {
                    continue;
                }
                for (k1, level2) in level1.as_object().into_iter().flatten() {
                    if !has_markers(&top) && text_of(&top) != *k1 {
                        continue;
                    }
                    for (k2, v) in level2.as_object().into_iter().flatten() {
                        if !has_markers(&second) && text_of(&second) != *k2 {
                            continue;
                        }
                        if !domain.contains(v) {
                            domain.push(v.clone());
                        }
                    }
                }
            }
        }
        let id = self.push(Unknown {
            origin: "!FindInMap with a key known only at deploy time".into(),
            pos,
            domain,
            refers_to: None,
            open: false,
            is_condition: false,
            suffix: None,
        });
        marker(id)
    }
}

/// What a parameter with no value could be: its AllowedValues, or a spread of values
/// that rules treat differently (empty, wildcard, open CIDRs, booleans, ports).
fn parameter_domain(p: &super::template::Parameter, is_list: bool) -> (Vec<Value>, bool) {
    let shown = Value::String(format!("<{}>", p.name));
    if !p.allowed_values.is_empty() {
        let vals: Vec<Value> = p
            .allowed_values
            .iter()
            .map(|s| Value::String(s.clone()))
            .collect();
        return (
            if is_list {
                vals.into_iter().map(|v| Value::Array(vec![v])).collect()
            } else {
                vals
            },
            false,
        );
    }
    if p.type_name.starts_with("AWS::") && !p.type_name.contains("SSM")
        || p.type_name.starts_with("List<AWS::")
    {
        // An AWS-specific type (a VPC id, a key pair name): an identifier, nothing more.
        return (
            vec![if is_list {
                Value::Array(vec![shown])
            } else {
                shown
            }],
            true,
        );
    }
    let spread: Vec<Value> = if p.type_name == "Number" || p.type_name == "List<Number>" {
        ["0", "22", "3389", "65535", "-1", "1"]
            .iter()
            .map(|s| Value::String((*s).into()))
            .collect()
    } else {
        let mut v = vec![shown.clone()];
        v.extend(
            [
                "",
                "*",
                "0.0.0.0/0",
                "::/0",
                "true",
                "false",
                "0",
                "22",
                "-1",
                "65535",
            ]
            .iter()
            .map(|s| Value::String((*s).into())),
        );
        v
    };
    if is_list {
        (
            spread.into_iter().map(|v| Value::Array(vec![v])).collect(),
            true,
        )
    } else {
        (spread, true)
    }
}

/// A scalar as CloudFormation text.
pub fn text_of(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| loose_eq(p, q))
        }
        (Value::Object(_), _) | (_, Value::Object(_)) => a == b,
        _ => text_of(a) == text_of(b),
    }
}

#[cfg(test)]
mod tests {
    use super::super::template::Reading;
    use super::*;

    fn template(text: &str) -> Template {
        match Template::read(text).unwrap() {
            Reading::Template(t) => *t,
            Reading::NotATemplate(r) => panic!("{r}"),
        }
    }

    fn props(r: &mut Resolver<'_>, t: &Template, id: &str) -> Value {
        let node = t.resource(id).unwrap().properties.clone().unwrap();
        r.resolve(&node)
    }

    const T: &str = r#"
Parameters:
  Env: {Type: String, AllowedValues: [prod, dev]}
  Size: {Type: Number, Default: 20}
  Cidr: {Type: String}
  Azs: {Type: CommaDelimitedList, Default: "a,b"}
Mappings:
  Keys: {prod: {Arn: arn-prod}, dev: {Arn: arn-dev}}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Big: !Equals [!Ref Size, 20]
  Always: !Or [!Condition Big, !Condition IsProd]
Resources:
  B:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub 'logs-${AWS::Region}'
      Known: !Sub '${Size}-gb'
      Picked: !If [Big, yes-big, no]
      Unsure: !If [IsProd, on, off]
      Gone: !If [Big, !Ref AWS::NoValue, kept]
      Key: !FindInMap [Keys, !Ref Env, Arn]
      First: !Select [1, !Ref Azs]
      Cidr: !Ref Cidr
      Att: !GetAtt Other.Arn
      Joined: !Join ['-', [a, !Ref Size]]
  Other:
    Type: AWS::KMS::Key
"#;

    #[test]
    fn defaults_mappings_conditions_and_sub_resolve_when_known() {
        let t = template(T);
        let mut r = Resolver::new(&t, &HashMap::new());
        let p = props(&mut r, &t, "B");
        assert_eq!(p["Known"], "20-gb");
        assert_eq!(p["Picked"], "yes-big");
        assert!(p.get("Gone").is_none(), "AWS::NoValue removes the property");
        assert_eq!(p["First"], "b");
        assert_eq!(p["Joined"], "a-20");
        assert_eq!(r.condition("Always", Pos::default()), Tri::Known(true));
    }

    #[test]
    fn unknowns_carry_their_origin_and_candidates() {
        let t = template(T);
        let mut r = Resolver::new(&t, &HashMap::new());
        let p = props(&mut r, &t, "B");
        let key = &r.unknowns[marker_id(&p["Key"]).unwrap()];
        assert_eq!(key.domain.len(), 2);
        assert!(
            key.domain.contains(&Value::from("arn-prod"))
                && key.domain.contains(&Value::from("arn-dev"))
        );
        let att = &r.unknowns[marker_id(&p["Att"]).unwrap()];
        assert_eq!(att.origin, "!GetAtt Other.Arn");
        assert_eq!(att.refers_to.as_deref(), Some("Other"));
        let cidr = &r.unknowns[marker_id(&p["Cidr"]).unwrap()];
        assert!(cidr.origin.contains("no Default"));
        assert!(cidr.domain.contains(&Value::from("0.0.0.0/0")));
        let region = &r.unknowns[marker_id(&p["BucketName"]).unwrap()];
        assert!(region.origin.contains("AWS::Region"), "{}", region.origin);
        assert!(
            p["Unsure"].get(IF_KEY).is_some(),
            "an unknown condition keeps both branches"
        );
        assert_eq!(substitute(&p["Unsure"], &r.unknowns, &|_| 1, &[]), "off");
    }

    #[test]
    fn overrides_replace_defaults_and_make_conditions_known() {
        let t = template(T);
        let o = HashMap::from([
            ("Env".to_string(), "dev".to_string()),
            ("Size".to_string(), "5".to_string()),
        ]);
        let mut r = Resolver::new(&t, &o);
        let p = props(&mut r, &t, "B");
        assert_eq!(p["Key"], "arn-dev");
        assert_eq!(p["Unsure"], "off");
        assert_eq!(p["Picked"], "no");
        assert_eq!(p["Gone"], "kept");
    }
}
