//! `rdk local-config`: Run a local AWS Config endpoint (JSON 1.1) serving items from
//! files, for running the rule functions end to end (AWS_ENDPOINT_URL_CONFIG_SERVICE).

use std::path::PathBuf;

use crate::commands::CliError;

/// The arguments of `rdk local-config`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A directory (or file) of configuration items to serve.
    #[arg(long)]
    pub items: Option<PathBuf>,
    /// The port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 4566)]
    pub port: u16,
    /// Serve the aggregator reads (ListAggregateDiscoveredResources,
    /// BatchGetAggregateResourceConfig) under this configuration aggregator name;
    /// repeat for more.
    #[arg(long, value_name = "NAME")]
    pub aggregator: Vec<String>,
}

/// Runs the command; the error carries its exit code.
pub async fn run(args: Args, _out: &mut dyn std::io::Write) -> Result<(), CliError> {
    let Args {
        items,
        port,
        aggregator,
    } = args;
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stderr)
        .init();
    let endpoint = match &items {
        Some(dir) => {
            let (endpoint, skipped) = crate::local_config::LocalConfig::load_dir(dir)
                .map_err(|e| CliError::input(format!("{}: {e}", dir.display())))?;
            for s in skipped {
                eprintln!("rdk: skipped {}: {}", s.source, s.reason);
            }
            endpoint
        }
        None => crate::local_config::LocalConfig::default(),
    };
    for name in &aggregator {
        endpoint.add_aggregator(name);
    }
    let running = endpoint
        .serve(std::net::SocketAddr::from(([127, 0, 0, 1], port)))
        .await
        .map_err(|e| {
            CliError::input(format!(
                "cannot listen on 127.0.0.1:{port}: {e}; pick another with --port"
            ))
        })?;
    eprintln!(
        "rdk: local AWS Config endpoint on {} ({} items); export AWS_ENDPOINT_URL_CONFIG_SERVICE={}",
        running.url(),
        endpoint.item_count(),
        running.url()
    );
    running
        .task
        .await
        .map_err(|e| CliError::failed(e.to_string()))
}
