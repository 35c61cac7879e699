//! The function packages `rdk deploy` uploads: built with cargo-lambda (only the functions
//! whose inputs changed), or taken from a directory built elsewhere; named in S3 by the
//! SHA-256 of their content, so an unchanged package is never uploaded again and a
//! changed one changes the template (and only that function is updated).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::commands::CliError;

/// One function's deployment package.
#[derive(Debug, Clone)]
pub struct Package {
    /// The rule (and function binary) name.
    pub rule: &'static str,
    /// The zip (a `bootstrap` executable for `provided.al2023`).
    pub bytes: Vec<u8>,
    /// Lower-case hex SHA-256 of `bytes`.
    pub sha256: String,
}

impl Package {
    /// Reads a package file.
    pub fn read(rule: &'static str, path: &Path) -> Result<Self, CliError> {
        let bytes = std::fs::read(path).map_err(|e| {
            CliError::input(format!(
                "{}: cannot read the package of {rule}: {e}",
                path.display()
            ))
        })?;
        if bytes.is_empty() {
            return Err(CliError::input(format!(
                "{}: the package of {rule} is empty; build it again (cargo lambda build --profile lambda --arm64 --output-format zip)",
                path.display()
            )));
        }
        Ok(Self {
            rule,
            sha256: content_sha256(&bytes),
            bytes,
        })
    }

    /// The S3 key: `<prefix><rule>/<sha256>.zip`.
    pub fn key(&self, prefix: &str) -> String {
        format!("{prefix}{}/{}.zip", self.rule, self.sha256)
    }
}

/// The SHA-256 of what a zip holds, not of the zip: the files' names and contents, so
/// the same `bootstrap` zipped again (cargo-lambda stores the file's time) keeps its S3
/// key. Anything that is not a zip this reads (stored or deflated entries) is hashed
/// whole.
pub fn content_sha256(zip: &[u8]) -> String {
    match zip_entries(zip) {
        Some(mut entries) => {
            entries.sort();
            let mut h = Sha256::new();
            for (name, content) in entries {
                h.update((name.len() as u64).to_le_bytes());
                h.update(&name);
                h.update((content.len() as u64).to_le_bytes());
                h.update(&content);
            }
            h.finalize().iter().map(|b| format!("{b:02x}")).collect()
        }
        None => sha256_hex(zip),
    }
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?) as usize)
}

fn u32_at(b: &[u8], at: usize) -> Option<usize> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?) as usize)
}

/// The (name, content) of every file in a zip, through its central directory; None when
/// the bytes are not a zip of stored or deflated files (or claim more than 1 GiB).
fn zip_entries(zip: &[u8]) -> Option<Vec<(Vec<u8>, Vec<u8>)>> {
    use std::io::Read;
    const END: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    let from = zip.len().saturating_sub(22 + 65_535);
    let end = (from..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| zip[i..i + 4] == END)?;
    let count = u16_at(zip, end + 10)?;
    let mut at = u32_at(zip, end + 16)?;
    let mut out = Vec::with_capacity(count);
    let mut total = 0usize;
    for _ in 0..count {
        if zip.get(at..at + 4)? != [0x50, 0x4b, 0x01, 0x02] {
            return None;
        }
        let method = u16_at(zip, at + 10)?;
        let compressed = u32_at(zip, at + 20)?;
        let size = u32_at(zip, at + 24)?;
        let name_len = u16_at(zip, at + 28)?;
        let extra_len = u16_at(zip, at + 30)?;
        let comment_len = u16_at(zip, at + 32)?;
        let local = u32_at(zip, at + 42)?;
        let name = zip.get(at + 46..at + 46 + name_len)?.to_vec();
        at += 46 + name_len + extra_len + comment_len;
        if zip.get(local..local + 4)? != [0x50, 0x4b, 0x03, 0x04] {
            return None;
        }
        let data = local + 30 + u16_at(zip, local + 26)? + u16_at(zip, local + 28)?;
        let raw = zip.get(data..data + compressed)?;
        total = total.checked_add(size)?;
        if total > 1 << 30 {
            return None;
        }
        let content = match method {
            0 => raw.to_vec(),
            8 => {
                let mut c = Vec::with_capacity(size);
                flate2::read::DeflateDecoder::new(raw)
                    .take(size as u64 + 1)
                    .read_to_end(&mut c)
                    .ok()?;
                c
            }
            _ => return None,
        };
        if content.len() != size {
            return None;
        }
        out.push((name, content));
    }
    Some(out)
}

