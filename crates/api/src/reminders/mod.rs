//! Reminders by email. A worker in every instance looks every `SALKKU_REMINDER_INTERVAL_MS`:
//! it queues the reminders that have fallen due ([`schedule`]) in the database's outbox, once
//! each whichever instance finds them first, and sends what is due ([`send`]) through the mail
//! server, claiming messages so that no two instances send the same one. Delivery is at least
//! once: see `docs/reminders.md`.

pub mod mail;
pub mod schedule;
pub mod send;

use salkku_persistence::views;

use crate::state::AppState;

/// Starts the worker when a mail server is configured; says at start-up when reminders are off.
pub fn start(state: &AppState) -> Option<tokio::task::JoinHandle<()>> {
    let Some(settings) = state.mail.clone() else {
        tracing::info!("reminders by email are off: SALKKU_SMTP_HOST is not set");
        return None;
    };
    let transport = match mail::transport(&settings) {
        Ok(transport) => transport,
        Err(e) => {
            tracing::error!(error = %e, "reminders by email are off: the mail server settings are not usable");
            return None;
        }
    };
    tracing::info!(host = %settings.host, port = settings.port, "reminders by email are on");
    let state = state.clone();
    Some(tokio::spawn(async move {
        let mut ticks = tokio::time::interval(settings.interval);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticks.tick().await;
            if let Err(e) = round(&state, &settings, &transport).await {
                tracing::warn!(error = ?e, "a round of reminders failed; the next round tries again");
            }
        }
    }))
}

/// One round: queue what fell due, send what is due, and report the outbox.
pub async fn round(
    state: &AppState,
    settings: &crate::config::MailSettings,
    transport: &mail::Transport,
) -> salkku_persistence::StoreResult<()> {
    let now = state.clock.now();
    // Queueing and sending stand apart: a failure to queue holds up no message already waiting.
    let queued = schedule::run(&state.db, now).await;
    let sent = send::run(&state.db, settings, transport, &state.metrics, now).await?;
    let queued = queued?;
    let depth = views::reminders::depth(state.db.conn(), now).await?;
    let oldest = depth.oldest_due.map_or(0, |at| (now - at).num_seconds());
    state.metrics.outbox(depth.queued, oldest);
    if queued > 0 || sent > 0 {
        tracing::info!(queued, sent, waiting = depth.queued, "reminders");
    }
    Ok(())
}
