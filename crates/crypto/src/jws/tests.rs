use std::sync::OnceLock;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use proptest::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::*;
use crate::CryptoError;

const NOW: i64 = 1_800_000_000;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Claims {
    iss: String,
    aud: String,
    sub: String,
    exp: i64,
    scope: String,
}

fn claims() -> Claims {
    Claims {
        iss: "https://hub.example".to_owned(),
        aud: "provider-A".to_owned(),
        sub: "subject-1".to_owned(),
        exp: NOW + 600,
        scope: "bank.list".to_owned(),
    }
}

/// One generated key shared by the tests (generation is cheap, but a fixed key keeps failures reproducible
/// within a run).
fn key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate("key-1").unwrap())
}

fn opts() -> VerifyOptions {
    VerifyOptions::new().with_issuer("https://hub.example").with_audience("provider-A")
}

fn parts(token: &str) -> Vec<String> {
    token.split('.').map(str::to_owned).collect()
}

#[test]
fn sign_verify_round_trip_and_header() {
    let token = key().sign(&claims()).unwrap();
    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(&parts(&token)[0]).unwrap()).unwrap();
    assert_eq!(header, json!({"alg": "ES256", "typ": "JWT", "kid": "key-1"}));
    let got: Claims = key().verifier().verify(&token, &opts(), NOW).unwrap();
    assert_eq!(got, claims());
}

#[test]
fn pem_round_trip_keeps_the_key() {
    let pem = key().to_pkcs8_pem();
    assert!(pem.starts_with("-----BEGIN PRIVATE KEY-----\n") && pem.ends_with("-----END PRIVATE KEY-----\n"));
    assert!(pem.lines().all(|l| l.len() <= 64));
    let reloaded = SigningKey::from_pkcs8_pem("key-1", &pem).unwrap();
    assert_eq!(reloaded.public_jwk(), key().public_jwk());
    let token = reloaded.sign(&claims()).unwrap();
    assert!(key().verifier().verify::<Claims>(&token, &opts(), NOW).is_ok());
}

#[test]
fn bad_pem_is_rejected() {
    for bad in [
        "",
        "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        "-----BEGIN PRIVATE KEY-----\nAAAA\n",
        "-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\n",
    ] {
        assert!(matches!(SigningKey::from_pkcs8_pem("k", bad), Err(CryptoError::InvalidSigningKey { .. })), "{bad:?}");
    }
    assert!(matches!(SigningKey::generate(""), Err(CryptoError::InvalidSigningKey { .. })));
}

#[test]
fn jwks_json_shape() {
    let jwks = key().jwks();
    let value = serde_json::to_value(&jwks).unwrap();
    let jwk = &value["keys"][0];
    assert_eq!(value["keys"].as_array().unwrap().len(), 1);
    let mut fields: Vec<&str> = jwk.as_object().unwrap().keys().map(String::as_str).collect();
    fields.sort_unstable();
    assert_eq!(fields, ["alg", "crv", "kid", "kty", "use", "x", "y"]);
    assert_eq!(
        (&jwk["kty"], &jwk["crv"], &jwk["alg"], &jwk["use"], &jwk["kid"]),
        (&json!("EC"), &json!("P-256"), &json!("ES256"), &json!("sig"), &json!("key-1"))
    );
    for coord in ["x", "y"] {
        let text = jwk[coord].as_str().unwrap();
        assert_eq!(text.len(), 43, "{coord} must be unpadded base64url of 32 bytes");
        assert_eq!(URL_SAFE_NO_PAD.decode(text).unwrap().len(), 32);
    }
    let parsed: Jwks = serde_json::from_value(value).unwrap();
    assert_eq!(parsed, jwks);
}

#[test]
fn verify_through_published_jwks_with_rotation() {
    let old = SigningKey::generate("key-0").unwrap();
    let published = serde_json::to_string(&Jwks::new(vec![key().public_jwk(), old.public_jwk()])).unwrap();
    let verifier = Verifier::from_jwks(&serde_json::from_str(&published).unwrap()).unwrap();
    assert_eq!(verifier.kids().collect::<Vec<_>>(), ["key-1", "key-0"]);
    for signer in [key(), &old] {
        let token = signer.sign(&claims()).unwrap();
        assert_eq!(verifier.verify::<Claims>(&token, &opts(), NOW).unwrap(), claims());
    }
    let stranger = SigningKey::generate("key-9").unwrap().sign(&claims()).unwrap();
    assert!(matches!(verifier.verify::<Claims>(&stranger, &opts(), NOW), Err(CryptoError::UnknownKeyId)));
}