/// Lower-case hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Where a rule's package is in a directory of packages: `<dir>/<rule>.zip`, or
/// cargo-lambda's layout `<dir>/<rule>/bootstrap.zip`.
pub fn package_path(dir: &Path, rule: &str) -> Option<PathBuf> {
    [
        dir.join(format!("{rule}.zip")),
        dir.join(rule).join("bootstrap.zip"),
    ]
    .into_iter()
    .find(|p| p.is_file())
}

/// Reads the packages of `rules` from `dir`; every missing one is named in one error.
pub fn from_dir(dir: &Path, rules: &[&'static str]) -> Result<Vec<Package>, CliError> {
    if !dir.is_dir() {
        return Err(CliError::input(format!(
            "--packages {}: not a directory; give the directory holding <rule>.zip or <rule>/bootstrap.zip (cargo-lambda's target/lambda)",
            dir.display()
        )));
    }
    let mut missing = Vec::new();
    let mut out = Vec::new();
    for rule in rules {
        match package_path(dir, rule) {
            Some(p) => out.push(Package::read(rule, &p)?),
            None => missing.push(*rule),
        }
    }
    if !missing.is_empty() {
        return Err(CliError::input(format!(
            "--packages {}: no package for {} (looked for <rule>.zip and <rule>/bootstrap.zip); build them with `cargo lambda build --profile lambda --arm64 --output-format zip` in functions/, or deploy without --packages to build them",
            dir.display(),
            missing.join(", ")
        )));
    }
    Ok(out)
}

/// The build settings every package depends on besides its sources.
pub const BUILD_SETTINGS: &str = "cargo lambda build --profile lambda --arm64 --output-format zip";

/// The file recording, per function, the fingerprint of the inputs its package in
/// `target/lambda/<rule>/bootstrap.zip` was built from.
pub fn fingerprints_path(root: &Path) -> PathBuf {
    root.join("target/lambda/ferrule-inputs.json")
}

/// The ferrule checkout holding `start` (a directory with `functions/Cargo.toml` and
/// `rules-lib/Cargo.toml`), searching upwards.
pub fn workspace_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| {
            d.join("functions/Cargo.toml").is_file() && d.join("rules-lib/Cargo.toml").is_file()
        })
        .map(Path::to_path_buf)
}

/// `encrypted-volumes` → `encrypted_volumes` (the rule's module in `rules-lib/src/rules`).
fn module_of(rule: &str) -> String {
    rule.replace('-', "_")
}

