//! `mydata demo`: the whole ecosystem in one process.
//!
//! On the first run it creates, under `--data-dir`: the development PKI, one configuration file per
//! participant (`config/<key>.toml`, usable with `mydata serve` too), one store per participant and
//! `demo-state.json` (seed and ports). Every run then starts the participants (the hub first) on loopback
//! ports, with their inter-organisation APIs over mutual TLS, and writes `ecosystem.json` once everything
//! listens. Ctrl-C or SIGTERM stops it cleanly.

pub mod plan;
pub mod state;

use std::collections::BTreeMap;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use clap::Args;
use mydata_core::{SharedClock, SystemClock};
use mydata_http::config::RoleService;
use mydata_pki::dev::{DevPkiLayout, OrgSpec, SubjectSpec};

pub use plan::{ORGS, OrgPlan, RoleKind, subjects};

use crate::ecosystem::{self, Ecosystem, Participant, Subject};
use crate::serve::{self, Running};
use crate::{Failure, config, shutdown};

/// Arguments of `mydata demo`.
#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where the demo keeps its PKI, configurations, stores and `ecosystem.json`.
    #[arg(long, default_value = "demo-data")]
    pub data_dir: PathBuf,
    /// Seed of the synthetic data (fixed on the first run of a data directory).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Pick new free ports instead of the ones remembered from earlier runs.
    #[arg(long)]
    pub reassign_ports: bool,
}

/// Runs the demo until a signal.
pub async fn run(args: DemoArgs, env: &BTreeMap<String, String>) -> Result<(), Failure> {
    let clock = SystemClock::shared();
    let dir = prepare_dir(&args.data_dir)?;
    let state_path = dir.join("demo-state.json");
    if args.reassign_ports {
        state::reassign_ports(&state_path)?;
    }
    let demo_state = state::DemoState::load_or_create(&state_path, args.seed, ORGS).map_err(Failure::Usage)?;
    let people = subjects(demo_state.seed);
    let pki = init_pki(&dir.join("pki"), &people, &clock)?;

    let token = shutdown::on_signal();
    let mut running: Vec<(OrgPlan, Running)> = Vec::new();
    let mut participants = Vec::new();
    for org in ORGS {
        let ports = demo_state.ports.get(org.key).copied().context("ports missing from the demo state")?;
        let data_dir = dir.join("participants").join(org.key);
        std::fs::create_dir_all(&data_dir).with_context(|| format!("creating {}", data_dir.display()))?;
        let files = pki.org(org.org_code).with_context(|| format!("no certificate for {}", org.org_code))?;
        let cfg_path = dir.join("config").join(format!("{}.toml", org.key));
        write_config(&cfg_path, org, &ports, files, &pki, &data_dir)?;
        let service = open_role(org, &cfg_path, env, clock.clone()).await?;
        let started = match serve::start(service.as_ref(), token.clone()).await {
            Ok(r) => r,
            Err(e) => {
                token.cancel();
                return Err(e);
            }
        };
        participants.push(Participant {
            role: org.role.as_str().to_owned(),
            name: org.name.to_owned(),
            org_code: org.org_code.to_owned(),
            industry: org.industry.map(|i| i.as_str().to_owned()),
            api_url: format!("https://{}", started.bound.api),
            web_url: started.bound.web.map(|a| format!("http://{a}")),
            admin_url: started.bound.admin.map(|a| format!("http://{a}")),
            cert: files.server_cert.clone(),
            key: files.server_key.clone(),
            client_cert: files.client_cert.clone(),
            client_key: files.client_key.clone(),
            serial_number: org.regno.to_owned(),
            data_dir,
            support: None,
            services: Vec::new(),
        });
        running.push((*org, started));
    }

    let manifest = Ecosystem {
        version: ecosystem::VERSION,
        tls_ca: pki.tls_ca_cert.clone(),
        subject_ca: pki.subject_ca_cert.clone(),
        participants,
        subjects: people
            .iter()
            .map(|s| {
                let files = pki.subject(s.username);
                Subject {
                    name: s.name.to_owned(),
                    ci: s.ci.clone(),
                    username: s.username.to_owned(),
                    password: s.password.clone(),
                    totp_secret: Some(s.totp_secret.clone()),
                    cert: files.map(|f| f.cert.clone()).unwrap_or_default(),
                    key: files.map(|f| f.key.clone()).unwrap_or_default(),
                }
            })
            .collect(),
        seed: demo_state.seed,
        pid: std::process::id(),
    };
    let manifest_path = dir.join("ecosystem.json");
    manifest.write(&manifest_path).with_context(|| format!("writing {}", manifest_path.display()))?;
    tracing::info!(manifest = %manifest_path.display(), participants = running.len(), "demo ecosystem is up");
    eprintln!("mydata demo: {} participants running; manifest at {}", running.len(), manifest_path.display());

    token.cancelled().await;
    let mut result = Ok(());
    for (org, r) in running {
        if let Err(e) = r.wait().await {
            tracing::error!(participant = org.key, "stopped with an error");
            result = Err(e);
        }
    }
    // The manifest describes running participants only.
    let _ = std::fs::remove_file(&manifest_path);
    result
}

