//! `mydata-bench`: benchmarks that print figures (requests/s, latency quantiles, server CPU per request,
//! server memory). Tests never assert timings; these numbers go into notes and reviews.
//!
//! ```text
//! cargo run --release -p mydata-bench -- static --connections 64 --duration 10
//! cargo run --release -p mydata-bench -- static --http2 --streams 8 --connections 8
//! ```
//!
//! The server under test runs as a child process (`mydata-bench serve-static`), so its CPU time and memory
//! are measured apart from the load generator's, which shares the machine.

use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use axum::Router;
use axum::routing::get;
use bytes::Bytes;
use clap::{Parser, Subcommand};
use mydata_bench::loadgen::{self, LoadSpec, Protocol, RequestSpec};
use mydata_bench::proc_stats;
use mydata_core::wire::{Int, ScalarMode};
use mydata_http::config::{Bound, ListenConfig, Routers, TlsFiles};
use mydata_http::{Envelope, ObserveLayer, TranIdPolicy};
use mydata_pki::dev::OrgSpec;
use serde::Serialize;
use tokio_util::sync::CancellationToken;

#[derive(Parser)]
#[command(name = "mydata-bench", about = "Benchmarks of the MyData platform (loopback only)")]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(clap::Args, Clone, Copy)]
struct LoadArgs {
    /// Connections.
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured seconds.
    #[arg(long, default_value_t = 10)]
    duration: u64,
    /// Warm-up seconds.
    #[arg(long, default_value_t = 2)]
    warmup: u64,
    /// Use HTTP/2 instead of HTTP/1.1.
    #[arg(long)]
    http2: bool,
    /// Concurrent streams per HTTP/2 connection.
    #[arg(long, default_value_t = 1)]
    streams: usize,
}

#[derive(Subcommand)]
enum Cmd {
    /// Baseline: a small static JSON response behind the full HTTP stack (mTLS, tran-id and envelope
    /// layer, access log filter, metrics), server in a child process.
    Static {
        #[command(flatten)]
        load: LoadArgs,
    },
    /// (internal) The static-response server; prints its port on stdout.
    ServeStatic {
        /// PKI directory.
        #[arg(long)]
        pki: PathBuf,
    },
}

const SERVER_ORG: &str = "BENCHSRV01";
const CLIENT_ORG: &str = "BENCHCLI01";

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    mydata_pki::install_default_provider();
    match cli.command {
        Cmd::ServeStatic { pki } => serve_static(&pki),
        Cmd::Static { load } => {
            let dir = tempfile::tempdir()?;
            make_pki(dir.path())?;
            let mut child = spawn_server(dir.path())?;
            let result = drive(&mut child, dir.path(), load, "static JSON (full stack)", "/bench/static");
            let _ = child.kill();
            let _ = child.wait();
            result
        }
    }
}

/// Creates (first call) or reads back (later calls: `init` keeps existing files) the benchmark PKI.
fn make_pki(dir: &Path) -> anyhow::Result<mydata_pki::dev::DevPkiLayout> {
    let orgs = [
        OrgSpec::new("Bench Server", SERVER_ORG, "900-00-00001"),
        OrgSpec::new("Bench Client", CLIENT_ORG, "900-00-00002"),
    ];
    Ok(mydata_pki::dev::init(dir, &orgs, &[], mydata_core::Clock::now(&mydata_core::SystemClock))?)
}

fn spawn_server(pki: &Path) -> anyhow::Result<Child> {
    let exe = std::env::current_exe()?;
    Command::new(exe)
        .args(["serve-static", "--pki"])
        .arg(pki)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the server process")
}