/// The modules a Rust source names as `super::m` or `rules::m`.
fn referenced_modules(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for marker in ["super::", "rules::"] {
        let mut rest = source;
        while let Some(i) = rest.find(marker) {
            rest = &rest[i + marker.len()..];
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// Every file under `dir`, relative to `root`, sorted.
fn files_under(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Ok(());
    };
    for entry in entries {
        let entry = entry?;
        let path = entry.path();
        let kind = entry.file_type()?;
        if kind.is_dir() {
            files_under(root, &path, out)?;
        } else if kind.is_file() {
            out.push(path.strip_prefix(root).unwrap_or(&path).to_path_buf());
        }
    }
    Ok(())
}

/// The fingerprint of each function's inputs, so only the functions whose inputs
/// changed are built again.
///
/// A function's inputs are the workspace manifests and lock file, everything in
/// `rules-lib` except the modules of *other* rules, those other rules' modules it
/// reaches through `super::m` / `rules::m` (transitively), and its own
/// `functions/src/bin/<rule>.rs`; plus [`BUILD_SETTINGS`] and `toolchain` (the output
/// of `rustc -V`). A module in `rules-lib/src/rules` that a shared module (anything but
/// `mod.rs` and `catalog.rs`, which only declare the rules) refers to counts as shared.
/// The compiler flags in `RUSTFLAGS`, `CARGO_ENCODED_RUSTFLAGS`, `CARGO_BUILD_RUSTFLAGS`
/// and the checkout's `.cargo/config.toml` count too (the caller adds the cargo-lambda
/// version to `toolchain`). Cargo configuration outside the checkout does not.
/// So changing one rule's file rebuilds that rule (and the rules that use it), and
/// changing the engine rebuilds them all.
pub fn input_fingerprints(
    root: &Path,
    rules: &[&'static str],
    catalog: &[&str],
    toolchain: &str,
) -> Result<BTreeMap<&'static str, String>, String> {
    let mut files = Vec::new();
    files_under(root, &root.join("rules-lib"), &mut files)
        .map_err(|e| format!("{}: cannot list: {e}", root.join("rules-lib").display()))?;
    files.retain(|f| !f.starts_with("rules-lib/target"));
    files.sort();
    let read = |rel: &Path| {
        std::fs::read(root.join(rel))
            .map_err(|e| format!("{}: cannot read: {e}", root.join(rel).display()))
    };
    let rules_dir = Path::new("rules-lib/src/rules");
    // The modules that belong to one rule each.
    let mut rule_modules: BTreeSet<String> = catalog
        .iter()
        .map(|r| module_of(r))
        .filter(|m| root.join(rules_dir).join(format!("{m}.rs")).is_file())
        .collect();
    let mut contents: BTreeMap<PathBuf, Vec<u8>> = BTreeMap::new();
    for f in &files {
        contents.insert(f.clone(), read(f)?);
    }
    let module_file = |m: &str| rules_dir.join(format!("{m}.rs"));
    // A rule module a shared module uses is shared.
    for (path, bytes) in &contents {
        let is_rule_module = path.parent() == Some(rules_dir)
            && path
                .file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| rule_modules.contains(s));
        let declares_only =
            path == &rules_dir.join("mod.rs") || path == &rules_dir.join("catalog.rs");
        if !is_rule_module && !declares_only {
            for m in referenced_modules(&String::from_utf8_lossy(bytes)) {
                rule_modules.remove(&m);
            }
        }
    }
    let mut common = Sha256::new();
    for manifest in ["Cargo.toml", "Cargo.lock", "functions/Cargo.toml"] {
        common.update(manifest.as_bytes());
        common.update(read(Path::new(manifest))?);
    }
    common.update(BUILD_SETTINGS.as_bytes());
    common.update(toolchain.as_bytes());
    // What else changes the build: compiler flags, and cargo configuration in the checkout.
    for var in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_BUILD_RUSTFLAGS",
    ] {
        common.update(var.as_bytes());
        common.update(std::env::var(var).unwrap_or_default().as_bytes());
    }
    for config in [".cargo/config.toml", ".cargo/config"] {
        if let Ok(bytes) = std::fs::read(root.join(config)) {
            common.update(config.as_bytes());
            common.update(bytes);
        }
    }
    for (path, bytes) in &contents {
        let own = path.parent() == Some(rules_dir)
            && path
                .file_stem()
                .and_then(|s| s.to_str())
                .is_some_and(|s| rule_modules.contains(s));
        if !own {
            common.update(path.to_string_lossy().as_bytes());
            common.update(bytes);
        }
    }
    let mut out = BTreeMap::new();
    for rule in rules {
        // The rule's own module and every rule module it reaches.
        let mut reached = BTreeSet::new();
        let mut todo = vec![module_of(rule)];
        while let Some(m) = todo.pop() {
            if !rule_modules.contains(&m) || !reached.insert(m.clone()) {
                continue;
            }
            if let Some(bytes) = contents.get(&module_file(&m)) {
                todo.extend(referenced_modules(&String::from_utf8_lossy(bytes)));
            }
        }
        let mut h = common.clone();
        for m in &reached {
            let f = module_file(m);
            h.update(f.to_string_lossy().as_bytes());
            h.update(contents.get(&f).map(Vec::as_slice).unwrap_or_default());
        }
        let bin = PathBuf::from(format!("functions/src/bin/{rule}.rs"));
        h.update(bin.to_string_lossy().as_bytes());
        h.update(read(&bin)?);
        let digest = h.finalize();
        out.insert(*rule, digest.iter().map(|b| format!("{b:02x}")).collect());
    }
    Ok(out)
}

