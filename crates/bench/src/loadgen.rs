//! A closed-loop load generator over mutual TLS.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use hdrhistogram::Histogram;
use http::{HeaderName, HeaderValue, Method, Request};
use http_body_util::{BodyExt, Full};
use hyper_util::rt::{TokioExecutor, TokioIo};
use mydata_core::{GeneratorType, OrgCode, SystemClock, TranIdGenerator};
use rustls::ClientConfig;
use rustls::pki_types::ServerName;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// The HTTP version to speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// HTTP/1.1 with keep-alive: one request in flight per connection.
    Http1,
    /// HTTP/2 with this many concurrent streams per connection.
    Http2 {
        /// Streams per connection.
        streams: usize,
    },
}

/// One request to send repeatedly.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// Method.
    pub method: Method,
    /// Path and query.
    pub path: String,
    /// Extra headers.
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// Body (empty for GET).
    pub body: Bytes,
    /// When set, every request gets a fresh `x-api-tran-id` for this organisation.
    pub tran_id_org: Option<OrgCode>,
}

/// What to run.
pub struct LoadSpec {
    /// Server address (must be loopback).
    pub addr: SocketAddr,
    /// TLS configuration with the client identity (ALPN is set per protocol).
    pub tls: ClientConfig,
    /// Number of connections.
    pub connections: usize,
    /// Protocol.
    pub protocol: Protocol,
    /// Measured duration.
    pub duration: Duration,
    /// Warm-up before measuring (requests sent, not recorded).
    pub warmup: Duration,
    /// The request each connection sends, by connection index.
    pub request: Arc<dyn Fn(usize) -> RequestSpec + Send + Sync>,
}

/// The outcome of a run.
#[derive(Debug, Clone)]
pub struct Report {
    /// Successful (2xx) responses in the measured window.
    pub ok: u64,
    /// Non-2xx responses in the measured window.
    pub non_2xx: u64,
    /// Transport errors.
    pub errors: u64,
    /// Measured wall time.
    pub elapsed: Duration,
    /// Latency distribution in microseconds.
    pub latency_us: Histogram<u64>,
    /// The first non-2xx status and body seen, for diagnosis.
    pub first_failure: Option<String>,
}

impl Report {
    /// Requests (all completed responses) per second.
    pub fn rps(&self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "request counts are far below 2^52")]
        let n = (self.ok + self.non_2xx) as f64;
        n / self.elapsed.as_secs_f64()
    }

    /// A latency quantile, in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "microsecond latencies are far below 2^52")]
        let us = self.latency_us.value_at_quantile(q) as f64;
        us / 1000.0
    }

    /// The largest latency, in milliseconds.
    pub fn max_ms(&self) -> f64 {
        #[expect(clippy::cast_precision_loss, reason = "microsecond latencies are far below 2^52")]
        let us = self.latency_us.max() as f64;
        us / 1000.0
    }
}

#[derive(Default)]
struct Tally {
    ok: u64,
    non_2xx: u64,
    errors: u64,
    first_failure: Option<String>,
}

fn new_histogram() -> Histogram<u64> {
    // 1 µs .. 60 s at 3 significant digits: constant, valid bounds.
    Histogram::new_with_bounds(1, 60_000_000, 3).expect("constant histogram bounds are valid")
}

/// Runs the load and returns the report.
pub async fn run(spec: LoadSpec) -> anyhow::Result<Report> {
    anyhow::ensure!(spec.addr.ip().is_loopback(), "the load generator only targets loopback addresses");
    let mut tls = spec.tls;
    tls.alpn_protocols = match spec.protocol {
        Protocol::Http1 => vec![b"http/1.1".to_vec()],
        Protocol::Http2 { .. } => vec![b"h2".to_vec()],
    };
    let connector = TlsConnector::from(Arc::new(tls));
    let start = Instant::now();
    let measure_from = start + spec.warmup;
    let deadline = measure_from + spec.duration;
    let mut tasks = Vec::with_capacity(spec.connections);
    for conn_idx in 0..spec.connections {
        let connector = connector.clone();
        let req = (spec.request)(conn_idx);
        let addr = spec.addr;
        let protocol = spec.protocol;
        tasks.push(tokio::spawn(async move {
            connection(conn_idx, connector, addr, protocol, req, measure_from, deadline).await
        }));
    }
    let mut hist = new_histogram();
    let mut tally = Tally::default();
    for t in tasks {
        let (h, c) = t.await?;
        hist.add(&h).map_err(|e| anyhow::anyhow!("merging histograms: {e}"))?;
        tally.ok += c.ok;
        tally.non_2xx += c.non_2xx;
        tally.errors += c.errors;
        if tally.first_failure.is_none() {
            tally.first_failure = c.first_failure;
        }
    }
    Ok(Report {
        ok: tally.ok,
        non_2xx: tally.non_2xx,
        errors: tally.errors,
        elapsed: spec.duration,
        latency_us: hist,
        first_failure: tally.first_failure,
    })
}

