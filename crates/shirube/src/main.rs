//! The `shirube` binary: a thin command-line shell over the library crates.

mod cmd;

/// The portfolio and tier views build tens of thousands of small strings per request; with
/// glibc's allocator malloc and free took about 30% of the server's time on a 10,000-supplier
/// portfolio (perf, bench/supply.sh), which mimalloc's thread-local free lists cut.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Shirube (道しるべ): supply-chain security levels (SCS ★3/★4) for suppliers, buyers,
/// assessors and the public.
#[derive(Parser)]
#[command(name = "shirube", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the web application and JSON API.
    Serve(cmd::serve::ServeArgs),
    /// Show or export the SCS requirement catalog.
    #[command(subcommand)]
    Catalog(cmd::catalog::CatalogCommand),
    /// Administration: audit-log verification and platform settings.
    #[command(subcommand)]
    Admin(cmd::admin::AdminCommand),
    /// Verify a credential offline (exit 0 valid, 1 not valid, 2 bad input).
    Verify(cmd::verify::VerifyArgs),
    /// Scan SBOMs and lockfiles for known vulnerabilities (exit 0 none, 1 found, 2 bad input).
    Scan(cmd::scan::ScanArgs),
    /// Import advisory databases into the local index, or show its statistics.
    Advisories(cmd::advisories::AdvisoriesArgs),
    /// Write everything (database, evidence files, signing keys) to one zip file; safe to
    /// run beside `serve`.
    Backup(cmd::backup::BackupArgs),
    /// Threat intelligence: load a STIX bundle into an industry group's collection.
    #[command(subcommand)]
    Intel(cmd::intel::IntelCommand),
    /// Restore a backup into a fresh data directory (SQLite) or an empty PostgreSQL database.
    Restore(cmd::backup::RestoreArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        Command::Serve(args) => cmd::serve::run(args),
        Command::Catalog(c) => cmd::catalog::run(c),
        Command::Admin(c) => cmd::admin::run(c),
        Command::Verify(args) => cmd::verify::run(args),
        Command::Scan(args) => cmd::scan::run(args),
        Command::Advisories(args) => cmd::advisories::run(args),
        Command::Backup(args) => cmd::backup::backup(args),
        Command::Restore(args) => cmd::backup::restore(args),
        Command::Intel(c) => cmd::intel::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`shirube catalog list | head`) is not a failure.
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            let _ = writeln!(std::io::stderr(), "error: {e:#}");
            ExitCode::from(2)
        }
    }
}