fn drive(child: &mut Child, pki: &Path, load: LoadArgs, name: &str, path: &str) -> anyhow::Result<()> {
    let stdout = child.stdout.take().context("server stdout")?;
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line)?;
    let port: u16 = line.trim().parse().with_context(|| format!("server did not report its port: {line:?}"))?;
    let layout = make_pki(pki)?;
    let client = layout.org(CLIENT_ORG).context("client org")?;
    let tls = mydata_pki::client_config(Some(&client.client_identity()?), &layout.tls_trust()?)?;
    let protocol = if load.http2 { Protocol::Http2 { streams: load.streams } } else { Protocol::Http1 };
    let pid = child.id();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let before = proc_stats::read(pid).unwrap_or_default();
    let path = path.to_owned();
    let report = rt.block_on(loadgen::run(LoadSpec {
        addr: ([127, 0, 0, 1], port).into(),
        tls,
        connections: load.connections,
        protocol,
        duration: Duration::from_secs(load.duration),
        warmup: Duration::from_secs(load.warmup),
        request: Arc::new(move |_| RequestSpec {
            method: http::Method::GET,
            path: path.clone(),
            headers: Vec::new(),
            body: Bytes::new(),
            tran_id_org: CLIENT_ORG.parse().ok(),
        }),
    }))?;
    let after = proc_stats::read(pid).unwrap_or_default();
    let total = report.ok + report.non_2xx;
    // CPU is sampled over warm-up + measurement; requests are counted over the measurement only, so scale.
    let window = (load.warmup + load.duration) as f64 / load.duration as f64;
    let cpu_us = (after.cpu.saturating_sub(before.cpu)).as_secs_f64() * 1e6 / (total.max(1) as f64 * window);
    println!(
        "{:<28} {:>5} {:>5} {:>9} {:>10} {:>8} {:>8} {:>8} {:>12} {:>10} {:>7}",
        "scenario",
        "proto",
        "conns",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "srv CPU/req",
        "srv RSS",
        "errors"
    );
    println!(
        "{:<28} {:>5} {:>5} {:>9} {:>10.0} {:>8.2} {:>8.2} {:>8.2} {:>9.1} µs {:>6} MiB {:>7}",
        name,
        if load.http2 { format!("h2x{}", load.streams) } else { "h1".to_owned() },
        load.connections,
        total,
        report.rps(),
        report.quantile_ms(0.5),
        report.quantile_ms(0.99),
        report.max_ms(),
        cpu_us,
        after.peak_rss_kib / 1024,
        report.errors + report.non_2xx,
    );
    if let Some(f) = &report.first_failure {
        println!("first failure: {f}");
    }
    Ok(())
}

#[derive(Serialize)]
struct StaticBody {
    org_code: &'static str,
    account_cnt: Int,
    account_list: [StaticAccount; 1],
}

#[derive(Serialize)]
struct StaticAccount {
    account_num: &'static str,
    is_consent: mydata_core::wire::Flag,
    prod_name: &'static str,
}

fn serve_static(pki: &Path) -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter("warn").with_writer(std::io::stderr).init();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    rt.block_on(async {
        let _ = mydata_http::admin::metrics_handle();
        let layout = make_pki(pki)?;
        let server = layout.org(SERVER_ORG).context("server org")?;
        let cfg = ListenConfig {
            api: "127.0.0.1:0".parse()?,
            web: None,
            admin: None,
            tls: TlsFiles {
                cert: server.server_cert.clone(),
                key: server.server_key.clone(),
                client_ca: layout.tls_ca_cert.clone(),
            },
            request_timeout_ms: 10_000,
            body_limit_bytes: 1 << 20,
        };
        let app = Router::new()
            .route(
                "/bench/static",
                get(|| async {
                    Envelope::ok(
                        StaticBody {
                            org_code: SERVER_ORG,
                            account_cnt: Int(1),
                            account_list: [StaticAccount {
                                account_num: "1002123456789",
                                is_consent: true.into(),
                                prod_name: "자유입출금 통장",
                            }],
                        },
                        ScalarMode::String,
                    )
                }),
            )
            .layer(ObserveLayer::new(SERVER_ORG, TranIdPolicy::Required, Duration::from_secs(10)));
        let bound = Bound::bind("bench", &cfg, Routers { api: app, ..Routers::default() }).await?;
        println!("{}", bound.api_addr.port());
        let token = CancellationToken::new();
        bound.run(token).await?;
        anyhow::Ok(())
    })
}
