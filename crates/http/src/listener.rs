//! The listeners: TLS 1.3 with mutual TLS for every API between organisations, and plain HTTP on loopback
//! for demo web pages only.
//!
//! The accept loop is our own (tokio-rustls + hyper-util) rather than axum-server's, so the verified client
//! certificate can be parsed once per connection and handed to every request of that connection as a
//! [`Peer`] extension (for the serialNumber check of spec §1.1 and for certificate-bound tokens). Failed
//! handshakes are logged with the name of the check that failed (expired, unknown issuer, no client
//! certificate, protocol version).

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use mydata_pki::{PeerIdentity, PkiError};
use rustls::ServerConfig;
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tower::ServiceExt;

/// The verified client certificate of the connection a request arrived on.
#[derive(Debug, Clone)]
pub struct Peer(pub PeerIdentity);

/// The remote socket address of the connection a request arrived on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RemoteAddr(pub SocketAddr);

/// How long a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a client may take to send request headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How long shutdown waits for in-flight requests.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

enum Mode {
    Tls(TlsAcceptor),
    PlainLoopback,
}

/// A bound listener serving one router.
pub struct Server {
    listener: TcpListener,
    mode: Mode,
    app: Router,
    name: String,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("name", &self.name).field("addr", &self.listener.local_addr().ok()).finish()
    }
}

impl Server {
    /// Serves `app` over TLS with `tls` (build it with `mydata_pki::server_config`, which enforces TLS 1.3,
    /// mandatory client certificates and no 0-RTT; the policy is asserted again here).
    pub fn tls(
        name: impl Into<String>,
        listener: TcpListener,
        tls: Arc<ServerConfig>,
        app: Router,
    ) -> Result<Self, PkiError> {
        mydata_pki::assert_server_policy(&tls)?;
        Ok(Self { listener, mode: Mode::Tls(TlsAcceptor::from(tls)), app, name: name.into() })
    }

    /// **Danger:** serves `app` over plain HTTP. Only for human-facing pages in demo mode, and only on a
    /// loopback address; any other address is refused. Logged at start-up.
    pub fn plain_loopback(name: impl Into<String>, listener: TcpListener, app: Router) -> io::Result<Self> {
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("plain HTTP is allowed on loopback only, not on {addr}"),
            ));
        }
        let name = name.into();
        tracing::warn!(server = %name, %addr, "serving plain HTTP on loopback (web pages in demo mode, or the admin listener)");
        Ok(Self { listener, mode: Mode::PlainLoopback, app, name })
    }

    /// The bound address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Accepts connections until `shutdown` completes, then drains in-flight requests (bounded).
    pub async fn run(self, shutdown: impl Future<Output = ()> + Send) -> io::Result<()> {
        let Self { listener, mode, app, name } = self;
        let acceptor = match mode {
            Mode::Tls(a) => Some(a),
            Mode::PlainLoopback => None,
        };
        let mut builder = auto::Builder::new(TokioExecutor::new());
        builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
        builder.http2().timer(TokioTimer::new()).max_concurrent_streams(256);
        let graceful = GracefulShutdown::new();
        tokio::pin!(shutdown);
        tracing::info!(server = %name, addr = ?listener.local_addr().ok(), tls = acceptor.is_some(), "listening");
        loop {
            let (tcp, remote) = tokio::select! {
                () = &mut shutdown => break,
                accepted = listener.accept() => match accepted {
                    Ok(x) => x,
                    Err(e) => {
                        // EMFILE and friends: back off briefly instead of spinning.
                        tracing::warn!(server = %name, error = %e, "accept failed");
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        continue;
                    }
                },
            };
            let _ = tcp.set_nodelay(true);
            let builder = builder.clone();
            let watcher = graceful.watcher();
            let app = app.clone();
            let acceptor = acceptor.clone();
            let name = name.clone();
            tokio::spawn(async move {
                match acceptor {
                    Some(acceptor) => {
                        if let Some((tls, peer)) = handshake(&acceptor, tcp, remote, &name).await {
                            let svc = service(app, remote, peer);
                            let _ = watcher.watch(builder.serve_connection(TokioIo::new(tls), svc).into_owned()).await;
                        }
                    }
                    None => {
                        let svc = service(app, remote, None);
                        let _ = watcher.watch(builder.serve_connection(TokioIo::new(tcp), svc).into_owned()).await;
                    }
                }
            });
        }
        drop(listener);
        if tokio::time::timeout(DRAIN_TIMEOUT, graceful.shutdown()).await.is_err() {
            tracing::warn!(server = %name, "shutdown: connections still open after the drain timeout");
        }
        tracing::info!(server = %name, "stopped");
        Ok(())
    }
}

async fn handshake(
    acceptor: &TlsAcceptor,
    tcp: TcpStream,
    remote: SocketAddr,
    name: &str,
) -> Option<(tokio_rustls::server::TlsStream<TcpStream>, Option<Peer>)> {
    let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            let reason = e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<rustls::Error>())
                .map_or_else(|| e.to_string(), |r| PkiError::from_handshake(r.clone()).to_string());
            tracing::info!(server = %name, %remote, %reason, "TLS handshake refused");
            metrics::counter!("mydata_tls_handshake_failures_total", "server" => name.to_owned()).increment(1);
            return None;
        }
        Err(_) => {
            tracing::info!(server = %name, %remote, "TLS handshake timed out");
            return None;
        }
    };
    let peer = tls.get_ref().1.peer_certificates().and_then(|c| c.first()).and_then(|leaf| {
        PeerIdentity::from_der(leaf.as_ref())
            .map_err(|e| tracing::warn!(server = %name, %remote, error = %e, "unreadable client certificate"))
            .ok()
            .map(Peer)
    });
    Some((tls, peer))
}

fn service(
    app: Router,
    remote: SocketAddr,
    peer: Option<Peer>,
) -> TowerToHyperService<
    impl tower::Service<
        http::Request<Incoming>,
        Response = axum::response::Response,
        Error = Infallible,
        Future = impl Future<Output = Result<axum::response::Response, Infallible>> + Send,
    > + Clone,
> {
    TowerToHyperService::new(tower::service_fn(move |req: http::Request<Incoming>| {
        let mut req = req.map(Body::new);
        req.extensions_mut().insert(RemoteAddr(remote));
        if let Some(p) = &peer {
            req.extensions_mut().insert(p.clone());
        }
        app.clone().oneshot(req)
    }))
}
