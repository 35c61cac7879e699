//! `rdk`: the ferrule rule development kit. Thin over `rdk::commands` and `rules_lib`.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rdk::commands::{self, CliError, EvaluateInput, Format, FrequencyArg, SeverityArg};

// Scans allocate items on the parsing thread and free them on the workers; glibc's
// allocator serialises that on an arena lock (measured: 40% of scan time), mimalloc does not.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "rdk",
    version,
    about = "ferrule rule development kit: list, evaluate and run AWS Config rules locally"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Largest configuration item, --event payload or item file read whole, in MiB.
    /// AWS Config's items are at most a few MB; a larger item is refused with an error
    /// naming it, and scans go on with the next file.
    #[arg(long, global = true, value_name = "MIB", default_value_t = rdk::input::DEFAULT_MAX_ITEM_MIB,
          value_parser = clap::value_parser!(u64).range(1..=4096))]
    max_item_mib: u64,
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
    /// Scaffold a new rule: rule file, catalog entry, function binary, fixtures by
    /// verdict in both shapes. It compiles and its tests pass at once.
    Create {
        /// kebab-case rule name (the AWS managed rule's name if one does the same job).
        name: String,
        /// Resource types in scope (comma-separated), e.g. AWS::S3::Bucket.
        #[arg(long, value_delimiter = ',')]
        resource_types: Vec<String>,
        /// Also run periodically, at most this often.
        #[arg(long, value_enum)]
        maximum_frequency: Option<FrequencyArg>,
        /// Parameters and their defaults, e.g. '{"desiredValue": "x"}'.
        #[arg(long)]
        input_parameters: Option<String>,
        /// The rule's severity.
        #[arg(long, value_enum, default_value = "medium")]
        severity: SeverityArg,
    },
    /// Run rules over their fixtures (tests/fixtures/<rule>/) and print what each said.
    TestLocal {
        /// Rule names; with none, --all.
        rules: Vec<String>,
        /// Every rule with fixtures.
        #[arg(long)]
        all: bool,
        /// Where the fixture directories are.
        #[arg(long, default_value = "tests/fixtures")]
        fixtures: PathBuf,
    },
    /// Print a real sample configuration item of a resource type (from the AWS RDK's examples).
    SampleCi {
        /// e.g. AWS::EC2::Volume
        resource_type: String,
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
    /// A rule function's log events, formatted for people (level, request, message,
    /// fields; metrics lines as their figures).
    Logs {
        /// The rule, e.g. encrypted-volumes.
        rule: String,
        /// Keep showing new events until Ctrl-C.
        #[arg(long)]
        follow: bool,
        /// How far back to start: 30s, 15m, 1h, 2d.
        #[arg(long, default_value = "1h")]
        since: String,
        /// At most this many of the newest events (before --follow's new ones).
        #[arg(long, default_value_t = 100)]
        number: usize,
        /// The functions' name prefix (the rules stack's NamePrefix).
        #[arg(long, default_value = "ferrule-")]
        name_prefix: String,
        /// Region (default: the environment's).
        #[arg(long)]
        region: Option<String>,
        /// Named profile.
        #[arg(long)]
        profile: Option<String>,
        /// The messages as logged, unformatted.
        #[arg(long)]
        raw: bool,
    },
    /// How the deployed rules are doing, from AWS Config: compliance and non-compliant
    /// count, last successful and failed run and the last error per rule; with --details
    /// the non-compliant resources of one rule with their annotations.
    Status {
        /// Config rule names as deployed (comma-separated); default: every rule.
        #[arg(long, value_delimiter = ',')]
        rules: Vec<String>,
        /// Also list this rule's non-compliant resources.
        #[arg(long)]
        details: Option<String>,
        /// Region (default: the environment's).
        #[arg(long)]
        region: Option<String>,
        /// Named profile.
        #[arg(long)]
        profile: Option<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Estimate what running rules costs a month: AWS Config evaluations and Lambda, from
    /// the resources in a snapshot (default: the bundled sample account), the rules'
    /// scopes and triggers, and the published prices (printed with their sources).
    Cost {
        /// Config snapshot or history files (.json, .json.gz), or directories of them.
        #[arg(long)]
        snapshot: Vec<PathBuf>,
        /// Only these rules (comma-separated); default: the whole catalog.
        #[arg(long, value_delimiter = ',')]
        rules: Vec<String>,
        /// Recorded configuration changes per resource per day (change-triggered rules run
        /// once per change).
        #[arg(long, default_value_t = 1.0)]
        changes_per_day: f64,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Judge CloudFormation templates (YAML or JSON; SAM and cdk synth output too) with the
    /// same rules, before deploy. Exit 0: nothing mandatory violated; 1: a mandatory
    /// violation; 2: unreadable input, an unknown rule or an invalid policy file.
    Check {
        /// Template files, or directories to walk for .yaml, .yml, .json and .template files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Only these rules (comma-separated); default: the catalog, less what the policy disables.
        #[arg(long, value_delimiter = ',')]
        rules: Vec<String>,
        /// A policy file: per rule, enforcement (mandatory, advisory, disabled) and parameters.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Rule parameters: {"rule-name": {"param": "value"}}, as the Config rules take them.
        #[arg(long)]
        parameters_file: Option<PathBuf>,
        /// Template parameter values: Key=Value ... or file://params.json (the aws
        /// cloudformation and CodePipeline formats).
        #[arg(long, num_args = 1..)]
        parameter_overrides: Vec<String>,
        #[arg(long, value_enum, default_value = "text")]
        format: rdk::scan::report::ScanFormat,
        /// Write the report here instead of stdout.
        #[arg(long)]
        output: Option<PathBuf>,
        /// Only violations of rules at or above this severity fail the check (default: the
        /// policy's minSeverity, else low).
        #[arg(long, value_enum)]
        min_severity: Option<SeverityArg>,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    rdk::input::set_max_item_bytes(cli.max_item_mib << 20);
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
        Command::Create {
            name,
            resource_types,
            maximum_frequency,
            input_parameters,
            severity,
        } => {
            let input_parameters = match input_parameters {
                None => Default::default(),
                Some(text) => match serde_json::from_str::<serde_json::Value>(&text) {
                    Ok(serde_json::Value::Object(m)) => m,
                    _ => return Err(CliError::input("--input-parameters must be a JSON object of parameter names to default values, e.g. '{\"maxAge\": \"90\"}'")),
                },
            };
            let cwd = std::env::current_dir().map_err(|e| CliError::failed(e.to_string()))?;
            let root = rdk::create::find_root(&cwd)?;
            let rule = rdk::create::NewRule {
                name: name.clone(),
                resource_types,
                maximum_frequency: maximum_frequency.map(|f| f.0),
                input_parameters,
                severity: severity.0,
            };
            let written = rdk::create::create(&root, &rule)?;
            for w in &written {
                eprintln!("rdk: wrote {w}");
            }
            eprintln!("rdk: next: write the rule's logic, replace the generated fixtures with real items (test-local fails until you do), then `cargo run -p rdk -- test-local {name}` and `cargo run -p rdk -- create-rule-template --all --output-file cloudformation/rules.yaml`");
            Ok(())
        }
        Command::TestLocal {
            rules,
            all,
            fixtures,
        } => {
            let selected: Vec<&'static dyn rules_lib::Rule> = if rules.is_empty() || all {
                rules_lib::rules::catalog()
                    .iter()
                    .copied()
                    .filter(|r| fixtures.join(r.spec().name).is_dir())
                    .collect()
            } else {
                rules
                    .iter()
                    .map(|n| commands::find_rule(n))
                    .collect::<Result<_, _>>()?
            };
            let mut failed = 0;
            let mut total = 0;
            let mut table = String::new();
            for rule in &selected {
                let dir = fixtures.join(rule.spec().name);
                let results = rdk::fixtures::run_rule(*rule, &dir).map_err(|e| {
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
            std::io::Write::write_all(&mut out, table.as_bytes())
                .map_err(|e| CliError::failed(e.to_string()))?;
            println!("{} passed, {} failed", total - failed, failed);
            if failed > 0 {
                return Err(CliError::failed(format!(
                    "{failed} of {total} fixtures got another verdict than their name says"
                )));
            }
            Ok(())
        }
        Command::SampleCi { resource_type } => {
            let samples = rdk::samples::for_type(&resource_type);
            match samples.first() {
                Some(s) => {
                    if let Some(r) = &s.repaired {
                        eprintln!("rdk: {}: {r}", s.file);
                    }
                    std::io::Write::write_all(&mut out, format!("{}\n", s.json).as_bytes())
                        .map_err(|e| CliError::failed(e.to_string()))
                }
                None => {
                    let types = rdk::samples::types();
                    let refs: Vec<&str> = types.iter().map(String::as_str).collect();
                    let close = commands::closest(&resource_type, &refs);
                    let hint = if close.is_empty() {
                        format!(
                            "samples exist for {} types; try AWS::EC2::Volume",
                            refs.len()
                        )
                    } else {
                        format!("did you mean {}?", close.join(" or "))
                    };
                    Err(CliError::input(format!(
                        "no sample configuration item for `{resource_type}`: {hint}"
                    )))
                }
            }
        }
        Command::Logs {
            rule,
            follow,
            since,
            number,
            name_prefix,
            region,
            profile,
            raw,
        } => {
            commands::find_rule(&rule)?;
            let since = rdk::logs::parse_since(&since).map_err(CliError::input)?;
            let opts = rdk::logs::LogsOptions {
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
            rdk::logs::logs(&opts, &mut out, stop).await.map(|_| ())
        }
        Command::Status {
            rules,
            details,
            region,
            profile,
            format,
        } => {
            let report = rdk::status::status(&rdk::status::StatusOptions {
                rules,
                details,
                region,
                profile,
            })
            .await?;
            std::io::Write::write_all(&mut out, report.render(format).as_bytes())
                .map_err(|e| CliError::failed(format!("cannot write the status: {e}")))
        }
        Command::Cost {
            snapshot,
            rules,
            changes_per_day,
            format,
        } => {
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
                    .map(|r| commands::find_rule(r))
                    .collect::<Result<Vec<_>, _>>()?
            };
            let (mut inputs, unreadable) = rdk::cost::count_resources(&snapshot)?;
            inputs.changes_per_day = changes_per_day;
            for u in &unreadable {
                eprintln!("rdk: not counted: {u}");
            }
            let report = rdk::cost::estimate(&selected, inputs, rdk::cost::PRICES);
            let text = match format {
                Format::Text => report.text(),
                Format::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
            };
            std::io::Write::write_all(&mut out, text.as_bytes())
                .map_err(|e| CliError::failed(format!("cannot write the estimate: {e}")))
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
            write_report(output.as_deref(), &text, &mut out)?;
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
        Command::Check {
            paths,
            rules,
            policy,
            parameters_file,
            parameter_overrides,
            format,
            output,
            min_severity,
        } => {
            use rdk::check::{check, policy::Policy, CheckOptions};
            let policy = match &policy {
                Some(p) => Policy::read(p)?,
                None => Policy::default(),
            };
            let parameters = match &parameters_file {
                Some(p) => rdk::scan::read_parameters_file(p)?,
                None => Default::default(),
            };
            let min: rules_lib::Severity = min_severity
                .map(|s| s.0)
                .or(policy.min_severity)
                .unwrap_or(rules_lib::Severity::Low);
            let opts = CheckOptions {
                paths,
                rules,
                policy,
                parameters,
                overrides: rdk::check::policy::parse_overrides(&parameter_overrides)?,
            };
            let run = tokio::task::spawn_blocking(move || check(&opts))
                .await
                .map_err(|e| CliError::failed(e.to_string()))??;
            for w in run.warnings.iter().take(20) {
                eprintln!("rdk: warning: {w}");
            }
            if run.report.items > 0 {
                for m in &run.malformed {
                    eprintln!("rdk: {m}");
                }
            }
            if run.report.items == 0 && !run.malformed.is_empty() {
                // Nothing could be judged: the contract's one line and an empty stdout.
                return Err(CliError::input(run.malformed[0].clone()));
            }
            let text = run.report.render(format);
            write_report(output.as_deref(), &text, &mut out)?;
            if !run.malformed.is_empty() {
                return Err(CliError::input(format!(
                    "{} template(s) could not be read; first: {} (fix the template; every other file was judged)",
                    run.malformed.len(),
                    run.malformed[0]
                )));
            }
            let failures = run.report.failures(min);
            if failures > 0 {
                return Err(CliError::failed(format!(
                    "{failures} mandatory violation(s) of rules at or above {} severity",
                    min.as_str()
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
                    commands::write_atomically(&path, yaml.as_bytes()).map_err(CliError::failed)?;
                    eprintln!("rdk: wrote {} rules to {}", selected.len(), path.display());
                    Ok(())
                }
                None => std::io::Write::write_all(&mut out, yaml.as_bytes())
                    .map_err(|e| CliError::failed(e.to_string())),
            }
        }
        Command::LocalConfig { items, port } => {
            tracing_subscriber::fmt()
                .with_max_level(tracing::Level::INFO)
                .with_writer(std::io::stderr)
                .init();
            let endpoint = match &items {
                Some(dir) => {
                    let (endpoint, skipped) = rdk::local_config::LocalConfig::load_dir(dir)
                        .map_err(|e| CliError::input(format!("{}: {e}", dir.display())))?;
                    for s in skipped {
                        eprintln!("rdk: skipped {}: {}", s.source, s.reason);
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

/// Writes a report to `--output` (beside, then renamed: never a half-written file, and
/// no `.tmp` left behind on failure) or to stdout.
fn write_report(
    output: Option<&std::path::Path>,
    text: &str,
    out: &mut impl std::io::Write,
) -> Result<(), CliError> {
    match output {
        Some(path) => {
            commands::write_atomically(path, text.as_bytes()).map_err(CliError::failed)?;
            eprintln!("rdk: wrote the report to {}", path.display());
            Ok(())
        }
        None => out
            .write_all(text.as_bytes())
            .map_err(|e| CliError::failed(e.to_string())),
    }
}
