//! The TLS listener over real sockets: mutual TLS, the peer identity reaching handlers, the tran-id and
//! envelope layers end to end, refusal of clients without a certificate, and graceful shutdown.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::routing::get;
use mydata_http::config::{Bound, ListenConfig, Routers, TlsFiles};
use mydata_http::{ApiError, ObserveLayer, Peer, TranIdPolicy};
use mydata_pki::dev::{DevPkiLayout, OrgSpec};
use tokio_util::sync::CancellationToken;

const TRAN: &str = "BANK000001M00000000000001";

struct Fixture {
    _dir: tempfile::TempDir,
    pki: DevPkiLayout,
}

fn pki() -> Fixture {
    mydata_pki::install_default_provider();
    let dir = tempfile::tempdir().unwrap();
    let orgs = [
        OrgSpec::new("Server Org", "SERVER0001", "111-11-11111"),
        OrgSpec::new("Client Org", "CLIENT0001", "222-22-22222"),
    ];
    // Certificates must be valid for the real clock the TLS stack checks against.
    let now = mydata_core::Clock::now(&mydata_core::SystemClock);
    let pki = mydata_pki::dev::init(dir.path(), &orgs, &[], now).unwrap();
    Fixture { _dir: dir, pki }
}

fn app() -> Router {
    Router::new()
        .route(
            "/whoami",
            get(|peer: Option<axum::Extension<Peer>>| async move {
                peer.and_then(|p| p.0.0.serial_number().map(str::to_owned)).unwrap_or_default()
            }),
        )
        .route("/missing-asset", get(|| async { ApiError::code(mydata_core::rsp_code::RspCode::InvalidAsset) }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(300)).await;
                "done"
            }),
        )
        .fallback(mydata_http::not_found)
        .layer(ObserveLayer::new("SERVER0001", TranIdPolicy::Required, Duration::from_secs(5)))
}

async fn start(f: &Fixture) -> (SocketAddr, CancellationToken, tokio::task::JoinHandle<std::io::Result<()>>) {
    let server = f.pki.org("SERVER0001").unwrap();
    let cfg = ListenConfig {
        api: "127.0.0.1:0".parse().unwrap(),
        web: None,
        admin: None,
        tls: TlsFiles {
            cert: server.server_cert.clone(),
            key: server.server_key.clone(),
            client_ca: f.pki.tls_ca_cert.clone(),
        },
        request_timeout_ms: 5000,
        body_limit_bytes: 1024,
    };
    let bound = Bound::bind("test", &cfg, Routers { api: app(), ..Routers::default() }).await.unwrap();
    let addr = bound.api_addr;
    let token = CancellationToken::new();
    let task = tokio::spawn(bound.run(token.clone()));
    (addr, token, task)
}

fn client(f: &Fixture, with_cert: bool) -> reqwest::Client {
    let trust = f.pki.tls_trust().unwrap();
    let client = f.pki.org("CLIENT0001").unwrap();
    if with_cert {
        mydata_pki::reqwest_client_builder(&client.client_identity().unwrap(), &trust).unwrap().build().unwrap()
    } else {
        let cfg = mydata_pki::client_config(None, &trust).unwrap();
        reqwest::Client::builder().tls_backend_preconfigured(cfg).build().unwrap()
    }
}

#[tokio::test]
async fn mtls_request_reaches_the_handler_with_the_peer_identity() {
    let f = pki();
    let (addr, token, task) = start(&f).await;
    let url = format!("https://localhost:{}/whoami", addr.port());
    let res = client(&f, true).get(&url).header("x-api-tran-id", TRAN).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["x-api-tran-id"], TRAN);
    assert_eq!(res.text().await.unwrap(), "222-22-22222");
    token.cancel();
    task.await.unwrap().unwrap();
}

#[tokio::test]
async fn errors_travel_in_the_envelope_with_the_tran_id() {
    let f = pki();
    let (addr, token, _task) = start(&f).await;
    let c = client(&f, true);
    let res = c
        .get(format!("https://localhost:{}/missing-asset", addr.port()))
        .header("x-api-tran-id", TRAN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.headers()["x-api-tran-id"], TRAN);
    let v: serde_json::Value = res.json().await.unwrap();
    assert_eq!(v["rsp_code"], "40402");
    let res =
        c.get(format!("https://localhost:{}/nowhere", addr.port())).header("x-api-tran-id", TRAN).send().await.unwrap();
    assert_eq!(res.status(), 404);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["rsp_code"], "40401");
    let res = c.get(format!("https://localhost:{}/whoami", addr.port())).send().await.unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(res.json::<serde_json::Value>().await.unwrap()["rsp_code"], "40002");
    token.cancel();
}

#[tokio::test]
async fn a_client_without_a_certificate_is_refused() {
    let f = pki();
    let (addr, token, _task) = start(&f).await;
    let err = client(&f, false)
        .get(format!("https://localhost:{}/whoami", addr.port()))
        .header("x-api-tran-id", TRAN)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_connect() || err.is_request(), "{err:?}");
    token.cancel();
}

#[tokio::test]
async fn shutdown_drains_in_flight_requests() {
    let f = pki();
    let (addr, token, task) = start(&f).await;
    let c = client(&f, true);
    let slow = tokio::spawn({
        let c = c.clone();
        async move { c.get(format!("https://localhost:{}/slow", addr.port())).header("x-api-tran-id", TRAN).send().await }
    });
    // Let the request reach the handler, then ask for shutdown while it is in flight.
    tokio::time::sleep(Duration::from_millis(100)).await;
    token.cancel();
    let res = slow.await.unwrap().unwrap();
    assert_eq!(res.text().await.unwrap(), "done");
    task.await.unwrap().unwrap();
    // The listener is gone.
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}
