//! `rdk`: the ferrule rule development kit. Thin over `rdk::commands` and `rules_lib`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rdk::commands::{self, CliError, EvaluateInput, Format};

#[derive(Parser)]
#[command(
    name = "rdk",
    version,
    about = "ferrule rule development kit: list, evaluate and run AWS Config rules locally"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List the rule catalog: name, triggers, resource types, parameters.
    Rules {
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Evaluate one rule against a configuration item or a whole Lambda event.
    Evaluate {
        /// The rule name, e.g. encrypted-volumes.
        #[arg(long)]
        rule: String,
        /// A configuration item file (either shape; a list or snapshot file works too).
        #[arg(long, conflicts_with = "event", required_unless_present = "event")]
        item: Option<PathBuf>,
        /// A whole Lambda payload as AWS Config sends it.
        #[arg(long)]
        event: Option<PathBuf>,
        /// Rule parameters as a JSON object, e.g. '{"kmsId": "..."}'.
        #[arg(long)]
        parameters: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Scan a whole account with every applicable rule: the bundled sample account by
    /// default, AWS Config snapshot files (--snapshot), or the account itself (--live).
    Scan {
        /// Config snapshot or history files (.json, .json.gz), item files, or directories of them.
        #[arg(long, conflicts_with = "live")]
        snapshot: Vec<PathBuf>,
        /// Read the account through the AWS Config API.
        #[arg(long)]
        live: bool,
        /// Region for --live.
        #[arg(long, requires = "live")]
        region: Option<String>,
        /// Named profile for --live.
        #[arg(long, requires = "live")]
        profile: Option<String>,
        /// Only these rules (comma-separated); default: the whole catalog.
        #[arg(long, value_delimiter = ',')]
        rules: Vec<String>,
        /// Rule parameters: {"rule-name": {"param": "value"}}, as the templates take them.
        #[arg(long)]
        parameters_file: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: rdk::scan::report::ScanFormat,
        /// Write the report here instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Exit 1 when there is anything of these kinds (comma-separated): non-compliant, skipped.
        #[arg(long, value_enum, value_delimiter = ',')]
        fail_on: Vec<FailOn>,
        /// With --fail-on non-compliant: only findings of rules at or above this severity count.
        #[arg(long, value_enum, default_value = "low")]
        min_severity: SeverityArg,
    },
    /// Generate the CloudFormation template of the rules (functions, roles, log groups,
    /// permissions, Config rules) from the catalog.
    CreateRuleTemplate {
        /// Every rule of the catalog.
        #[arg(long)]
        all: bool,
        /// These rules (comma-separated).
        #[arg(long, value_delimiter = ',')]
        rules: Vec<String>,
        /// Rules of these sets (comma-separated): services (s3, ec2, iam, ...), severities, change, periodic.
        #[arg(long, value_delimiter = ',')]
        rulesets: Vec<String>,
        /// Write here instead of stdout.
        #[arg(long)]
        output_file: Option<PathBuf>,
    },
    /// Run a local AWS Config endpoint (JSON 1.1) serving items from files, for
    /// running the rule functions end to end (AWS_ENDPOINT_URL_CONFIG_SERVICE).
    LocalConfig {
        /// A directory (or file) of configuration items to serve.
        #[arg(long)]
        items: Option<PathBuf>,
        /// The port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 4566)]
        port: u16,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum FailOn {
    NonCompliant,
    Skipped,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum SeverityArg {
    Low,
    Medium,
    High,
    Critical,
}

impl From<SeverityArg> for rules_lib::Severity {
    fn from(s: SeverityArg) -> Self {
        match s {
            SeverityArg::Low => Self::Low,
            SeverityArg::Medium => Self::Medium,
            SeverityArg::High => Self::High,
            SeverityArg::Critical => Self::Critical,
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("rdk: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("rdk: {}", e.message.replace('\n', " "));
            ExitCode::from(e.code as u8)
        }
    }
}

async fn run(command: Command) -> Result<(), CliError> {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match command {
        Command::Rules { format } => {
            commands::list_rules(format, &mut out).map_err(|e| CliError::failed(e.to_string()))
        }
        Command::Evaluate {
            rule,
            item,
            event,
            parameters,
            format,
        } => {
            let input = match (item, event) {
                (Some(i), _) => EvaluateInput::Item(i),
                (None, Some(e)) => EvaluateInput::Event(e),
                (None, None) => return Err(CliError::input("give --item FILE or --event FILE")),
            };
            // Build the whole output first so a failure leaves stdout empty.
            let mut buf = Vec::new();
            commands::evaluate(&rule, &input, parameters.as_deref(), format, &mut buf).await?;
            std::io::Write::write_all(&mut out, &buf).map_err(|e| CliError::failed(e.to_string()))
        }
        Command::Scan {
            snapshot,
            live,
            region,
            profile,
            rules,
            parameters_file,
            format,
            output,
            fail_on,
            min_severity,
        } => {
            use rdk::scan::{scan, ScanOptions, Source};
            let source = if live {
                Source::Live { region, profile }
            } else if snapshot.is_empty() {
                Source::Sample
            } else {
                Source::Snapshots(snapshot)
            };
            let parameters = match &parameters_file {
                Some(p) => rdk::scan::read_parameters_file(p)?,
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
            match &output {
                Some(path) => {
                    let tmp = path.with_extension("tmp");
                    std::fs::write(&tmp, &text)
                        .and_then(|_| std::fs::rename(&tmp, path))
                        .map_err(|e| {
                            CliError::failed(format!("{}: cannot write: {e}", path.display()))
                        })?;
                    eprintln!("rdk: wrote the {format:?} report to {}", path.display());
                }
                None => std::io::Write::write_all(&mut out, text.as_bytes())
                    .map_err(|e| CliError::failed(e.to_string()))?,
            }
            let min: rules_lib::Severity = min_severity.into();
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
        Command::CreateRuleTemplate {
            all,
            rules,
            rulesets,
            output_file,
        } => {
            let selected =
                rdk::template::select(all, &rules, &rulesets).map_err(CliError::input)?;
            let yaml = rdk::template::to_yaml(&rdk::template::rules_template(&selected));
            match output_file {
                Some(path) => {
                    // Write beside, then rename: never a half-written template.
                    let tmp = path.with_extension("yaml.tmp");
                    std::fs::write(&tmp, &yaml)
                        .and_then(|_| std::fs::rename(&tmp, &path))
                        .map_err(|e| {
                            CliError::failed(format!("{}: cannot write: {e}", path.display()))
                        })?;
                    eprintln!("rdk: wrote {} rules to {}", selected.len(), path.display());
                    Ok(())
                }
                None => std::io::Write::write_all(&mut out, yaml.as_bytes())
                    .map_err(|e| CliError::failed(e.to_string())),
            }
        }
        Command::LocalConfig { items, port } => {
            tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new("info"))
                .with_writer(std::io::stderr)
                .init();
            let endpoint = match &items {
                Some(dir) => {
                    let (endpoint, skipped) = rdk::local_config::LocalConfig::load_dir(dir)
                        .map_err(|e| {
                            CliError::input(format!("{}: cannot read: {e}", dir.display()))
                        })?;
                    for s in skipped {
                        eprintln!("rdk: skipped {}", s.reason);
                    }
                    endpoint
                }
                None => rdk::local_config::LocalConfig::default(),
            };
            let running = endpoint
                .serve(SocketAddr::from(([127, 0, 0, 1], port)))
                .await
                .map_err(|e| {
                    CliError::input(format!(
                        "cannot listen on 127.0.0.1:{port}: {e}; pick another with --port"
                    ))
                })?;
            eprintln!(
                "rdk: local AWS Config endpoint on {} ({} items); export AWS_ENDPOINT_URL_CONFIG_SERVICE={}",
                running.url(),
                endpoint.item_count(),
                running.url()
            );
            running
                .task
                .await
                .map_err(|e| CliError::failed(e.to_string()))
        }
    }
}
