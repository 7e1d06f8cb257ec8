//! One tower layer for what every API request needs around the handler:
//!
//! - `x-api-tran-id`: validated (refused with `40002`, or `invalid_request` on OAuth endpoints, when the
//!   policy requires it and it is missing or malformed), made available as [`RequestTranId`], and echoed
//!   on **every** response, errors included (spec §1.3);
//! - a deadline: a handler that runs past it is answered with `50003`;
//! - the access log (`target: "access"`): method, route template, status, `rsp_code`, latency, tran-id and
//!   the caller's certificate serialNumber — never query strings, bodies, tokens or CIs;
//! - Prometheus metrics: `mydata_http_requests_total` and `mydata_http_request_duration_seconds`.
//!
//! One layer instead of four keeps the per-request cost to one boxed future.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::MatchedPath;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, Request};
use mydata_core::TranId;
use mydata_core::rsp_code::{OAuthError, RspCode};
use tower::{Layer, Service};

use crate::TRAN_ID_HEADER;
use crate::error::{ApiError, OAuthErrorBody, RspCodeExt};
use crate::listener::Peer;

/// What the layer does with `x-api-tran-id`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranIdPolicy {
    /// Required and validated; refusals use the standard envelope (`40002`).
    Required,
    /// Required and validated; refusals use the OAuth error body (`invalid_request`).
    RequiredOAuth,
    /// Validated when present; web pages and health endpoints.
    Optional,
}

/// The validated transaction id of the current request (a request extension).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestTranId(pub TranId);

#[derive(Debug)]
struct Config {
    org: String,
    policy: TranIdPolicy,
    timeout: Duration,
}

/// The layer; see the module documentation.
#[derive(Debug, Clone)]
pub struct ObserveLayer {
    config: Arc<Config>,
}

impl ObserveLayer {
    /// A layer for the organisation `org` (a metrics label), with a tran-id policy and a handler deadline.
    pub fn new(org: impl Into<String>, policy: TranIdPolicy, timeout: Duration) -> Self {
        Self { config: Arc::new(Config { org: org.into(), policy, timeout }) }
    }
}

impl<S> Layer<S> for ObserveLayer {
    type Service = Observe<S>;

    fn layer(&self, inner: S) -> Self::Service {
        Observe { inner, config: Arc::clone(&self.config) }
    }
}

/// The service produced by [`ObserveLayer`].
#[derive(Debug, Clone)]
pub struct Observe<S> {
    inner: S,
    config: Arc<Config>,
}

impl<S> Service<Request<Body>> for Observe<S>
where
    S: Service<Request<Body>, Response = Response, Error = std::convert::Infallible> + Clone + Send + 'static,
    S::Future: Send + 'static,
{
    type Response = Response;
    type Error = std::convert::Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Self::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<Body>) -> Self::Future {
        let started = Instant::now();
        let config = Arc::clone(&self.config);
        let echo: Option<HeaderValue> = req.headers().get(TRAN_ID_HEADER).cloned();
        let parsed =
            echo.as_ref().map(|v| v.to_str().map_err(|_| ()).and_then(|s| s.parse::<TranId>().map_err(|_| ())));
        let route = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
        let method = req.method().clone();
        let peer = req.extensions().get::<Peer>().cloned();

        let refusal = match (&parsed, config.policy) {
            (Some(Ok(id)), _) => {
                req.extensions_mut().insert(RequestTranId(*id));
                None
            }
            (None, TranIdPolicy::Optional) => None,
            (Some(Err(())), TranIdPolicy::Optional) => None,
            (found, TranIdPolicy::Required) => Some(
                ApiError::header(
                    "x-api-tran-id",
                    if found.is_none() {
                        "is required"
                    } else {
                        "must be 25 characters: org code + M/S/R/C/P/A + 14 serial"
                    },
                )
                .into_response(),
            ),
            (found, TranIdPolicy::RequiredOAuth) => Some(
                OAuthErrorBody::new(
                    OAuthError::InvalidRequest,
                    if found.is_none() { "x-api-tran-id: is required" } else { "x-api-tran-id: is malformed" },
                )
                .into_response(),
            ),
        };

        let mut inner = self.inner.clone();
        std::mem::swap(&mut inner, &mut self.inner);
        Box::pin(async move {
            let mut res = match refusal {
                Some(r) => r,
                None => match tokio::time::timeout(config.timeout, inner.call(req)).await {
                    Ok(Ok(r)) => r,
                    Ok(Err(never)) => match never {},
                    Err(_) => ApiError::code(RspCode::Timeout).into_response(),
                },
            };
            if let Some(v) = echo {
                res.headers_mut().insert(TRAN_ID_HEADER, v);
            }
            let serial = peer.as_ref().and_then(|p| p.0.serial_number());
            record(&config.org, route.as_deref(), &method, &res, started.elapsed(), parsed, serial);
            Ok(res)
        })
    }
}

