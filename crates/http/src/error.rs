//! The typed API error and its one mapping to the wire.
//!
//! Every non-OAuth error response is `{"rsp_code": "...", "rsp_msg": "..."}` with the HTTP status the
//! response-code table assigns (spec §5.1). Internal causes are logged, never sent: the client sees the
//! table's generic message.

use std::borrow::Cow;
use std::fmt;

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use mydata_core::ParseError;
use mydata_core::rsp_code::{OAuthError, RspCode};
use serde::Serialize;

use crate::JSON_UTF8;

/// The response code of a response, attached as a response extension so the access log and metrics can
/// record it without parsing the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RspCodeExt(pub RspCode);

/// An error answered with the standard envelope.
#[derive(Debug)]
pub struct ApiError {
    code: RspCode,
    message: Cow<'static, str>,
    status: Option<StatusCode>,
    retry_after: Option<u64>,
    internal: Option<String>,
}

impl ApiError {
    /// An error with `code` and a message for the client.
    pub fn new(code: RspCode, message: impl Into<Cow<'static, str>>) -> Self {
        Self { code, message: message.into(), status: None, retry_after: None, internal: None }
    }

    /// An error with `code` and the table's default message.
    pub fn code(code: RspCode) -> Self {
        Self::new(code, code.default_message())
    }

    /// A malformed field: `40001` with a message naming the field and the rule.
    pub fn field(e: &ParseError) -> Self {
        Self::new(RspCode::InvalidParameter, format!("{}: {}", e.field(), e.reason()))
    }

    /// A missing or malformed header: `40002` naming the header.
    pub fn header(name: &str, reason: &str) -> Self {
        Self::new(RspCode::InvalidHeader, format!("{name}: {reason}"))
    }

    /// An internal failure: `50001` to the client; `cause` goes to the log only.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let mut e = Self::code(RspCode::SystemFailure);
        e.internal = Some(cause.to_string());
        e
    }

    /// Overrides the HTTP status (e.g. 413 for an oversized body).
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = Some(status);
        self
    }

    /// Adds a `Retry-After` header (seconds).
    #[must_use]
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The response code.
    pub fn rsp_code(&self) -> RspCode {
        self.code
    }

    /// The message sent to the client.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or_else(|| {
            StatusCode::from_u16(self.code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.code.code(), self.message)
    }
}

impl From<ParseError> for ApiError {
    fn from(e: ParseError) -> Self {
        Self::field(&e)
    }
}

#[derive(Serialize)]
struct Body<'a> {
    rsp_code: &'static str,
    rsp_msg: &'a str,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.internal {
            tracing::error!(rsp_code = self.code.code(), cause = %cause, "internal error");
        }
        let body = serde_json::to_vec(&Body { rsp_code: self.code.code(), rsp_msg: &self.message })
            .unwrap_or_else(|_| br#"{"rsp_code":"50001","rsp_msg":"system failure"}"#.to_vec());
        let mut res = (self.status(), body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, JSON_UTF8);
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res.extensions_mut().insert(RspCodeExt(self.code));
        res
    }
}

/// An OAuth 2.0 error (RFC 6749 §5.2): `{"error": ..., "error_description": ...}`, used by the token,
/// revoke and support-token endpoints and by `authorize` when it must not redirect.
#[derive(Debug)]
pub struct OAuthErrorBody {
    error: OAuthError,
    description: Cow<'static, str>,
    status: StatusCode,
    extra: Vec<(&'static str, String)>,
    retry_after: Option<u64>,
}

impl OAuthErrorBody {
    /// An error with the token-endpoint status for `error` (spec §2.9).
    pub fn new(error: OAuthError, description: impl Into<Cow<'static, str>>) -> Self {
        let status = StatusCode::from_u16(error.token_endpoint_status()).unwrap_or(StatusCode::BAD_REQUEST);
        Self { error, description: description.into(), status, extra: Vec::new(), retry_after: None }
    }

    /// Overrides the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: StatusCode) -> Self {
        self.status = status;
        self
    }

    /// Adds a field to the body (e.g. `state` and `api_tran_id` on `authorize` errors).
    #[must_use]
    pub fn with_field(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.extra.push((name, value.into()));
        self
    }

    /// Adds `Retry-After` (seconds), e.g. on `temporarily_unavailable`.
    #[must_use]
    pub fn with_retry_after(mut self, secs: u64) -> Self {
        self.retry_after = Some(secs);
        self
    }

    /// The OAuth error code.
    pub fn error(&self) -> OAuthError {
        self.error
    }
}

impl From<ParseError> for OAuthErrorBody {
    fn from(e: ParseError) -> Self {
        Self::new(OAuthError::InvalidRequest, format!("{}: {}", e.field(), e.reason()))
    }
}

impl IntoResponse for OAuthErrorBody {
    fn into_response(self) -> Response {
        let mut map = serde_json::Map::with_capacity(2 + self.extra.len());
        map.insert("error".to_owned(), self.error.as_str().into());
        map.insert("error_description".to_owned(), self.description.into_owned().into());
        for (k, v) in self.extra {
            map.insert(k.to_owned(), v.into());
        }
        let body = serde_json::to_vec(&map).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(header::CONTENT_TYPE, JSON_UTF8);
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;

    use super::*;

    async fn body_json(res: Response) -> serde_json::Value {
        let b = res.into_body().collect().await.unwrap().to_bytes();
        serde_json::from_slice(&b).unwrap()
    }

    #[tokio::test]
    async fn api_error_maps_code_to_status_and_envelope() {
        let res = ApiError::new(RspCode::AssetNotConsented, "account_num: not in the consent").into_response();
        assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "application/json; charset=UTF-8");
        assert_eq!(res.extensions().get::<RspCodeExt>(), Some(&RspCodeExt(RspCode::AssetNotConsented)));
        let v = body_json(res).await;
        assert_eq!(v["rsp_code"], "40105");
        assert_eq!(v["rsp_msg"], "account_num: not in the consent");
    }

    #[tokio::test]
    async fn internal_errors_do_not_leak_the_cause() {
        let res = ApiError::internal("password=hunter2 at db").into_response();
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
        let v = body_json(res).await;
        assert_eq!(v["rsp_code"], "50001");
        assert!(!v["rsp_msg"].as_str().unwrap().contains("hunter2"));
    }

    #[tokio::test]
    async fn field_errors_name_the_field() {
        let e = ParseError::new("org_code", "must be exactly 10 characters");
        let v = body_json(ApiError::from(e).into_response()).await;
        assert_eq!(v["rsp_code"], "40001");
        assert_eq!(v["rsp_msg"], "org_code: must be exactly 10 characters");
    }

    #[tokio::test]
    async fn oauth_errors_use_the_oauth_body() {
        let res = OAuthErrorBody::new(OAuthError::InvalidGrant, "code expired")
            .with_field("state", "abc")
            .with_retry_after(5)
            .into_response();
        assert_eq!(res.status(), StatusCode::BAD_REQUEST);
        assert_eq!(res.headers()[header::RETRY_AFTER], "5");
        let v = body_json(res).await;
        assert_eq!(v["error"], "invalid_grant");
        assert_eq!(v["error_description"], "code expired");
        assert_eq!(v["state"], "abc");
        assert!(v.get("rsp_code").is_none());
    }
}
