//! `mydata demo` end to end: it starts, writes a valid `ecosystem.json` whose participants answer over
//! mutual TLS, and exits cleanly on SIGTERM. And `mydata serve` refuses a bad configuration with exit 64,
//! naming the file and the key.

#![expect(clippy::unwrap_used, reason = "test helpers outside #[test] functions")]

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use mydata_cli::ecosystem::Ecosystem;

fn mydata() -> Command {
    Command::new(env!("CARGO_BIN_EXE_mydata"))
}

async fn wait_for(path: &Path, child: &mut Child) -> Ecosystem {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return serde_json::from_str(&text).unwrap();
        }
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            if let Some(mut e) = child.stderr.take() {
                let _ = std::io::Read::read_to_string(&mut e, &mut err);
            }
            panic!("demo exited early: {status}\n{err}");
        }
        assert!(Instant::now() < deadline, "ecosystem.json did not appear");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn terminate(child: &mut Child) -> std::process::ExitStatus {
    let ok = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(ok.success());
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status;
        }
        assert!(Instant::now() < deadline, "demo did not stop after SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn demo_starts_writes_a_valid_manifest_and_stops_on_sigterm() {
    mydata_pki::install_default_provider();
    let dir = tempfile::tempdir().unwrap();
    let mut child = mydata()
        .args(["demo", "--data-dir"])
        .arg(dir.path())
        .env("MYDATA_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let manifest_path = std::fs::canonicalize(dir.path()).unwrap().join("ecosystem.json");
    let eco = wait_for(&manifest_path, &mut child).await;

    assert_eq!(eco.version, 1);
    assert!(eco.tls_ca.is_file() && eco.subject_ca.is_file());
    let roles: Vec<&str> = eco.participants.iter().map(|p| p.role.as_str()).collect();
    assert_eq!(roles[0], "hub");
    for role in ["hub", "provider", "operator", "vault"] {
        assert!(roles.contains(&role), "{role} missing");
    }
    let industries: std::collections::BTreeSet<_> =
        eco.participants.iter().filter_map(|p| p.industry.clone()).collect();
    for i in ["bank", "card", "invest", "insu", "telecom", "capital"] {
        assert!(industries.contains(i), "{i} provider missing");
    }

    // Every participant answers over mutual TLS, and its certificate carries the serialNumber listed.
    let trust = mydata_pki::TrustAnchors::from_pem_file(&eco.tls_ca).unwrap();
    let caller = &eco.participants[0];
    let client = mydata_pki::reqwest_client_builder(
        &mydata_pki::Identity::from_pem_files(&caller.cert, &caller.key).unwrap(),
        &trust,
    )
    .unwrap()
    .build()
    .unwrap();
    for p in &eco.participants {
        let id = mydata_pki::Identity::from_pem_files(&p.cert, &p.key).unwrap();
        assert_eq!(id.leaf().serial_number(), Some(p.serial_number.as_str()), "{}", p.name);
        assert!(p.data_dir.is_dir());
        let url = p.api_url.replace("127.0.0.1", "localhost");
        let res = client
            .get(format!("{url}/no-such-path"))
            .header("x-api-tran-id", "HUBPORTAL1P00000000000001")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{}", p.name);
        assert_eq!(res.headers()["x-api-tran-id"], "HUBPORTAL1P00000000000001");
        assert_eq!(res.json::<serde_json::Value>().await.unwrap()["rsp_code"], "40401");
    }

    // A client without a certificate is refused.
    let bare = reqwest::Client::builder()
        .tls_backend_preconfigured(mydata_pki::client_config(None, &trust).unwrap())
        .build()
        .unwrap();
    assert!(bare.get(eco.participants[1].api_url.replace("127.0.0.1", "localhost")).send().await.is_err());

    // Subjects: certificates issued by the subject CA, binding their CI.
    let subject_ca = mydata_pki::TrustAnchors::from_pem_file(&eco.subject_ca).unwrap();
    assert!(eco.subjects.len() >= 3);
    for s in &eco.subjects {
        let id = mydata_pki::Identity::from_pem_files(&s.cert, &s.key).unwrap();
        assert_eq!(id.leaf().subject_ci(), Some(s.ci.as_str()));
        let now = mydata_core::Clock::now(&mydata_core::SystemClock);
        mydata_pki::verify_subject_certificate(id.chain(), &subject_ca, now).unwrap();
        assert!(s.password.len() >= 10);
    }

    let status = terminate(&mut child).await;
    assert!(status.success(), "demo exited with {status}");
    assert!(!manifest_path.exists(), "the manifest is removed when the demo stops");

    // A second run reuses the PKI and the ports.
    let mut again = mydata().args(["demo", "--data-dir"]).arg(dir.path()).env("MYDATA_LOG", "warn").spawn().unwrap();
    let eco2 = wait_for(&manifest_path, &mut again).await;
    assert_eq!(eco2.participants[1].api_url, eco.participants[1].api_url);
    assert_eq!(eco2.subjects[0].ci, eco.subjects[0].ci);
    assert!(terminate(&mut again).await.success());
}

#[test]
fn serve_refuses_a_bad_config_with_exit_64_naming_file_and_key() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bank.toml");
    std::fs::write(
        &cfg,
        "name = \"x\"\norg_code = \"SHORT\"\nindustry = \"bank\"\n[listen]\napi = \"127.0.0.1:0\"\n\
         [listen.tls]\ncert = \"a\"\nkey = \"b\"\nclient_ca = \"c\"\n[store]\nurl = \"sqlite://x.db\"\n",
    )
    .unwrap();
    let out = mydata().args(["serve", "provider", "--config"]).arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bank.toml") && err.contains("org_code"), "{err}");

    // A missing certificate names the file.
    std::fs::write(
        &cfg,
        format!(
            "name = \"x\"\norg_code = \"BANK000001\"\nindustry = \"bank\"\n[listen]\napi = \"127.0.0.1:0\"\n\
             [listen.tls]\ncert = \"{0}/none.pem\"\nkey = \"{0}/none.key\"\nclient_ca = \"{0}/ca.pem\"\n[store]\nurl = \"sqlite://{0}/x.db\"\n",
            dir.path().display()
        ),
    )
    .unwrap();
    let out = mydata().args(["serve", "provider", "--config"]).arg(&cfg).output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("none.pem"), "{err}");

    // An environment override that names no key is refused too.
    let out =
        mydata().args(["serve", "provider", "--config"]).arg(&cfg).env("MYDATA_STORE__URLL", "x").output().unwrap();
    assert_eq!(out.status.code(), Some(64));
    assert!(String::from_utf8_lossy(&out.stderr).contains("urll"));
}
