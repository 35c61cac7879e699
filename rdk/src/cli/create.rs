//! `rdk create`: Scaffold a new rule: rule file, catalog entry, function binary,
//! fixtures by verdict in both shapes. It compiles and its tests pass at once.

use crate::commands::{CliError, FrequencyArg, SeverityArg};

/// The arguments of `rdk create`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// kebab-case rule name (the AWS managed rule's name if one does the same job).
    pub name: String,
    /// Resource types in scope (comma-separated), e.g. AWS::S3::Bucket.
    #[arg(long, value_delimiter = ',')]
    pub resource_types: Vec<String>,
    /// Also run periodically, at most this often.
    #[arg(long, value_enum)]
    pub maximum_frequency: Option<FrequencyArg>,
    /// Parameters and their defaults, e.g. '{"desiredValue": "x"}'.
    #[arg(long)]
    pub input_parameters: Option<String>,
    /// The rule's severity.
    #[arg(long, value_enum, default_value = "medium")]
    pub severity: SeverityArg,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, _out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        name,
        resource_types,
        maximum_frequency,
        input_parameters,
        severity,
    } = args;
    let input_parameters = match input_parameters {
        None => Default::default(),
        Some(text) => match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(m)) => m,
            _ => return Err(CliError::input("--input-parameters must be a JSON object of parameter names to default values, e.g. '{\"maxAge\": \"90\"}'")),
        },
    };
    let cwd = std::env::current_dir().map_err(|e| CliError::failed(e.to_string()))?;
    let root = crate::create::find_root(&cwd)?;
    let rule = crate::create::NewRule {
        name: name.clone(),
        resource_types,
        maximum_frequency: maximum_frequency.map(|f| f.0),
        input_parameters,
        severity: severity.0,
    };
    let written = crate::create::create(&root, &rule)?;
    for w in &written {
        eprintln!("rdk: wrote {w}");
    }
    eprintln!("rdk: next: write the rule's logic, replace the generated fixtures with real items (test-local fails until you do), then `cargo run -p rdk -- test-local {name}` and `cargo run -p rdk -- create-rule-template --all --output-file cloudformation/rules.yaml`");
    Ok(())
}
