//! Template text → a tree of nodes that remember where they stand (line and column).
//!
//! CloudFormation templates come as YAML (with the short-form intrinsic tags `!Ref`,
//! `!GetAtt`, `!Sub`, ...) or JSON. JSON is read by the same YAML 1.2 parser, so both
//! give the same positioned tree. Short-form tags are rewritten into the long form the
//! JSON templates use (`!Ref X` → `{"Ref": "X"}`, `!GetAtt A.B` → `{"Fn::GetAtt": ["A",
//! "B"]}`, `!Condition C` → `{"Condition": "C"}`, any other `!Name` → `{"Fn::Name": ...}`),
//! so everything after this module sees one form.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// A position in a template file: 1-based line and column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, serde::Serialize)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub column: u32,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// A value of the template with its position.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Where the value starts.
    pub pos: Pos,
    /// The value.
    pub value: NodeValue,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub enum NodeValue {
    /// `null`, `~` or nothing.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A number, kept as written (CloudFormation passes numbers on as text).
    Number(String),
    /// Text.
    Str(String),
    /// A list.
    Seq(Vec<Node>),
    /// A mapping, in document order, keys with their positions.
    Map(Vec<(String, Pos, Node)>),
}

impl Node {
    /// The value under `key`, when this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(m) => m.iter().find(|(k, _, _)| k == key).map(|(_, _, v)| v),
            _ => None,
        }
    }

    /// The position of `key` in this mapping.
    pub fn key_pos(&self, key: &str) -> Option<Pos> {
        match &self.value {
            NodeValue::Map(m) => m.iter().find(|(k, _, _)| k == key).map(|(_, p, _)| *p),
            _ => None,
        }
    }

    /// The mapping's entries, or none.
    pub fn entries(&self) -> &[(String, Pos, Node)] {
        match &self.value {
            NodeValue::Map(m) => m,
            _ => &[],
        }
    }

    /// The text of a string (or number) node.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Str(s) | NodeValue::Number(s) => Some(s),
            _ => None,
        }
    }

    /// What kind of value this is, for messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "a boolean",
            NodeValue::Number(_) => "a number",
            NodeValue::Str(_) => "text",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }

    /// The node as plain JSON (positions dropped).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(n) => serde_json::from_str::<serde_json::Number>(n)
                .map(Value::Number)
                .unwrap_or_else(|_| Value::String(n.clone())),
            NodeValue::Str(s) => Value::String(s.clone()),
            NodeValue::Seq(l) => Value::Array(l.iter().map(Node::to_json).collect()),
            NodeValue::Map(m) => {
                Value::Object(m.iter().map(|(k, _, v)| (k.clone(), v.to_json())).collect())
            }
        }
    }
}

/// Why a text is not a readable YAML or JSON document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// Where the parser stopped.
    pub pos: Pos,
    /// What it found.
    pub reason: String,
}

/// Parses one YAML or JSON document into a positioned tree. An empty document is
/// `Null`; a stream of several documents keeps the first (templates are one document).
pub fn parse(text: &str) -> Result<Node, SyntaxError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder::default();
    let mut parser = Parser::new_from_str(text);
    parser.load(&mut builder, false).map_err(|e| SyntaxError {
        pos: pos_of(e.marker()),
        reason: e.info().to_string(),
    })?;
    if let Some(e) = builder.error {
        return Err(e);
    }
    Ok(builder.root.unwrap_or(Node {
        pos: Pos { line: 1, column: 1 },
        value: NodeValue::Null,
    }))
}

fn pos_of(m: &Marker) -> Pos {
    Pos {
        line: m.line() as u32,
        column: m.col() as u32 + 1,
    }
}

