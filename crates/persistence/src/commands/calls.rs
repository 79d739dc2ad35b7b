//! Grant calls (valtionavustushaut): funder, application period, maximum aid rate.

use chrono::{DateTime, Utc};
use salkku_domain::call::check_application_period;
use salkku_domain::ids::{NodeKind, OrganizationId, ProgrammeId};
use salkku_domain::report::Schedule;
use salkku_domain::{Amount, Rate};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, EntityName};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::deadlines::{self, Derived, Source};
use crate::commands::idempotency;
use crate::entities::{deadline, grant_call, programme};
use crate::records::GrantCall;
use crate::store::batch::Writes;
use crate::store::held::{self as store_held, Reference};
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

/// The funder and programme named are checked and the keys of the call and its closing deadline
/// read in one statement; the call, its deadline with whom it concerns (the funder) and the
/// audit entry are written as one more.
async fn insert<C: ConnectionTrait>(tx: &C, change: &Change<'_>, new: NewGrantCall) -> StoreResult<GrantCall> {
    let now = change.at;
    let backend = tx.get_database_backend();
    let mut references = vec![Reference::organization(Concerning::Funder, new.funder.0)];
    if let Some(p) = new.programme {
        references.push(Reference::to(programme::Entity, Concerning::Programme, NodeKind::FundingProgramme, p.0));
    }
    let mut query = Query::select();
    store_held::with_references(&mut query, &references);
    query.expr_as(store_held::next_key(backend, grant_call::Entity.table_name(), 0), Alias::new("call_key"));
    query.expr_as(store_held::next_key(backend, deadline::Entity.table_name(), 0), Alias::new("deadline_key"));
    let row = store_held::read_values(tx, query).await?;
    store_held::check_references(&row, &references)?;
    // A schedule's numbers are small (months, days), checked by the domain.
    let small = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    let interim = new.report_schedule.and_then(|s| s.interim_on).map(|(m, d)| (small(m), small(d)));
    let final_months = new.report_schedule.map(|s| small(s.final_after_months));
    let model = grant_call::Model {
        id: row.try_get("", "call_key")?,
        title: new.title,
        funder_id: new.funder.0,
        programme_id: new.programme.map(|p| p.0),
        opens_at: new.opens_at,
        closes_at: new.closes_at,
        max_aid_rate_bp: i32::from(new.max_aid_rate.basis_points()),
        in_kind_counts: new.in_kind_counts,
        envelope_cents: new.envelope.map(Amount::cents),
        url: new.url,
        created_at: now,
        updated_at: now,
        version: 1,
        reallocation_tolerance_bp: i32::from(new.reallocation_tolerance.basis_points()),
        interim_report_month: interim.map(|(m, _)| m),
        interim_report_day: interim.map(|(_, d)| d),
        final_report_months: final_months,
    };
    let call = GrantCall::try_from(model.clone())?;
    let mut writes = Writes::new(backend);
    writes.insert(model);
    let closing = Derived {
        title: call.title.clone(),
        due_at: call.closes_at,
        application: None,
        call: Some(call.id),
        commitment: None,
        report: None,
    };
    // A call's own deadline concerns its funder, and calls for action until it passes.
    let deadline_key: i64 = row.try_get("", "deadline_key")?;
    deadlines::add_new(&mut writes, deadline_key, Source::CallCloses(call.id), closing, &[call.funder], true, now)?;
    audit::add(&mut writes, change, &[call.id.global()], None::<&()>, Some(&call))?;
    writes.run(tx).await?;
    Ok(call)
}
