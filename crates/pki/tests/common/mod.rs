//! Small helpers shared by the integration tests: a throwaway development PKI and one-connection TLS peers.
#![allow(dead_code, reason = "each test binary uses a different subset of the helpers")]
#![allow(clippy::unwrap_used, reason = "test helpers panic on setup failure, like the tests themselves")]

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use mydata_core::Clock as _;
use mydata_pki::dev::{DevPkiLayout, OrgSpec, SubjectSpec, init};
use mydata_pki::{Identity, PeerIdentity, TrustAnchors};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ServerConfig};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio_rustls::{TlsAcceptor, TlsConnector};

pub(crate) const BANK_REGNO: &str = "123-45-67890";
pub(crate) const OPERATOR_REGNO: &str = "987-65-43210";
/// An 88-character base64 CI (synthetic).
pub(crate) const KIM_CI: &str =
    "bXlkYXRhLWRldi1jaS1mb3Ita2ltLXRlc3Rpbmctb25seS1ub3QtYS1yZWFsLXBlcnNvbi0wMDAwMDAwMDAxIQ==";

pub(crate) fn now() -> time::OffsetDateTime {
    mydata_core::SystemClock.now()
}

pub(crate) fn bank() -> OrgSpec {
    OrgSpec::new("Dev Bank", "BANK000001", BANK_REGNO)
}

pub(crate) fn operator() -> OrgSpec {
    OrgSpec::new("Dev Operator", "OPER000001", OPERATOR_REGNO)
}

pub(crate) fn kim() -> SubjectSpec {
    SubjectSpec { name: "Kim Demo".to_owned(), ci: KIM_CI.to_owned(), username: "kim".to_owned() }
}

/// A development PKI in a temporary directory (deleted on drop).
pub(crate) struct Pki {
    pub(crate) dir: tempfile::TempDir,
    pub(crate) layout: DevPkiLayout,
}

impl Pki {
    pub(crate) fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let layout = init(dir.path(), &[bank(), operator()], &[kim()], now()).unwrap();
        Self { dir, layout }
    }

    pub(crate) fn trust(&self) -> TrustAnchors {
        self.layout.tls_trust().unwrap()
    }

    pub(crate) fn server_identity(&self, org_code: &str) -> Identity {
        self.layout.org(org_code).unwrap().server_identity().unwrap()
    }

    pub(crate) fn client_identity(&self, org_code: &str) -> Identity {
        self.layout.org(org_code).unwrap().client_identity().unwrap()
    }
}

/// A TLS server on `127.0.0.1:0` that accepts one connection, sends `hello`, and reports the client's identity (or
/// the handshake error).
pub(crate) async fn serve_one(config: Arc<ServerConfig>) -> (SocketAddr, JoinHandle<io::Result<PeerIdentity>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let task = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await?;
        let mut tls = TlsAcceptor::from(config).accept(tcp).await?;
        let peer = PeerIdentity::from_connection(tls.get_ref().1).map_err(io::Error::other)?;
        tls.write_all(b"hello").await?;
        tls.shutdown().await?;
        Ok(peer)
    });
    (addr, task)
}

/// Connects to `addr` as `localhost` and reads everything the server sends.
pub(crate) async fn connect_and_read(config: ClientConfig, addr: SocketAddr) -> io::Result<Vec<u8>> {
    let tcp = TcpStream::connect(addr).await?;
    let name = ServerName::try_from("localhost").unwrap();
    let mut tls = TlsConnector::from(Arc::new(config)).connect(name, tcp).await?;
    let mut buf = Vec::new();
    tls.read_to_end(&mut buf).await?;
    Ok(buf)
}

/// The rustls error inside a tokio-rustls I/O error.
pub(crate) fn tls_error(err: &io::Error) -> rustls::Error {
    mydata_pki::rustls_error(err).cloned().unwrap_or_else(|| panic!("not a TLS error: {err:?}"))
}
