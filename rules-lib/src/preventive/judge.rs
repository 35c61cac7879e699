//! Judging a template: every resource a selected rule covers, through the same engine
//! path as configuration items, with honest answers about what is unknown.
//!
//! For each resource, the item is translated and judged once with every unknown at its
//! first candidate, then once more for each other candidate of each unknown (the rule's
//! own parameter values are added to the candidates of free-text unknowns, so a rule
//! that compares a value with a parameter is tried on a match too). When the verdict of
//! a rule changes with the choice, the verdict depends on a value known only at deploy
//! time and is INSUFFICIENT_DATA, naming the property and where its value comes from;
//! otherwise the verdict holds whatever the value (as far as the candidates reach).
//!
//! A NON_COMPLIANT verdict is pinned to the offending property where one can be found:
//! the property (or list entry) whose removal changes the verdict.

use std::collections::HashMap;

use serde_json::Value;

use super::resolve::{self, Resolver, Tri, Unknown};
use super::template::{Resource, Template};
use super::translate::{self, Input, RelKind, Related, ATTACHERS};
use super::yaml::{Node, NodeValue, Pos};
use crate::engine::evaluate_item;
use crate::evaluation::Compliance;
use crate::item::Timestamp;
use crate::params::Params;
use crate::rule::Rule;

/// At most this many translations of one resource are judged.
const MAX_ASSIGNMENTS: usize = 512;

/// A verdict before deploy: Config's three, plus INSUFFICIENT_DATA.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub enum CheckCompliance {
    /// `COMPLIANT`.
    #[serde(rename = "COMPLIANT")]
    Compliant,
    /// `NON_COMPLIANT`.
    #[serde(rename = "NON_COMPLIANT")]
    NonCompliant,
    /// `NOT_APPLICABLE`.
    #[serde(rename = "NOT_APPLICABLE")]
    NotApplicable,
    /// `INSUFFICIENT_DATA`: the verdict depends on a value known only at deploy time.
    #[serde(rename = "INSUFFICIENT_DATA")]
    InsufficientData,
}

impl CheckCompliance {
    /// The wire name.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Compliant => "COMPLIANT",
            Self::NonCompliant => "NON_COMPLIANT",
            Self::NotApplicable => "NOT_APPLICABLE",
            Self::InsufficientData => "INSUFFICIENT_DATA",
        }
    }
}

impl From<Compliance> for CheckCompliance {
    fn from(c: Compliance) -> Self {
        match c {
            Compliance::Compliant => Self::Compliant,
            Compliance::NonCompliant => Self::NonCompliant,
            Compliance::NotApplicable => Self::NotApplicable,
        }
    }
}

/// A property a verdict points at.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PropertyRef {
    /// `Properties.X.Y[0]`, prefixed by the related resource's logical ID when it is
    /// one of those (`BucketPolicy.Properties.PolicyDocument`).
    pub path: String,
    /// Where it is written.
    #[serde(flatten)]
    pub pos: Pos,
}

/// One rule's verdict on one template resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateEvaluation {
    /// The rule.
    pub rule: &'static str,
    /// The AWS Config resource type the resource is recorded as.
    pub resource_type: String,
    /// The logical ID.
    pub logical_id: String,
    /// The verdict.
    pub compliance: CheckCompliance,
    /// Why.
    pub annotation: String,
    /// Where the resource is declared.
    pub resource_pos: Pos,
    /// The property the verdict points at, where there is one.
    pub property: Option<PropertyRef>,
    /// The reason given for suppressing this rule on this resource, when it is.
    pub suppressed: Option<String>,
}

/// What judging a template produced.
#[derive(Debug, Default)]
pub struct TemplateReport {
    /// Every evaluation, in resource order then rule order.
    pub evaluations: Vec<TemplateEvaluation>,
    /// Resources in the template.
    pub resources: usize,
    /// Resources not created because their condition is false.
    pub not_created: Vec<String>,
    /// Things worth a warning (a Ref to nothing, a missing mapping entry), with position.
    pub warnings: Vec<(Pos, String)>,
}

struct Prepared<'t> {
    res: &'t Resource,
    props: Value,
    condition: Option<(String, Tri)>,
}

