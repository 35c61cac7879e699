//! Terraform plan JSON (`terraform show -json plan.out`) → [`PlanResource`]s.
//!
//! Read from the documented format (format_version 0.x and 1.x):
//! - `resource_changes[]`: `address`, `module_address`, `mode`, `type`, `name`, `index`,
//!   `change.actions`, `change.after`, `change.after_unknown`. Managed resources whose
//!   change creates, updates or keeps them (`create`, `update`, `no-op`, and the
//!   replacements `["delete","create"]`/`["create","delete"]`) are judged; `delete`-only,
//!   `read` (data sources) and `forget` changes are not, since nothing exists after them.
//! - `configuration.root_module` (and `module_calls.*.module`, recursively):
//!   `resources[].expressions`, to tell an attribute the configuration sets from one the
//!   provider computes, and to follow `references` to the resource a value comes from.
//!
//! Sensitive values (`after_sensitive`) are read like any other value; nothing here
//! prints them, and findings name attributes, not their values.

use std::collections::HashMap;

use super::{error, unknown_of_kind, PlanResource};
use crate::preventive::template::TemplateError;
use crate::preventive::yaml::{Node, NodeValue, Pos};

/// One managed resource instance of the plan, for resolving references.
struct Instance {
    address: String,
    index: Option<String>,
}

/// Instances by module instance address and `type.name` (indexes left out).
type Instances = HashMap<(String, String), Vec<Instance>>;

/// Reads a plan's resources.
pub fn read(root: &Node) -> Result<Vec<PlanResource>, TemplateError> {
    let version_node = root.get("format_version");
    let version = version_node.and_then(Node::as_str).unwrap_or("");
    let major = version.split('.').next().unwrap_or("");
    if major != "0" && major != "1" {
        return Err(error(
            version_node.map_or(root.pos, |n| n.pos),
            format!(
                "Terraform plan format_version {version:?} is not supported: ferrule reads formats 0.x and 1.x \
                 (terraform show -json from Terraform 0.12 to 1.x); convert the plan with a Terraform 1.x `terraform show -json`"
            ),
        ));
    }
    let Some(changes) = root.get("resource_changes") else {
        return Ok(Vec::new());
    };
    let NodeValue::Seq(changes) = &changes.value else {
        return Err(error(
            changes.pos,
            format!(
                "resource_changes is {}, expected a list of resource changes",
                changes.kind()
            ),
        ));
    };

    let mut expressions = HashMap::new();
    let have_config = match root.get("configuration").and_then(|c| c.get("root_module")) {
        Some(m) => {
            index_module(m, "", &mut expressions);
            true
        }
        None => false,
    };

    let text = |rc: &Node, k: &str| rc.get(k).and_then(Node::as_str).unwrap_or("").to_string();
    let mut instances = Instances::new();
    for rc in changes.iter().filter(|rc| text(rc, "mode") != "data") {
        instances
            .entry((
                text(rc, "module_address"),
                format!("{}.{}", text(rc, "type"), text(rc, "name")),
            ))
            .or_default()
            .push(Instance {
                address: text(rc, "address"),
                index: rc.get("index").map(index_text),
            });
    }

    let mut out = Vec::new();
    for rc in changes {
        if text(rc, "mode") == "data" {
            continue;
        }
        let address = text(rc, "address");
        let type_name = text(rc, "type");
        if address.is_empty() || type_name.is_empty() {
            return Err(error(
                rc.pos,
                "a resource change without address or type: is this the output of `terraform show -json` of a plan?",
            ));
        }
        let change = rc.get("change");
        let actions: Vec<&str> = match change.and_then(|c| c.get("actions")).map(|a| &a.value) {
            Some(NodeValue::Seq(l)) => l.iter().filter_map(Node::as_str).collect(),
            _ => Vec::new(),
        };
        if !actions
            .iter()
            .any(|a| matches!(*a, "create" | "update" | "no-op"))
        {
            continue;
        }
        let Some(after) = change
            .and_then(|c| c.get("after"))
            .filter(|a| matches!(a.value, NodeValue::Map(_)))
        else {
            continue;
        };
        let module_address = text(rc, "module_address");
        let config_key = format!(
            "{}{}.{}",
            module_prefix(&strip_indexes(&module_address)),
            type_name,
            text(rc, "name")
        );
        let ctx = Ctx {
            address: &address,
            module_address: &module_address,
            index: rc.get("index").map(index_text),
            instances: &instances,
            have_config,
        };
        let expr = expressions.get(&config_key).copied();
        let unknowns = change.and_then(|c| c.get("after_unknown"));
        let attrs = merge(&ctx, Some(after), unknowns, expr, &mut Vec::new())
            .unwrap_or_else(|| after.clone());
        out.push(PlanResource {
            address: address.clone(),
            provider_type: type_name,
            attrs,
            pos: rc.key_pos("address").unwrap_or(rc.pos),
        });
    }
    Ok(out)
}

