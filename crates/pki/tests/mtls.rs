//! Mutual TLS end to end over real sockets on 127.0.0.1: who gets in, who is refused, and what the refusal is called.
#![expect(clippy::unwrap_used, reason = "test helpers panic on setup failure, like the tests themselves")]

mod common;

use std::sync::Arc;

use common::{BANK_REGNO, OPERATOR_REGNO, Pki, bank, connect_and_read, now, operator, serve_one, tls_error};
use mydata_pki::dev::{DevCa, Validity};
use mydata_pki::{HandshakeFailure, PeerIdentity, PkiError, client_config, describe_handshake_error, server_config};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// Runs one connection of `client` against the bank's mTLS server and returns the server's view.
async fn handshake(
    pki: &Pki,
    client: rustls::ClientConfig,
) -> (std::io::Result<PeerIdentity>, std::io::Result<Vec<u8>>) {
    let server = server_config(&pki.server_identity("BANK000001"), &pki.trust()).unwrap();
    let (addr, task) = serve_one(server).await;
    let client_result = connect_and_read(client, addr).await;
    (task.await.unwrap(), client_result)
}

#[tokio::test]
async fn valid_client_certificate_is_accepted_and_identified() {
    let pki = Pki::new();
    let client_id = pki.client_identity("OPER000001");
    let config = client_config(Some(&client_id), &pki.trust()).unwrap();

    let (server_side, client_side) = handshake(&pki, config).await;
    let peer = server_side.unwrap();
    assert_eq!(client_side.unwrap(), b"hello");

    assert_eq!(peer.serial_number(), Some(OPERATOR_REGNO));
    peer.check_serial(OPERATOR_REGNO).unwrap();
    assert_eq!(peer.common_name(), Some("Dev Operator"));
    assert!(peer.subject().contains("serialNumber=987-65-43210"), "{}", peer.subject());

    let leaf = &client_id.chain()[0];
    let expected = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, leaf);
    assert_eq!(peer.thumbprint_sha256().as_slice(), expected.as_ref());
    assert_eq!(peer.thumbprint_b64url().len(), 43, "unpadded base64url of 32 bytes");
    assert!(!peer.thumbprint_b64url().contains(['+', '/', '=']));
    assert_eq!(peer.subject_ci(), None);
}

#[tokio::test]
async fn server_certificate_also_works_as_client_certificate() {
    let pki = Pki::new();
    let config = client_config(Some(&pki.server_identity("OPER000001")), &pki.trust()).unwrap();
    let (server_side, _) = handshake(&pki, config).await;
    assert_eq!(server_side.unwrap().serial_number(), Some(OPERATOR_REGNO));
}

#[tokio::test]
async fn missing_client_certificate_is_refused() {
    let pki = Pki::new();
    let config = client_config(None, &pki.trust()).unwrap();

    let (server_side, client_side) = handshake(&pki, config).await;
    let err = tls_error(&server_side.unwrap_err());
    assert_eq!(HandshakeFailure::from_rustls(&err), HandshakeFailure::NoClientCertificate);
    assert_eq!(describe_handshake_error(&err), "no_client_certificate");
    assert!(matches!(PkiError::from_handshake(err), PkiError::NoClientCertificate));
    // The client learns why from the server's alert.
    assert_eq!(HandshakeFailure::from_io(&client_side.unwrap_err()), HandshakeFailure::NoClientCertificate);
}

#[tokio::test]
async fn client_certificate_from_another_ca_is_refused() {
    let pki = Pki::new();
    let rogue_ca = DevCa::generate("Rogue CA", now()).unwrap();
    let rogue = rogue_ca.issue_tls_client(&operator(), Validity::leaf(now())).unwrap().identity().unwrap();
    let config = client_config(Some(&rogue), &pki.trust()).unwrap();

    let (server_side, client_side) = handshake(&pki, config).await;
    let err = tls_error(&server_side.unwrap_err());
    assert_eq!(describe_handshake_error(&err), "unknown_issuer");
    assert!(matches!(PkiError::from_handshake(err), PkiError::UnknownIssuer));
    assert_eq!(HandshakeFailure::from_io(&client_side.unwrap_err()), HandshakeFailure::UnknownIssuer);
}