/// Judges `template` with `rules` (each with its validated parameters) and parameter
/// `overrides`.
pub fn judge_template(
    template: &Template,
    rules: &[(&'static dyn Rule, Params)],
    overrides: &HashMap<String, String>,
) -> TemplateReport {
    let mut report = TemplateReport {
        resources: template.resources.len(),
        ..Default::default()
    };
    let mut resolver = Resolver::new(template, overrides);
    let globals = template
        .globals
        .as_ref()
        .and_then(|g| g.get("Function"))
        .map(|f| resolver.resolve(f));

    let mut prepared: Vec<Prepared<'_>> = Vec::new();
    for res in &template.resources {
        let condition = res
            .condition
            .as_ref()
            .map(|c| (c.clone(), resolver.condition(c, res.pos)));
        if let Some((_, Tri::Known(false))) = &condition {
            report.not_created.push(res.logical_id.clone());
            continue;
        }
        let mut props = match &res.properties {
            Some(p) => resolver.resolve(p),
            None => Value::Object(Default::default()),
        };
        if res.type_name == "AWS::Serverless::Function" {
            if let Some(g) = &globals {
                props = merge_globals(g, props);
            }
        }
        prepared.push(Prepared {
            res,
            props,
            condition,
        });
    }

    let related = relations(&prepared, &resolver.unknowns);
    add_instance_defaults(&mut prepared, &related, &mut resolver);
    let unknowns = &resolver.unknowns;
    let now = Timestamp::now();

    for (pi, p) in prepared.iter().enumerate() {
        let config_type = translate::config_type(&p.res.type_name);
        let applicable: Vec<&(&'static dyn Rule, Params)> = rules
            .iter()
            .filter(|(r, _)| r.spec().preventive && r.spec().in_scope(config_type))
            .collect();
        if applicable.is_empty() {
            continue;
        }
        let rel: Vec<(RelKind, usize)> = related.get(&pi).cloned().unwrap_or_default();
        let sources: Vec<(&Value, Option<usize>)> = std::iter::once((&p.props, None))
            .chain(rel.iter().map(|(_, j)| (&prepared[*j].props, Some(*j))))
            .collect();
        let mut ids = Vec::new();
        for (v, _) in &sources {
            resolve::collect_unknowns(v, unknowns, &mut ids);
        }
        // A related resource that exists only under an unknown condition is folded in
        // only when that condition holds.
        let rel_condition: Vec<Option<usize>> = rel
            .iter()
            .map(|(_, j)| match &prepared[*j].condition {
                Some((_, Tri::Unknown(c))) => Some(*c),
                _ => None,
            })
            .collect();
        for c in rel_condition.iter().flatten() {
            if !ids.contains(c) {
                ids.push(*c);
            }
        }
        let mut extra: Vec<Value> = Vec::new();
        for (_, params) in &applicable {
            for v in params.candidate_values() {
                if !extra.contains(&v) {
                    extra.push(v);
                }
            }
        }
        // Assignments: all at the first candidate, then one unknown varied at a time.
        let mut assignments: Vec<Option<(usize, usize)>> = vec![None];
        'outer: for id in &ids {
            let u = &unknowns[*id];
            let n = u.domain.len()
                + if u.open || u.suffix.is_some() {
                    extra.len()
                } else {
                    0
                };
            for k in 1..n {
                if let (Some(suffix), Some(x)) = (
                    &u.suffix,
                    k.checked_sub(u.domain.len()).and_then(|e| extra.get(e)),
                ) {
                    if !x.as_str().is_some_and(|t| t.ends_with(suffix.as_str())) {
                        continue;
                    }
                }
                if assignments.len() >= MAX_ASSIGNMENTS {
                    break 'outer;
                }
                assignments.push(Some((*id, k)));
            }
        }
        let build = |assign: Option<(usize, usize)>, drop: Option<(usize, &[Seg])>| {
            let choose = move |x: usize| match assign {
                Some((id, k)) if id == x => k,
                _ => 0,
            };
            let mut main = resolve::substitute(&p.props, unknowns, &choose, &extra);
            if let Some((0, path)) = drop {
                remove_at(&mut main, path);
            }
            let holds = |c: usize| {
                let u = &unknowns[c];
                u.domain
                    .get(choose(c))
                    .and_then(Value::as_bool)
                    .unwrap_or(true)
            };
            let rels: Vec<Related<'_>> = rel
                .iter()
                .enumerate()
                .filter(|(ri, _)| rel_condition[*ri].is_none_or(holds))
                .map(|(ri, (kind, j))| {
                    let mut props =
                        resolve::substitute(&prepared[*j].props, unknowns, &choose, &extra);
                    if let Some((d, path)) = drop {
                        if d == ri + 1 {
                            remove_at(&mut props, path);
                        }
                    }
                    Related {
                        kind: *kind,
                        logical_id: &prepared[*j].res.logical_id,
                        props,
                    }
                })
                .collect();
            translate::translate(
                &p.res.type_name,
                &Input {
                    logical_id: &p.res.logical_id,
                    props: &main,
                    related: &rels,
                },
            )
        };
        // outcomes[a][r]: the verdict of rule r under assignment a.
        let mut outcomes: Vec<Vec<Result<(Compliance, String), String>>> =
            Vec::with_capacity(assignments.len());
        for a in &assignments {
            let item = build(*a, None);
            outcomes.push(
                applicable
                    .iter()
                    .map(|(rule, params)| {
                        evaluate_item(*rule, &item, params, now)
                            .map(|e| (e.compliance_type, e.annotation.unwrap_or_default()))
                            .map_err(|e| e.to_string())
                    })
                    .collect(),
            );
        }
        let suppressions = suppressions(p.res);
        for (ri, (rule, params)) in applicable.iter().enumerate() {
            let name = rule.spec().name;
            let base = &outcomes[0][ri];
            let differs = assignments
                .iter()
                .zip(&outcomes)
                .skip(1)
                .find(|(_, o)| compliance_of(&o[ri]) != compliance_of(base));
            let (compliance, mut annotation, property) = match (base, differs) {
                (_, Some((Some((id, _)), other))) => {
                    let u = &unknowns[*id];
                    let place = find_unknown(&sources, *id, unknowns, &prepared, p.res);
                    let what = place
                        .as_ref()
                        .map_or_else(|| "a value".to_string(), |pr| pr.path.clone());
                    let annotation = format!(
                        "{what} is known only at deploy time ({}, line {}): {} for some values, {} for others",
                        u.origin,
                        u.pos.line,
                        compliance_of(base).map_or("an error", |c| c.as_str()),
                        compliance_of(&other[ri]).map_or("an error", |c| c.as_str()),
                    );
                    (CheckCompliance::InsufficientData, annotation, place)
                }
                (Ok((c, a)), _) => {
                    let property = (*c == Compliance::NonCompliant)
                        .then(|| {
                            blame(&sources, &prepared, p.res, &|drop| {
                                let item = build(None, Some(drop));
                                evaluate_item(*rule, &item, params, now)
                                    .map(|e| e.compliance_type)
                                    .ok()
                            })
                        })
                        .flatten();
                    ((*c).into(), a.clone(), property)
                }
                (Err(e), _) => (
                    CheckCompliance::InsufficientData,
                    format!("the rule could not judge the translated resource: {e}"),
                    None,
                ),
            };
            if let Some((cname, Tri::Unknown(_))) = &p.condition {
                annotation.push_str(&format!(" (the resource exists only when condition {cname} holds, which is known only at deploy time)"));
            }
            report.evaluations.push(TemplateEvaluation {
                rule: name,
                resource_type: config_type.to_string(),
                logical_id: p.res.logical_id.clone(),
                compliance,
                annotation,
                resource_pos: p.res.pos,
                property,
                suppressed: suppressions
                    .iter()
                    .find(|(r, _)| r == name)
                    .map(|(_, why)| why.clone()),
            });
        }
    }
    report.warnings = resolver.problems;
    report
}

fn compliance_of(o: &Result<(Compliance, String), String>) -> Option<Compliance> {
    o.as_ref().ok().map(|(c, _)| *c)
}

/// SAM `Globals.Function` under a function's own properties (the function wins;
/// environment variables and tags merge).
fn merge_globals(globals: &Value, props: Value) -> Value {
    let (Value::Object(g), Value::Object(mut p)) = (globals.clone(), props.clone()) else {
        return props;
    };
    for (k, v) in g {
        match (p.get_mut(&k), v) {
            (None, v) => {
                p.insert(k, v);
            }
            (Some(Value::Object(mine)), Value::Object(theirs))
                if k == "Environment" || k == "Tags" =>
            {
                for (tk, tv) in theirs {
                    match (mine.get_mut(&tk), tv) {
                        (Some(Value::Object(mv)), Value::Object(gv)) => {
                            for (vk, vv) in gv {
                                mv.entry(vk).or_insert(vv);
                            }
                        }
                        (None, tv) => {
                            mine.insert(tk, tv);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    Value::Object(p)
}

/// The resources each translated resource folds in: index → (kind, related index).
fn relations(
    prepared: &[Prepared<'_>],
    unknowns: &[Unknown],
) -> HashMap<usize, Vec<(RelKind, usize)>> {
    let mut out: HashMap<usize, Vec<(RelKind, usize)>> = HashMap::new();
    let name_of = |p: &Prepared<'_>| -> Option<String> {
        [
            "BucketName",
            "FunctionName",
            "GroupName",
            "QueueName",
            "TopicName",
            "LaunchTemplateName",
        ]
        .iter()
        .find_map(|k| p.props.get(*k).and_then(Value::as_str).map(str::to_string))
    };
    for (ai, a) in prepared.iter().enumerate() {
        for att in ATTACHERS.iter().filter(|x| x.cfn_type == a.res.type_name) {
            let mut targets = Vec::new();
            for path in att.target_paths {
                for v in translate::get_all(&a.props, path) {
                    let mut ids = Vec::new();
                    resolve::collect_unknowns(v, unknowns, &mut ids);
                    let by_ref = ids.iter().find_map(|id| unknowns[*id].refers_to.clone());
                    let target = prepared.iter().position(|t| {
                        att.target_types.contains(&t.res.type_name.as_str())
                            && match (&by_ref, v.as_str()) {
                                (Some(r), _) => *r == t.res.logical_id,
                                (None, Some(s)) => name_of(t).as_deref() == Some(s),
                                _ => false,
                            }
                    });
                    if let Some(t) = target {
                        if !targets.contains(&t) {
                            targets.push(t);
                        }
                    }
                }
            }
            for t in targets {
                if att.folds_into_target {
                    out.entry(t).or_default().push((att.kind, ai));
                } else {
                    out.entry(ai).or_default().push((att.kind, t));
                }
            }
        }
    }
    out
}

/// What an instance's template does not say but its launch decides: `HttpTokens`
/// (without launch-template metadata options, the AMI's and account's defaults) and a
/// public IP (without `AssociatePublicIpAddress`, the subnet's `MapPublicIpOnLaunch`).
fn add_instance_defaults(
    prepared: &mut [Prepared<'_>],
    related: &HashMap<usize, Vec<(RelKind, usize)>>,
    resolver: &mut Resolver<'_>,
) {
    add_rds_defaults(prepared, resolver);
    for i in 0..prepared.len() {
        if prepared[i].res.type_name != "AWS::EC2::Instance" {
            continue;
        }
        let rel = related.get(&i).cloned().unwrap_or_default();
        let pos = prepared[i].res.pos;
        let lt = rel
            .iter()
            .find(|(k, _)| *k == RelKind::LaunchTemplate)
            .map(|(_, j)| *j);
        let own_tokens = translate::get(&prepared[i].props, "MetadataOptions.HttpTokens").is_some();
        let tokens_set = own_tokens
            || lt.is_some_and(|j| {
                translate::get(
                    &prepared[j].props,
                    "LaunchTemplateData.MetadataOptions.HttpTokens",
                )
                .is_some()
            });
        let mut extra = Vec::new();
        if !tokens_set {
            let u = resolver_unknown(
                resolver,
                "neither the instance nor its launch template sets HttpTokens: the AMI and account IMDS defaults decide",
                pos,
                vec![Value::from("optional"), Value::from("required")],
            );
            extra.push((translate::DEFAULT_HTTP_TOKENS, u));
        }
        let props = &prepared[i].props;
        let lt_says = lt.is_some_and(|j| {
            !translate::get_all(
                &prepared[j].props,
                "LaunchTemplateData.NetworkInterfaces.*.AssociatePublicIpAddress",
            )
            .is_empty()
        });
        let says = lt_says
            || !translate::get_all(props, "NetworkInterfaces.*.AssociatePublicIpAddress")
                .is_empty();
        if !says {
            let subnet_given = props.get("SubnetId").is_some()
                || !translate::get_all(props, "NetworkInterfaces.*.SubnetId").is_empty();
            let value = match rel.iter().find(|(k, _)| *k == RelKind::Subnet) {
                Some((_, j)) => prepared[*j]
                    .props
                    .get("MapPublicIpOnLaunch")
                    .cloned()
                    .unwrap_or(Value::Bool(false)),
                None if !subnet_given => resolver_unknown(
                    resolver,
                    "no SubnetId: the default VPC's default subnet decides (it maps public IPs unless changed)",
                    pos,
                    vec![Value::Bool(true), Value::Bool(false)],
                ),
                None => resolver_unknown(
                    resolver,
                    "the subnet is not in this template",
                    pos,
                    vec![Value::Bool(false), Value::Bool(true)],
                ),
            };
            extra.push((translate::PUBLIC_IP_ON_LAUNCH, value));
        }
        if let Value::Object(o) = &mut prepared[i].props {
            for (k, v) in extra {
                o.insert(k.to_string(), v);
            }
        }
    }
}

/// RDS values the template may leave to the service: whether an instance is publicly
/// accessible when `PubliclyAccessible` is unset (AWS: public when its VPC, or the default
/// VPC without a subnet group, has an internet gateway), and whether storage is encrypted
/// when the instance is restored from a snapshot or replicates another (inherited).
fn add_rds_defaults(prepared: &mut [Prepared<'_>], resolver: &mut Resolver<'_>) {
    fn refers(v: Option<&Value>, unknowns: &[Unknown]) -> Option<String> {
        let mut ids = Vec::new();
        resolve::collect_unknowns(v?, unknowns, &mut ids);
        ids.iter().find_map(|id| unknowns[*id].refers_to.clone())
    }
    for i in 0..prepared.len() {
        if prepared[i].res.type_name != "AWS::RDS::DBInstance" {
            continue;
        }
        let pos = prepared[i].res.pos;
        let props = prepared[i].props.clone();
        let mut extra: Vec<(&str, Value)> = Vec::new();
        if props.get("PubliclyAccessible").is_none() && props.get("DBClusterIdentifier").is_none() {
            // Follow subnet group → subnet → VPC → internet gateway attachment.
            let unknowns = &resolver.unknowns;
            let group = refers(props.get("DBSubnetGroupName"), unknowns)
                .and_then(|g| prepared.iter().find(|p| p.res.logical_id == g));
            let vpc = group
                .and_then(|g| {
                    translate::get_all(&g.props, "SubnetIds.*")
                        .into_iter()
                        .next()
                        .cloned()
                })
                .and_then(|s| refers(Some(&s), unknowns))
                .and_then(|s| prepared.iter().find(|p| p.res.logical_id == s))
                .and_then(|s| refers(s.props.get("VpcId"), unknowns));
            let value = match vpc {
                Some(v) => Value::Bool(prepared.iter().any(|p| {
                    p.res.type_name == "AWS::EC2::VPCGatewayAttachment"
                        && p.props.get("InternetGatewayId").is_some()
                        && refers(p.props.get("VpcId"), unknowns).as_deref() == Some(v.as_str())
                })),
                None => resolver_unknown(
                    resolver,
                    "PubliclyAccessible is unset: public if the DB's VPC has an internet gateway, which the template does not show",
                    pos,
                    vec![Value::Bool(false), Value::Bool(true)],
                ),
            };
            extra.push(("PubliclyAccessible", value));
        }
        let inherits = [
            "DBSnapshotIdentifier",
            "SourceDBInstanceIdentifier",
            "SourceDBInstanceAutomatedBackupsArn",
            "SourceDbiResourceId",
        ]
        .iter()
        .any(|k| props.get(*k).is_some());
        if props.get("StorageEncrypted").is_none() && inherits {
            let value = resolver_unknown(
                resolver,
                "StorageEncrypted is unset and the instance is restored or replicated: encryption is inherited from its source",
                pos,
                vec![Value::Bool(false), Value::Bool(true)],
            );
            extra.push(("StorageEncrypted", value));
        }
        if let Value::Object(o) = &mut prepared[i].props {
            for (k, v) in extra {
                o.insert(k.to_string(), v);
            }
        }
    }
}

fn resolver_unknown(
    resolver: &mut Resolver<'_>,
    origin: &str,
    pos: Pos,
    domain: Vec<Value>,
) -> Value {
    resolve::marker(resolver.push(Unknown {
        origin: origin.into(),
        pos,
        domain,
        refers_to: None,
        open: false,
        is_condition: false,
        suffix: None,
    }))
}

/// A step of a property path.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Seg {
    Key(String),
    Index(usize),
}

fn path_text(prefix: &str, path: &[Seg]) -> String {
    let mut s = prefix.to_string();
    for seg in path {
        match seg {
            Seg::Key(k) if k.starts_with('\u{1}') => {}
            Seg::Key(k) => {
                s.push('.');
                s.push_str(k);
            }
            Seg::Index(i) => s.push_str(&format!("[{i}]")),
        }
    }
    s
}

/// The position of a property path inside a resource's `Properties` node (the deepest
/// node the path reaches; an intrinsic function stops the walk).
fn pos_at(node: &Node, path: &[Seg]) -> Pos {
    let mut cur = node;
    let mut pos = node.pos;
    for seg in path {
        let next = match (seg, &cur.value) {
            (Seg::Key(k), NodeValue::Map(m)) => m
                .iter()
                .find(|(mk, _, _)| mk == k)
                .map(|(_, kp, v)| (*kp, v)),
            (Seg::Index(i), NodeValue::Seq(l)) => l.get(*i).map(|v| (v.pos, v)),
            _ => None,
        };
        match next {
            Some((p, v)) => {
                pos = p;
                cur = v;
            }
            None => break,
        }
    }
    pos
}

fn property_ref(
    prepared: &[Prepared<'_>],
    source: Option<usize>,
    main: &Resource,
    path: &[Seg],
) -> PropertyRef {
    let res = source.map_or(main, |j| prepared[j].res);
    let prefix = match source {
        None => "Properties".to_string(),
        Some(_) => format!("{}.Properties", res.logical_id),
    };
    let pos = match &res.properties {
        Some(n)
            if !path
                .iter()
                .any(|s| matches!(s, Seg::Key(k) if k.starts_with('\u{1}'))) =>
        {
            pos_at(n, path)
        }
        _ => res.pos,
    };
    PropertyRef {
        path: path_text(&prefix, path),
        pos,
    }
}

/// Where unknown `id` stands among the sources (the resource first, then related ones).
fn find_unknown(
    sources: &[(&Value, Option<usize>)],
    id: usize,
    unknowns: &[Unknown],
    prepared: &[Prepared<'_>],
    main: &Resource,
) -> Option<PropertyRef> {
    fn walk(v: &Value, id: usize, unknowns: &[Unknown], path: &mut Vec<Seg>) -> bool {
        let mut ids = Vec::new();
        if resolve::marker_id(v).is_some() || v.get(resolve::IF_KEY).is_some() {
            resolve::collect_unknowns(v, unknowns, &mut ids);
            if ids.contains(&id) {
                // Step into an unknown condition's branches to the deepest place.
                return true;
            }
            return false;
        }
        match v {
            Value::Object(o) => {
                for (k, x) in o {
                    path.push(Seg::Key(k.clone()));
                    if walk(x, id, unknowns, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            Value::Array(a) => {
                for (i, x) in a.iter().enumerate() {
                    path.push(Seg::Index(i));
                    if walk(x, id, unknowns, path) {
                        return true;
                    }
                    path.pop();
                }
                false
            }
            _ => false,
        }
    }
    for (v, source) in sources {
        let mut path = Vec::new();
        if walk(v, id, unknowns, &mut path) {
            let mut r = property_ref(prepared, *source, main, &path);
            if path
                .iter()
                .any(|s| matches!(s, Seg::Key(k) if k == translate::DEFAULT_HTTP_TOKENS))
            {
                r.path = "MetadataOptions.HttpTokens".into();
            } else if path
                .iter()
                .any(|s| matches!(s, Seg::Key(k) if k == translate::PUBLIC_IP_ON_LAUNCH))
            {
                r.path = "the subnet's MapPublicIpOnLaunch".into();
            }
            return Some(r);
        }
    }
    None
}

/// The verdict with one property (source index, path) removed.
type VerdictWithout<'a> = dyn Fn((usize, &[Seg])) -> Option<Compliance> + 'a;

/// The property whose removal makes a NON_COMPLIANT verdict go away: a top-level
/// property of the resource or of a related one, then one of its entries.
fn blame(
    sources: &[(&Value, Option<usize>)],
    prepared: &[Prepared<'_>],
    main: &Resource,
    verdict_without: &VerdictWithout<'_>,
) -> Option<PropertyRef> {
    for (si, (v, source)) in sources.iter().enumerate() {
        let Value::Object(o) = v else { continue };
        for (k, x) in o {
            if k.starts_with('\u{1}') {
                continue;
            }
            let top = [Seg::Key(k.clone())];
            if verdict_without((si, &top)) == Some(Compliance::NonCompliant) {
                continue;
            }
            let children: Vec<Seg> = match x {
                Value::Array(a) => (0..a.len()).map(Seg::Index).collect(),
                Value::Object(m) => m.keys().map(|c| Seg::Key(c.clone())).collect(),
                _ => Vec::new(),
            };
            for c in children {
                let path = [top[0].clone(), c];
                if verdict_without((si, &path)) != Some(Compliance::NonCompliant) {
                    return Some(property_ref(prepared, *source, main, &path));
                }
            }
            return Some(property_ref(prepared, *source, main, &top));
        }
    }
    None
}

fn remove_at(v: &mut Value, path: &[Seg]) {
    let Some((last, head)) = path.split_last() else {
        return;
    };
    let mut cur = v;
    for seg in head {
        let next = match (seg, cur) {
            (Seg::Key(k), Value::Object(o)) => o.get_mut(k),
            (Seg::Index(i), Value::Array(a)) => a.get_mut(*i),
            _ => None,
        };
        match next {
            Some(n) => cur = n,
            None => return,
        }
    }
    match (last, cur) {
        (Seg::Key(k), Value::Object(o)) => {
            o.remove(k);
        }
        (Seg::Index(i), Value::Array(a)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => {}
    }
}

/// Suppressions in a resource's `Metadata`: ferrule's own
/// (`ferrule: {SuppressedRules: [{rule, reason}]}`) and cfn-guard's
/// (`guard: {SuppressedRules: [S3_BUCKET_PUBLIC_READ_PROHIBITED]}`, the managed rule
/// identifier, which is the rule name upper-cased with underscores).
pub fn suppressions(res: &Resource) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let Some(meta) = &res.metadata else {
        return out;
    };
    if let Some(NodeValue::Seq(list)) = meta
        .get("ferrule")
        .and_then(|f| f.get("SuppressedRules"))
        .map(|n| &n.value)
    {
        for s in list {
            let rule = s
                .get("rule")
                .or_else(|| s.get("Rule"))
                .and_then(Node::as_str)
                .or_else(|| s.as_str());
            let reason = s
                .get("reason")
                .or_else(|| s.get("Reason"))
                .and_then(Node::as_str)
                .unwrap_or("no reason given");
            if let Some(rule) = rule {
                out.push((rule.to_string(), reason.to_string()));
            }
        }
    }
    if let Some(NodeValue::Seq(list)) = meta
        .get("guard")
        .and_then(|f| f.get("SuppressedRules"))
        .map(|n| &n.value)
    {
        for s in list.iter().filter_map(Node::as_str) {
            out.push((
                s.to_ascii_lowercase().replace('_', "-"),
                "suppressed for cfn-guard (Metadata.guard.SuppressedRules)".to_string(),
            ));
        }
    }
    out
}