fn module_prefix(m: &str) -> String {
    if m.is_empty() {
        String::new()
    } else {
        format!("{m}.")
    }
}

fn index_text(n: &Node) -> String {
    match &n.value {
        NodeValue::Str(s) => format!("{s:?}"),
        _ => n.to_json().to_string(),
    }
}

/// `module.a["x"].aws_s3_bucket.b[0]` → `module.a.aws_s3_bucket.b`.
fn strip_indexes(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let mut depth = 0usize;
    let mut in_quote = false;
    let mut escaped = false;
    for c in address.chars() {
        if depth > 0 {
            if in_quote {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    in_quote = false;
                }
            } else if c == '"' {
                in_quote = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth -= 1;
            }
            continue;
        }
        if c == '[' {
            depth = 1;
        } else {
            out.push(c);
        }
    }
    out
}

/// Indexes `resources[].expressions` of a configuration module and its calls by
/// `module.a.type.name`.
fn index_module<'n>(module: &'n Node, prefix: &str, out: &mut HashMap<String, &'n Node>) {
    if let Some(NodeValue::Seq(resources)) = module.get("resources").map(|r| &r.value) {
        for r in resources {
            if r.get("mode").and_then(Node::as_str) == Some("data") {
                continue;
            }
            if let (Some(addr), Some(expr)) = (
                r.get("address").and_then(Node::as_str),
                r.get("expressions"),
            ) {
                out.insert(format!("{prefix}{addr}"), expr);
            }
        }
    }
    if let Some(calls) = module.get("module_calls") {
        for (name, _, call) in calls.entries() {
            if let Some(m) = call.get("module") {
                index_module(m, &format!("{prefix}module.{name}."), out);
            }
        }
    }
}

struct Ctx<'a> {
    address: &'a str,
    module_address: &'a str,
    index: Option<String>,
    instances: &'a Instances,
    have_config: bool,
}

/// `after` with every `after_unknown: true` value replaced by an unknown, or left out
/// when the configuration does not set it (the provider computes it).
fn merge(
    ctx: &Ctx<'_>,
    after: Option<&Node>,
    unk: Option<&Node>,
    expr: Option<&Node>,
    path: &mut Vec<String>,
) -> Option<Node> {
    if matches!(unk.map(|u| &u.value), Some(NodeValue::Bool(true))) {
        if ctx.have_config && expr.is_none() {
            return None;
        }
        let refs = expr.map(references).unwrap_or_default();
        let pos = after.map_or(Pos::default(), |a| a.pos);
        let target = refs.iter().find_map(|r| resolve_reference(ctx, r));
        let origin = match refs.first() {
            Some(r) => format!("{} (= {r}, known after apply)", dotted(ctx.address, path)),
            None => format!("{} (known after apply)", dotted(ctx.address, path)),
        };
        // One reference is that attribute's value (a key's ARN is a key); an expression
        // over several (a conditional, say) may come out empty.
        let mut bases: Vec<String> = refs
            .iter()
            .map(|r| r.split(['.', '[']).take(2).collect::<Vec<_>>().join("."))
            .collect();
        bases.sort();
        bases.dedup();
        let kind = if bases.len() == 1 { "" } else { "maybe-null" };
        return Some(unknown_of_kind(&origin, target.as_deref(), kind, pos));
    }
    let after = after?;
    match &after.value {
        NodeValue::Map(entries) => {
            let mut out: Vec<(String, Pos, Node)> = Vec::new();
            for (k, kpos, v) in entries {
                path.push(k.clone());
                let child = merge(
                    ctx,
                    Some(v),
                    unk.and_then(|u| u.get(k)),
                    expr_child(expr, k),
                    path,
                );
                path.pop();
                if let Some(c) = child {
                    out.push((k.clone(), *kpos, c));
                }
            }
            // Unknown attributes are often absent from `after`.
            if let Some(u) = unk {
                for (k, _, v) in u.entries() {
                    if entries.iter().any(|(e, _, _)| e == k) {
                        continue;
                    }
                    if let NodeValue::Bool(true) = v.value {
                        path.push(k.clone());
                        let child = merge(ctx, None, Some(v), expr_child(expr, k), path);
                        path.pop();
                        if let Some(mut c) = child {
                            set_pos(&mut c, after.pos);
                            out.push((k.clone(), after.pos, c));
                        }
                    }
                }
            }
            Some(Node {
                pos: after.pos,
                value: NodeValue::Map(out),
            })
        }
        NodeValue::Seq(items) => {
            let mut out = Vec::new();
            for (i, v) in items.iter().enumerate() {
                let u = match unk.map(|u| &u.value) {
                    Some(NodeValue::Seq(l)) => l.get(i),
                    _ => None,
                };
                let e = match expr.map(|e| &e.value) {
                    Some(NodeValue::Seq(l)) => l.get(i).or(l.first()),
                    _ => expr,
                };
                path.push(i.to_string());
                if let Some(c) = merge(ctx, Some(v), u, e, path) {
                    out.push(c);
                }
                path.pop();
            }
            Some(Node {
                pos: after.pos,
                value: NodeValue::Seq(out),
            })
        }
        _ => Some(after.clone()),
    }
}

