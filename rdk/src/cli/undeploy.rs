//! `rdk undeploy`: Remove the rules stack (functions, roles, log groups, Config rules).
//! Never the recorder, alerts or pipeline stacks, nor the code bucket.

use std::io::IsTerminal;

use crate::commands::CliError;

/// The arguments of `rdk undeploy`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The stack prefix the rules were deployed with (stack `<prefix>-rules`).
    #[arg(long, default_value = "ferrule")]
    pub stack_prefix: String,
    /// Region (default: the environment's).
    #[arg(long)]
    pub region: Option<String>,
    /// Named profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Do not ask (needed when stdin is not a terminal).
    #[arg(long)]
    pub force: bool,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let opts = crate::deploy::UndeployOptions {
        stack_prefix: args.stack_prefix,
        region: args.region,
        profile: args.profile,
    };
    let stack = crate::deploy::stack_name(&opts.stack_prefix);
    let write = |out: &mut dyn std::io::Write, text: String| {
        out.write_all(text.as_bytes())
            .map_err(|e| CliError::failed(format!("cannot write: {e}")))
    };
    let Some(rules) = crate::deploy::undeploy_plan(&opts).await? else {
        return write(out, format!("{stack}: no such stack, nothing to remove\n"));
    };
    let what = format!(
        "stack {stack}: {} Config rules ({}) with their functions, roles and log groups (their logs and the rules' results go too)",
        rules.len(),
        rules.join(", ")
    );
    if !args.force {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::input(format!(
                "not removing {what}: stdin is not a terminal to confirm on; pass --force to remove it"
            )));
        }
        eprint!("Remove {what}? [y/N] ");
        let mut answer = String::new();
        std::io::stdin()
            .read_line(&mut answer)
            .map_err(|e| CliError::failed(format!("cannot read the answer: {e}")))?;
        if !matches!(answer.trim(), "y" | "Y" | "yes") {
            return write(out, format!("{stack}: kept\n"));
        }
    }
    crate::deploy::undeploy(&opts).await?;
    write(
        out,
        format!(
            "removed {what}\nkept: the recorder, alerts and pipeline stacks and the code bucket (remove them with aws cloudformation delete-stack / aws s3 rb if you mean to)\n"
        ),
    )
}
