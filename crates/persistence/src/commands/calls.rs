//! Grant calls (valtionavustushaut): funder, application period, maximum aid rate.

use chrono::{DateTime, Utc};
use salkku_domain::call::check_application_period;
use salkku_domain::ids::{NodeKind, OrganizationId, ProgrammeId};
use salkku_domain::report::Schedule;
use salkku_domain::{Amount, Rate};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::idempotency;
use crate::entities::{grant_call, organization, programme};
use crate::records::GrantCall;
use crate::store::support::referenced;
use crate::{Change, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewGrantCall {
    pub title: String,
    pub funder: OrganizationId,
    pub programme: Option<ProgrammeId>,
    pub opens_at: Option<DateTime<Utc>>,
    pub closes_at: DateTime<Utc>,
    pub max_aid_rate: Rate,
    pub in_kind_counts: bool,
    pub envelope: Option<Amount>,
    pub url: Option<String>,
    /// Small reallocations a granted project may record without a change request (0: none).
    pub reallocation_tolerance: Rate,
    /// The reports a project granted under the call owes.
    pub report_schedule: Option<Schedule>,
}

/// Creates the call and its closing deadline; a replay of `idempotency_key` returns the first one.
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewGrantCall,
    idempotency_key: Option<&str>,
) -> StoreResult<GrantCall> {
    check_application_period(new.opens_at, new.closes_at)
        .map_err(|e| StoreError::rule(Concerning::ApplicationPeriod, e))?;
    idempotency::create(db, change, idempotency_key, async move |tx| insert(tx, change, new).await).await
}

async fn insert<C: ConnectionTrait>(tx: &C, change: &Change<'_>, new: NewGrantCall) -> StoreResult<GrantCall> {
    let now = change.at;
    referenced::<organization::Entity, _>(tx, Concerning::Funder, NodeKind::Organization, new.funder.0).await?;
    if let Some(p) = new.programme {
        referenced::<programme::Entity, _>(tx, Concerning::Programme, NodeKind::FundingProgramme, p.0).await?;
    }
    // A schedule's numbers are small (months, days), checked by the domain.
    let small = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let interim = new.report_schedule.and_then(|s| s.interim_on).map(|(m, d)| (small(m), small(d)));
    let final_months = new.report_schedule.map(|s| small(s.final_after_months));
    let row = grant_call::ActiveModel {
        title: Set(new.title),
        funder_id: Set(new.funder.0),
        programme_id: Set(new.programme.map(|p| p.0)),
        opens_at: Set(new.opens_at),
        closes_at: Set(new.closes_at),
        max_aid_rate_bp: Set(i32::from(new.max_aid_rate.basis_points())),
        in_kind_counts: Set(new.in_kind_counts),
        envelope_cents: Set(new.envelope.map(Amount::cents)),
        url: Set(new.url),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        reallocation_tolerance_bp: Set(i32::from(new.reallocation_tolerance.basis_points())),
        interim_report_month: Set(interim.map(|(m, _)| m)),
        interim_report_day: Set(interim.map(|(_, d)| d)),
        final_report_months: Set(final_months),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let call = GrantCall::try_from(row)?;
    let closing = Derived {
        title: call.title.clone(),
        due_at: call.closes_at,
        application: None,
        call: Some(call.id),
        commitment: None,
        report: None,
    };
    deadlines::sync(tx, Source::CallCloses(call.id), Some(closing), now).await?;
    audit::record(tx, change, &[call.id.global()], None::<&()>, Some(&call)).await?;
    Ok(call)
}