fn set_pos(n: &mut Node, pos: Pos) {
    n.pos = pos;
    match &mut n.value {
        NodeValue::Map(m) => {
            for (_, p, v) in m {
                *p = pos;
                set_pos(v, pos);
            }
        }
        NodeValue::Seq(l) => l.iter_mut().for_each(|v| set_pos(v, pos)),
        _ => {}
    }
}

fn dotted(address: &str, path: &[String]) -> String {
    let mut s = address.to_string();
    for p in path {
        if p.chars().all(|c| c.is_ascii_digit()) {
            s.push_str(&format!("[{p}]"));
        } else {
            s.push('.');
            s.push_str(p);
        }
    }
    s
}

/// The expression of attribute or block `k` inside an expression object (a block's
/// expressions are a list of objects, one per block).
fn expr_child<'e>(expr: Option<&'e Node>, k: &str) -> Option<&'e Node> {
    let e = expr?;
    match &e.value {
        NodeValue::Map(_) if is_attribute_expression(e) => Some(e),
        NodeValue::Map(_) => e.get(k),
        NodeValue::Seq(l) => l.first().and_then(|f| f.get(k)),
        _ => None,
    }
}

fn is_attribute_expression(e: &Node) -> bool {
    e.get("references").is_some() || e.get("constant_value").is_some()
}

fn references(e: &Node) -> Vec<String> {
    let mut out = Vec::new();
    collect_references(e, &mut out);
    out
}

fn collect_references(e: &Node, out: &mut Vec<String>) {
    match &e.value {
        NodeValue::Map(m) => {
            for (k, _, v) in m {
                if k == "references" {
                    if let NodeValue::Seq(l) = &v.value {
                        out.extend(l.iter().filter_map(Node::as_str).map(str::to_string));
                    }
                } else {
                    collect_references(v, out);
                }
            }
        }
        NodeValue::Seq(l) => l.iter().for_each(|v| collect_references(v, out)),
        _ => {}
    }
}

