//! Funding splits of stored applications: loads what the rule needs in a fixed number of queries,
//! however many applications, and lets the domain decide.

use std::collections::HashMap;

use salkku_domain::funding::{CallTerms, CommitmentFigure, FundingSplit};
use salkku_domain::ids::{ApplicationId, GrantCallId};
use sea_orm::sea_query::SelectStatement;
use sea_orm::{ConnectionTrait, DbBackend, QueryResult};

use crate::StoreResult;
use crate::entities::{commitment, grant_call};
use crate::records::{Application, Commitment, GrantCall};
use crate::store::convert::all;
use crate::store::nested::{Children, children, with_children};
use crate::views::{calls, commitments};

/// Adds to `query`, which reads `applications`, what a project's split is made of beside its own
/// figures, each under `prefix`: its call ([`with_call`]) and its pledges, as [`makings_in`] reads
/// them back (for [`supposing`] in a command's one read).
pub(crate) fn with_makings(backend: DbBackend, query: &mut SelectStatement, prefix: &str) {
    with_call(backend, query, prefix);
    let order = Some(commitment::Column::Id);
    let pledges = Children::of(commitment::Entity, commitment::Column::ApplicationId, "applications.id", order);
    with_children(backend, query, &format!("{prefix}pledges"), pledges);
}

/// Adds to `query`, which reads `applications`, the project's call (none, or one) under `prefix`,
/// as [`call_in`] reads it back.
pub(crate) fn with_call(backend: DbBackend, query: &mut SelectStatement, prefix: &str) {
    let call =
        Children { child: grant_call::Entity, filter: "t.\"id\" = applications.call_id".to_owned(), order: None };
    with_children(backend, query, &format!("{prefix}call"), call);
}

/// The call read with [`with_call`] under `prefix`, as a list (empty for a project of no call).
pub(crate) fn call_in(row: &QueryResult, prefix: &str) -> StoreResult<Vec<GrantCall>> {
    all(children::<grant_call::Model>(row, &format!("{prefix}call"))?)
}

/// The call and the pledges read with [`with_makings`] under `prefix`.
pub(crate) fn makings_in(row: &QueryResult, prefix: &str) -> StoreResult<(Vec<GrantCall>, Vec<Commitment>)> {
    Ok((call_in(row, prefix)?, all(children::<commitment::Model>(row, &format!("{prefix}pledges"))?)?))
}

/// The splits of `apps`, from their calls and commitments already at hand.
pub fn from_parts(
    apps: &[Application],
    calls: &[GrantCall],
    commitments: &[Commitment],
) -> StoreResult<HashMap<ApplicationId, FundingSplit>> {
    let terms: HashMap<GrantCallId, CallTerms> = calls
        .iter()
        .map(|call| (call.id, CallTerms { max_aid_rate: call.max_aid_rate, in_kind_counts: call.in_kind_counts }))
        .collect();
    let mut figures: HashMap<ApplicationId, Vec<CommitmentFigure>> = HashMap::new();
    for commitment in commitments {
        figures.entry(commitment.application).or_default().push(CommitmentFigure {
            amount: commitment.amount,
            kind: commitment.kind,
            status: commitment.status,
        });
    }
    apps.iter()
        .map(|a| {
            let call = a.call.and_then(|id| terms.get(&id).copied());
            let pledges = figures.get(&a.id).map_or(&[][..], Vec::as_slice);
            Ok((a.id, FundingSplit::compute(call, a.total_cost, a.state_aid_requested, pledges)?))
        })
        .collect()
}

/// The split of each application given.
pub async fn for_applications<C: ConnectionTrait>(
    c: &C,
    apps: &[Application],
) -> StoreResult<HashMap<ApplicationId, FundingSplit>> {
    let mut call_ids: Vec<_> = apps.iter().filter_map(|a| a.call).collect();
    call_ids.sort_unstable();
    call_ids.dedup();
    let calls = calls::by_ids(c, &call_ids).await?;
    let app_ids: Vec<_> = apps.iter().map(|a| a.id).collect();
    let commitments = commitments::of_applications(c, &app_ids).await?;
    from_parts(apps, &calls, &commitments)
}

/// The split of one application.
pub async fn for_application<C: ConnectionTrait>(c: &C, app: &Application) -> StoreResult<FundingSplit> {
    let mut splits = for_applications(c, std::slice::from_ref(app)).await?;
    splits.remove(&app.id).ok_or_else(|| crate::StoreError::corrupt("the split of an application was not computed"))
}

/// The split `app` would have with `total` and `state_aid`, from its call and its commitments at
/// hand (read beside it).
pub fn supposing(
    app: &Application,
    (total, state_aid): (salkku_domain::Money, salkku_domain::Money),
    calls: &[GrantCall],
    commitments: &[Commitment],
) -> StoreResult<FundingSplit> {
    let supposed = Application { total_cost: total, state_aid_requested: state_aid, ..app.clone() };
    from_parts(std::slice::from_ref(&supposed), calls, commitments)?
        .remove(&app.id)
        .ok_or_else(|| crate::StoreError::corrupt("the split of an application was not computed"))
}

/// The split an application would have with another budget: its total and its state aid, with
/// the commitments it has now.
pub async fn with_budget<C: ConnectionTrait>(
    c: &C,
    app: &Application,
    total: salkku_domain::Money,
    state_aid: salkku_domain::Money,
) -> StoreResult<FundingSplit> {
    let supposed = Application { total_cost: total, state_aid_requested: state_aid, ..app.clone() };
    for_application(c, &supposed).await
}
