//! Extractors whose rejections speak the standard: JSON bodies, query strings and forms that fail to parse
//! are answered with `40001` (or `invalid_request` on OAuth endpoints) and a message naming the field.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use http::request::Parts;
use http::{StatusCode, header};
use mydata_core::rsp_code::{OAuthError, RspCode};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, OAuthErrorBody};

/// Describes a deserialisation failure by the path of the offending field and serde's reason.
fn describe<E: std::fmt::Display>(e: &serde_path_to_error::Error<E>) -> String {
    let path = e.path().to_string();
    let inner = e.inner().to_string();
    if path == "." || path.is_empty() { inner } else { format!("{path}: {inner}") }
}

async fn body_bytes<S: Send + Sync>(req: Request, state: &S) -> Result<Bytes, (StatusCode, String)> {
    Bytes::from_request(req, state).await.map_err(|rej| {
        let status = rej.status();
        let msg = if status == StatusCode::PAYLOAD_TOO_LARGE {
            "request body is larger than allowed".to_owned()
        } else {
            format!("request body could not be read: {rej}")
        };
        (status, msg)
    })
}

fn content_type_is(parts_ct: Option<&http::HeaderValue>, expected: &str) -> bool {
    parts_ct
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case(expected))
}

/// A JSON request body (`Content-Type: application/json`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !content_type_is(req.headers().get(header::CONTENT_TYPE), "application/json") {
            return Err(ApiError::header("content-type", "must be application/json; charset=UTF-8"));
        }
        let bytes = body_bytes(req, state)
            .await
            .map_err(|(status, msg)| ApiError::new(RspCode::InvalidParameter, msg).with_status(status))?;
        let de = &mut serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(de)
            .map(ApiJson)
            .map_err(|e| ApiError::new(RspCode::InvalidParameter, describe(&e)))
    }
}

/// Query parameters.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_query(parts.uri.query().unwrap_or_default())
            .map(ApiQuery)
            .map_err(|msg| ApiError::new(RspCode::InvalidParameter, msg))
    }
}

fn parse_query<T: DeserializeOwned>(q: &str) -> Result<T, String> {
    let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(q.as_bytes()));
    serde_path_to_error::deserialize(de).map_err(|e| describe(&e))
}

fn form_urlencoded_parse(b: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(b)
}

/// A form body (`application/x-www-form-urlencoded`) on a non-OAuth endpoint.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiForm<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_form(req, state).await.map(ApiForm).map_err(|(status, msg, header_problem)| {
            let code = if header_problem { RspCode::InvalidHeader } else { RspCode::InvalidParameter };
            ApiError::new(code, msg).with_status(status)
        })
    }
}

/// A form body on an OAuth endpoint: failures are `invalid_request` in the OAuth error body.
#[derive(Debug, Clone, Copy, Default)]
pub struct OAuthForm<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OAuthForm<T> {
    type Rejection = OAuthErrorBody;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        read_form(req, state)
            .await
            .map(OAuthForm)
            .map_err(|(_, msg, _)| OAuthErrorBody::new(OAuthError::InvalidRequest, msg))
    }
}

async fn read_form<T: DeserializeOwned, S: Send + Sync>(
    req: Request,
    state: &S,
) -> Result<T, (StatusCode, String, bool)> {
    if !content_type_is(req.headers().get(header::CONTENT_TYPE), "application/x-www-form-urlencoded") {
        return Err((
            StatusCode::BAD_REQUEST,
            "content-type: must be application/x-www-form-urlencoded".to_owned(),
            true,
        ));
    }
    let bytes = body_bytes(req, state).await.map_err(|(s, m)| (s, m, false))?;
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(&bytes));
    serde_path_to_error::deserialize(de).map_err(|e| (StatusCode::BAD_REQUEST, describe(&e), false))
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::post;
    use http_body_util::BodyExt;
    use mydata_core::wire::Int;
    use serde::Deserialize;
    use tower::ServiceExt;

    use super::*;

    #[derive(Deserialize)]
    struct Req {
        #[allow(dead_code)]
        org_code: String,
        #[allow(dead_code)]
        limit: Int,
    }

    async fn call(router: Router, ct: &str, body: &'static str) -> (StatusCode, serde_json::Value) {
        let req = http::Request::post("/x").header("content-type", ct).body(axum::body::Body::from(body)).unwrap();
        let res = router.oneshot(req).await.unwrap();
        let status = res.status();
        let b = res.into_body().collect().await.unwrap().to_bytes();
        (status, serde_json::from_slice(&b).unwrap_or(serde_json::Value::Null))
    }

    fn json_app() -> Router {
        Router::new().route("/x", post(|ApiJson(_r): ApiJson<Req>| async { "ok" }))
    }

    #[tokio::test]
    async fn json_errors_name_the_field() {
        let (s, v) = call(json_app(), "application/json", r#"{"org_code":"A","limit":"x"}"#).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(v["rsp_code"], "40001");
        assert!(v["rsp_msg"].as_str().unwrap().starts_with("limit:"), "{v}");
        let (_, v) = call(json_app(), "application/json", r#"{"limit":"1"}"#).await;
        assert!(v["rsp_msg"].as_str().unwrap().contains("org_code"), "{v}");
        let (s, v) = call(json_app(), "text/plain", "{}").await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(v["rsp_code"], "40002");
    }

    #[tokio::test]
    async fn oversized_bodies_are_refused_with_413() {
        let app = json_app().layer(axum::extract::DefaultBodyLimit::max(8));
        let (s, v) = call(app, "application/json", r#"{"org_code":"A","limit":"1"}"#).await;
        assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
        assert_eq!(v["rsp_code"], "40001");
    }

    #[tokio::test]
    async fn oauth_form_errors_are_invalid_request() {
        let app = Router::new().route("/t", post(|OAuthForm(_r): OAuthForm<Req>| async { "ok" }));
        let req = http::Request::post("/t")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(axum::body::Body::from("org_code=A&limit=zz"))
            .unwrap();
        let res = app.oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        let b = res.into_body().collect().await.unwrap().to_bytes();
        let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
        assert_eq!(v["error"], "invalid_request");
        assert!(v["error_description"].as_str().unwrap().starts_with("limit"));
    }

    #[test]
    fn query_parses_and_names_fields() {
        let r: Result<Req, _> = parse_query("org_code=A&limit=5");
        assert!(r.is_ok());
        let e = parse_query::<Req>("org_code=A&limit=five").err().unwrap();
        assert!(e.starts_with("limit"), "{e}");
    }
}
