//! `rdk reevaluate`: Around a deploy made elsewhere (the pipeline's CloudFormation
//! action): `--save F` before it records the rules stack's template and parameters;
//! `--since F` after it starts AWS Config evaluations of the rules whose package or
//! parameters changed, as `rdk deploy` does.

use std::path::PathBuf;

use crate::commands::{CliError, Format};

/// The arguments of `rdk reevaluate`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("when").required(true).args(["save", "since"])))]
pub struct Args {
    /// The rules stack.
    #[arg(long, default_value = "ferrule-rules")]
    pub stack_name: String,
    /// Before the deploy: write the stack's template and parameters here.
    #[arg(long)]
    pub save: Option<PathBuf>,
    /// After the deploy: compare the stack with what --save wrote and evaluate again
    /// the rules that changed.
    #[arg(long)]
    pub since: Option<PathBuf>,
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
    let write = |out: &mut dyn std::io::Write, text: String| {
        out.write_all(text.as_bytes())
            .map_err(|e| CliError::failed(format!("cannot write: {e}")))
    };
    if let Some(path) = args.save {
        let state = crate::deploy::stack_state(&args.stack_name, args.region, args.profile).await?;
        let bytes = serde_json::to_vec(&state).map_err(|e| CliError::failed(e.to_string()))?;
        crate::commands::write_atomically(&path, &bytes).map_err(CliError::failed)?;
        return write(
            out,
            format!(
                "{}: recorded {} in {}\n",
                args.stack_name,
                match (state.exists, state.template.is_some()) {
                    (false, _) => "that the stack does not exist yet",
                    (true, true) => "the deployed template and parameters",
                    (true, false) => "the parameters (the template could not be read: every rule will count as changed)",
                },
                path.display()
            ),
        );
    }
    let Some(path) = args.since else {
        return Err(CliError::input(
            "give --save FILE (before the deploy) or --since FILE (after it)",
        ));
    };
    let text = std::fs::read_to_string(&path).map_err(|e| {
        CliError::input(format!(
            "--since {}: cannot read: {e}; write it with rdk reevaluate --save before the deploy",
            path.display()
        ))
    })?;
    let before: crate::deploy::StackState = serde_json::from_str(&text).map_err(|e| {
        CliError::input(format!(
            "--since {}: not what rdk reevaluate --save writes ({e})",
            path.display()
        ))
    })?;
    let report =
        crate::deploy::reevaluate(&args.stack_name, &before, args.region, args.profile).await?;
    for w in &report.warnings {
        eprintln!("rdk: warning: {w}");
    }
    let text = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(&report).map_err(|e| CliError::failed(e.to_string()))?
                + "\n"
        }
        Format::Text => {
            if report.changed_rules.is_empty() {
                format!(
                    "{}: no deployed rule changed its package or parameters\n",
                    args.stack_name
                )
            } else {
                format!(
                    "{}: changed: {}; evaluations started: {}\n",
                    args.stack_name,
                    report.changed_rules.join(", "),
                    if report.evaluations_started.is_empty() {
                        "none".to_string()
                    } else {
                        report.evaluations_started.join(", ")
                    }
                )
            }
        }
    };
    write(out, text)?;
    if report.evaluations_not_started.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "AWS Config did not start evaluating {} (the warnings above say why)",
            report.evaluations_not_started.join(", ")
        )))
    }
}
