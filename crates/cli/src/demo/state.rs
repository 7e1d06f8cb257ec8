//! What the demo remembers between runs (`demo-state.json`): the seed and the ports each participant
//! listens on. Ports are picked once, on the first run, so URLs in registrations and redirect URIs stay
//! valid across restarts.

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};

use super::plan::OrgPlan;

/// The persisted demo state.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DemoState {
    /// Seed of the synthetic data.
    pub seed: u64,
    /// Ports by participant key.
    pub ports: BTreeMap<String, Ports>,
}

/// The ports of one participant.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct Ports {
    /// API (mTLS) port.
    pub api: u16,
    /// Web-page port.
    pub web: Option<u16>,
    /// Admin port.
    pub admin: u16,
}

impl DemoState {
    /// Loads the state from `path`, or creates it (with free loopback ports) for `orgs`. Participants added
    /// to the plan since the last run get ports too.
    pub fn load_or_create(path: &Path, seed: Option<u64>, orgs: &[OrgPlan]) -> anyhow::Result<Self> {
        let mut state = if path.exists() {
            let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
            let s: Self = serde_json::from_str(&text).with_context(|| format!("parsing {}", path.display()))?;
            if let Some(seed) = seed.filter(|&x| x != s.seed) {
                anyhow::bail!(
                    "{} was created with seed {}, not {seed}; use another --data-dir for another seed",
                    path.display(),
                    s.seed
                );
            }
            s
        } else {
            Self { seed: seed.unwrap_or(20_261_122), ports: BTreeMap::new() }
        };
        // Hold every probe socket until all ports are chosen, so no port is handed out twice.
        let mut held = Vec::new();
        let mut pick = || -> anyhow::Result<u16> {
            let l = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
                .context("finding a free loopback port")?;
            let port = l.local_addr()?.port();
            held.push(l);
            Ok(port)
        };
        for org in orgs {
            if !state.ports.contains_key(org.key) {
                let ports = Ports { api: pick()?, web: if org.web { Some(pick()?) } else { None }, admin: pick()? };
                state.ports.insert(org.key.to_owned(), ports);
            }
        }
        drop(held);
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_vec_pretty(&state)?)?;
        std::fs::rename(&tmp, path)?;
        Ok(state)
    }
}

/// Forgets the remembered ports, so the next run picks new free ones.
pub fn reassign_ports(path: &Path) -> anyhow::Result<()> {
    if path.exists() {
        let text = std::fs::read_to_string(path)?;
        let mut s: DemoState = serde_json::from_str(&text)?;
        s.ports.clear();
        std::fs::write(path, serde_json::to_vec_pretty(&s)?)?;
    }
    Ok(())
}
