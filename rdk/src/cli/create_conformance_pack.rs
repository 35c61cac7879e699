//! `rdk create-conformance-pack`: Write a conformance pack template: ferrule rules as
//! custom Lambda rules calling the deployed functions, AWS managed rules by identifier,
//! parameters from the parameters file.

use std::path::PathBuf;

use crate::commands::CliError;

/// The arguments of `rdk create-conformance-pack`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which ferrule rules (none: a pack of managed rules only).
    #[command(flatten)]
    pub selection: crate::template::RuleSelection,
    /// AWS managed rules by identifier (comma-separated), e.g. IAM_PASSWORD_POLICY.
    #[arg(long, value_delimiter = ',')]
    pub managed_rules: Vec<String>,
    /// Rule parameters: {"rule-name": {"param": "value"}} (managed rules under their
    /// kebab-case name, e.g. iam-password-policy).
    #[arg(long)]
    pub parameters_file: Option<PathBuf>,
    /// For PutOrganizationConformancePack (the functions are the central account's).
    #[arg(long)]
    pub organization: bool,
    /// Write here instead of stdout.
    #[arg(long)]
    pub output_file: Option<PathBuf>,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        selection,
        managed_rules,
        parameters_file,
        organization,
        output_file,
    } = args;
    let selected = if selection.is_empty() {
        Vec::new()
    } else {
        selection.select().map_err(CliError::input)?
    };
    // The parameters file may name managed rules too: read it as JSON, not through the
    // catalog check of `rdk scan`.
    let parameters = match &parameters_file {
        None => Default::default(),
        Some(p) => {
            let text = std::fs::read_to_string(p)
                .map_err(|e| CliError::input(format!("{}: cannot read: {e}", p.display())))?;
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(m)) => m,
                _ => {
                    return Err(CliError::input(format!(
                        "{}: expected a JSON object of rule names to their parameters, like {{\"encrypted-volumes\": {{\"kmsId\": \"...\"}}}}",
                        p.display()
                    )))
                }
            }
        }
    };
    let managed =
        crate::conformance::managed_rules(&managed_rules, &parameters).map_err(CliError::input)?;
    let (pack, left_out) =
        crate::conformance::pack_template(&selected, &managed, &parameters, organization)
            .map_err(CliError::input)?;
    for l in &left_out {
        // A rule asked for by name must be in the pack; one of a set or of --all is
        // left out with a warning.
        if selection.rules.iter().any(|r| r == l.rule) {
            return Err(CliError::input(format!("{} {}", l.rule, l.reason)));
        }
        eprintln!("rdk: warning: left out {}: it {}", l.rule, l.reason);
    }
    let yaml = crate::template::to_yaml(&pack);
    if let Some(warning) = crate::conformance::check_size(&yaml).map_err(CliError::input)? {
        eprintln!("rdk: warning: {warning}");
    }
    match output_file {
        Some(path) => {
            crate::commands::write_atomically(&path, yaml.as_bytes()).map_err(CliError::failed)?;
            eprintln!(
                "rdk: wrote a conformance pack of {} rules to {}",
                selected.len() + managed.len() - left_out.len(),
                path.display()
            );
            Ok(())
        }
        None => std::io::Write::write_all(out, yaml.as_bytes())
            .map_err(|e| CliError::failed(e.to_string())),
    }
}
