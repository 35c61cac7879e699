//! `rdk create-rule-template`: Generate the CloudFormation template of the rules
//! (functions, roles, log groups, permissions, Config rules) from the catalog, or one of
//! the organization templates (central functions, organization rules, member role and
//! its StackSet, one account's rules calling central functions).

use std::path::PathBuf;

use crate::commands::CliError;
use crate::template::organization;

/// The arguments of `rdk create-rule-template`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Which rules.
    #[command(flatten)]
    pub selection: crate::template::RuleSelection,
    /// Organization rules (AWS::Config::OrganizationConfigRule) calling the central
    /// account's functions; with --functions-only, those functions.
    #[arg(long)]
    pub organization: bool,
    /// With --organization: the central account's functions, roles, log groups and the
    /// policies admitting AWS Config from the member accounts; no rules.
    #[arg(long, requires = "organization")]
    pub functions_only: bool,
    /// One account's Config rules calling functions deployed in a central account
    /// (FunctionArnPrefix); no functions or roles.
    #[arg(long, conflicts_with_all = ["organization", "member_role", "member_role_stackset"])]
    pub rules_only: bool,
    /// The member accounts' execution role the central functions assume, allowed exactly
    /// the rules' read actions.
    #[arg(long, conflicts_with_all = ["organization", "member_role_stackset"])]
    pub member_role: bool,
    /// A service-managed StackSet deploying the member role to every account of some
    /// organizational units.
    #[arg(long, conflicts_with = "organization")]
    pub member_role_stackset: bool,
    /// Write here instead of stdout.
    #[arg(long)]
    pub output_file: Option<PathBuf>,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let selected = args.selection.select().map_err(CliError::input)?;
    let template = if args.organization && args.functions_only {
        organization::functions_template(&selected)
    } else if args.organization {
        organization::organization_rules_template(&selected)
    } else if args.rules_only {
        organization::rules_only_template(&selected)
    } else if args.member_role {
        Ok(organization::member_role_template(&selected))
    } else if args.member_role_stackset {
        Ok(organization::member_role_stackset_template(&selected))
    } else {
        crate::template::rules_template(&selected)
    }
    .map_err(CliError::input)?;
    let yaml = crate::template::to_yaml(&template);
    match args.output_file {
        Some(path) => {
            crate::commands::write_atomically(&path, yaml.as_bytes()).map_err(CliError::failed)?;
            eprintln!("rdk: wrote {} rules to {}", selected.len(), path.display());
            Ok(())
        }
        None => std::io::Write::write_all(out, yaml.as_bytes())
            .map_err(|e| CliError::failed(e.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Debug, Parser)]
    struct Cli {
        #[command(flatten)]
        args: Args,
    }

    fn parse(flags: &[&str]) -> Result<Args, clap::Error> {
        Cli::try_parse_from(std::iter::once("rdk").chain(flags.iter().copied())).map(|c| c.args)
    }

    async fn generate(flags: &[&str]) -> String {
        let mut out = Vec::new();
        run(parse(flags).unwrap(), &mut out).await.unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn organization_flags_that_contradict_each_other_are_refused() {
        for flags in [
            &["--all", "--functions-only"][..],
            &["--all", "--rules-only", "--organization"],
            &["--all", "--member-role", "--organization"],
            &["--all", "--member-role", "--member-role-stackset"],
            &["--all", "--rules-only", "--member-role"],
            &["--all", "--member-role-stackset", "--organization"],
        ] {
            assert!(parse(flags).is_err(), "{flags:?} was accepted");
        }
        assert!(parse(&["--all", "--organization", "--functions-only"]).is_ok());
    }

    #[tokio::test]
    async fn each_flag_writes_its_template() {
        let rules = ["--rules", "encrypted-volumes"];
        for (flags, must, must_not) in [
            (&[][..], "AWS::Config::ConfigRule", "OrganizationConfigRule"),
            (
                &["--organization"],
                "AWS::Config::OrganizationConfigRule",
                "AWS::Lambda::Function",
            ),
            (
                &["--organization", "--functions-only"],
                "AWS::Lambda::ResourcePolicy",
                "AWS::Config::",
            ),
            (
                &["--rules-only"],
                "FunctionArnPrefix",
                "AWS::Lambda::Function",
            ),
            (&["--member-role"], "ExecutionRoleName", "AWS::Lambda"),
            (
                &["--member-role-stackset"],
                "SERVICE_MANAGED",
                "AWS::Lambda::Function",
            ),
        ] {
            let all: Vec<&str> = rules.iter().chain(flags).copied().collect();
            let yaml = generate(&all).await;
            assert!(yaml.contains(must), "{flags:?} lacks {must}");
            assert!(!yaml.contains(must_not), "{flags:?} has {must_not}");
        }
    }
}