/// Builds (with cargo-lambda, in `root/functions`) the packages of `rules` whose inputs
/// changed since their package in `target/lambda` was built, and reads them all.
/// Progress goes to stderr. Returns the packages and the rules that were built.
pub fn build(
    root: &Path,
    rules: &[&'static str],
) -> Result<(Vec<Package>, Vec<&'static str>), CliError> {
    let toolchain = std::process::Command::new("rustc")
        .arg("-V")
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .ok_or_else(|| CliError::failed("rustc -V failed: rdk deploy builds the functions with the Rust toolchain; install it (rustup) or pass --packages DIR with packages built elsewhere"))?;
    let lambda_version = cargo_lambda()
        .arg("--version")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let toolchain = format!("{toolchain}\n{lambda_version}");
    let catalog: Vec<&str> = rules_lib::rules::catalog()
        .iter()
        .map(|r| r.spec().name)
        .collect();
    let now = input_fingerprints(root, rules, &catalog, &toolchain).map_err(CliError::failed)?;
    let state_path = fingerprints_path(root);
    let mut state: BTreeMap<String, String> = std::fs::read(&state_path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let built_zip = |rule: &str| root.join("target/lambda").join(rule).join("bootstrap.zip");
    // A package counts as built from the recorded inputs only while it is the zip that
    // build wrote (its SHA-256 is recorded beside the inputs).
    let zip_sha = |r: &str| std::fs::read(built_zip(r)).ok().map(|b| sha256_hex(&b));
    let stale: Vec<&'static str> = rules
        .iter()
        .copied()
        .filter(|r| {
            let recorded = state.get(*r).and_then(|s| s.split_once(' '));
            recorded.map(|(inputs, _)| inputs) != now.get(r).map(String::as_str)
                || recorded.map(|(_, zip)| zip.to_string()) != zip_sha(r)
        })
        .collect();

    if !stale.is_empty() {
        eprintln!(
            "rdk: building {} of {} functions whose inputs changed ({BUILD_SETTINGS})",
            stale.len(),
            rules.len()
        );
        let mut cmd = cargo_lambda();
        cmd.args([
            "build",
            "--profile",
            "lambda",
            "--arm64",
            "--output-format",
            "zip",
        ])
        .current_dir(root.join("functions"))
        .stdin(std::process::Stdio::null());
        for r in &stale {
            cmd.args(["--bin", r]);
        }
        let status = cmd.status().map_err(|e| {
            CliError::failed(format!(
                "cannot run cargo-lambda: {e}; install it (pip install cargo-lambda) or pass --packages DIR with packages built elsewhere"
            ))
        })?;
        if !status.success() {
            return Err(CliError::failed(format!(
                "building {} failed ({status}); the errors are above. Building for arm64 on another architecture needs the aarch64-unknown-linux-gnu target and a cross linker (or zig); or pass --packages DIR",
                stale.join(", ")
            )));
        }
        for r in &stale {
            if let (Some(f), Some(zip)) = (now.get(r), zip_sha(r)) {
                state.insert(r.to_string(), format!("{f} {zip}"));
            }
        }
        let bytes = serde_json::to_vec_pretty(&state).unwrap_or_default();
        crate::commands::write_atomically(&state_path, &bytes).map_err(CliError::failed)?;
    } else {
        eprintln!(
            "rdk: the {} packages in target/lambda are up to date",
            rules.len()
        );
    }
    let mut out = Vec::new();
    for r in rules {
        out.push(Package::read(r, &built_zip(r))?);
    }
    Ok((out, stale))
}

/// `cargo lambda`, through the cargo-lambda binary on PATH or in the checkout's `.venv`.
fn cargo_lambda() -> std::process::Command {
    let venv = workspace_root(&std::env::current_dir().unwrap_or_default())
        .map(|r| r.join(".venv/bin/cargo-lambda"))
        .filter(|p| p.is_file());
    let mut cmd = std::process::Command::new(venv.unwrap_or_else(|| PathBuf::from("cargo-lambda")));
    cmd.arg("lambda");
    cmd
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> tempdir::Dir {
        let d = tempdir::Dir::new("fingerprints");
        for (path, text) in [
            ("Cargo.toml", "[workspace]"),
            ("Cargo.lock", "# lock"),
            ("functions/Cargo.toml", "[package]"),
            ("functions/src/bin/rule-a.rs", "a"),
            ("functions/src/bin/rule-b.rs", "b"),
            ("functions/src/bin/rule-c.rs", "c"),
            ("rules-lib/Cargo.toml", "[package]"),
            ("rules-lib/src/lib.rs", "pub mod rules;"),
            (
                "rules-lib/src/rules/mod.rs",
                "mod rule_a; mod rule_b; mod rule_c; mod shared;",
            ),
            (
                "rules-lib/src/rules/catalog.rs",
                "super::rule_a::A, super::rule_b::B, super::rule_c::C",
            ),
            ("rules-lib/src/rules/rule_a.rs", "fn a() {}"),
            // b uses a's helper
            (
                "rules-lib/src/rules/rule_b.rs",
                "use super::rule_a::helper;",
            ),
            ("rules-lib/src/rules/rule_c.rs", "use super::shared::x;"),
            ("rules-lib/src/rules/shared.rs", "pub fn x() {}"),
        ] {
            d.write(path, text);
        }
        d
    }

    const RULES: [&str; 3] = ["rule-a", "rule-b", "rule-c"];

    fn prints(d: &tempdir::Dir) -> BTreeMap<&'static str, String> {
        input_fingerprints(d.path(), &RULES, &RULES, "rustc 1.95.0").unwrap()
    }

    fn changed(
        before: &BTreeMap<&str, String>,
        after: &BTreeMap<&str, String>,
    ) -> Vec<&'static str> {
        RULES
            .iter()
            .copied()
            .filter(|r| before[r] != after[r])
            .collect()
    }

    #[test]
    fn changing_one_rule_module_changes_that_rule_and_the_rules_that_use_it_only() {
        let d = tree();
        let before = prints(&d);
        d.write(
            "rules-lib/src/rules/rule_c.rs",
            "use super::shared::x; // changed",
        );
        assert_eq!(changed(&before, &prints(&d)), ["rule-c"]);
        let before = prints(&d);
        d.write("rules-lib/src/rules/rule_a.rs", "fn a() { /* changed */ }");
        assert_eq!(changed(&before, &prints(&d)), ["rule-a", "rule-b"]);
        let before = prints(&d);
        d.write("functions/src/bin/rule-b.rs", "b2");
        assert_eq!(changed(&before, &prints(&d)), ["rule-b"]);
    }

    #[test]
    fn changing_shared_code_the_lock_file_or_the_toolchain_changes_every_rule() {
        let d = tree();
        let before = prints(&d);
        d.write("rules-lib/src/rules/shared.rs", "pub fn x() { 1; }");
        assert_eq!(changed(&before, &prints(&d)), RULES);
        let before = prints(&d);
        d.write("rules-lib/src/lib.rs", "pub mod rules; pub mod more;");
        assert_eq!(changed(&before, &prints(&d)), RULES);
        let before = prints(&d);
        d.write("Cargo.lock", "# lock 2");
        assert_eq!(changed(&before, &prints(&d)), RULES);
        let other = input_fingerprints(d.path(), &RULES, &RULES, "rustc 1.96.0").unwrap();
        assert_eq!(changed(&prints(&d), &other), RULES);
    }

    #[test]
    fn a_rule_module_used_by_a_shared_module_counts_as_shared() {
        let d = tree();
        d.write(
            "rules-lib/src/rules/shared.rs",
            "pub fn x() { super::rule_a::helper() }",
        );
        let before = prints(&d);
        d.write("rules-lib/src/rules/rule_a.rs", "fn a() { /* changed */ }");
        assert_eq!(changed(&before, &prints(&d)), RULES);
    }

    #[test]
    fn a_missing_function_source_is_an_error_naming_the_file() {
        let d = tree();
        let e = input_fingerprints(d.path(), &["rule-d"], &RULES, "t").unwrap_err();
        assert!(e.contains("functions/src/bin/rule-d.rs"), "{e}");
    }

    /// Copies what the fingerprints read from this checkout into `d`.
    fn copy_checkout(d: &tempdir::Dir) {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let mut files = Vec::new();
        for dir in ["rules-lib", "functions/src"] {
            files_under(&root, &root.join(dir), &mut files).unwrap();
        }
        for f in files
            .into_iter()
            .chain(["Cargo.toml", "Cargo.lock", "functions/Cargo.toml"].map(PathBuf::from))
        {
            let text = std::fs::read_to_string(root.join(&f)).unwrap();
            d.write(f.to_str().unwrap(), &text);
        }
    }

    #[test]
    fn in_this_checkout_changing_one_rule_module_rebuilds_that_rule_and_engine_changes_rebuild_all()
    {
        let d = tempdir::Dir::new("checkout");
        copy_checkout(&d);
        let catalog: Vec<&'static str> = rules_lib::rules::catalog()
            .iter()
            .map(|r| r.spec().name)
            .collect();
        let prints = || input_fingerprints(d.path(), &catalog, &catalog, "rustc").unwrap();
        let before = prints();
        let distinct: BTreeSet<&String> = before.values().collect();
        assert_eq!(
            distinct.len(),
            catalog.len(),
            "every function has its own binary source"
        );
        let module = "rules-lib/src/rules/encrypted_volumes.rs";
        let text = std::fs::read_to_string(d.path().join(module)).unwrap();
        d.write(module, &(text + "\n// changed\n"));
        let after = prints();
        let changed: Vec<&str> = catalog
            .iter()
            .copied()
            .filter(|r| before[r] != after[r])
            .collect();
        assert_eq!(changed, ["encrypted-volumes"]);
        let engine = "rules-lib/src/engine.rs";
        let text = std::fs::read_to_string(d.path().join(engine)).unwrap();
        d.write(engine, &(text + "\n// changed\n"));
        let all = prints();
        assert!(catalog.iter().all(|r| after[r] != all[r]));
    }

    /// A zip of one file, deflated, with `time` as its DOS modification time.
    fn deflated_zip(name: &str, content: &[u8], time: u16) -> Vec<u8> {
        use std::io::Write;
        let mut e = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(content).unwrap();
        let packed = e.finish().unwrap();
        let mut z = stored_zip(name, content, time);
        // Same layout with the deflated bytes: rebuild around them.
        let local_data = 30 + name.len();
        let mut out = z[..local_data].to_vec();
        out[8..10].copy_from_slice(&8u16.to_le_bytes()); // method
        out[18..22].copy_from_slice(&(packed.len() as u32).to_le_bytes());
        out.extend(&packed);
        let cd_start = local_data + content.len();
        let cd = out.len();
        let mut central = z.split_off(cd_start);
        central[10..12].copy_from_slice(&8u16.to_le_bytes());
        central[20..24].copy_from_slice(&(packed.len() as u32).to_le_bytes());
        let end = central.len() - 22;
        central[end + 16..end + 20].copy_from_slice(&(cd as u32).to_le_bytes());
        out.extend(central);
        out
    }

    /// A zip of one stored file, with `time` as its DOS modification time.
    fn stored_zip(name: &str, content: &[u8], time: u16) -> Vec<u8> {
        let crc = {
            let mut c = !0u32;
            for b in content {
                c ^= *b as u32;
                for _ in 0..8 {
                    c = if c & 1 == 1 {
                        (c >> 1) ^ 0xedb8_8320
                    } else {
                        c >> 1
                    };
                }
            }
            !c
        };
        let mut z = Vec::new();
        let head = |z: &mut Vec<u8>, sig: u32, central: bool| {
            z.extend(sig.to_le_bytes());
            if central {
                z.extend(20u16.to_le_bytes());
            }
            z.extend(20u16.to_le_bytes()); // version needed
            z.extend(0u16.to_le_bytes()); // flags
            z.extend(0u16.to_le_bytes()); // stored
            z.extend(time.to_le_bytes());
            z.extend(0x5b21u16.to_le_bytes()); // date
            z.extend(crc.to_le_bytes());
            z.extend((content.len() as u32).to_le_bytes());
            z.extend((content.len() as u32).to_le_bytes());
            z.extend((name.len() as u16).to_le_bytes());
            z.extend(0u16.to_le_bytes()); // extra
        };
        head(&mut z, 0x0403_4b50, false);
        z.extend(name.as_bytes());
        z.extend(content);
        let cd = z.len();
        head(&mut z, 0x0201_4b50, true);
        z.extend([0u8; 12]); // comment length, disk, attributes
        z.extend(0u32.to_le_bytes()); // local header at 0
        z.extend(name.as_bytes());
        let cd_len = z.len() - cd;
        z.extend(0x0605_4b50u32.to_le_bytes());
        z.extend([0u8; 4]);
        z.extend(1u16.to_le_bytes());
        z.extend(1u16.to_le_bytes());
        z.extend((cd_len as u32).to_le_bytes());
        z.extend((cd as u32).to_le_bytes());
        z.extend(0u16.to_le_bytes());
        z
    }

    #[test]
    fn the_same_bootstrap_zipped_at_another_time_keeps_its_key_and_another_does_not() {
        let a = stored_zip("bootstrap", b"binary v1", 0x6000);
        let b = stored_zip("bootstrap", b"binary v1", 0x7000);
        assert_ne!(a, b, "the zips differ in their time only");
        assert_eq!(content_sha256(&a), content_sha256(&b));
        assert_ne!(
            content_sha256(&a),
            content_sha256(&stored_zip("bootstrap", b"binary v2", 0x6000))
        );
        assert_ne!(
            content_sha256(&a),
            sha256_hex(&a),
            "entries are hashed, not the zip"
        );
        // The same file deflated is the same content.
        let d = deflated_zip("bootstrap", b"binary v1 binary v1 binary v1", 0x6000);
        assert_eq!(
            content_sha256(&d),
            content_sha256(&stored_zip(
                "bootstrap",
                b"binary v1 binary v1 binary v1",
                0x7000
            ))
        );
        // Not a zip: the bytes themselves.
        assert_eq!(content_sha256(b"not a zip"), sha256_hex(b"not a zip"));
    }

    #[test]
    fn packages_are_named_by_the_sha256_of_their_content() {
        let p = Package {
            rule: "encrypted-volumes",
            bytes: b"abc".to_vec(),
            sha256: sha256_hex(b"abc"),
        };
        assert_eq!(
            p.key("ferrule/"),
            "ferrule/encrypted-volumes/ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad.zip"
        );
    }

    /// A temporary directory removed on drop (no extra crate for it).
    mod tempdir {
        use std::path::{Path, PathBuf};

        pub struct Dir(PathBuf);

        impl Dir {
            pub fn new(name: &str) -> Self {
                use std::sync::atomic::{AtomicUsize, Ordering};
                static N: AtomicUsize = AtomicUsize::new(0);
                let p = std::env::temp_dir().join(format!(
                    "rdk-{name}-{}-{}",
                    std::process::id(),
                    N.fetch_add(1, Ordering::Relaxed)
                ));
                std::fs::create_dir_all(&p).unwrap();
                Self(p)
            }
            pub fn path(&self) -> &Path {
                &self.0
            }
            pub fn write(&self, rel: &str, text: &str) {
                let p = self.0.join(rel);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, text).unwrap();
            }
        }

        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
    }
}
