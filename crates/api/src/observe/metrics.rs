//! Prometheus metrics, one registry per server (tests run several servers in one process).
//!
//! Labels are bounded: routes are the router's patterns (never raw paths, which would carry
//! calendar tokens), error codes are the contract's, and operation names are the client's only
//! until [`MAX_OPERATION_NAMES`] distinct names have been seen; later ones count as `other`.

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use prometheus::{
    Encoder, HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry, TextEncoder,
};
use salkku_persistence::PoolUse;

/// How many distinct operation names become labels before the rest count as `other`.
pub const MAX_OPERATION_NAMES: usize = 200;

/// Seconds, from a millisecond up to the longest request the limits allow.
const LATENCY_BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Debug, thiserror::Error)]
#[error("metrics: {0}")]
pub struct MetricsError(#[from] prometheus::Error);

pub struct Metrics {
    registry: Registry,
    http_requests: IntCounterVec,
    http_duration: HistogramVec,
    operations: IntCounterVec,
    operation_duration: HistogramVec,
    errors: IntCounterVec,
    pool_connections: IntGaugeVec,
    pool_max: IntGauge,
    outbox_queued: IntGauge,
    outbox_oldest: IntGauge,
    reminders: IntCounterVec,
    operation_names: Mutex<HashSet<String>>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Metrics {
    pub fn new() -> Result<Metrics, MetricsError> {
        let registry = Registry::new_custom(Some("salkku".into()), None)?;
        let http_requests = IntCounterVec::new(
            Opts::new("http_requests_total", "HTTP requests by route pattern, method and status"),
            &["route", "method", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new("http_request_duration_seconds", "HTTP request latency by route pattern")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["route"],
        )?;
        let operations = IntCounterVec::new(
            Opts::new("graphql_operations_total", "GraphQL operations executed, by name, type and outcome"),
            &["operation", "type", "outcome"],
        )?;
        let operation_duration = HistogramVec::new(
            HistogramOpts::new("graphql_operation_duration_seconds", "GraphQL operation latency by name and type")
                .buckets(LATENCY_BUCKETS.to_vec()),
            &["operation", "type"],
        )?;
        let errors = IntCounterVec::new(
            Opts::new("graphql_errors_total", "GraphQL errors returned to clients, by the contract's code"),
            &["code"],
        )?;
        let pool_connections = IntGaugeVec::new(
            Opts::new("db_pool_connections", "Database pool connections by state (in_use, idle)"),
            &["state"],
        )?;
        let pool_max = IntGauge::new("db_pool_max_connections", "The database pool's size limit")?;
        let outbox_queued = IntGauge::new("reminder_outbox_queued", "Reminder messages waiting to be sent")?;
        let outbox_oldest = IntGauge::new(
            "reminder_outbox_oldest_queued_seconds",
            "How long the oldest reminder message still queued has waited",
        )?;
        let reminders = IntCounterVec::new(
            Opts::new("reminder_messages_total", "Reminder messages by outcome (sent, retried, failed, cancelled)"),
            &["outcome"],
        )?;
        let build = IntGaugeVec::new(Opts::new("build_info", "The running salkku version"), &["version"])?;
        build.with_label_values(&[env!("CARGO_PKG_VERSION")]).set(1);
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(operations.clone()))?;
        registry.register(Box::new(operation_duration.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        registry.register(Box::new(pool_connections.clone()))?;
        registry.register(Box::new(pool_max.clone()))?;
        registry.register(Box::new(outbox_queued.clone()))?;
        registry.register(Box::new(outbox_oldest.clone()))?;
        registry.register(Box::new(reminders.clone()))?;
        registry.register(Box::new(build))?;
        #[cfg(target_os = "linux")]
        registry.register(Box::new(prometheus::process_collector::ProcessCollector::for_self()))?;
        Ok(Metrics {
            registry,
            http_requests,
            http_duration,
            operations,
            operation_duration,
            errors,
            pool_connections,
            pool_max,
            outbox_queued,
            outbox_oldest,
            reminders,
            operation_names: Mutex::new(HashSet::new()),
        })
    }

    pub fn http_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.http_requests.with_label_values(&[route, method, &status.to_string()]).inc();
        self.http_duration.with_label_values(&[route]).observe(elapsed.as_secs_f64());
    }

    /// One executed operation; `failed` when its response carries errors.
    pub fn operation(&self, name: Option<&str>, kind: &str, failed: bool, elapsed: Duration) {
        let name = self.operation_label(name);
        let outcome = if failed { "error" } else { "ok" };
        self.operations.with_label_values(&[name.as_str(), kind, outcome]).inc();
        self.operation_duration.with_label_values(&[name.as_str(), kind]).observe(elapsed.as_secs_f64());
    }

    /// The outbox now: messages queued, and how many seconds the oldest has waited.
    pub fn outbox(&self, queued: u64, oldest_seconds: i64) {
        self.outbox_queued.set(i64::try_from(queued).unwrap_or(i64::MAX));
        self.outbox_oldest.set(oldest_seconds.max(0));
    }

    /// A reminder message settled: `sent`, `retried`, `failed` or `cancelled`.
    pub fn reminder(&self, outcome: &str) {
        self.reminders.with_label_values(&[outcome]).inc();
    }

    pub fn error(&self, code: &str) {
        self.errors.with_label_values(&[code]).inc();
    }

    /// The operation's name as a label: anonymous, a name seen before or still room for it, or other.
    fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else { return "anonymous".into() };
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && !name.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return "other".into();
        }
        let Ok(mut seen) = self.operation_names.lock() else { return "other".into() };
        if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
            seen.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// The exposition text, with the pool's use read at this moment.
    pub fn render(&self, pool: PoolUse) -> Result<String, MetricsError> {
        let in_use = pool.open.saturating_sub(pool.idle);
        self.pool_connections.with_label_values(&["in_use"]).set(i64::from(in_use));
        self.pool_connections.with_label_values(&["idle"]).set(i64::from(pool.idle));
        self.pool_max.set(i64::from(pool.max));
        let mut buffer = Vec::new();
        TextEncoder::new().encode(&self.registry.gather(), &mut buffer)?;
        Ok(String::from_utf8_lossy(&buffer).into_owned())
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn operation_names_stop_becoming_labels_after_the_cap() {
        let metrics = Metrics::new().unwrap();
        for i in 0..MAX_OPERATION_NAMES {
            assert_eq!(metrics.operation_label(Some(&format!("Op{i}"))), format!("Op{i}"));
        }
        assert_eq!(metrics.operation_label(Some("OneTooMany")), "other");
        assert_eq!(metrics.operation_label(Some("Op7")), "Op7", "a name seen before keeps its label");
        assert_eq!(metrics.operation_label(None), "anonymous");
    }

    #[test]
    fn names_that_are_not_graphql_names_are_other() {
        let metrics = Metrics::new().unwrap();
        assert_eq!(metrics.operation_label(Some("drop table\"")), "other");
        assert_eq!(metrics.operation_label(Some(&"x".repeat(65))), "other");
    }

    #[test]
    fn the_exposition_carries_pool_use_and_counters() {
        let metrics = Metrics::new().unwrap();
        metrics.http_request("/graphql", "POST", 200, Duration::from_millis(3));
        metrics.error("FORBIDDEN");
        let text = metrics.render(PoolUse { open: 3, idle: 1, max: 10 }).unwrap();
        assert!(
            text.contains("salkku_http_requests_total{method=\"POST\",route=\"/graphql\",status=\"200\"} 1"),
            "{text}"
        );
        assert!(text.contains("salkku_graphql_errors_total{code=\"FORBIDDEN\"} 1"), "{text}");
        assert!(text.contains("salkku_db_pool_connections{state=\"in_use\"} 2"), "{text}");
        assert!(text.contains("salkku_db_pool_max_connections 10"), "{text}");
    }
}