/// The plan address of the resource a reference (`aws_s3_bucket.logs.id`,
/// `aws_kms_key.k[0].arn`) names, within the referring resource's module instance.
fn resolve_reference(ctx: &Ctx<'_>, reference: &str) -> Option<String> {
    let (type_name, rest) = reference.split_once('.')?;
    if matches!(
        type_name,
        "var" | "local" | "data" | "module" | "each" | "count" | "path" | "terraform" | "self"
    ) {
        return None;
    }
    let name_end = rest.find(['.', '[']).unwrap_or(rest.len());
    let name = &rest[..name_end];
    let explicit_index = rest[name_end..]
        .strip_prefix('[')
        .and_then(|r| r.find(']').map(|e| r[..e].to_string()))
        // `[count.index]`, `[each.key]`: the same instance as the referrer's, below.
        .filter(|ix| ix.parse::<i64>().is_ok() || ix.starts_with('"'));
    let candidates = ctx.instances.get(&(
        ctx.module_address.to_string(),
        format!("{type_name}.{name}"),
    ))?;
    let pick = if let Some(ix) = explicit_index {
        candidates
            .iter()
            .find(|c| c.index.as_deref() == Some(ix.as_str()))
    } else if candidates.len() == 1 {
        candidates.first()
    } else {
        candidates
            .iter()
            .find(|c| c.index.is_some() && c.index == ctx.index)
    };
    pick.map(|c| c.address.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preventive::plan::{is_unknown, unknown_refers_to};
    use crate::preventive::yaml;

    fn plan(json: &str) -> Vec<PlanResource> {
        read(&yaml::parse(json).unwrap()).unwrap()
    }

    #[test]
    fn indexes_are_stripped_even_when_quoted_keys_hold_brackets() {
        assert_eq!(
            strip_indexes(r#"module.a["x]y"].aws_s3_bucket.b[0]"#),
            "module.a.aws_s3_bucket.b"
        );
    }

    #[test]
    fn deletes_and_data_sources_are_not_judged_and_no_ops_are() {
        let r = plan(
            r#"{"format_version":"1.2","resource_changes":[
              {"address":"aws_s3_bucket.gone","mode":"managed","type":"aws_s3_bucket","name":"gone","change":{"actions":["delete"],"after":null}},
              {"address":"data.aws_caller_identity.c","mode":"data","type":"aws_caller_identity","name":"c","change":{"actions":["read"],"after":{}}},
              {"address":"aws_s3_bucket.kept","mode":"managed","type":"aws_s3_bucket","name":"kept","change":{"actions":["no-op"],"after":{"bucket":"kept"}}},
              {"address":"aws_s3_bucket.new","mode":"managed","type":"aws_s3_bucket","name":"new","change":{"actions":["delete","create"],"after":{"bucket":"new"}}}]}"#,
        );
        let addrs: Vec<&str> = r.iter().map(|r| r.address.as_str()).collect();
        assert_eq!(addrs, ["aws_s3_bucket.kept", "aws_s3_bucket.new"]);
    }

    #[test]
    fn an_unknown_the_configuration_sets_is_kept_and_follows_its_reference() {
        let r = plan(
            r#"{"format_version":"1.2","resource_changes":[
              {"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","change":{"actions":["create"],"after":{"bucket_prefix":"x"},"after_unknown":{"bucket":true,"arn":true}}},
              {"address":"aws_s3_bucket_policy.p","mode":"managed","type":"aws_s3_bucket_policy","name":"p","change":{"actions":["create"],"after":{"policy":"{}"},"after_unknown":{"bucket":true,"id":true}}}],
             "configuration":{"root_module":{"resources":[
              {"address":"aws_s3_bucket.b","mode":"managed","type":"aws_s3_bucket","name":"b","expressions":{"bucket_prefix":{"constant_value":"x"}}},
              {"address":"aws_s3_bucket_policy.p","mode":"managed","type":"aws_s3_bucket_policy","name":"p","expressions":{"bucket":{"references":["aws_s3_bucket.b.id","aws_s3_bucket.b"]},"policy":{"constant_value":"{}"}}}]}}}"#,
        );
        // The bucket's computed name and ARN are not set by the configuration: left out.
        assert!(r[0].attrs.get("bucket").is_none());
        assert!(r[0].attrs.get("arn").is_none());
        let bucket = r[1].attrs.get("bucket").unwrap();
        assert!(is_unknown(bucket));
        assert_eq!(unknown_refers_to(bucket), Some("aws_s3_bucket.b"));
        assert!(r[1].attrs.get("id").is_none());
    }

    #[test]
    fn references_resolve_within_the_module_instance_and_by_index() {
        let r = plan(
            r#"{"format_version":"1.2","resource_changes":[
              {"address":"module.m.aws_kms_key.k[0]","module_address":"module.m","mode":"managed","type":"aws_kms_key","name":"k","index":0,"change":{"actions":["create"],"after":{}}},
              {"address":"module.m.aws_kms_key.k[1]","module_address":"module.m","mode":"managed","type":"aws_kms_key","name":"k","index":1,"change":{"actions":["create"],"after":{}}},
              {"address":"module.m.aws_sns_topic.t[1]","module_address":"module.m","mode":"managed","type":"aws_sns_topic","name":"t","index":1,"change":{"actions":["create"],"after":{}, "after_unknown":{"kms_master_key_id":true}}}],
             "configuration":{"root_module":{"module_calls":{"m":{"module":{"resources":[
              {"address":"aws_sns_topic.t","mode":"managed","type":"aws_sns_topic","name":"t","expressions":{"kms_master_key_id":{"references":["aws_kms_key.k[count.index].arn","aws_kms_key.k"]}}}]}}}}}}"#,
        );
        let key = r[2].attrs.get("kms_master_key_id").unwrap();
        assert_eq!(unknown_refers_to(key), Some("module.m.aws_kms_key.k[1]"));
    }

    #[test]
    fn an_unsupported_format_version_is_named() {
        let e = read(&yaml::parse(r#"{"format_version":"2.0","resource_changes":[]}"#).unwrap())
            .unwrap_err();
        assert!(
            e.reason.contains("\"2.0\" is not supported"),
            "{}",
            e.reason
        );
    }
}
