//! Reading input files, safely, for every command: regular files only (a FIFO or a
//! device would block or never end), each real path once when walking directories (so
//! symbolic-link loops end and nothing is read twice), and a cap on how much one item
//! or event may hold. Also reads configuration items for `rdk evaluate` and
//! `rdk local-config` through the same readers scans use ([`crate::scan::source`]),
//! with errors that name the file and position.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rules_lib::ConfigurationItem;

use crate::scan::source::{read_file, snapshot_files};

/// An input that could not be read, reported and skipped; the run goes on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    /// The file (and item) it came from.
    pub source: String,
    /// Why.
    pub reason: String,
}

/// The default cap on one configuration item, one `--event` payload or one item file
/// read whole, in MiB (`rdk --max-item-mib`). AWS Config's items are at most a few MB
/// (larger ones arrive as oversized-item notifications), and a Lambda payload at most
/// 6 MB; 32 MiB leaves room for pretty-printed exports without letting one hostile
/// file exhaust memory.
pub const DEFAULT_MAX_ITEM_MIB: u64 = 32;

static MAX_ITEM_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_ITEM_MIB << 20);

/// Sets the cap on one item or event, in bytes (from `rdk --max-item-mib`).
pub fn set_max_item_bytes(bytes: u64) {
    MAX_ITEM_BYTES.store(bytes.max(1), Ordering::Relaxed);
}

/// The cap on one item or event, in bytes.
pub fn max_item_bytes() -> u64 {
    MAX_ITEM_BYTES.load(Ordering::Relaxed)
}

/// Why an item or file was refused for its size: names the cap and how to raise it.
pub fn too_large(what: &str) -> String {
    format!(
        "{what} is larger than the {} MiB ferrule reads of one item or event \
         (AWS Config items are at most a few MB); raise it with --max-item-mib if this is \
         really one item",
        max_item_bytes() >> 20
    )
}

/// What kind of file system object `meta` describes, for "only regular files" errors.
pub fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    let t = meta.file_type();
    if t.is_dir() {
        "a directory"
    } else if t.is_fifo() {
        "a FIFO (named pipe)"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading if it is a regular file (after following symbolic links):
/// opening a FIFO would block until something writes to it, and a device may never
/// end. The error names what the path is.
pub fn open_regular(path: &Path) -> Result<std::fs::File, String> {
    open_regular_sized(path).map(|(file, _)| file)
}

/// [`open_regular`], with the file's size. The file is opened without blocking (a FIFO
/// put where a file was would otherwise wait for a writer forever) and then checked
/// through its descriptor: one path lookup per file, not two.
pub fn open_regular_sized(path: &Path) -> Result<(std::fs::File, u64), String> {
    use std::os::unix::fs::OpenOptionsExt;
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(path)
        .map_err(|e| format!("cannot read: {e}"))?;
    let meta = file.metadata().map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "is {}; only regular files are read",
            kind_of(&meta)
        ));
    }
    Ok((file, meta.len()))
}

/// The UTF-8 byte-order mark some Windows editors write first.
pub const UTF8_BOM: [u8; 3] = [0xEF, 0xBB, 0xBF];

/// Why a JSON file that starts with a byte-order mark is refused.
pub const BOM_MESSAGE: &str =
    "starts with a UTF-8 byte-order mark (EF BB BF), which JSON does not \
     allow; save the file as UTF-8 without a byte-order mark";