fn prepare_dir(dir: &Path) -> Result<PathBuf, Failure> {
    for sub in ["pki", "config", "participants"] {
        std::fs::create_dir_all(dir.join(sub)).with_context(|| format!("creating {}", dir.join(sub).display()))?;
    }
    Ok(std::fs::canonicalize(dir).with_context(|| format!("resolving {}", dir.display()))?)
}

/// Creates (or completes) the development PKI for the demo participants and subjects.
pub fn init_pki(dir: &Path, people: &[plan::SubjectPlan], clock: &SharedClock) -> Result<DevPkiLayout, Failure> {
    let orgs: Vec<OrgSpec> = ORGS
        .iter()
        .map(|o| OrgSpec {
            name: o.name.to_owned(),
            org_code: o.org_code.to_owned(),
            regno: o.regno.to_owned(),
            dns_names: vec!["localhost".to_owned()],
            ips: vec![Ipv4Addr::LOCALHOST.into()],
        })
        .collect();
    let subs: Vec<SubjectSpec> = people
        .iter()
        .map(|s| SubjectSpec { name: s.name.to_owned(), ci: s.ci.clone(), username: s.username.to_owned() })
        .collect();
    mydata_pki::dev::init(dir, &orgs, &subs, clock.now())
        .with_context(|| format!("creating the development PKI in {}", dir.display()))
        .map_err(Failure::Runtime)
}

fn write_config(
    path: &Path,
    org: &OrgPlan,
    ports: &state::Ports,
    files: &mydata_pki::dev::OrgFiles,
    pki: &DevPkiLayout,
    data_dir: &Path,
) -> Result<(), Failure> {
    let loopback = |p: u16| SocketAddr::from((Ipv4Addr::LOCALHOST, p)).to_string();
    let mut t = toml::Table::new();
    t.insert("name".into(), org.name.into());
    t.insert("org_code".into(), org.org_code.into());
    if let Some(i) = org.industry {
        t.insert("industry".into(), i.as_str().into());
    }
    let mut listen = toml::Table::new();
    listen.insert("api".into(), loopback(ports.api).into());
    if let Some(w) = ports.web {
        listen.insert("web".into(), loopback(w).into());
    }
    listen.insert("admin".into(), loopback(ports.admin).into());
    let mut tls = toml::Table::new();
    tls.insert("cert".into(), path_str(&files.server_cert).into());
    tls.insert("key".into(), path_str(&files.server_key).into());
    tls.insert("client_ca".into(), path_str(&pki.tls_ca_cert).into());
    listen.insert("tls".into(), tls.into());
    t.insert("listen".into(), listen.into());
    let mut store = toml::Table::new();
    store.insert("url".into(), format!("sqlite://{}", path_str(&data_dir.join("store.db"))).into());
    t.insert("store".into(), store.into());
    let text = format!(
        "# Generated by `mydata demo` for {} ({}); rewritten on every demo run.\n{}",
        org.name,
        org.role.as_str(),
        toml::to_string_pretty(&t).context("writing a demo configuration")?
    );
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

fn path_str(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

async fn open_role(
    org: &OrgPlan,
    cfg: &Path,
    env: &BTreeMap<String, String>,
    clock: SharedClock,
) -> Result<Box<dyn RoleService>, Failure> {
    let usage = |e: config::ConfigError| Failure::Usage(e.into());
    let what = || format!("starting {} ({})", org.key, org.org_code);
    Ok(match org.role {
        RoleKind::Hub => {
            Box::new(mydata_hub::Hub::open(config::load(cfg, env).map_err(usage)?, clock).await.with_context(what)?)
        }
        RoleKind::Provider => Box::new(
            mydata_provider::Provider::open(config::load(cfg, env).map_err(usage)?, clock).await.with_context(what)?,
        ),
        RoleKind::Operator => Box::new(
            mydata_operator::Operator::open(config::load(cfg, env).map_err(usage)?, clock).await.with_context(what)?,
        ),
        RoleKind::Vault => {
            Box::new(mydata_vault::Vault::open(config::load(cfg, env).map_err(usage)?, clock).await.with_context(what)?)
        }
    })
}
