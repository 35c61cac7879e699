//! `rdk status`: How the deployed rules are doing, from AWS Config: compliance and
//! non-compliant count, last successful and failed run and the last error per rule;
//! with --details the non-compliant resources of one rule with their annotations.

use crate::commands::{CliError, Format};

/// The arguments of `rdk status`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config rule names as deployed (comma-separated); default: every rule.
    #[arg(long, value_delimiter = ',')]
    pub rules: Vec<String>,
    /// Also list this rule's non-compliant resources.
    #[arg(long)]
    pub details: Option<String>,
    /// Region (default: the environment's).
    #[arg(long)]
    pub region: Option<String>,
    /// Named profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        rules,
        details,
        region,
        profile,
        format,
    } = args;
    let report = crate::status::status(&crate::status::StatusOptions {
        rules,
        details,
        region,
        profile,
    })
    .await?;
    std::io::Write::write_all(out, report.render(format).as_bytes())
        .map_err(|e| CliError::failed(format!("cannot write the status: {e}")))
}
