//! `rdk check`: Judge CloudFormation templates (YAML or JSON; SAM and cdk synth output
//! too) with the same rules, before deploy. Exit 0: nothing mandatory violated; 1: a
//! mandatory violation; 2: unreadable input, an unknown rule or an invalid policy file.

use std::path::PathBuf;

use crate::commands::{CliError, SeverityArg};

/// The arguments of `rdk check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Template files, or directories to walk for .yaml, .yml, .json and .template files.
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Only these rules (comma-separated); default: the catalog, less what the policy disables.
    #[arg(long, value_delimiter = ',')]
    pub rules: Vec<String>,
    /// A policy file: per rule, enforcement (mandatory, advisory, disabled) and parameters.
    #[arg(long)]
    pub policy: Option<PathBuf>,
    /// Rule parameters: {"rule-name": {"param": "value"}}, as the Config rules take them.
    #[arg(long)]
    pub parameters_file: Option<PathBuf>,
    /// Template parameter values: Key=Value ... or file://params.json (the aws
    /// cloudformation and CodePipeline formats).
    #[arg(long, num_args = 1..)]
    pub parameter_overrides: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: crate::scan::report::ScanFormat,
    /// Write the report here instead of stdout.
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Only violations of rules at or above this severity fail the check (default: the
    /// policy's minSeverity, else low).
    #[arg(long, value_enum)]
    pub min_severity: Option<SeverityArg>,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        paths,
        rules,
        policy,
        parameters_file,
        parameter_overrides,
        format,
        output,
        min_severity,
    } = args;
    use crate::check::{check, policy::Policy, CheckOptions};
    let policy = match &policy {
        Some(p) => Policy::read(p)?,
        None => Policy::default(),
    };
    let parameters = match &parameters_file {
        Some(p) => crate::scan::read_parameters_file(p)?,
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
        overrides: crate::check::policy::parse_overrides(&parameter_overrides)?,
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
    super::write_report(output.as_deref(), &text, &mut *out)?;
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
