//! One module per subcommand.

pub mod admin;
pub mod advisories;
pub mod backup;
pub mod bench_seed;
pub mod catalog;
pub mod intel;
pub mod scan;
pub mod serve;
pub mod verify;

/// Logs to stderr; `RUST_LOG` overrides the default level.
pub fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
