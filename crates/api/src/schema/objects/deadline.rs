use async_graphql::{Context, ID, Object};
use chrono::{DateTime as Instant, Utc};
use salkku_domain::deadline;
use salkku_persistence::records::DeadlineView;

use super::{Application, GrantCall};
use crate::error::ApiResult;
use crate::schema::enums::DeadlineKind;
use crate::schema::loaders;
use crate::schema::scalars::DateTime;

/// Something due at an instant, shown in Helsinki time.
pub struct Deadline {
    view: DeadlineView,
    now: Instant<Utc>,
}

impl Deadline {
    pub fn new(view: DeadlineView, now: Instant<Utc>) -> Self {
        Deadline { view, now }
    }
}

// `serial`: all but two of its fields are plain values, resolved one after another without a
// task set per deadline (a hundred to a list). The two that load, its application and its call,
// then go in two batches one after the other rather than side by side.
#[Object(serial)]
impl Deadline {
    async fn id(&self) -> ID {
        super::id(self.view.deadline.id.global())
    }

    async fn kind(&self) -> DeadlineKind {
        self.view.deadline.kind.into()
    }

    /// In the request's language when the deadline follows from its source ("MONNI – Hanke
    /// päättyy"); as written when added by hand.
    async fn title(&self, ctx: &Context<'_>) -> String {
        let d = &self.view.deadline;
        let report = self.view.report.map(|(kind, _)| kind);
        deadline::title(d.kind, &d.title, d.derived, report, crate::schema::language(ctx))
    }

    async fn due_at(&self) -> DateTime {
        DateTime::from(self.view.deadline.due_at)
    }

    /// dueAt in Europe/Helsinki as "YYYY-MM-DD HH:MM".
    async fn local_due(&self) -> String {
        deadline::local_due(self.view.deadline.due_at)
    }

    async fn tentative(&self) -> bool {
        self.view.deadline.tentative
    }

    /// Whole days from today (Europe/Helsinki) to the due date; negative when overdue.
    async fn days_left(&self) -> i32 {
        i32::try_from(deadline::days_left(self.view.deadline.due_at, self.now)).unwrap_or(i32::MIN)
    }

    /// Past due while its application still runs, its commitment (if any) is still requested and
    /// its report (if any) is still owed.
    async fn overdue(&self) -> bool {
        deadline::is_overdue(self.view.deadline.due_at, self.now, self.view.standing())
    }

    async fn application(&self, ctx: &Context<'_>) -> ApiResult<Option<Application>> {
        let Some(id) = self.view.deadline.application else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(Application))
    }

    async fn call(&self, ctx: &Context<'_>) -> ApiResult<Option<GrantCall>> {
        let Some(id) = self.view.deadline.call else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(GrantCall))
    }

    /// The report the deadline asks for.
    async fn report(&self, ctx: &Context<'_>) -> ApiResult<Option<super::ReportObligation>> {
        let Some(id) = self.view.deadline.report else { return Ok(None) };
        Ok(loaders(ctx)?.load_one(id).await?.map(super::ReportObligation))
    }
}
