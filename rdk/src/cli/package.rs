//! `rdk package`: Build (or take) the rules' packages, upload the new ones under their
//! content hash, and write the rules template naming them, for a CloudFormation deploy
//! done elsewhere (the pipeline's deploy action).

use std::path::PathBuf;

use crate::commands::{CliError, Format};

/// The arguments of `rdk package`.
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
    /// An existing S3 bucket in the region for the function packages.
    #[arg(long)]
    pub code_bucket: String,
    /// Key prefix of the packages in the bucket.
    #[arg(long, default_value = "ferrule/")]
    pub code_key_prefix: String,
    /// Take the packages from here (`<rule>.zip` or `<rule>/bootstrap.zip`) instead of building them.
    #[arg(long)]
    pub packages: Option<PathBuf>,
    /// Write the packaged template (JSON) here.
    #[arg(long)]
    pub output_template: PathBuf,
    /// Output format of the report.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let rules = args.selection.select().map_err(CliError::input)?;
    let report = crate::deploy::package(crate::deploy::PackageOptions {
        rules,
        region: args.region,
        profile: args.profile,
        code_bucket: args.code_bucket,
        code_key_prefix: args.code_key_prefix,
        packages: args.packages,
        output_template: args.output_template,
    })
    .await?;
    let text = match args.format {
        Format::Json => {
            serde_json::to_string_pretty(&report).map_err(|e| CliError::failed(e.to_string()))?
                + "\n"
        }
        Format::Text => format!(
            "packages: {} built, {} uploaded ({:.1} MiB), {} unchanged; template: {}\n",
            report.built.len(),
            report.uploaded.len(),
            report.bytes_uploaded as f64 / (1024.0 * 1024.0),
            report.unchanged.len(),
            report.template
        ),
    };
    out.write_all(text.as_bytes())
        .map_err(|e| CliError::failed(format!("cannot write the report: {e}")))
}
