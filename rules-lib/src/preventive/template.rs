//! A CloudFormation template's sections, read from the positioned tree: parameters,
//! mappings, conditions, resources (with their conditions and metadata) and transforms.
//!
//! A file is a template when its top level is a mapping with a `Resources` mapping whose
//! entries have a `Type`, or with `AWSTemplateFormatVersion`. Anything else (a buildspec,
//! a Kubernetes manifest, an event sample) is [`Reading::NotATemplate`] with the reason,
//! which `rdk check` reports as skipped rather than as an error.

use super::yaml::{self, Node, NodeValue, Pos};

/// A template parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// The parameter's name.
    pub name: String,
    /// `Type` (`String`, `Number`, `CommaDelimitedList`, `AWS::EC2::VPC::Id`, ...).
    pub type_name: String,
    /// `Default`, when given.
    pub default: Option<Node>,
    /// `AllowedValues`, when given (as text).
    pub allowed_values: Vec<String>,
    /// `NoEcho: true`: the value is never shown.
    pub no_echo: bool,
    /// Where the parameter is declared.
    pub pos: Pos,
}

/// A resource of the template.
#[derive(Debug, Clone)]
pub struct Resource {
    /// The logical ID.
    pub logical_id: String,
    /// `Type`, e.g. `AWS::S3::Bucket`.
    pub type_name: String,
    /// `Properties` (absent: none given).
    pub properties: Option<Node>,
    /// `Condition`: the resource exists only when it holds.
    pub condition: Option<String>,
    /// `Metadata` (suppressions live here).
    pub metadata: Option<Node>,
    /// Where the logical ID is written.
    pub pos: Pos,
}

/// A parsed template.
#[derive(Debug, Clone)]
pub struct Template {
    /// `Parameters`.
    pub parameters: Vec<Parameter>,
    /// `Mappings` (a mapping node, or absent).
    pub mappings: Option<Node>,
    /// `Conditions`, by name.
    pub conditions: Vec<(String, Node)>,
    /// `Resources`, in document order.
    pub resources: Vec<Resource>,
    /// `Transform` names (`AWS::Serverless-2016-10-31`, macros).
    pub transforms: Vec<String>,
    /// SAM `Globals` (their `Function` section applies to every serverless function).
    pub globals: Option<Node>,
}

/// What a file turned out to be.
#[derive(Debug)]
pub enum Reading {
    /// A CloudFormation template.
    Template(Box<Template>),
    /// Not a template; why.
    NotATemplate(String),
}

/// Why a template cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {}, column {}: {reason}", pos.line, pos.column)]
pub struct TemplateError {
    /// Where.
    pub pos: Pos,
    /// What is wrong and, where it helps, how to fix it.
    pub reason: String,
}

/// Parses template (or plan) text, YAML or JSON, into a positioned tree.
pub fn parse(text: &str) -> Result<Node, TemplateError> {
    yaml::parse(text).map_err(|e| TemplateError {
        pos: e.pos,
        reason: if text.starts_with('\u{feff}') {
            format!("{} (the file starts with a byte-order mark)", e.reason)
        } else {
            e.reason
        },
    })
}

impl Template {
    /// Reads a template from YAML or JSON text.
    pub fn read(text: &str) -> Result<Reading, TemplateError> {
        Self::from_node(parse(text)?)
    }

