//! The admin listener: `/healthz` (the process runs), `/readyz` (every readiness check passes) and
//! `/metrics` (Prometheus text format). It is plain HTTP and refuses non-loopback addresses, like the demo
//! web pages; put it behind the platform's own scraping network in production.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use metrics_exporter_prometheus::{PrometheusBuilder, PrometheusHandle};

type CheckFn = dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync;

/// A set of named readiness checks (database reachable, migrations applied, …).
#[derive(Clone, Default)]
pub struct Readiness {
    checks: Vec<(String, Arc<CheckFn>)>,
}

impl std::fmt::Debug for Readiness {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.checks.iter().map(|(n, _)| n)).finish()
    }
}

impl Readiness {
    /// No checks: always ready.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a check named `name`.
    #[must_use]
    pub fn with_check<F, Fut>(mut self, name: impl Into<String>, check: F) -> Self
    where
        F: Fn() -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), String>> + Send + 'static,
    {
        self.checks.push((name.into(), Arc::new(move || Box::pin(check()))));
        self
    }

    /// Merges another set of checks into this one.
    #[must_use]
    pub fn merge(mut self, other: Self) -> Self {
        self.checks.extend(other.checks);
        self
    }

    /// Runs every check; the failures, by name.
    pub async fn failures(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (name, check) in &self.checks {
            if let Err(e) = check().await {
                out.push((name.clone(), e));
            }
        }
        out
    }
}

/// Installs the process-wide Prometheus recorder (once) and returns its handle.
pub fn metrics_handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            let recorder = PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            // Another recorder may already be installed (e.g. by a test harness); keep ours readable anyway.
            let _ = metrics::set_global_recorder(recorder);
            handle
        })
        .clone()
}

#[derive(Clone)]
struct AdminState {
    readiness: Readiness,
    metrics: PrometheusHandle,
}

/// The admin router.
pub fn router(readiness: Readiness) -> Router {
    let state = AdminState { readiness, metrics: metrics_handle() };
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(|State(s): State<AdminState>| async move { s.metrics.render() }))
        .with_state(state)
}

async fn readyz(State(s): State<AdminState>) -> impl IntoResponse {
    let failures = s.readiness.failures().await;
    if failures.is_empty() {
        (StatusCode::OK, "ready\n".to_owned())
    } else {
        let text: String = failures.iter().map(|(n, e)| format!("{n}: {e}\n")).collect();
        (StatusCode::SERVICE_UNAVAILABLE, text)
    }
}

#[cfg(test)]
mod tests {
    use axum::body::Body;
    use http_body_util::BodyExt;
    use tower::ServiceExt;

    use super::*;

    async fn get_text(app: Router, path: &str) -> (StatusCode, String) {
        let res = app.oneshot(http::Request::get(path).body(Body::empty()).unwrap()).await.unwrap();
        let s = res.status();
        (s, String::from_utf8(res.into_body().collect().await.unwrap().to_bytes().to_vec()).unwrap())
    }

    #[tokio::test]
    async fn health_ready_and_metrics() {
        let ok = router(Readiness::new().with_check("db", || async { Ok(()) }));
        assert_eq!(get_text(ok.clone(), "/healthz").await.0, StatusCode::OK);
        assert_eq!(get_text(ok.clone(), "/readyz").await.0, StatusCode::OK);
        metrics::counter!("mydata_test_counter").increment(3);
        let (s, text) = get_text(ok, "/metrics").await;
        assert_eq!(s, StatusCode::OK);
        assert!(text.contains("mydata_test_counter 3"), "{text}");

        let failing = router(Readiness::new().with_check("db", || async { Err("connection refused".to_owned()) }));
        let (s, text) = get_text(failing, "/readyz").await;
        assert_eq!(s, StatusCode::SERVICE_UNAVAILABLE);
        assert!(text.contains("db: connection refused"));
    }
}
