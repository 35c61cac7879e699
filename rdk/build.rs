//! Bundles the AWS RDK's example configuration items (tests/fixtures/example-ci) into
//! `rdk sample-ci`.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/example-ci");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/fixtures/example-ci exists")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut out = String::from("/// The RDK's example items: (file name, content as published).\npub static EXAMPLES: &[(&str, &str)] = &[\n");
    for f in files {
        let canonical = f.canonicalize().expect("readable");
        writeln!(
            out,
            "    ({:?}, include_str!({:?})),",
            f.file_name().unwrap().to_string_lossy(),
            canonical.display().to_string()
        )
        .unwrap();
    }
    out.push_str("];\n");
    std::fs::write(
        Path::new(&std::env::var("OUT_DIR").unwrap()).join("example_ci.rs"),
        out,
    )
    .unwrap();
}