/// Reads a whole regular file as UTF-8 text of at most [`max_item_bytes`] (an
/// `--event` payload, a single item). The error says what is wrong, without the path.
pub fn read_capped(path: &Path) -> Result<String, String> {
    let file = open_regular(path)?;
    let cap = max_item_bytes();
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > cap {
        return Err(too_large("the file"));
    }
    if bytes.starts_with(&UTF8_BOM) {
        return Err(BOM_MESSAGE.into());
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "is not UTF-8 text (byte {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

/// Every regular file under `dir` that `wanted` accepts, sorted within each directory,
/// each real path once: directories reached again through a symbolic link (a loop, or
/// a second link to the same place) are not walked again, and a file reached twice is
/// listed once. Hidden directories and `node_modules` are not walked. What cannot be
/// read (a broken link, a FIFO or device with a wanted name, an unlistable directory)
/// goes to `skipped` with the reason.
pub fn walk(
    dir: &Path,
    wanted: &dyn Fn(&str) -> bool,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
) {
    walk_inner(dir, wanted, files, skipped, &mut HashSet::new());
}

fn walk_inner(
    dir: &Path,
    wanted: &dyn Fn(&str) -> bool,
    files: &mut Vec<PathBuf>,
    skipped: &mut Vec<Skipped>,
    seen: &mut HashSet<PathBuf>,
) {
    let Ok(real) = std::fs::canonicalize(dir) else {
        skipped.push(Skipped {
            source: dir.display().to_string(),
            reason: "cannot resolve the directory's real path".into(),
        });
        return;
    };
    if !seen.insert(real.clone()) {
        return;
    }
    // The listing says what each entry is (no stat per file); only symbolic links (and
    // file systems that do not say) are followed with a stat.
    type Entry = (std::ffi::OsString, PathBuf, Option<std::fs::FileType>);
    let mut entries: Vec<Entry> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| {
                e.ok()
                    .map(|e| (e.file_name(), e.path(), e.file_type().ok()))
            })
            .collect(),
        Err(e) => {
            skipped.push(Skipped {
                source: dir.display().to_string(),
                reason: format!("cannot list: {e}"),
            });
            return;
        }
    };
    // One directory: ordering by name is ordering by path.
    entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    for (file_name, path, listed) in entries {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let plain = listed.filter(|t| !t.is_symlink());
        let (is_dir, is_file) = match plain {
            Some(t) if t.is_dir() || t.is_file() => (t.is_dir(), t.is_file()),
            _ => match std::fs::metadata(&path) {
                Ok(meta) => (meta.is_dir(), meta.is_file()),
                Err(_) => {
                    if wanted(name) || path.is_symlink() {
                        skipped.push(Skipped {
                            source: path.display().to_string(),
                            reason: "a broken symbolic link".into(),
                        });
                    }
                    continue;
                }
            },
        };
        if is_dir {
            if !name.starts_with('.') && name != "node_modules" {
                walk_inner(&path, wanted, files, skipped, seen);
            }
            continue;
        }
        if !wanted(name) {
            continue;
        }
        if !is_file {
            let kind = std::fs::metadata(&path).map_or("not a regular file", |m| kind_of(&m));
            skipped.push(Skipped {
                source: path.display().to_string(),
                reason: format!("is {kind}; only regular files are read"),
            });
            continue;
        }
        // A plain file's real path is its directory's real path and its name.
        let real_path = match plain {
            Some(_) => Some(real.join(&file_name)),
            None => std::fs::canonicalize(&path).ok(),
        };
        if real_path.is_some_and(|r| seen.insert(r)) {
            files.push(path);
        }
    }
}

/// Reads one file of items: one item, a list, a snapshot document (also `.json.gz`), or
/// an invoking event wrapping an item. Any unreadable item fails the whole file, naming
/// the file, the item and the position.
pub fn read_items_file(path: &Path) -> Result<Vec<ConfigurationItem>, String> {
    let mut items = Vec::new();
    let mut first_error = None;
    read_file(path, &mut |r| match r {
        Ok(i) => items.push(i),
        Err(s) => {
            first_error.get_or_insert(format!("{}: {}", s.source, s.reason));
        }
    })
    .map_err(|s| format!("{}: {}", s.source, s.reason))?;
    match first_error {
        Some(e) => Err(e),
        None => Ok(items),
    }
}

/// Every item under `path` (a file or a directory); unreadable files and items are
/// listed, not fatal.
pub fn load_items(path: &Path) -> Result<(Vec<ConfigurationItem>, Vec<Skipped>), String> {
    let mut items = Vec::new();
    let (files, mut skipped) = snapshot_files(path)?;
    for file in files {
        if let Err(s) = read_file(&file, &mut |r| match r {
            Ok(i) => items.push(i),
            Err(s) => skipped.push(s),
        }) {
            skipped.push(s);
        }
    }
    Ok((items, skipped))
}
