//! `rdk cost`: Estimate what running rules costs a month: AWS Config evaluations and
//! Lambda, from the resources in a snapshot (default: the bundled sample account) or the
//! account itself (--live), the
//! rules' scopes and triggers, and the published prices (printed with their sources).

use std::path::PathBuf;

use crate::commands::{CliError, Format};

/// The arguments of `rdk cost`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Config snapshot or history files (.json, .json.gz), or directories of them.
    #[arg(long, conflicts_with = "live")]
    pub snapshot: Vec<PathBuf>,
    /// Count the account's resources through the AWS Config API instead.
    #[arg(long)]
    pub live: bool,
    /// Region for --live.
    #[arg(long, requires = "live")]
    pub region: Option<String>,
    /// Named profile for --live.
    #[arg(long, requires = "live")]
    pub profile: Option<String>,
    /// Only these rules (comma-separated); default: the whole catalog.
    #[arg(long, value_delimiter = ',')]
    pub rules: Vec<String>,
    /// Recorded configuration changes per resource per day (change-triggered rules run
    /// once per change).
    #[arg(long, default_value_t = 1.0)]
    pub changes_per_day: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        snapshot,
        live,
        region,
        profile,
        rules,
        changes_per_day,
        format,
    } = args;
    if !changes_per_day.is_finite() || changes_per_day < 0.0 {
        return Err(CliError::input(format!(
            "--changes-per-day {changes_per_day}: give a number of changes per resource per day, 0 or more"
        )));
    }
    let selected = if rules.is_empty() {
        rules_lib::rules::catalog().to_vec()
    } else {
        rules
            .iter()
            .map(|r| crate::commands::find_rule(r))
            .collect::<Result<Vec<_>, _>>()?
    };
    let (mut inputs, unreadable) = if live {
        (
            crate::cost::count_live(&selected, region, profile).await?,
            Vec::new(),
        )
    } else {
        crate::cost::count_resources(&snapshot)?
    };
    inputs.changes_per_day = changes_per_day;
    for u in &unreadable {
        eprintln!("rdk: not counted: {u}");
    }
    let report = crate::cost::estimate(&selected, inputs, crate::cost::PRICES);
    let text = match format {
        Format::Text => report.text(),
        Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    };
    std::io::Write::write_all(out, text.as_bytes())
        .map_err(|e| CliError::failed(format!("cannot write the estimate: {e}")))
}
