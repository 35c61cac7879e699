//! `rdk`: the ferrule rule development kit. The commands are in `rdk::cli` (one module
//! each: clap arguments and a `run` whose error carries the exit code).

use std::process::ExitCode;

use clap::{Parser, Subcommand};
use rdk::cli;
use rdk::commands::CliError;

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
    Rules(cli::rules::Args),
    /// Evaluate one rule against a configuration item or a whole Lambda event.
    Evaluate(cli::evaluate::Args),
    /// Scaffold a new rule: rule file, catalog entry, function binary, fixtures by
    /// verdict in both shapes. It compiles and its tests pass at once.
    Create(cli::create::Args),
    /// Run rules over their fixtures (tests/fixtures/<rule>/) and print what each said.
    TestLocal(cli::test_local::Args),
    /// Print a real sample configuration item of a resource type (from the AWS RDK's examples).
    SampleCi(cli::sample_ci::Args),
    /// Scan a whole account with every applicable rule: the bundled sample account by
    /// default, AWS Config snapshot files (--snapshot), or the account itself (--live).
    Scan(cli::scan::Args),
    /// A rule function's log events, formatted for people (level, request, message,
    /// fields; metrics lines as their figures).
    Logs(cli::logs::Args),
    /// How the deployed rules are doing, from AWS Config: compliance and non-compliant
    /// count, last successful and failed run and the last error per rule; with --details
    /// the non-compliant resources of one rule with their annotations.
    Status(cli::status::Args),
    /// Deploy the rules: build (or take) their packages, upload the changed ones, create or
    /// update the rules stack through a change set, and start evaluations of the rules
    /// whose code or parameters changed.
    Deploy(cli::deploy::Args),
    /// Build (or take) the packages, upload the new ones, and write the rules template
    /// naming them, for a CloudFormation deploy made elsewhere (the pipeline).
    Package(cli::package::Args),
    /// Around a deploy made elsewhere: --save the rules stack's state before it, then
    /// --since that file to evaluate again the rules whose package or parameters changed.
    Reevaluate(cli::reevaluate::Args),
    /// Remove the rules stack (asks first unless --force); never the recorder, alerts,
    /// pipeline or code bucket.
    Undeploy(cli::undeploy::Args),
    /// Estimate what running rules costs a month: AWS Config evaluations and Lambda, from
    /// the resources in a snapshot (default: the bundled sample account), the rules'
    /// scopes and triggers, and the published prices (printed with their sources).
    Cost(cli::cost::Args),
    /// Judge CloudFormation templates (YAML or JSON; SAM and cdk synth output too) with the
    /// same rules, before deploy. Exit 0: nothing mandatory violated; 1: a mandatory
    /// violation; 2: unreadable input, an unknown rule or an invalid policy file.
    Check(cli::check::Args),
    /// Generate the CloudFormation template of the rules (functions, roles, log groups,
    /// permissions, Config rules) from the catalog; or, for an AWS Organization, the
    /// central functions, the organization rules, the member role and its StackSet, or
    /// one account's rules calling central functions.
    CreateRuleTemplate(cli::create_rule_template::Args),
    /// Write a conformance pack template (PutConformancePack, or with --organization
    /// PutOrganizationConformancePack): ferrule rules as custom Lambda rules calling the
    /// deployed functions, AWS managed rules by identifier, parameters from a file.
    CreateConformancePack(cli::create_conformance_pack::Args),
    /// Run a local AWS Config endpoint (JSON 1.1) serving items from files, for
    /// running the rule functions end to end (AWS_ENDPOINT_URL_CONFIG_SERVICE).
    LocalConfig(cli::local_config::Args),
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
        Command::Rules(args) => cli::rules::run(args, &mut out).await,
        Command::Evaluate(args) => cli::evaluate::run(args, &mut out).await,
        Command::Create(args) => cli::create::run(args, &mut out).await,
        Command::TestLocal(args) => cli::test_local::run(args, &mut out).await,
        Command::SampleCi(args) => cli::sample_ci::run(args, &mut out).await,
        Command::Scan(args) => cli::scan::run(args, &mut out).await,
        Command::Logs(args) => cli::logs::run(args, &mut out).await,
        Command::Status(args) => cli::status::run(args, &mut out).await,
        Command::Deploy(args) => cli::deploy::run(args, &mut out).await,
        Command::Package(args) => cli::package::run(args, &mut out).await,
        Command::Reevaluate(args) => cli::reevaluate::run(args, &mut out).await,
        Command::Undeploy(args) => cli::undeploy::run(args, &mut out).await,
        Command::Cost(args) => cli::cost::run(args, &mut out).await,
        Command::Check(args) => cli::check::run(args, &mut out).await,
        Command::CreateRuleTemplate(args) => cli::create_rule_template::run(args, &mut out).await,
        Command::CreateConformancePack(args) => {
            cli::create_conformance_pack::run(args, &mut out).await
        }
        Command::LocalConfig(args) => cli::local_config::run(args, &mut out).await,
    }
}
