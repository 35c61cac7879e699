//! Plans: Terraform plan JSON and Pulumi preview JSON, judged like templates.
//!
//! Both tools describe AWS resources in the AWS provider's schema (Pulumi's AWS provider
//! is bridged from Terraform's: the same attributes, in camelCase). So both readers
//! produce the same [`PlanResource`]s in Terraform's attribute names, and one
//! translation ([`provider`]) turns those into the CloudFormation resources the rest of
//! the preventive path already understands: the same relations (a bucket policy folds
//! into its bucket), the same service defaults, the same configuration items and rules.
//!
//! - [`terraform`]: `terraform show -json plan.out` (format 0.x and 1.x; what CDK for
//!   Terraform produces after `terraform plan` too).
//! - [`pulumi`]: `pulumi preview --json`.
//!
//! **Unknown values.** A value the plan knows only after apply (Terraform's
//! `after_unknown`, Pulumi's unknown-output sentinel) becomes an unknown, exactly like a
//! CloudFormation `!GetAtt`: the judge tries the verdict under several candidates and
//! says INSUFFICIENT_DATA when it depends on the value. One rule keeps that honest and
//! quiet: an attribute the *configuration* does not set (Terraform: no expression in the
//! plan's `configuration`; Pulumi: not among the inputs) is computed by the provider or
//! the service, so it is left out and the service default applies, as it does for a
//! template property that is not given.
//!
//! **Positions** are in the plan file: the line of the resource's entry, and of the
//! attribute a verdict blames. Neither format records the source file and line of the
//! resource block, so the plan file is what a finding points at.

pub mod provider;
pub mod pulumi;
pub mod terraform;

use super::resolve::PLAN_UNKNOWN_KEY;
use super::template::TemplateError;
use super::yaml::{Node, NodeValue, Pos};

/// What kind of document a parsed JSON/YAML tree is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanKind {
    /// `terraform show -json` of a plan.
    Terraform,
    /// `pulumi preview --json`.
    Pulumi,
}

/// Recognises a plan from its content: Terraform's `format_version` beside
/// `resource_changes`/`planned_values`/`terraform_version`, or Pulumi's `steps` beside
/// `changeSummary`/`config`/`diagnostics`.
pub fn detect(root: &Node) -> Option<PlanKind> {
    let NodeValue::Map(_) = &root.value else {
        return None;
    };
    let has = |k: &str| root.get(k).is_some();
    if has("format_version")
        && (has("resource_changes") || has("planned_values") || has("terraform_version"))
    {
        return Some(PlanKind::Terraform);
    }
    if matches!(root.get("steps").map(|s| &s.value), Some(NodeValue::Seq(_)))
        && (has("changeSummary") || has("config") || has("diagnostics") || has("duration"))
    {
        return Some(PlanKind::Pulumi);
    }
    None
}

/// One resource of a plan in the AWS provider's schema, Terraform's attribute names.
#[derive(Debug, Clone)]
pub struct PlanResource {
    /// The plan address (`module.net.aws_security_group.web[0]`) or Pulumi resource
    /// name: the resource id in findings.
    pub address: String,
    /// The provider's resource type (`aws_s3_bucket`).
    pub provider_type: String,
    /// Its attributes after the change, a mapping; unknown values are [`unknown`] nodes.
    pub attrs: Node,
    /// Where the resource's entry is in the plan file.
    pub pos: Pos,
}

/// A node for a value known only after apply: `origin` says where it comes from, and
/// `refers_to` is the address of the resource it belongs to, when known.
pub fn unknown(origin: &str, refers_to: Option<&str>, pos: Pos) -> Node {
    unknown_of_kind(origin, refers_to, "", pos)
}

/// An unknown of a known type: the values it can take are `candidates` (`false` and
/// `true` for a boolean, the canned ACLs for an ACL); anything else is returned as is.
pub fn typed(n: Node, candidates: &[serde_json::Value]) -> Node {
    let NodeValue::Map(m) = &n.value else {
        return n;
    };
    if !is_unknown(&n) {
        return n;
    }
    let NodeValue::Seq(parts) = &m[0].2.value else {
        return n;
    };
    let pos = n.pos;
    let mut parts: Vec<Node> = parts.iter().take(2).cloned().collect();
    parts.push(Node {
        pos,
        value: NodeValue::Str("values".into()),
    });
    parts.extend(candidates.iter().map(|c| json_node(c, pos)));
    unknown_node(pos, parts)
}

/// `{"\u{1}planUnknown": [parts...]}`.
fn unknown_node(pos: Pos, parts: Vec<Node>) -> Node {
    Node {
        pos,
        value: NodeValue::Map(vec![(
            PLAN_UNKNOWN_KEY.to_string(),
            pos,
            Node {
                pos,
                value: NodeValue::Seq(parts),
            },
        )]),
    }
}

fn json_node(v: &serde_json::Value, pos: Pos) -> Node {
    use serde_json::Value;
    let value = match v {
        Value::Null => NodeValue::Null,
        Value::Bool(b) => NodeValue::Bool(*b),
        Value::Number(n) => NodeValue::Number(n.to_string()),
        Value::String(s) => NodeValue::Str(s.clone()),
        Value::Array(l) => NodeValue::Seq(l.iter().map(|x| json_node(x, pos)).collect()),
        Value::Object(o) => NodeValue::Map(
            o.iter()
                .map(|(k, x)| (k.clone(), pos, json_node(x, pos)))
                .collect(),
        ),
    };
    Node { pos, value }
}

/// An unknown of `kind`: `maybe-null` (an expression over several values, such as a
/// conditional, which may come out empty) or `""` (that one value).
pub(crate) fn unknown_of_kind(origin: &str, refers_to: Option<&str>, kind: &str, pos: Pos) -> Node {
    let text = |s: &str| Node {
        pos,
        value: NodeValue::Str(s.to_string()),
    };
    unknown_node(
        pos,
        vec![text(origin), text(refers_to.unwrap_or("")), text(kind)],
    )
}

/// Whether `n` is an [`unknown`] node.
pub fn is_unknown(n: &Node) -> bool {
    matches!(&n.value, NodeValue::Map(m) if m.len() == 1 && m[0].0 == PLAN_UNKNOWN_KEY)
}

/// The address an [`unknown`] node refers to, if any.
pub fn unknown_refers_to(n: &Node) -> Option<&str> {
    match &n.value {
        NodeValue::Map(m) if m.len() == 1 && m[0].0 == PLAN_UNKNOWN_KEY => match &m[0].2.value {
            NodeValue::Seq(l) => l.get(1).and_then(Node::as_str).filter(|s| !s.is_empty()),
            _ => None,
        },
        _ => None,
    }
}

/// A plan that cannot be read: where and why.
pub(crate) fn error(pos: Pos, reason: impl Into<String>) -> TemplateError {
    TemplateError {
        pos,
        reason: reason.into(),
    }
}