fn record(
    org: &str,
    route: Option<&str>,
    method: &http::Method,
    res: &Response,
    elapsed: Duration,
    tran_id: Option<Result<TranId, ()>>,
    serial: Option<&str>,
) {
    let route = route.unwrap_or("(unmatched)");
    let status = res.status().as_u16();
    let rsp_code = res.extensions().get::<RspCodeExt>().map_or("", |c| c.0.code());
    let tran = match tran_id {
        Some(Ok(id)) => Some(id),
        _ => None,
    };
    tracing::info!(
        target: "access",
        org,
        method = %method,
        route,
        status,
        rsp_code,
        latency_us = u64::try_from(elapsed.as_micros()).unwrap_or(u64::MAX),
        tran_id = tran.as_ref().map(TranId::as_str),
        peer_serial = serial,
    );
    let labels = [
        ("org", org.to_owned()),
        ("route", route.to_owned()),
        ("method", method.as_str().to_owned()),
        ("status", status.to_string()),
        ("rsp_code", rsp_code.to_owned()),
    ];
    metrics::counter!("mydata_http_requests_total", &labels).increment(1);
    metrics::histogram!("mydata_http_request_duration_seconds", &labels[..2]).record(elapsed.as_secs_f64());
}

#[cfg(test)]
mod tests {
    use axum::Router;
    use axum::routing::get;
    use http::StatusCode;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    const GOOD: &str = "ABCDE12345M0000000000000A";

    fn app(policy: TranIdPolicy, timeout: Duration) -> Router {
        Router::new()
            .route(
                "/ok",
                get(|ext: Option<axum::Extension<RequestTranId>>| async move {
                    ext.map(|e| e.0.0.to_string()).unwrap_or_default()
                }),
            )
            .route("/fail", get(|| async { ApiError::code(RspCode::InvalidAsset) }))
            .route(
                "/slow",
                get(|| async {
                    tokio::time::sleep(Duration::from_secs(5)).await;
                    "late"
                }),
            )
            .layer(ObserveLayer::new("TEST000001", policy, timeout))
    }

    async fn send(app: Router, path: &str, tran: Option<&str>) -> (StatusCode, Option<String>, String) {
        let mut b = Request::get(path);
        if let Some(t) = tran {
            b = b.header("x-api-tran-id", t);
        }
        let res = app.oneshot(b.body(Body::empty()).unwrap()).await.unwrap();
        let status = res.status();
        let echoed = res.headers().get("x-api-tran-id").map(|v| v.to_str().unwrap().to_owned());
        let body = String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap();
        (status, echoed, body)
    }

    #[tokio::test]
    async fn valid_tran_id_reaches_the_handler_and_is_echoed() {
        let (s, echo, body) = send(app(TranIdPolicy::Required, Duration::from_secs(1)), "/ok", Some(GOOD)).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(echo.as_deref(), Some(GOOD));
        assert_eq!(body, GOOD);
    }

    #[tokio::test]
    async fn errors_echo_the_tran_id_too() {
        let (s, echo, body) = send(app(TranIdPolicy::Required, Duration::from_secs(1)), "/fail", Some(GOOD)).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(echo.as_deref(), Some(GOOD));
        assert!(body.contains("40402"));
        let (s, echo, _) = send(app(TranIdPolicy::Required, Duration::from_secs(1)), "/nope", Some(GOOD)).await;
        assert_eq!(s, StatusCode::NOT_FOUND);
        assert_eq!(echo.as_deref(), Some(GOOD));
    }

    #[tokio::test]
    async fn missing_or_malformed_tran_id_is_refused_when_required() {
        let (s, echo, body) = send(app(TranIdPolicy::Required, Duration::from_secs(1)), "/ok", None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(echo.is_none());
        assert!(body.contains("40002") && body.contains("x-api-tran-id"), "{body}");
        let (s, echo, body) = send(app(TranIdPolicy::Required, Duration::from_secs(1)), "/ok", Some("short")).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert_eq!(echo.as_deref(), Some("short"));
        assert!(body.contains("40002"));
        let (s, _, body) = send(app(TranIdPolicy::RequiredOAuth, Duration::from_secs(1)), "/ok", None).await;
        assert_eq!(s, StatusCode::BAD_REQUEST);
        assert!(body.contains("invalid_request"), "{body}");
        let (s, _, body) = send(app(TranIdPolicy::Optional, Duration::from_secs(1)), "/ok", None).await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(body, "");
    }

    #[tokio::test]
    async fn slow_handlers_time_out_with_50003() {
        let (s, echo, body) = send(app(TranIdPolicy::Required, Duration::from_millis(20)), "/slow", Some(GOOD)).await;
        assert_eq!(s, StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(echo.as_deref(), Some(GOOD));
        assert!(body.contains("50003"));
    }
}
