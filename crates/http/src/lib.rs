//! Shared HTTP plumbing for every role.
//!
//! - [`listener`]: the TLS 1.3 listener with mutual TLS (axum on hyper, accept loop on tokio-rustls); the
//!   verified client certificate reaches handlers as a [`Peer`] request extension.
//! - [`error`]: one typed error ([`ApiError`]) mapped to HTTP status + `rsp_code` + `rsp_msg`, and the
//!   OAuth-style error body ([`OAuthErrorBody`]) for the OAuth endpoints.
//! - [`extract`]: JSON, query and form extractors whose rejections use the standard envelope and name the
//!   offending field.
//! - [`envelope`]: the success envelope, written in the configured scalar mode.
//! - [`observe`]: one tower layer for `x-api-tran-id` (validate, echo on every response), timeouts, access
//!   logging with masking, and Prometheus metrics.
//! - [`admin`]: `/healthz`, `/readyz` and `/metrics` on a separate plain-HTTP loopback listener.

pub mod admin;
pub mod config;
pub mod envelope;
pub mod error;
pub mod extract;
pub mod listener;
pub mod observe;

pub use envelope::Envelope;
pub use error::{ApiError, OAuthErrorBody};
pub use extract::{ApiForm, ApiJson, ApiQuery, OAuthForm};
pub use listener::{Peer, RemoteAddr, Server};
pub use observe::{ObserveLayer, RequestTranId, TranIdPolicy};

/// The header carrying the transaction id (spec §1.4).
pub const TRAN_ID_HEADER: http::HeaderName = http::HeaderName::from_static("x-api-tran-id");

/// The header naming the purpose of a sector call (spec §1.5).
pub const API_TYPE_HEADER: http::HeaderName = http::HeaderName::from_static("x-api-type");

/// The header carrying the user's CI on `authorize` (spec §1.3).
pub const USER_CI_HEADER: http::HeaderName = http::HeaderName::from_static("x-user-ci");

/// `application/json; charset=UTF-8`, the content type of every JSON response (spec §1.3).
pub const JSON_UTF8: http::HeaderValue = http::HeaderValue::from_static("application/json; charset=UTF-8");

/// The fallback handler of API routers: `40401` for paths that do not exist, `40501` for methods a path does
/// not accept.
pub async fn not_found() -> ApiError {
    ApiError::code(mydata_core::rsp_code::RspCode::NotFound)
}

/// The handler for a known path called with the wrong method.
pub async fn method_not_allowed() -> ApiError {
    ApiError::code(mydata_core::rsp_code::RspCode::MethodNotAllowed)
}
