//! `rdk evaluate`: Evaluate one rule against a configuration item or a whole Lambda
//! event.

use std::path::PathBuf;

use crate::commands::{CliError, Format};

/// The arguments of `rdk evaluate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rule name, e.g. encrypted-volumes.
    #[arg(long)]
    pub rule: String,
    /// A configuration item file (either shape; a list or snapshot file works too).
    #[arg(long, conflicts_with = "event", required_unless_present = "event")]
    pub item: Option<PathBuf>,
    /// A whole Lambda payload as AWS Config sends it.
    #[arg(long)]
    pub event: Option<PathBuf>,
    /// Rule parameters as a JSON object, e.g. '{"kmsId": "..."}'.
    #[arg(long)]
    pub parameters: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        rule,
        item,
        event,
        parameters,
        format,
    } = args;
    let input = match (item, event) {
        (Some(i), _) => crate::commands::EvaluateInput::Item(i),
        (None, Some(e)) => crate::commands::EvaluateInput::Event(e),
        (None, None) => return Err(CliError::input("give --item FILE or --event FILE")),
    };
    // Build the whole output first so a failure leaves stdout empty.
    let mut buf = Vec::new();
    crate::commands::evaluate(&rule, &input, parameters.as_deref(), format, &mut buf).await?;
    std::io::Write::write_all(out, &buf).map_err(|e| CliError::failed(e.to_string()))
}
