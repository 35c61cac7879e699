//! `rdk sample-ci`: Print a real sample configuration item of a resource type (from the
//! AWS RDK's examples).

use crate::commands::CliError;

/// The arguments of `rdk sample-ci`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// e.g. AWS::EC2::Volume
    pub resource_type: String,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args { resource_type } = args;
    let samples = crate::samples::for_type(&resource_type);
    match samples.first() {
        Some(s) => {
            if let Some(r) = &s.repaired {
                eprintln!("rdk: {}: {r}", s.file);
            }
            std::io::Write::write_all(out, format!("{}\n", s.json).as_bytes())
                .map_err(|e| CliError::failed(e.to_string()))
        }
        None => {
            let types = crate::samples::types();
            let refs: Vec<&str> = types.iter().map(String::as_str).collect();
            let close = crate::commands::closest(&resource_type, &refs);
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