enum Frame {
    Seq {
        pos: Pos,
        tag: Option<Tag>,
        anchor: usize,
        items: Vec<Node>,
    },
    Map {
        pos: Pos,
        tag: Option<Tag>,
        anchor: usize,
        entries: Vec<(String, Pos, Node)>,
        key: Option<(String, Pos)>,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    anchors: HashMap<usize, Node>,
    error: Option<SyntaxError>,
    done: bool,
}

impl Builder {
    fn push_node(&mut self, node: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(node);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, key, .. }) => match key.take() {
                None => {
                    let k = match &node.value {
                        NodeValue::Str(s) | NodeValue::Number(s) => s.clone(),
                        NodeValue::Bool(b) => b.to_string(),
                        NodeValue::Null => String::new(),
                        _ => {
                            if self.error.is_none() {
                                self.error = Some(SyntaxError {
                                    pos: node.pos,
                                    reason: format!(
                                        "a mapping key must be text, found {}",
                                        node.kind()
                                    ),
                                });
                            }
                            String::new()
                        }
                    };
                    *key = Some((k, node.pos));
                }
                Some((k, kpos)) => {
                    // YAML forbids duplicate keys; CloudFormation rejects them too.
                    if entries.iter().any(|(e, _, _)| *e == k) && self.error.is_none() {
                        self.error = Some(SyntaxError {
                            pos: kpos,
                            reason: format!("duplicate mapping key `{k}`"),
                        });
                    }
                    entries.push((k, kpos, node));
                }
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.done {
            return;
        }
        let pos = pos_of(&mark);
        match ev {
            Event::DocumentEnd if self.root.is_some() => self.done = true,
            Event::DocumentEnd => {}
            Event::Scalar(text, style, anchor, tag) => {
                let node = scalar(text, style, tag.as_ref(), pos);
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_node(node);
            }
            Event::Alias(id) => {
                let node = self.anchors.get(&id).cloned().unwrap_or(Node {
                    pos,
                    value: NodeValue::Null,
                });
                self.push_node(node);
            }
            Event::SequenceStart(anchor, tag) => self.stack.push(Frame::Seq {
                pos,
                tag,
                anchor,
                items: Vec::new(),
            }),
            Event::MappingStart(anchor, tag) => self.stack.push(Frame::Map {
                pos,
                tag,
                anchor,
                entries: Vec::new(),
                key: None,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let Some(frame) = self.stack.pop() else {
                    return;
                };
                let (node, anchor) = match frame {
                    Frame::Seq {
                        pos,
                        tag,
                        anchor,
                        items,
                    } => (
                        tagged(
                            Node {
                                pos,
                                value: NodeValue::Seq(items),
                            },
                            tag.as_ref(),
                        ),
                        anchor,
                    ),
                    Frame::Map {
                        pos,
                        tag,
                        anchor,
                        entries,
                        ..
                    } => (
                        tagged(
                            Node {
                                pos,
                                value: NodeValue::Map(entries),
                            },
                            tag.as_ref(),
                        ),
                        anchor,
                    ),
                };
                if anchor > 0 {
                    self.anchors.insert(anchor, node.clone());
                }
                self.push_node(node);
            }
            _ => {}
        }
    }
}

/// Types a plain scalar as YAML 1.2's core schema does; quoted scalars are text.
fn scalar(text: String, style: TScalarStyle, tag: Option<&Tag>, pos: Pos) -> Node {
    let value = if let Some(t) = tag.filter(|t| t.handle == "!!" || t.handle.starts_with("tag:")) {
        // Standard tags: !!str forces text, others fall back to plain typing.
        if t.suffix.ends_with("str") {
            NodeValue::Str(text)
        } else {
            plain(text)
        }
    } else if style == TScalarStyle::Plain {
        plain(text)
    } else {
        NodeValue::Str(text)
    };
    tagged(Node { pos, value }, tag)
}

fn plain(text: String) -> NodeValue {
    match text.as_str() {
        "" | "~" | "null" | "Null" | "NULL" => NodeValue::Null,
        "true" | "True" | "TRUE" => NodeValue::Bool(true),
        "false" | "False" | "FALSE" => NodeValue::Bool(false),
        t if looks_numeric(t) => NodeValue::Number(text),
        _ => NodeValue::Str(text),
    }
}

fn looks_numeric(t: &str) -> bool {
    let body = t.strip_prefix(['-', '+']).unwrap_or(t);
    if body.is_empty() || !body.starts_with(|c: char| c.is_ascii_digit()) {
        return false;
    }
    // Leading zeros ("0123", an account id or a file mode) stay text, as CloudFormation keeps them.
    if body.len() > 1 && body.starts_with('0') && !body.starts_with("0.") {
        return false;
    }
    t.parse::<f64>().is_ok() && !t.contains(['e', 'E']) || t.parse::<i64>().is_ok()
}

/// Rewrites a short-form intrinsic tag into its long form.
fn tagged(node: Node, tag: Option<&Tag>) -> Node {
    let Some(tag) = tag.filter(|t| t.handle == "!") else {
        return node;
    };
    let pos = node.pos;
    let name = tag.suffix.as_str();
    let (key, value) = match name {
        "Ref" => ("Ref".to_string(), node),
        "Condition" => ("Condition".to_string(), node),
        "GetAtt" => {
            let value = match &node.value {
                NodeValue::Str(s) => match s.split_once('.') {
                    Some((a, b)) => Node {
                        pos,
                        value: NodeValue::Seq(vec![
                            Node {
                                pos,
                                value: NodeValue::Str(a.to_string()),
                            },
                            Node {
                                pos,
                                value: NodeValue::Str(b.to_string()),
                            },
                        ]),
                    },
                    None => node,
                },
                _ => node,
            };
            ("Fn::GetAtt".to_string(), value)
        }
        other => (format!("Fn::{other}"), node),
    };
    Node {
        pos,
        value: NodeValue::Map(vec![(key, pos, value)]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_form_tags_become_long_form_with_positions() {
        let n = parse(
            "A:\n  B: !Ref X\n  C: !GetAtt R.Arn\n  D: !Sub 'a-${X}'\n  E: !Condition IsProd\n",
        )
        .unwrap();
        let a = n.get("A").unwrap();
        assert_eq!(
            a.get("B").unwrap().to_json(),
            serde_json::json!({"Ref": "X"})
        );
        assert_eq!(
            a.get("C").unwrap().to_json(),
            serde_json::json!({"Fn::GetAtt": ["R", "Arn"]})
        );
        assert_eq!(
            a.get("D").unwrap().to_json(),
            serde_json::json!({"Fn::Sub": "a-${X}"})
        );
        assert_eq!(
            a.get("E").unwrap().to_json(),
            serde_json::json!({"Condition": "IsProd"})
        );
        assert_eq!(a.key_pos("C"), Some(Pos { line: 3, column: 3 }));
    }

    #[test]
    fn json_is_read_by_the_same_parser_with_positions() {
        let n = parse("{\n  \"Resources\": {\n    \"B\": {\"Type\": \"AWS::S3::Bucket\"}\n  }\n}")
            .unwrap();
        let r = n.get("Resources").unwrap();
        assert_eq!(r.key_pos("B").unwrap().line, 3);
        assert_eq!(
            r.get("B").unwrap().get("Type").unwrap().as_str(),
            Some("AWS::S3::Bucket")
        );
    }

    #[test]
    fn plain_scalars_are_typed_and_quoted_ones_stay_text() {
        let n = parse("a: true\nb: 'true'\nc: 22\nd: 0123\ne: ~\nf: 1.5\n").unwrap();
        assert_eq!(n.get("a").unwrap().value, NodeValue::Bool(true));
        assert_eq!(n.get("b").unwrap().value, NodeValue::Str("true".into()));
        assert_eq!(n.get("c").unwrap().value, NodeValue::Number("22".into()));
        assert_eq!(n.get("d").unwrap().value, NodeValue::Str("0123".into()));
        assert_eq!(n.get("e").unwrap().value, NodeValue::Null);
        assert_eq!(n.get("f").unwrap().value, NodeValue::Number("1.5".into()));
    }

    #[test]
    fn syntax_errors_and_duplicate_keys_carry_a_position() {
        let e = parse("a: [1, 2\nb: c").unwrap_err();
        assert!(e.pos.line >= 1, "{e:?}");
        let d = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert_eq!(d.pos, Pos { line: 3, column: 1 });
        assert!(d.reason.contains("duplicate"));
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let n = parse("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(n.get("b").unwrap().to_json(), serde_json::json!({"k": "v"}));
    }
}
