//! Binding, running and stopping the server: its middleware, CORS, and the graceful shutdown that
//! turns `/readyz` unready before the listener closes.

use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::Ordering;
use std::time::Duration;

use actix_web::http::header;
use actix_web::web;

use crate::config::Shutdown;
use crate::routes::routes;
use crate::state::{AppState, StartError};

/// A bound, ready-to-run server.
pub struct App {
    server: actix_web::dev::Server,
    addr: SocketAddr,
    state: AppState,
}

impl App {
    /// Binds `addr` (port 0 picks a free port) and prepares the server.
    pub fn bind(state: AppState, addr: SocketAddr, workers: usize, shutdown: Shutdown) -> Result<App, StartError> {
        let listener = TcpListener::bind(addr).map_err(|source| StartError::Bind { addr, source })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind { addr, source })?;
        let origins = state.cors_origins.clone();
        let data = web::Data::new(state.clone());
        // The middleware counts every request, whatever its route, from the metrics alone.
        let metrics = web::Data::from(state.metrics.clone());
        let mut server = actix_web::HttpServer::new(move || {
            actix_web::App::new()
                .wrap(cors(&origins))
                .wrap(actix_web::middleware::Compress::default())
                .wrap(actix_web::middleware::from_fn(crate::observe::middleware))
                .app_data(data.clone())
                .app_data(metrics.clone())
                .configure(routes)
        });
        if workers > 0 {
            server = server.workers(workers);
        }
        // Signals are ours to handle (see `serve_until_signalled`): the readiness probe must turn
        // before the listener closes.
        let grace = shutdown.grace.as_secs().max(1);
        // Nagle's algorithm holds the tail of a response written in two parts until the client
        // acknowledges the first, and clients delay that acknowledgement: pages of applications
        // showed it as a tail latency many times their median. actix-web leaves the OS default
        // (on) unless told.
        let server = server
            .tcp_nodelay(true)
            .disable_signals()
            .shutdown_timeout(grace)
            .listen(listener)
            .map_err(|source| StartError::Bind { addr, source })?
            .run();
        Ok(App { server, addr, state })
    }

    /// Runs until SIGTERM or Ctrl-C: then reports unready for `drain`, stops accepting, lets
    /// in-flight requests finish within the grace period, and closes the database pool.
    pub async fn serve_until_signalled(self, drain: Duration) -> std::io::Result<()> {
        let reminders = crate::reminders::start(&self.state);
        let sizes = self.measure_lists();
        let handle = self.server.handle();
        let ready = self.state.ready.clone();
        tokio::spawn(async move {
            stop_signal().await;
            ready.store(false, Ordering::SeqCst);
            tracing::info!(drain_ms = drain.as_millis() as u64, "stopping: unready, draining");
            tokio::time::sleep(drain).await;
            handle.stop(true).await;
        });
        self.server.await?;
        sizes.abort();
        if let Some(worker) = reminders {
            worker.abort();
        }
        tracing::info!("stopped: in-flight requests finished");
        if let Err(e) = self.state.db.close().await {
            tracing::warn!(error = ?e, "closing the database pool failed");
        }
        Ok(())
    }

    /// The worker that measures the lists' stored sizes for the cost model.
    fn measure_lists(&self) -> tokio::task::JoinHandle<()> {
        let db = self.state.read_db.clone().unwrap_or_else(|| self.state.db.clone());
        crate::schema::sizes::start(self.state.schema.clone(), db, self.state.limits.sizes_every)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Runs until stopped (tests stop it with the runtime), the reminder worker beside it.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let reminders = crate::reminders::start(&self.state);
        let sizes = self.measure_lists();
        let served = self.server.await;
        sizes.abort();
        if let Some(worker) = reminders {
            worker.abort();
        }
        served
    }
}

/// CORS: closed unless origins are configured; then those origins may call the API.
fn cors(origins: &[String]) -> actix_cors::Cors {
    let mut cors = actix_cors::Cors::default()
        .allowed_methods(["GET", "POST"])
        .allowed_headers([header::AUTHORIZATION, header::CONTENT_TYPE, header::ACCEPT, header::ACCEPT_LANGUAGE])
        .max_age(3600);
    for origin in origins {
        cors = cors.allowed_origin(origin);
    }
    cors
}

/// SIGTERM (Kubernetes, systemd) or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        if let Ok(mut term) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}
