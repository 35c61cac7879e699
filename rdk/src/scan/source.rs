//! Where scanned items come from, read as a stream: AWS Config snapshot and history
//! files (`{"fileVersion", "configSnapshotId", "configurationItems": [...]}`, also
//! `.json.gz`), single item files, lists, directories of them, the bundled sample
//! account, or the account itself through the Config API.

use std::fmt;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use std::sync::Arc;

use rules_lib::ConfigurationItem;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Value};

/// The bundled sample account: a Config snapshot built from the repository's fixtures
/// (compliant, non-compliant and not-applicable resources of many types) and the AWS
/// RDK's example items. See `rdk/data/README.md`.
pub static SAMPLE_ACCOUNT: &[u8] = include_bytes!("../../data/sample-account.json");
/// Rule parameters for the sample account (rules with required parameters).
pub static SAMPLE_PARAMETERS: &str = include_str!("../../data/sample-parameters.json");

/// An input that could not be read, reported and skipped; the scan goes on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The file (and item) it came from.
    pub source: String,
    /// Why.
    pub reason: String,
}

/// What a reader hands over: an item, or an item that could not be read.
pub type ItemResult = Result<ConfigurationItem, Skipped>;

/// One item as the stream found it, not yet read into a [`ConfigurationItem`]: scans
/// hand these to their workers, so the expensive reading runs on every core while the
/// stream itself only finds where each item starts and ends.
pub struct RawItem {
    raw: Raw,
    label: Arc<str>,
    index: usize,
}

enum Raw {
    Text(Box<RawValue>),
    Value(Value),
    Item(Box<ConfigurationItem>),
}

impl RawItem {
    /// An item that is already read (the live source).
    pub fn ready(item: ConfigurationItem) -> Self {
        Self {
            raw: Raw::Item(Box::new(item)),
            label: Arc::from(""),
            index: 0,
        }
    }

    /// Reads the item; a malformed one names its file and position in the file.
    pub fn parse(self) -> ItemResult {
        let skipped = |reason: String| Skipped {
            source: format!("{}: item #{}", self.label, self.index),
            reason,
        };
        let value = match self.raw {
            Raw::Item(item) => return Ok(*item),
            Raw::Value(v) => v,
            Raw::Text(text) => match serde_json::from_str::<Value>(text.get()) {
                Ok(v) => v,
                Err(e) => return Err(skipped(format!("invalid JSON: {e}"))),
            },
        };
        ConfigurationItem::from_owned(value).map_err(|e| skipped(e.to_string()))
    }
}

/// Every `.json` and `.json.gz` file under `path` (or `path` itself), sorted.
pub fn snapshot_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if p.is_dir() {
                stack.push(p);
            } else if name.ends_with(".json") || name.ends_with(".json.gz") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Streams the items of one file to `sink`, read; a file that cannot be read at all is
/// one [`Skipped`] naming the file and the position.
pub fn read_file(path: &Path, sink: &mut dyn FnMut(ItemResult)) -> Result<u64, Skipped> {
    read_file_raw(path, &mut |raw| sink(raw.parse()))
}

/// Streams the items of one file to `sink` as [`RawItem`]s.
pub fn read_file_raw(path: &Path, sink: &mut dyn FnMut(RawItem)) -> Result<u64, Skipped> {
    let label = path.display().to_string();
    let file = std::fs::File::open(path).map_err(|e| Skipped {
        source: label.clone(),
        reason: format!("cannot read: {e}"),
    })?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let result = if label.ends_with(".gz") {
        stream_raw(flate2::read::MultiGzDecoder::new(file), &label, sink)
    } else {
        stream_raw(file, &label, sink)
    };
    result.map(|_| size).map_err(|reason| Skipped {
        source: label,
        reason,
    })
}

/// Streams the items of a reader, read: a snapshot document, a list, one item, or an
/// invoking event wrapping one item. Items are handed over one at a time.
pub fn stream<R: Read>(
    reader: R,
    label: &str,
    sink: &mut dyn FnMut(ItemResult),
) -> Result<(), String> {
    stream_raw(reader, label, &mut |raw| sink(raw.parse()))
}

