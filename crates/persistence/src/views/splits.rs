//! Funding splits of stored applications: loads what the rule needs in a fixed number of queries,
//! however many applications, and lets the domain decide.

use std::collections::HashMap;

use salkku_domain::funding::{CallTerms, CommitmentFigure, FundingSplit};
use salkku_domain::ids::{ApplicationId, GrantCallId};
use sea_orm::ConnectionTrait;

use crate::StoreResult;
use crate::records::{Application, Commitment, GrantCall};
use crate::views::{calls, commitments};

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
