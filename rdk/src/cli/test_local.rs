//! `rdk test-local`: Run rules over their fixtures (`tests/fixtures/<rule>/`) and print
//! what each said.

use std::path::PathBuf;

use crate::commands::CliError;

/// The arguments of `rdk test-local`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Rule names; with none, --all.
    pub rules: Vec<String>,
    /// Every rule with fixtures.
    #[arg(long)]
    pub all: bool,
    /// Where the fixture directories are.
    #[arg(long, default_value = "tests/fixtures")]
    pub fixtures: PathBuf,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        rules,
        all,
        fixtures,
    } = args;
    let selected: Vec<&'static dyn rules_lib::Rule> = if rules.is_empty() || all {
        rules_lib::rules::catalog()
            .iter()
            .copied()
            .filter(|r| fixtures.join(r.spec().name).is_dir())
            .collect()
    } else {
        rules
            .iter()
            .map(|n| crate::commands::find_rule(n))
            .collect::<Result<_, _>>()?
    };
    let mut failed = 0;
    let mut total = 0;
    let mut table = String::new();
    for rule in &selected {
        let dir = fixtures.join(rule.spec().name);
        let results = crate::fixtures::run_rule(*rule, &dir).map_err(|e| {
            CliError::input(format!(
                "{e}: fixtures go in {}/<rule-name>/",
                fixtures.display()
            ))
        })?;
        if results.is_empty() {
            return Err(CliError::input(format!(
                "{} has no fixtures; add compliant-*.json and non-compliant-*.json",
                dir.display()
            )));
        }
        for r in results {
            total += 1;
            let mark = if r.passed() {
                "ok  "
            } else {
                failed += 1;
                "FAIL"
            };
            table.push_str(&format!(
                "{mark} {:<42} {:<70} expected {:<15} got {}\n",
                r.rule, r.fixture, r.expected, r.got
            ));
        }
    }
    std::io::Write::write_all(out, table.as_bytes())
        .map_err(|e| CliError::failed(e.to_string()))?;
    println!("{} passed, {} failed", total - failed, failed);
    if failed > 0 {
        return Err(CliError::failed(format!(
            "{failed} of {total} fixtures got another verdict than their name says"
        )));
    }
    Ok(())
}