#[test]
fn same_kid_other_key_is_a_bad_signature() {
    let impostor = SigningKey::generate("key-1").unwrap();
    let token = impostor.sign(&claims()).unwrap();
    assert!(matches!(key().verifier().verify::<Claims>(&token, &opts(), NOW), Err(CryptoError::TokenSignature)));
}

#[test]
fn tampered_payload_fails_signature() {
    let token = key().sign(&claims()).unwrap();
    let p = parts(&token);
    let mut forged = claims();
    forged.scope = "bank.list card.list".to_owned();
    let forged_payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(&forged).unwrap());
    let tampered = format!("{}.{}.{}", p[0], forged_payload, p[2]);
    assert!(matches!(key().verifier().verify::<Claims>(&tampered, &opts(), NOW), Err(CryptoError::TokenSignature)));
}

#[test]
fn expiry_and_not_before_follow_the_given_now() {
    let v = key().verifier();
    let o = opts().with_leeway_secs(0);
    let token = key().sign(&claims()).unwrap();
    assert!(v.verify::<Claims>(&token, &o, NOW + 599).is_ok());
    assert!(matches!(v.verify::<Claims>(&token, &o, NOW + 600), Err(CryptoError::TokenExpired)));
    assert!(v.verify::<Claims>(&token, &o.with_leeway_secs(30), NOW + 629).is_ok());
    assert!(matches!(v.verify::<Claims>(&token, &opts(), NOW + 10_000), Err(CryptoError::TokenExpired)));

    let early = key().sign(&json!({"exp": NOW + 600, "nbf": NOW + 100})).unwrap();
    let o = VerifyOptions::new().with_leeway_secs(0);
    assert!(matches!(v.verify::<serde_json::Value>(&early, &o, NOW), Err(CryptoError::TokenNotYetValid)));
    assert!(v.verify::<serde_json::Value>(&early, &o, NOW + 100).is_ok());
    assert!(v.verify::<serde_json::Value>(&early, &o.with_leeway_secs(100), NOW).is_ok());
}

#[test]
fn exp_is_required_unless_allowed() {
    let v = key().verifier();
    let token = key().sign(&json!({"sub": "x"})).unwrap();
    let err = v.verify::<serde_json::Value>(&token, &VerifyOptions::new(), NOW).unwrap_err();
    assert!(matches!(err, CryptoError::TokenClaim { claim: "exp" }));
    assert!(v.verify::<serde_json::Value>(&token, &VerifyOptions::new().allow_missing_exp(), NOW).is_ok());
    let bad_exp = key().sign(&json!({"exp": "tomorrow"})).unwrap();
    let err = v.verify::<serde_json::Value>(&bad_exp, &VerifyOptions::new(), NOW).unwrap_err();
    assert!(matches!(err, CryptoError::TokenClaim { claim: "exp" }));
}

#[test]
fn issuer_and_audience_are_checked() {
    let v = key().verifier();
    let token = key().sign(&claims()).unwrap();
    let wrong_iss = VerifyOptions::new().with_issuer("https://other.example");
    assert!(matches!(v.verify::<Claims>(&token, &wrong_iss, NOW), Err(CryptoError::TokenClaim { claim: "iss" })));
    let wrong_aud = VerifyOptions::new().with_audience("provider-B");
    assert!(matches!(v.verify::<Claims>(&token, &wrong_aud, NOW), Err(CryptoError::TokenClaim { claim: "aud" })));
    let bare = key().sign(&json!({"exp": NOW + 60})).unwrap();
    assert!(matches!(v.verify::<serde_json::Value>(&bare, &opts(), NOW), Err(CryptoError::TokenClaim { .. })));
    // Unchecked when not configured.
    assert!(v.verify::<Claims>(&token, &VerifyOptions::new(), NOW).is_ok());
}

