//! Reading configuration items and events from files, with errors that name the file.

use std::path::{Path, PathBuf};

use rules_lib::ConfigurationItem;

use crate::local_config::Skipped;

/// Reads one file of items: one item, a list, or a snapshot document. The error names
/// the file and the position.
pub fn read_items_file(path: &Path) -> Result<Vec<ConfigurationItem>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    ConfigurationItem::many_from_json_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// All `.json` files under `path` (or `path` itself when it is a file), sorted.
pub fn json_files(path: &Path) -> std::io::Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut stack = vec![path.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let p = entry?.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "json") {
                out.push(p);
            }
        }
    }
    out.sort();
    Ok(out)
}

/// Every item under `path`; files that cannot be read are listed, not fatal.
pub fn load_items(path: &Path) -> std::io::Result<(Vec<ConfigurationItem>, Vec<Skipped>)> {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for file in json_files(path)? {
        match read_items_file(&file) {
            Ok(mut v) => items.append(&mut v),
            Err(reason) => skipped.push(Skipped { path: file, reason }),
        }
    }
    Ok((items, skipped))
}
