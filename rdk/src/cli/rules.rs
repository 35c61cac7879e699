//! `rdk rules`: List the rule catalog: name, triggers, resource types, parameters.

use crate::commands::{CliError, Format};

/// The arguments of `rdk rules`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args { format } = args;
    crate::commands::list_rules(format, &mut *out).map_err(|e| CliError::failed(e.to_string()))
}