    /// Reads a template from a parsed tree.
    pub fn from_node(root: Node) -> Result<Reading, TemplateError> {
        let NodeValue::Map(_) = &root.value else {
            return Ok(Reading::NotATemplate(format!(
                "the document is {}, not a mapping with a Resources section",
                root.kind()
            )));
        };
        let resources_node = root.get("Resources");
        let looks_like_template = root.get("AWSTemplateFormatVersion").is_some()
            || resources_node.is_some_and(|r| {
                r.entries()
                    .iter()
                    .any(|(k, _, v)| v.get("Type").is_some() || k.starts_with("Fn::ForEach::"))
            });
        if !looks_like_template {
            return Ok(Reading::NotATemplate(
                "no AWSTemplateFormatVersion and no Resources with a Type: not a CloudFormation template"
                    .into(),
            ));
        }
        let Some(resources_node) = resources_node else {
            return Err(TemplateError {
                pos: root.pos,
                reason: "the template has no Resources section; CloudFormation requires at least one resource".into(),
            });
        };
        if !matches!(resources_node.value, NodeValue::Map(_)) {
            return Err(TemplateError {
                pos: resources_node.pos,
                reason: format!(
                    "Resources is {}; it must map logical IDs to resources",
                    resources_node.kind()
                ),
            });
        }
        let mut resources = Vec::new();
        let entries = expand_for_each(resources_node.entries(), &root)?;
        for (id, pos, r) in &entries {
            let type_name = match r.get("Type") {
                Some(t) => match t.as_str() {
                    Some(s) => s,
                    None => {
                        if let Some((tag, _, _)) = t
                            .entries()
                            .first()
                            .filter(|(k, _, _)| k.ends_with("::Module"))
                        {
                            return Ok(Reading::NotATemplate(format!(
                                "resource {id} has Type !{}: a pre-processor template (Rain modules); package it first (rain pkg) and check the output",
                                tag.trim_start_matches("Fn::")
                            )));
                        }
                        return Err(TemplateError {
                            pos: t.pos,
                            reason: format!("resource {id}: Type is {}, not text", t.kind()),
                        });
                    }
                },
                None => {
                    return Err(TemplateError {
                        pos: *pos,
                        reason: format!(
                            "resource {id} has no Type (add e.g. Type: AWS::S3::Bucket)"
                        ),
                    })
                }
            };
            let condition = match r.get("Condition") {
                None => None,
                Some(c) => Some(
                    c.as_str()
                        .map(str::to_string)
                        .ok_or_else(|| TemplateError {
                            pos: c.pos,
                            reason: format!(
                                "resource {id}: Condition must name a condition, found {}",
                                c.kind()
                            ),
                        })?,
                ),
            };
            resources.push(Resource {
                logical_id: id.clone(),
                type_name: type_name.to_string(),
                properties: r.get("Properties").cloned(),
                condition,
                metadata: r.get("Metadata").cloned(),
                pos: *pos,
            });
        }
        let parameters = root
            .get("Parameters")
            .map(|p| {
                p.entries()
                    .iter()
                    .map(|(name, pos, decl)| Parameter {
                        name: name.clone(),
                        type_name: decl
                            .get("Type")
                            .and_then(Node::as_str)
                            .unwrap_or("String")
                            .to_string(),
                        default: decl.get("Default").cloned(),
                        allowed_values: match decl.get("AllowedValues").map(|a| &a.value) {
                            Some(NodeValue::Seq(l)) => l
                                .iter()
                                .filter_map(|v| match &v.value {
                                    NodeValue::Bool(b) => Some(b.to_string()),
                                    _ => v.as_str().map(str::to_string),
                                })
                                .collect(),
                            _ => Vec::new(),
                        },
                        no_echo: matches!(
                            decl.get("NoEcho").map(|n| &n.value),
                            Some(NodeValue::Bool(true))
                        ) || decl
                            .get("NoEcho")
                            .and_then(Node::as_str)
                            .is_some_and(|s| s.eq_ignore_ascii_case("true")),
                        pos: *pos,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let conditions = root
            .get("Conditions")
            .map(|c| {
                c.entries()
                    .iter()
                    .map(|(k, _, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        let transforms = match root.get("Transform").map(|t| &t.value) {
            Some(NodeValue::Str(s)) => vec![s.clone()],
            Some(NodeValue::Seq(l)) => l
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
            Some(NodeValue::Map(_)) => root
                .get("Transform")
                .and_then(|t| t.get("Name"))
                .and_then(Node::as_str)
                .map(|s| vec![s.to_string()])
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        Ok(Reading::Template(Box::new(Template {
            parameters,
            mappings: root.get("Mappings").cloned(),
            conditions,
            resources,
            transforms,
            globals: root.get("Globals").cloned(),
        })))
    }

    /// The parameter named `name`.
    pub fn parameter(&self, name: &str) -> Option<&Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// The resource with this logical ID.
    pub fn resource(&self, logical_id: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.logical_id == logical_id)
    }

    /// Whether the SAM transform applies.
    pub fn is_sam(&self) -> bool {
        self.transforms
            .iter()
            .any(|t| t.starts_with("AWS::Serverless"))
    }
}

/// Expands `Fn::ForEach::Name: [Identifier, Collection, {Key${Identifier}: Fragment}]`
/// (the `AWS::LanguageExtensions` transform) into the resources it stands for. The
/// collection must be a literal list or a parameter with a default list; `${Id}` and
/// `&{Id}` in keys, `!Ref Id` and `${Id}` in `!Sub` text take each value in turn.
fn expand_for_each(
    entries: &[(String, Pos, Node)],
    root: &Node,
) -> Result<Vec<(String, Pos, Node)>, TemplateError> {
    let mut out = Vec::new();
    for (key, pos, value) in entries {
        if !key.starts_with("Fn::ForEach::") {
            out.push((key.clone(), *pos, value.clone()));
            continue;
        }
        let bad = |why: &str| TemplateError {
            pos: *pos,
            reason: format!("{key}: {why}"),
        };
        let NodeValue::Seq(args) = &value.value else {
            return Err(bad(
                "expects [Identifier, Collection, {OutputKey: Fragment}]",
            ));
        };
        let (Some(id), Some(collection), Some(fragment)) = (
            args.first().and_then(Node::as_str),
            args.get(1),
            args.get(2),
        ) else {
            return Err(bad(
                "expects [Identifier, Collection, {OutputKey: Fragment}]",
            ));
        };
        let items: Vec<String> = match &collection.value {
            NodeValue::Seq(l) => l
                .iter()
                .filter_map(|n| n.as_str().map(str::to_string))
                .collect(),
            _ => {
                let param = collection.get("Ref").and_then(Node::as_str);
                let default = param
                    .and_then(|p| root.get("Parameters")?.get(p)?.get("Default"))
                    .and_then(|d| match &d.value {
                        NodeValue::Seq(l) => Some(
                            l.iter()
                                .filter_map(|n| n.as_str().map(str::to_string))
                                .collect(),
                        ),
                        _ => d
                            .as_str()
                            .map(|s| s.split(',').map(|x| x.trim().to_string()).collect()),
                    });
                default.ok_or_else(|| bad("the collection is known only at deploy time (a parameter with no Default); give it with --parameter-overrides is not supported for Fn::ForEach yet"))?
            }
        };
        let mut expanded = Vec::new();
        for item in &items {
            let alnum: String = item.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
            for (k, kpos, frag) in fragment.entries() {
                let k = k
                    .replace(&format!("${{{id}}}"), item)
                    .replace(&format!("&{{{id}}}"), &alnum);
                expanded.push((k, *kpos, replace_identifier(frag, id, item)));
            }
        }
        out.extend(expand_for_each(&expanded, root)?);
    }
    Ok(out)
}

fn replace_identifier(node: &Node, id: &str, value: &str) -> Node {
    let pos = node.pos;
    let v = match &node.value {
        NodeValue::Map(m) if m.len() == 1 && m[0].0 == "Ref" && m[0].2.as_str() == Some(id) => {
            NodeValue::Str(value.to_string())
        }
        NodeValue::Map(m) => NodeValue::Map(
            m.iter()
                .map(|(k, p, v)| (k.clone(), *p, replace_identifier(v, id, value)))
                .collect(),
        ),
        NodeValue::Seq(l) => {
            NodeValue::Seq(l.iter().map(|v| replace_identifier(v, id, value)).collect())
        }
        NodeValue::Str(s) => NodeValue::Str(
            s.replace(&format!("${{{id}}}"), value)
                .replace(&format!("&{{{id}}}"), value),
        ),
        other => other.clone(),
    };
    Node { pos, value: v }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Reading {
        Template::read(text).unwrap()
    }

    #[test]
    fn a_template_is_recognised_by_its_resources_or_version() {
        let Reading::Template(t) =
            read("Resources:\n  B:\n    Type: AWS::S3::Bucket\n    Condition: IsProd\n")
        else {
            panic!("not read as a template")
        };
        assert_eq!(t.resources[0].logical_id, "B");
        assert_eq!(t.resources[0].condition.as_deref(), Some("IsProd"));
        assert_eq!(t.resources[0].pos, Pos { line: 2, column: 3 });
    }

    #[test]
    fn other_yaml_is_not_a_template() {
        assert!(matches!(
            read("version: 0.2\nphases:\n  build:\n    commands: [make]\n"),
            Reading::NotATemplate(_)
        ));
        assert!(matches!(read("- a\n- b\n"), Reading::NotATemplate(_)));
        assert!(matches!(
            read("apiVersion: v1\nkind: Pod\n"),
            Reading::NotATemplate(_)
        ));
    }

    #[test]
    fn malformed_templates_name_the_position() {
        let e = Template::read(
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Properties: {}\n",
        )
        .unwrap_err();
        assert_eq!(e.pos.line, 3);
        assert!(e.reason.contains("no Type"), "{e}");
        let e =
            Template::read("AWSTemplateFormatVersion: '2010-09-09'\nResources: [a]\n").unwrap_err();
        assert!(e.reason.contains("Resources is a list"), "{e}");
    }

    #[test]
    fn for_each_expands_into_one_resource_per_item() {
        let Reading::Template(t) = read(
            "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::Tables:\n    - Name\n    - [Points, Score]\n    - Table${Name}:\n        Type: AWS::DynamoDB::Table\n        Properties:\n          TableName: !Ref Name\n",
        ) else {
            panic!()
        };
        let ids: Vec<&str> = t.resources.iter().map(|r| r.logical_id.as_str()).collect();
        assert_eq!(ids, vec!["TablePoints", "TableScore"]);
        let name = t.resources[1]
            .properties
            .as_ref()
            .unwrap()
            .get("TableName")
            .unwrap();
        assert_eq!(name.as_str(), Some("Score"));
    }

    #[test]
    fn pre_processor_modules_are_not_templates() {
        let r = read("Resources:\n  Storage:\n    Type: !Rain::Module ../bucket.yml\n");
        assert!(matches!(r, Reading::NotATemplate(why) if why.contains("rain pkg")));
    }

    #[test]
    fn parameters_transforms_and_sam_are_read() {
        let Reading::Template(t) = read(
            "Transform: AWS::Serverless-2016-10-31\nParameters:\n  Env:\n    Type: String\n    AllowedValues: [prod, dev]\n    NoEcho: true\nResources:\n  F:\n    Type: AWS::Serverless::Function\n",
        ) else {
            panic!()
        };
        assert!(t.is_sam());
        let p = t.parameter("Env").unwrap();
        assert_eq!(p.allowed_values, vec!["prod", "dev"]);
        assert!(p.no_echo && p.default.is_none());
    }
}