#[tokio::test]
async fn expired_client_certificate_is_refused() {
    let pki = Pki::new();
    let tls_ca = DevCa::load(&pki.layout.tls_ca_cert, &pki.layout.tls_ca_key).unwrap();
    let past = Validity { not_before: now() - time::Duration::days(400), not_after: now() - time::Duration::days(1) };
    let expired = tls_ca.issue_tls_client(&operator(), past).unwrap().identity().unwrap();
    assert!(matches!(expired.check_validity(now()), Err(PkiError::Expired { .. })));
    let config = client_config(Some(&expired), &pki.trust()).unwrap();

    let (server_side, _) = handshake(&pki, config).await;
    let err = tls_error(&server_side.unwrap_err());
    assert_eq!(HandshakeFailure::from_rustls(&err), HandshakeFailure::Expired);
    match PkiError::from_handshake(err) {
        PkiError::Expired { not_after, now: at } => {
            assert!(not_after < at);
            assert_eq!(not_after.unix_timestamp(), past.not_after.unix_timestamp());
        }
        other => panic!("expected Expired, got {other:?}"),
    }
}

#[tokio::test]
async fn not_yet_valid_client_certificate_is_refused() {
    let pki = Pki::new();
    let tls_ca = DevCa::load(&pki.layout.tls_ca_cert, &pki.layout.tls_ca_key).unwrap();
    let future = Validity { not_before: now() + time::Duration::days(1), not_after: now() + time::Duration::days(9) };
    let early = tls_ca.issue_tls_client(&operator(), future).unwrap().identity().unwrap();
    let config = client_config(Some(&early), &pki.trust()).unwrap();

    let (server_side, _) = handshake(&pki, config).await;
    let err = tls_error(&server_side.unwrap_err());
    assert!(matches!(PkiError::from_handshake(err), PkiError::NotYetValid { .. }));
}

#[tokio::test]
async fn tls12_only_client_is_refused() {
    let pki = Pki::new();
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
        .with_protocol_versions(&[&rustls::version::TLS12])
        .unwrap()
        .with_root_certificates(pki.trust().root_store())
        .with_no_client_auth();

    let (server_side, client_side) = handshake(&pki, config).await;
    let err = tls_error(&server_side.unwrap_err());
    assert_eq!(describe_handshake_error(&err), "protocol_version");
    assert!(matches!(PkiError::from_handshake(err), PkiError::UnsupportedProtocolVersion));
    assert_eq!(HandshakeFailure::from_io(&client_side.unwrap_err()), HandshakeFailure::ProtocolVersion);
}

#[tokio::test]
async fn client_refuses_server_from_unknown_ca() {
    let pki = Pki::new();
    let rogue_ca = DevCa::generate("Rogue CA", now()).unwrap();
    let rogue_server = rogue_ca.issue_tls_server(&bank(), Validity::leaf(now())).unwrap().identity().unwrap();
    let server = server_config(&rogue_server, &pki.trust()).unwrap();
    let (addr, task) = serve_one(server).await;

    let config = client_config(Some(&pki.client_identity("OPER000001")), &pki.trust()).unwrap();
    let err = connect_and_read(config, addr).await.unwrap_err();
    assert_eq!(HandshakeFailure::from_io(&err), HandshakeFailure::UnknownIssuer);
    assert!(task.await.unwrap().is_err());
}

#[tokio::test]
async fn reqwest_client_presents_the_organisation_certificate() {
    let pki = Pki::new();
    // The hand-written responder below speaks HTTP/1.1 only, so offer only that protocol.
    let mut server = (*server_config(&pki.server_identity("BANK000001"), &pki.trust()).unwrap()).clone();
    server.alpn_protocols = vec![b"http/1.1".to_vec()];
    mydata_pki::assert_server_policy(&server).unwrap();

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(server));
    let responder = tokio::spawn(async move {
        let (tcp, _) = listener.accept().await.unwrap();
        let mut tls = acceptor.accept(tcp).await.unwrap();
        let peer = PeerIdentity::from_connection(tls.get_ref().1).unwrap();
        let mut request = Vec::new();
        while !request.ends_with(b"\r\n\r\n") {
            let mut byte = [0u8; 1];
            if tls.read(&mut byte).await.unwrap() == 0 {
                break;
            }
            request.push(byte[0]);
        }
        let body = peer.serial_number().unwrap_or("none").to_owned();
        let response = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
        tls.write_all(response.as_bytes()).await.unwrap();
        tls.shutdown().await.unwrap();
        (String::from_utf8(request).unwrap(), peer)
    });

    let client =
        mydata_pki::reqwest_client_builder(&pki.client_identity("OPER000001"), &pki.trust()).unwrap().build().unwrap();
    let response = client.get(format!("https://127.0.0.1:{}/ping", addr.port())).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), OPERATOR_REGNO);

    let (request, peer) = responder.await.unwrap();
    assert!(request.starts_with("GET /ping HTTP/1.1\r\n"), "{request}");
    peer.check_serial(OPERATOR_REGNO).unwrap();
    assert_ne!(peer.serial_number(), Some(BANK_REGNO));
}
