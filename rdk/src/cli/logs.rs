//! `rdk logs`: A rule function's log events, formatted for people (level, request,
//! message, fields; metrics lines as their figures).

use crate::commands::CliError;

/// The arguments of `rdk logs`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The rule, e.g. encrypted-volumes.
    pub rule: String,
    /// Keep showing new events until Ctrl-C.
    #[arg(long)]
    pub follow: bool,
    /// How far back to start: 30s, 15m, 1h, 2d.
    #[arg(long, default_value = "1h")]
    pub since: String,
    /// At most this many of the newest events (before --follow's new ones).
    #[arg(long, default_value_t = 100)]
    pub number: usize,
    /// The functions' name prefix (the rules stack's NamePrefix).
    #[arg(long, default_value = "ferrule-")]
    pub name_prefix: String,
    /// Region (default: the environment's).
    #[arg(long)]
    pub region: Option<String>,
    /// Named profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// The messages as logged, unformatted.
    #[arg(long)]
    pub raw: bool,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        rule,
        follow,
        since,
        number,
        name_prefix,
        region,
        profile,
        raw,
    } = args;
    crate::commands::find_rule(&rule)?;
    let since = crate::logs::parse_since(&since).map_err(CliError::input)?;
    let opts = crate::logs::LogsOptions {
        rule,
        name_prefix,
        since,
        number,
        follow,
        region,
        profile,
        raw,
    };
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    crate::logs::logs(&opts, &mut *out, stop).await.map(|_| ())
}
