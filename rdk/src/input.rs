//! Reading configuration items from files for `rdk evaluate` and `rdk local-config`,
//! through the same readers scans use ([`crate::scan::source`]), with errors that name
//! the file and position.

use std::path::Path;

use rules_lib::ConfigurationItem;

use crate::scan::source::{read_file, snapshot_files, Skipped};

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
pub fn load_items(path: &Path) -> std::io::Result<(Vec<ConfigurationItem>, Vec<Skipped>)> {
    let mut items = Vec::new();
    let mut skipped = Vec::new();
    for file in snapshot_files(path)? {
        if let Err(s) = read_file(&file, &mut |r| match r {
            Ok(i) => items.push(i),
            Err(s) => skipped.push(s),
        }) {
            skipped.push(s);
        }
    }
    Ok((items, skipped))
}