/// Streams the items of a reader as [`RawItem`]s. Only the document's structure is
/// parsed here; each item's text is handed over whole.
pub fn stream_raw<R: Read>(
    reader: R,
    label: &str,
    sink: &mut dyn FnMut(RawItem),
) -> Result<(), String> {
    let mut de =
        serde_json::Deserializer::from_reader(BufReader::with_capacity(256 * 1024, reader));
    let mut index = 0usize;
    let label: Arc<str> = Arc::from(label);
    TopLevel {
        label: &label,
        sink,
        index: &mut index,
    }
    .deserialize(&mut de)
    .and_then(|_| de.end())
    .map_err(|e| {
        if e.is_eof() || e.is_syntax() {
            format!(
                "invalid JSON at line {} column {}: {}",
                e.line(),
                e.column(),
                short(&e)
            )
        } else {
            format!("at line {} column {}: {}", e.line(), e.column(), short(&e))
        }
    })
}

fn short(e: &serde_json::Error) -> String {
    let t = e.to_string();
    t.rfind(" at line ")
        .map_or(t.clone(), |i| t[..i].to_string())
}

struct TopLevel<'a, 'b> {
    label: &'a Arc<str>,
    sink: &'b mut dyn FnMut(RawItem),
    index: &'b mut usize,
}

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a Config snapshot, a list of configuration items, or one item")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(text) = seq.next_element::<Box<RawValue>>()? {
            (self.sink)(RawItem {
                raw: Raw::Text(text),
                label: Arc::clone(self.label),
                index: *self.index,
            });
            *self.index += 1;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest = Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "configurationItems" {
                map.next_value_seed(Items {
                    label: self.label,
                    sink: &mut *self.sink,
                    index: &mut *self.index,
                })?;
                streamed = true;
            } else if streamed {
                map.next_value::<IgnoredAny>()?;
            } else {
                rest.insert(key, map.next_value::<Value>()?);
            }
        }
        if !streamed {
            // One item, or an invoking event wrapping one.
            let v = match rest.remove("configurationItem") {
                Some(item @ Value::Object(_)) => item,
                Some(other) => {
                    rest.insert("configurationItem".into(), other);
                    Value::Object(rest)
                }
                None => Value::Object(rest),
            };
            (self.sink)(RawItem {
                raw: Raw::Value(v),
                label: Arc::clone(self.label),
                index: *self.index,
            });
            *self.index += 1;
        }
        Ok(())
    }
}

struct Items<'a, 'b> {
    label: &'a Arc<str>,
    sink: &'b mut dyn FnMut(RawItem),
    index: &'b mut usize,
}

impl<'de> DeserializeSeed<'de> for Items<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of configuration items")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(text) = seq.next_element::<Box<RawValue>>()? {
            (self.sink)(RawItem {
                raw: Raw::Text(text),
                label: Arc::clone(self.label),
                index: *self.index,
            });
            *self.index += 1;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect(text: &str) -> (Vec<String>, Result<(), String>) {
        let mut ids = Vec::new();
        let r = stream(text.as_bytes(), "t.json", &mut |i| match i {
            Ok(item) => ids.push(item.resource_id),
            Err(s) => ids.push(format!("skipped: {}", s.source)),
        });
        (ids, r)
    }

    #[test]
    fn snapshot_list_single_and_wrapped() {
        let item = |id: &str| {
            format!(
                r#"{{"resourceType":"AWS::EC2::Volume","resourceId":"{id}","configuration":{{}}}}"#
            )
        };
        let snap = format!(
            r#"{{"fileVersion":"1.0","configSnapshotId":"x","configurationItems":[{},{}]}}"#,
            item("a"),
            item("b")
        );
        assert_eq!(collect(&snap).0, ["a", "b"]);
        assert_eq!(collect(&format!("[{}]", item("c"))).0, ["c"]);
        assert_eq!(collect(&item("d")).0, ["d"]);
        assert_eq!(
            collect(&format!(
                r#"{{"configurationItem":{},"messageType":"x"}}"#,
                item("e")
            ))
            .0,
            ["e"]
        );
    }

    #[test]
    fn a_bad_item_is_skipped_and_a_broken_file_says_where() {
        let (ids, r) = collect(
            r#"{"configurationItems":[{"resourceType":"AWS::EC2::Volume","resourceId":"a"},{"nope":1},{"resourceType":"T","resourceId":"b"}]}"#,
        );
        assert_eq!(ids, ["a", "skipped: t.json: item #1", "b"]);
        assert!(r.is_ok());
        let (ids, r) = collect(
            r#"{"configurationItems":[{"resourceType":"AWS::EC2::Volume","resourceId":"a"},{"resourceType": "#,
        );
        assert_eq!(ids, ["a"]);
        assert!(r.unwrap_err().starts_with("invalid JSON at line 1 column"));
    }
}
