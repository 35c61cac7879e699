//! The command line: one module per `rdk` command, each with its clap `Args` and a
//! `run` that returns a [`crate::commands::CliError`] carrying the exit code.

pub mod check;
pub mod cost;
pub mod create;
pub mod create_conformance_pack;
pub mod create_rule_template;
pub mod deploy;
pub mod evaluate;
pub mod local_config;
pub mod logs;
pub mod package;
pub mod reevaluate;
pub mod rules;
pub mod sample_ci;
pub mod scan;
pub mod status;
pub mod test_local;
pub mod undeploy;

use crate::commands::CliError;

/// Writes a report to `--output` (beside, then renamed: never a half-written file, and
/// no `.tmp` left behind on failure) or to stdout.
pub(crate) fn write_report(
    output: Option<&std::path::Path>,
    text: &str,
    out: &mut dyn std::io::Write,
) -> Result<(), CliError> {
    match output {
        Some(path) => {
            crate::commands::write_atomically(path, text.as_bytes()).map_err(CliError::failed)?;
            eprintln!("rdk: wrote the report to {}", path.display());
            Ok(())
        }
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| CliError::failed(e.to_string())),
    }
}
