//! `mydata pki init --dir D`: the development PKI.

use std::path::PathBuf;

use anyhow::Context as _;
use clap::Subcommand;
use mydata_core::SystemClock;

use crate::demo;

/// PKI commands.
#[derive(Debug, Subcommand)]
pub enum PkiCommand {
    /// Create (or complete) a development PKI: the TLS CA, the subject-certificate CA, certificates and JWS
    /// keys for every demo organisation and certificates for the demo subjects. Existing files are kept.
    Init {
        /// Output directory.
        #[arg(long)]
        dir: PathBuf,
        /// Seed that determines the demo subjects' CIs.
        #[arg(long, default_value_t = 20_261_122)]
        seed: u64,
    },
}

/// Runs a PKI command.
pub fn run(cmd: PkiCommand) -> anyhow::Result<()> {
    match cmd {
        PkiCommand::Init { dir, seed } => {
            std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
            let clock = SystemClock::shared();
            let layout = demo::init_pki(&dir, &demo::subjects(seed), &clock).map_err(|e| match e {
                crate::Failure::Usage(e) | crate::Failure::Runtime(e) => e,
            })?;
            println!("TLS CA:          {}", layout.tls_ca_cert.display());
            println!("subject CA:      {}", layout.subject_ca_cert.display());
            println!("organisations:   {}", demo::ORGS.len());
            println!("subjects:        {}", demo::subjects(seed).len());
            Ok(())
        }
    }
}
