//! Where scanned items come from, read as a stream: AWS Config snapshot and history
//! files (`{"fileVersion", "configSnapshotId", "configurationItems": [...]}`, also
//! `.json.gz`), single item files, lists, directories of them, the bundled sample
//! account, or the account itself through the Config API.

use std::cell::Cell;
use std::fmt;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;
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

use super::split::{split_items, Fallback};
pub use crate::input::Skipped;
use crate::input::{max_item_bytes, open_regular, open_regular_sized, too_large};

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
    /// Found by the splitter, not yet checked to be UTF-8 or JSON.
    Bytes(Vec<u8>),
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

    /// The item's JSON text as the file holds it (empty for an item already read).
    pub fn text(&self) -> &str {
        match &self.raw {
            Raw::Text(t) => t.get(),
            Raw::Bytes(b) => std::str::from_utf8(b).unwrap_or(""),
            _ => "",
        }
    }

    /// Reads the item; a malformed one names its file and position in the file.
    pub fn parse(self) -> ItemResult {
        let skipped = |reason: String| Skipped {
            source: format!("{}: item #{}", self.label, self.index),
            reason,
        };
        match self.raw {
            Raw::Item(item) => Ok(*item),
            Raw::Value(v) => ConfigurationItem::from_owned(v).map_err(|e| skipped(e.to_string())),
            // The fast path: the configuration stays text until a rule's view reads it.
            Raw::Text(text) => {
                ConfigurationItem::from_json_str(text.get()).map_err(|e| skipped(e.to_string()))
            }
            Raw::Bytes(bytes) => match std::str::from_utf8(&bytes) {
                Ok(text) => {
                    ConfigurationItem::from_json_str(text).map_err(|e| skipped(e.to_string()))
                }
                Err(e) => Err(skipped(format!(
                    "not UTF-8 text at byte {} of the item; AWS Config writes UTF-8 JSON",
                    e.valid_up_to()
                ))),
            },
        }
    }
}

/// `path` itself when it is a regular file, or every `.json` and `.json.gz` file under
/// it (walked by [`crate::input::walk`]: regular files only, each real path once), with
/// what was skipped there. An error when `path` cannot be read at all or is neither a
/// regular file nor a directory (a FIFO would block the read).
pub fn snapshot_files(path: &Path) -> Result<(Vec<PathBuf>, Vec<Skipped>), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if meta.is_file() {
        return Ok((vec![path.to_path_buf()], Vec::new()));
    }
    if !meta.is_dir() {
        return Err(format!(
            "is {}; only regular files and directories are read",
            crate::input::kind_of(&meta)
        ));
    }
    let (mut files, mut skipped) = (Vec::new(), Vec::new());
    crate::input::walk(
        path,
        &|name| name.ends_with(".json") || name.ends_with(".json.gz"),
        &mut files,
        &mut skipped,
    );
    Ok((files, skipped))
}

/// A reader that fails once more than the item cap has been read since the last
/// [`ItemBudget::reset`]: the snapshot stream resets it at every item boundary, so one
/// huge item (a 3 GiB string in a 3 MB gzip file) stops the read at the cap instead of
/// exhausting memory.
struct Capped<R> {
    inner: R,
    budget: ItemBudget,
}

/// Bytes read since the current item started, shared by the reader and the stream.
#[derive(Clone)]
struct ItemBudget {
    used: Rc<Cell<u64>>,
    exceeded: Rc<Cell<bool>>,
    cap: u64,
}

impl ItemBudget {
    fn new() -> Self {
        Self {
            used: Rc::new(Cell::new(0)),
            exceeded: Rc::new(Cell::new(false)),
            cap: max_item_bytes(),
        }
    }
    fn reset(&self) {
        self.used.set(0);
    }
}

impl<R: Read> Read for Capped<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let used = self.budget.used.get() + n as u64;
        self.budget.used.set(used);
        // The stream reads ahead a buffer at a time: allow one buffer past the cap.
        if used > self.budget.cap + READ_AHEAD as u64 {
            self.budget.exceeded.set(true);
            return Err(std::io::Error::other("item over the size cap"));
        }
        Ok(n)
    }
}

