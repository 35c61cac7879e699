//! `rdk create-rule-template`: Generate the CloudFormation template of the rules
//! (functions, roles, log groups, permissions, Config rules) from the catalog.

use std::path::PathBuf;

use crate::commands::CliError;

/// The arguments of `rdk create-rule-template`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Every rule of the catalog.
    #[arg(long)]
    pub all: bool,
    /// These rules (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub rules: Vec<String>,
    /// Rules of these sets (comma-separated): services (s3, ec2, iam, ...), severities, change, periodic.
    #[arg(long, value_delimiter = ',')]
    pub rulesets: Vec<String>,
    /// Write here instead of stdout.
    #[arg(long)]
    pub output_file: Option<PathBuf>,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        all,
        rules,
        rulesets,
        output_file,
    } = args;
    let selected = crate::template::select(all, &rules, &rulesets).map_err(CliError::input)?;
    let yaml = crate::template::to_yaml(&crate::template::rules_template(&selected));
    match output_file {
        Some(path) => {
            crate::commands::write_atomically(&path, yaml.as_bytes()).map_err(CliError::failed)?;
            eprintln!("rdk: wrote {} rules to {}", selected.len(), path.display());
            Ok(())
        }
        None => std::io::Write::write_all(out, yaml.as_bytes())
            .map_err(|e| CliError::failed(e.to_string())),
    }
}
