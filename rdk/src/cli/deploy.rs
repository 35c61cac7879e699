//! `rdk deploy`: Build (or take) the rules' packages, upload what changed, create or
//! update the rules stack through a change set, and start evaluations of the rules
//! whose code or parameters changed.

use std::path::PathBuf;

use crate::commands::{CliError, Format};

/// The arguments of `rdk deploy`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which rules.
    #[command(flatten)]
    pub selection: crate::template::RuleSelection,
    /// Region (default: the environment's).
    #[arg(long)]
    pub region: Option<String>,
    /// Named profile.
    #[arg(long)]
    pub profile: Option<String>,
    /// Stack `<prefix>-rules`; functions, roles and log groups named `<prefix>-<rule>`.
    #[arg(long, default_value = "ferrule")]
    pub stack_prefix: String,
    /// An existing S3 bucket in the region for the function packages (not needed with
    /// --rules-only, unless the template is over 51,200 bytes).
    #[arg(long)]
    pub code_bucket: Option<String>,
    /// An organization's central account: the functions, roles, log groups and the
    /// policies admitting AWS Config from the member accounts (stack `<prefix>-functions`;
    /// give `--parameter-overrides MemberAccountIds=...`).
    #[arg(long, conflicts_with = "rules_only")]
    pub functions_only: bool,
    /// A member account: its Config rules calling the central account's functions (give
    /// `--parameter-overrides FunctionArnPrefix=arn:aws:lambda:REGION:ACCOUNT:function:ferrule-`).
    #[arg(long)]
    pub rules_only: bool,
    /// Values of the template's own parameters, `Key=Value` (put it last).
    #[arg(long, num_args = 1.., value_name = "KEY=VALUE")]
    pub parameter_overrides: Vec<String>,
    /// Key prefix of the packages in the bucket.
    #[arg(long, default_value = "ferrule/")]
    pub code_key_prefix: String,
    /// Prefix of the Config rule names (empty: the rule's own name).
    #[arg(long, default_value = "")]
    pub rule_name_prefix: String,
    /// Rule parameters: `{"rule-name": {"param": "value"}}` (the file `rdk scan` takes).
    #[arg(long)]
    pub parameters_file: Option<PathBuf>,
    /// Take the packages from here (`<rule>.zip` or `<rule>/bootstrap.zip`) instead of building them.
    #[arg(long)]
    pub packages: Option<PathBuf>,
    /// Managed policy ARN set as the permissions boundary of every function role.
    #[arg(long)]
    pub permissions_boundary: Option<String>,
    /// Print the change set and the monthly cost estimate; upload and deploy nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let rules = args.selection.select().map_err(CliError::input)?;
    let parameters = match &args.parameters_file {
        Some(p) => crate::scan::read_parameters_file(p)?,
        None => Default::default(),
    };
    let mut parameter_overrides = std::collections::BTreeMap::new();
    for o in &args.parameter_overrides {
        let Some((k, v)) = o.split_once('=') else {
            return Err(CliError::input(format!(
                "--parameter-overrides {o}: give Key=Value, like MemberAccountIds=111122223333,444455556666"
            )));
        };
        parameter_overrides.insert(k.to_string(), v.to_string());
    }
    let kind = if args.functions_only {
        crate::deploy::StackKind::FunctionsOnly
    } else if args.rules_only {
        crate::deploy::StackKind::RulesOnly
    } else {
        crate::deploy::StackKind::Rules
    };
    let report = crate::deploy::deploy(crate::deploy::DeployOptions {
        kind,
        parameter_overrides,
        rules,
        region: args.region,
        profile: args.profile,
        stack_prefix: args.stack_prefix,
        code_bucket: args.code_bucket,
        code_key_prefix: args.code_key_prefix,
        rule_name_prefix: args.rule_name_prefix,
        parameters,
        packages: args.packages,
        permissions_boundary: args.permissions_boundary,
        dry_run: args.dry_run,
    })
    .await?;
    let text = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(&report).map_err(|e| CliError::failed(e.to_string()))?
                + "\n"
        }
        Format::Text => report.text(),
    };
    out.write_all(text.as_bytes())
        .map_err(|e| CliError::failed(format!("cannot write the report: {e}")))?;
    if report.evaluations_not_started.is_empty() {
        Ok(())
    } else {
        Err(CliError::failed(format!(
            "deployed, but AWS Config did not start evaluating {} (the warnings above say why); start them with `aws configservice start-config-rules-evaluation --config-rule-names ...`",
            report.evaluations_not_started.join(", ")
        )))
    }
}