const READ_AHEAD: usize = 256 * 1024;

/// Streams the items of one file to `sink`, read; a file that cannot be read at all is
/// one [`Skipped`] naming the file and the position.
pub fn read_file(path: &Path, sink: &mut dyn FnMut(ItemResult)) -> Result<u64, Skipped> {
    read_file_raw(path, &mut |raw| sink(raw.parse()))
}

/// Streams the items of one file to `sink` as [`RawItem`]s.
pub fn read_file_raw(path: &Path, sink: &mut dyn FnMut(RawItem)) -> Result<u64, Skipped> {
    let label = path.display().to_string();
    let (file, size) = open_regular_sized(path).map_err(|reason| Skipped {
        source: label.clone(),
        reason,
    })?;
    let result = if !label.ends_with(".gz") && size <= SMALL_FILE.min(max_item_bytes()) {
        // A small file (one item, as history delivery and sample-ci write them) is read
        // whole with one read and parsed from memory: no read-ahead buffer to set up.
        let mut bytes = Vec::with_capacity(size as usize + 1);
        let mut file = file;
        match file.read_to_end(&mut bytes) {
            Ok(_) => match one_item(&bytes) {
                Some(item) => {
                    sink(RawItem {
                        raw: Raw::Item(Box::new(item)),
                        label: Arc::from(label.as_str()),
                        index: 0,
                    });
                    Ok(())
                }
                None => stream_raw_slice(&bytes, &label, sink),
            },
            Err(e) => Err(format!("cannot read: {e}")),
        }
    } else {
        stream_large(file, path, &label, sink)
    };
    result.map(|_| size).map_err(|reason| Skipped {
        source: label,
        reason,
    })
}

/// A large file (or any gzip one): cut into items by [`split_items`] (fast, on this
/// thread), or, where the splitter is not sure of the shape, by the full parser from the
/// start, skipping the items the splitter already handed out.
fn stream_large(
    file: std::fs::File,
    path: &Path,
    label: &str,
    sink: &mut dyn FnMut(RawItem),
) -> Result<(), String> {
    let gz = label.ends_with(".gz");
    let shared: Arc<str> = Arc::from(label);
    let mut index = 0usize;
    let reader: Box<dyn Read> = if gz {
        Box::new(flate2::read::MultiGzDecoder::new(file))
    } else {
        Box::new(file)
    };
    let split = split_items(reader, max_item_bytes(), &mut |bytes| {
        sink(RawItem {
            raw: Raw::Bytes(bytes),
            label: Arc::clone(&shared),
            index,
        });
        index += 1;
    });
    let Err(Fallback { emitted }) = split else {
        return Ok(());
    };
    let file = open_regular(path)?;
    let mut seen = 0usize;
    let mut rest = |raw: RawItem| {
        if seen >= emitted {
            sink(raw);
        }
        seen += 1;
    };
    if gz {
        stream_raw(flate2::read::MultiGzDecoder::new(file), label, &mut rest)
    } else {
        stream_raw(file, label, &mut rest)
    }
}

/// A document that is one bare item (an object with neither `configurationItems` nor
/// `configurationItem`, as history delivery and sample-ci write them), read in one pass.
/// `None` for anything else, and for an item that does not read: the stream reader then
/// reads the document and says what is wrong, as for any file.
fn one_item(bytes: &[u8]) -> Option<ConfigurationItem> {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace())?;
    if *first != b'{'
        || memchr::memmem::find(bytes, b"\"configurationItems\"").is_some()
        || memchr::memmem::find(bytes, b"\"configurationItem\"").is_some()
    {
        return None;
    }
    ConfigurationItem::from_json_str(std::str::from_utf8(bytes).ok()?).ok()
}

/// Files up to this size are read whole and parsed from memory.
const SMALL_FILE: u64 = 1024 * 1024;