async fn connection(
    idx: usize,
    connector: TlsConnector,
    addr: SocketAddr,
    protocol: Protocol,
    spec: RequestSpec,
    measure_from: Instant,
    deadline: Instant,
) -> (Histogram<u64>, Tally) {
    let mut hist = new_histogram();
    let mut tally = Tally::default();
    let tran_ids = spec.tran_id_org.as_ref().map(|org| {
        // One node per connection keeps ids unique across connections; the real clock keeps them unique
        // across runs on the same day.
        let node = u32::try_from(idx).unwrap_or(0);
        Arc::new(TranIdGenerator::new(org, GeneratorType::Operator, node, SystemClock::shared()))
    });
    let io = match open(&connector, addr).await {
        Ok(io) => io,
        Err(e) => {
            tally.errors += 1;
            tally.first_failure = Some(format!("connect: {e}"));
            return (hist, tally);
        }
    };
    let spec = Arc::new(spec);
    match protocol {
        Protocol::Http1 => {
            let Ok((mut sender, conn)) = hyper::client::conn::http1::handshake(TokioIo::new(io)).await else {
                tally.errors += 1;
                return (hist, tally);
            };
            tokio::spawn(conn);
            while Instant::now() < deadline {
                if sender.ready().await.is_err() {
                    tally.errors += 1;
                    break;
                }
                one(&mut sender, &spec, tran_ids.as_deref(), measure_from, deadline, &mut hist, &mut tally).await;
            }
        }
        Protocol::Http2 { streams } => {
            let Ok((sender, conn)) =
                hyper::client::conn::http2::handshake(TokioExecutor::new(), TokioIo::new(io)).await
            else {
                tally.errors += 1;
                return (hist, tally);
            };
            tokio::spawn(conn);
            let mut lanes = Vec::new();
            for _ in 0..streams.max(1) {
                let mut sender = sender.clone();
                let spec = Arc::clone(&spec);
                let tran_ids = tran_ids.clone();
                lanes.push(tokio::spawn(async move {
                    let mut hist = new_histogram();
                    let mut tally = Tally::default();
                    while Instant::now() < deadline {
                        if sender.ready().await.is_err() {
                            tally.errors += 1;
                            break;
                        }
                        one(&mut sender, &spec, tran_ids.as_deref(), measure_from, deadline, &mut hist, &mut tally)
                            .await;
                    }
                    (hist, tally)
                }));
            }
            for lane in lanes {
                if let Ok((h, t)) = lane.await {
                    let _ = hist.add(&h);
                    tally.ok += t.ok;
                    tally.non_2xx += t.non_2xx;
                    tally.errors += t.errors;
                    if tally.first_failure.is_none() {
                        tally.first_failure = t.first_failure;
                    }
                }
            }
        }
    }
    (hist, tally)
}

trait Sender {
    fn send(
        &mut self,
        req: Request<Full<Bytes>>,
    ) -> impl Future<Output = hyper::Result<http::Response<hyper::body::Incoming>>>;
}

impl Sender for hyper::client::conn::http1::SendRequest<Full<Bytes>> {
    fn send(
        &mut self,
        req: Request<Full<Bytes>>,
    ) -> impl Future<Output = hyper::Result<http::Response<hyper::body::Incoming>>> {
        self.send_request(req)
    }
}

impl Sender for hyper::client::conn::http2::SendRequest<Full<Bytes>> {
    fn send(
        &mut self,
        req: Request<Full<Bytes>>,
    ) -> impl Future<Output = hyper::Result<http::Response<hyper::body::Incoming>>> {
        self.send_request(req)
    }
}

async fn one<S: Sender>(
    sender: &mut S,
    spec: &RequestSpec,
    tran_ids: Option<&TranIdGenerator>,
    measure_from: Instant,
    deadline: Instant,
    hist: &mut Histogram<u64>,
    tally: &mut Tally,
) {
    let mut b = Request::builder().method(spec.method.clone()).uri(&spec.path).header(http::header::HOST, "localhost");
    for (k, v) in &spec.headers {
        b = b.header(k, v);
    }
    if let Some(g) = tran_ids {
        b = b.header("x-api-tran-id", g.next_id().as_str());
    }
    let Ok(req) = b.body(Full::new(spec.body.clone())) else {
        tally.errors += 1;
        return;
    };
    let sent = Instant::now();
    let result = match sender.send(req).await {
        Ok(res) => {
            let status = res.status();
            match res.into_body().collect().await {
                Ok(body) => Ok((status, body.to_bytes())),
                Err(e) => Err(e.to_string()),
            }
        }
        Err(e) => Err(e.to_string()),
    };
    let done = Instant::now();
    if sent < measure_from || done > deadline {
        return;
    }
    match result {
        Ok((status, body)) => {
            let _ = hist.record(u64::try_from((done - sent).as_micros()).unwrap_or(u64::MAX).max(1));
            if status.is_success() {
                tally.ok += 1;
            } else {
                tally.non_2xx += 1;
                if tally.first_failure.is_none() {
                    tally.first_failure = Some(format!("{status} {}", String::from_utf8_lossy(&body)));
                }
            }
        }
        Err(e) => {
            tally.errors += 1;
            if tally.first_failure.is_none() {
                tally.first_failure = Some(e);
            }
        }
    }
}

async fn open(
    connector: &TlsConnector,
    addr: SocketAddr,
) -> anyhow::Result<tokio_rustls::client::TlsStream<TcpStream>> {
    let tcp = TcpStream::connect(addr).await?;
    tcp.set_nodelay(true)?;
    let name = ServerName::try_from("localhost")?;
    Ok(connector.connect(name, tcp).await?)
}
