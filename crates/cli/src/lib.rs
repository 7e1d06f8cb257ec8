//! The `mydata` binary's library: one binary for every role of the MyData platform.
//!
//! - `mydata demo` runs a whole ecosystem on one machine and writes `ecosystem.json`;
//! - `mydata serve <role> --config FILE` runs one role;
//! - `mydata pki init --dir D` creates a development PKI.
//!
//! Exit codes: 0 success, 64 (`EX_USAGE`) for a bad configuration, 1 for other failures.

pub mod config;
pub mod demo;
pub mod ecosystem;
pub mod logging;
pub mod pki_cmd;
pub mod serve;
pub mod shutdown;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// The command line.
#[derive(Parser)]
#[command(name = "mydata", version, about = "MyData platform: provider, operator, hub and vault in one binary")]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a whole ecosystem on this machine (embedded stores, synthetic data, loopback ports).
    Demo(demo::DemoArgs),
    /// Run one role from its configuration file.
    Serve {
        /// The role to run.
        role: RoleArg,
        /// The role's TOML configuration; `MYDATA_*` environment variables override keys (`__` nests).
        #[arg(long)]
        config: PathBuf,
    },
    /// Development PKI.
    Pki {
        #[command(subcommand)]
        command: pki_cmd::PkiCommand,
    },
}

/// A role.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum RoleArg {
    /// The hub (종합포털·지원기관).
    Hub,
    /// A provider (정보제공자).
    Provider,
    /// The operator (마이데이터사업자).
    Operator,
    /// The secure storage (보안저장소).
    Vault,
}

/// A failure at the binary's edge, with the exit code it maps to.
#[derive(Debug)]
pub enum Failure {
    /// Bad configuration or arguments (exit 64).
    Usage(anyhow::Error),
    /// Anything else (exit 1).
    Runtime(anyhow::Error),
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Self::Runtime(e)
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let env = config::process_env();
    logging::init(&env);
    mydata_pki::install_default_provider();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("mydata: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Demo(args) => demo::run(args, &env).await,
            Command::Serve { role, config } => serve::run(role, &config, &env).await,
            Command::Pki { command } => pki_cmd::run(command).map_err(Failure::from),
        }
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(e)) => {
            eprintln!("mydata: {e:#}");
            ExitCode::from(64)
        }
        Err(Failure::Runtime(e)) => {
            eprintln!("mydata: {e:#}");
            ExitCode::FAILURE
        }
    }
}