/// Streams the items of a document held in memory (a small file read whole).
fn stream_raw_slice(
    bytes: &[u8],
    label: &str,
    sink: &mut dyn FnMut(RawItem),
) -> Result<(), String> {
    if bytes.starts_with(&crate::input::UTF8_BOM) {
        return Err(crate::input::BOM_MESSAGE.into());
    }
    let budget = ItemBudget::new();
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut index = 0usize;
    let label: Arc<str> = Arc::from(label);
    TopLevel {
        label: &label,
        sink,
        index: &mut index,
        budget: &budget,
    }
    .deserialize(&mut de)
    .and_then(|_| de.end())
    .map_err(|e| describe(&e, &budget, index))
}

/// The message for a stream that stopped: the item cap, broken JSON, or a wrong shape.
fn describe(e: &serde_json::Error, budget: &ItemBudget, index: usize) -> String {
    if budget.exceeded.get() {
        format!(
            "{}; the rest of the file is not read",
            too_large(&format!("item #{index} (from line {})", e.line()))
        )
    } else if e.is_eof() || e.is_syntax() {
        format!(
            "invalid JSON at line {} column {}: {}",
            e.line(),
            e.column(),
            short(e)
        )
    } else {
        format!("at line {} column {}: {}", e.line(), e.column(), short(e))
    }
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
    // A UTF-8 byte-order mark is not JSON; serde_json would only say "expected value
    // at line 1 column 1". Name it.
    let mut reader = reader;
    let mut head = [0u8; 3];
    let mut got = 0;
    while got < 3 {
        match reader.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("cannot read: {e}")),
        }
    }
    if head[..got] == crate::input::UTF8_BOM[..] {
        return Err(crate::input::BOM_MESSAGE.into());
    }
    let budget = ItemBudget::new();
    let capped = Capped {
        inner: std::io::Cursor::new(head[..got].to_vec()).chain(reader),
        budget: budget.clone(),
    };
    let mut de =
        serde_json::Deserializer::from_reader(BufReader::with_capacity(READ_AHEAD, capped));
    let mut index = 0usize;
    let label: Arc<str> = Arc::from(label);
    TopLevel {
        label: &label,
        sink,
        index: &mut index,
        budget: &budget,
    }
    .deserialize(&mut de)
    .and_then(|_| de.end())
    .map_err(|e| describe(&e, &budget, index))
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
    budget: &'a ItemBudget,
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

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<(), A::Error> {
        Items {
            label: self.label,
            sink: self.sink,
            index: self.index,
            budget: self.budget,
        }
        .visit_seq(seq)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest = Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "configurationItems" {
                self.budget.reset();
                map.next_value_seed(Items {
                    label: self.label,
                    sink: &mut *self.sink,
                    index: &mut *self.index,
                    budget: self.budget,
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
    budget: &'a ItemBudget,
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
        self.budget.reset();
        while let Some(text) = seq.next_element::<Box<RawValue>>()? {
            self.budget.reset();
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

    /// A snapshot over the small-file size, so the splitter reads it.
    fn large_snapshot(items: &[String], tail: &str) -> tempfile_path::TempFile {
        let body = items.join(",");
        let pad = "x".repeat(SMALL_FILE as usize);
        let text = format!(
            r#"{{"fileVersion":"1.0","configSnapshotId":"{pad}","configurationItems":[{body}{tail}"#
        );
        tempfile_path::TempFile::with(&text)
    }

    fn item(id: &str) -> String {
        format!(
            r#"{{"resourceType":"AWS::EC2::Volume","resourceId":"{id}","configuration":{{"size":1}}}}"#
        )
    }

    fn read_ids(path: &Path) -> (Vec<String>, Result<u64, Skipped>) {
        let mut ids = Vec::new();
        let r = read_file(path, &mut |i| match i {
            Ok(item) => ids.push(item.resource_id),
            Err(s) => {
                assert!(!s.reason.is_empty());
                ids.push(format!(
                    "skipped {}",
                    s.source.rsplit(": ").next().unwrap_or("")
                ))
            }
        });
        (ids, r)
    }

    #[test]
    fn a_large_snapshot_is_split_and_a_malformed_item_in_it_is_skipped_by_index() {
        let items = vec![
            item("a"),
            r#"{"resourceType": 7 "x"}"#.to_string(),
            item("c"),
        ];
        let f = large_snapshot(&items, "]}");
        let (ids, r) = read_ids(&f.0);
        assert!(r.is_ok(), "{r:?}");
        assert_eq!(ids, ["a", "skipped item #1", "c"]);
    }

    #[test]
    fn a_truncated_large_snapshot_hands_every_item_once_then_says_where_it_broke() {
        let items = vec![item("a"), item("b")];
        let f = large_snapshot(&items, r#",{"resourceType":"#);
        let (ids, r) = read_ids(&f.0);
        assert_eq!(ids, ["a", "b"]);
        let reason = r.unwrap_err().reason;
        assert!(
            reason.starts_with("invalid JSON at line 1 column"),
            "{reason}"
        );
    }

    #[test]
    fn a_large_gzip_snapshot_is_split_like_a_plain_one() {
        use std::io::Write;
        let items: Vec<String> = (0..3).map(|i| item(&format!("v{i}"))).collect();
        let plain = large_snapshot(&items, "]}");
        let text = std::fs::read(&plain.0).unwrap();
        let gz = tempfile_path::TempFile::named("snapshot.json.gz");
        let mut enc = flate2::write::GzEncoder::new(
            std::fs::File::create(&gz.0).unwrap(),
            flate2::Compression::fast(),
        );
        enc.write_all(&text).unwrap();
        enc.finish().unwrap();
        assert_eq!(read_ids(&gz.0).0, ["v0", "v1", "v2"]);
    }

    #[test]
    fn small_item_files_read_in_one_pass_agree_with_the_stream_reader() {
        let cases = [
            (item("d"), Ok(vec!["d".to_string()])),
            (
                format!(r#"{{"configurationItem":{},"messageType":"x"}}"#, item("e")),
                Ok(vec!["e".into()]),
            ),
            (format!(r#"[{}]"#, item("f")), Ok(vec!["f".into()])),
            // An item that does not read is skipped by index, as the stream reader says.
            (
                r#"{"resourceType":"AWS::EC2::Volume"}"#.to_string(),
                Ok(vec!["skipped item #0".into()]),
            ),
            (
                r#"{"resourceType":"AWS::EC2::Volume","#.to_string(),
                Err("invalid JSON at line 1"),
            ),
        ];
        for (text, want) in cases {
            let f = tempfile_path::TempFile::with(&text);
            let (ids, r) = read_ids(&f.0);
            match want {
                Ok(want) => {
                    assert!(r.is_ok(), "{text}: {r:?}");
                    assert_eq!(ids, want, "{text}");
                }
                Err(start) => {
                    let reason = r.unwrap_err().reason;
                    assert!(reason.starts_with(start), "{text}: {reason}");
                }
            }
        }
    }

    /// Temporary files removed on drop (no tempfile crate in rdk).
    mod tempfile_path {
        use std::path::PathBuf;
        pub struct TempFile(pub PathBuf);
        impl TempFile {
            pub fn named(name: &str) -> Self {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static N: AtomicUsize = AtomicUsize::new(0);
                let dir = std::env::temp_dir().join(format!(
                    "rdk-source-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&dir).unwrap();
                Self(dir.join(name))
            }
            pub fn with(text: &str) -> Self {
                let f = Self::named("snapshot.json");
                std::fs::write(&f.0, text).unwrap();
                f
            }
        }
        impl Drop for TempFile {
            fn drop(&mut self) {
                if let Some(dir) = self.0.parent() {
                    let _ = std::fs::remove_dir_all(dir);
                }
            }
        }
    }
}
