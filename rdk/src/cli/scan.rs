//! `rdk scan`: Scan a whole account with every applicable rule: the bundled sample
//! account by default, AWS Config snapshot files (--snapshot), or the account itself
//! (--live), or every account and region of an AWS Config aggregator
//! (--live --aggregator).

use std::path::PathBuf;

use crate::commands::{CliError, SeverityArg};

/// The arguments of `rdk scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config snapshot or history files (.json, .json.gz), item files, or directories of them.
    #[arg(long, conflicts_with = "live")]
    pub snapshot: Vec<PathBuf>,
    /// Read the account through the AWS Config API.
    #[arg(long)]
    pub live: bool,
    /// Region for --live.
    #[arg(long, requires = "live")]
    pub region: Option<String>,
    /// Named profile for --live.
    #[arg(long, requires = "live")]
    pub profile: Option<String>,
    /// With --live: every account and region of this AWS Config aggregator (--region is
    /// the aggregator's region).
    #[arg(long, requires = "live", value_name = "NAME")]
    pub aggregator: Option<String>,
    /// Only these rules (comma-separated); default: the whole catalog.
    #[arg(long, value_delimiter = ',')]
    pub rules: Vec<String>,
    /// Rule parameters: {"rule-name": {"param": "value"}}, as the templates take them.
    #[arg(long)]
    pub parameters_file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::scan::report::ScanFormat,
    /// Write the report here instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Exit 1 when there is anything of these kinds (comma-separated): non-compliant, skipped.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub fail_on: Vec<FailOn>,
    /// With --fail-on non-compliant: only findings of rules at or above this severity count.
    #[arg(long, value_enum, default_value = "low")]
    pub min_severity: SeverityArg,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        snapshot,
        live,
        region,
        profile,
        aggregator,
        rules,
        parameters_file,
        format,
        output,
        fail_on,
        min_severity,
    } = args;
    use crate::scan::{scan, ScanOptions, Source};
    if let Some(name) = &aggregator {
        check_aggregator_name(name)?;
    }
    let source = if live {
        Source::Live {
            region,
            profile,
            aggregator,
        }
    } else if snapshot.is_empty() {
        Source::Sample
    } else {
        Source::Snapshots(snapshot)
    };
    let parameters = match &parameters_file {
        Some(p) => crate::scan::read_parameters_file(p)?,
        None => Default::default(),
    };
    let opts = ScanOptions {
        source,
        rules,
        parameters,
        progress: true,
    };
    let report = tokio::task::spawn_blocking(move || scan(&opts))
        .await
        .map_err(|e| CliError::failed(e.to_string()))??;
    let text = report.render(format);
    super::write_report(output.as_deref(), &text, &mut *out)?;
    let min: rules_lib::Severity = min_severity.0;
    let failures = report.failures(min);
    if fail_on.contains(&FailOn::NonCompliant) && failures > 0 {
        return Err(CliError::failed(format!(
            "{failures} NON_COMPLIANT evaluations of rules at or above {} severity (--fail-on non-compliant)",
            min.as_str()
        )));
    }
    if fail_on.contains(&FailOn::Skipped) && !report.skipped.is_empty() {
        return Err(CliError::failed(format!(
            "{} inputs could not be read (--fail-on skipped)",
            report.skipped.len()
        )));
    }
    Ok(())
}

/// A configuration aggregator name as AWS Config takes it: 1 to 256 of letters, digits,
/// `_` and `-`.
fn check_aggregator_name(name: &str) -> Result<(), CliError> {
    let n = name.chars().count();
    if (1..=256).contains(&n)
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return Ok(());
    }
    Err(CliError::input(format!(
        "--aggregator {:?}: not a configuration aggregator name; AWS Config names are 1 to 256 letters, digits, `_` and `-`",
        name.chars().take(300).collect::<String>()
    )))
}

/// What `--fail-on` can fail the scan on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// A NON_COMPLIANT evaluation of a rule at or above `--min-severity`.
    NonCompliant,
    /// An input that could not be read.
    Skipped,
}