#[test]
fn other_algorithms_and_garbage_are_malformed() {
    let v = key().verifier();
    let token = key().sign(&claims()).unwrap();
    let p = parts(&token);
    for alg in ["none", "HS256", "ES384", "RS256"] {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"key-1"}}"#));
        let forged = format!("{header}.{}.{}", p[1], p[2]);
        assert!(matches!(v.verify::<Claims>(&forged, &opts(), NOW), Err(CryptoError::TokenMalformed { .. })), "{alg}");
    }
    for junk in ["", "a.b.c", "a.b", &format!("{}.{}", p[0], p[1]), &format!("{}.!!!.{}", p[0], p[2])] {
        let err = v.verify::<Claims>(junk, &opts(), NOW).unwrap_err();
        assert!(matches!(err, CryptoError::TokenMalformed { .. } | CryptoError::TokenSignature), "{junk:?}: {err:?}");
    }
    // Valid token whose claims do not fit the requested type.
    let other = key().sign(&json!({"exp": NOW + 60, "iss": "https://hub.example", "aud": "provider-A"})).unwrap();
    assert!(matches!(v.verify::<Claims>(&other, &opts(), NOW), Err(CryptoError::TokenMalformed { .. })));
}

#[test]
fn invalid_jwks_entries_are_rejected() {
    let good = key().public_jwk();
    let mut bad_curve = good.clone();
    bad_curve.crv = "P-384".to_owned();
    let mut bad_alg = good.clone();
    bad_alg.alg = Some("RS256".to_owned());
    let mut off_curve = good.clone();
    off_curve.y = good.x.clone();
    let mut short = good.clone();
    short.x = "AAAA".to_owned();
    for jwk in [bad_curve, bad_alg, off_curve, short] {
        assert!(matches!(Verifier::from_jwk(&jwk), Err(CryptoError::InvalidVerifyingKey { .. })), "{jwk:?}");
    }
    let dup = Jwks::new(vec![good.clone(), good]);
    assert!(matches!(Verifier::from_jwks(&dup), Err(CryptoError::InvalidVerifyingKey { .. })));
}

#[test]
fn missing_kid_accepted_only_with_a_single_key() {
    use jsonwebtoken::{Algorithm, EncodingKey, Header};
    let pem = key().to_pkcs8_pem();
    let encoding = EncodingKey::from_ec_pem(pem.as_bytes()).unwrap();
    let token = jsonwebtoken::encode(&Header::new(Algorithm::ES256), &claims(), &encoding).unwrap();
    assert!(key().verifier().verify::<Claims>(&token, &opts(), NOW).is_ok());
    let two =
        Verifier::from_jwks(&Jwks::new(vec![key().public_jwk(), SigningKey::generate("k2").unwrap().public_jwk()]))
            .unwrap();
    assert!(matches!(two.verify::<Claims>(&token, &opts(), NOW), Err(CryptoError::UnknownKeyId)));
}

#[test]
fn debug_does_not_print_the_private_key() {
    let dbg = format!("{:?}", key());
    assert_eq!(dbg, r#"SigningKey { kid: "key-1", key: "[redacted]" }"#);
    assert_eq!(format!("{:?}", key().verifier()), r#"Verifier { kids: ["key-1"] }"#);
}

proptest! {
    #[test]
    fn arbitrary_tokens_never_panic(token in ".{0,200}") {
        prop_assert!(key().verifier().verify::<serde_json::Value>(&token, &opts(), NOW).is_err());
    }

    #[test]
    fn arbitrary_dotted_base64_never_panics(a in "[A-Za-z0-9_-]{0,40}", b in "[A-Za-z0-9_-]{0,40}", c in "[A-Za-z0-9_-]{0,90}") {
        let token = format!("{a}.{b}.{c}");
        prop_assert!(key().verifier().verify::<serde_json::Value>(&token, &opts(), NOW).is_err());
    }

    #[test]
    fn flipping_a_signature_char_fails(pos in any::<prop::sample::Index>()) {
        let token = key().sign(&claims()).unwrap();
        let sig_start = token.rfind('.').unwrap() + 1;
        let i = sig_start + pos.index(token.len() - sig_start);
        let mut bytes = token.into_bytes();
        bytes[i] = if bytes[i] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(bytes).unwrap();
        prop_assert!(key().verifier().verify::<Claims>(&tampered, &opts(), NOW).is_err());
    }

    #[test]
    fn arbitrary_pem_never_panics(body in "[A-Za-z0-9+/=\n]{0,200}") {
        let pem = format!("-----BEGIN PRIVATE KEY-----\n{body}\n-----END PRIVATE KEY-----\n");
        prop_assert!(SigningKey::from_pkcs8_pem("k", &pem).is_err());
    }
}
