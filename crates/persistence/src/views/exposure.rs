//! An organisation's exposure (a municipality's, typically): its commitments across every
//! project, summed by status and kind, what its bodies must decide next, and its realised shares
//! in the final accounts of closed projects.

use std::collections::HashMap;

use chrono::NaiveDate;
use salkku_domain::exposure::{Exposure, Pledge, summarise};
use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::{ApplicationStatus, CommitmentLevel, CommitmentStatus, Money};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::StoreResult;
use crate::entities::commitment;
use crate::records::{Application, Commitment, Organization};
use crate::store::rows;
use crate::views::{applications, final_accounts};

/// What an organisation has at stake.
#[derive(Debug, Clone)]
pub struct OrganizationExposure {
    /// Its commitments, soonest due first (those without a due date last).
    pub commitments: Vec<Commitment>,
    pub exposure: Exposure,
    /// The requested commitments its bodies must still decide, of projects still under way, by
    /// the level that decides them (office holder, board, council), each soonest due first.
    pub agenda: Vec<(CommitmentLevel, Vec<Commitment>)>,
    /// The projects of its commitments (those the period meets).
    pub projects: Vec<Application>,
}

/// The exposure of `org`, of the projects whose period meets `[from, to]` when given (a project
/// without a period always does).
pub async fn of_organization<C: ConnectionTrait>(
    c: &C,
    org: &Organization,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
) -> StoreResult<OrganizationExposure> {
    let select = commitment::Entity::find()
        .filter(commitment::Column::OrganizationId.eq(org.id.0))
        .order_by_asc(commitment::Column::ApplicationId)
        .order_by_asc(commitment::Column::Id);
    let all: Vec<Commitment> = rows::records(select, c).await?;
    let mut ids: Vec<ApplicationId> = all.iter().map(|m| m.application).collect();
    ids.sort_unstable();
    ids.dedup();
    let projects = applications::by_ids(c, &ids).await?;
    // Looked up once per commitment, several times: by key, not by a scan of the projects (a
    // municipality has a part in hundreds of them).
    let by_id: HashMap<ApplicationId, &Application> = projects.iter().map(|p| (p.id, p)).collect();
    let meets = |id: ApplicationId| {
        by_id.get(&id).is_some_and(|p| {
            from.is_none_or(|f| p.period_end.is_none_or(|end| end >= f))
                && to.is_none_or(|t| p.period_start.is_none_or(|start| start <= t))
        })
    };
    let mut commitments: Vec<Commitment> = all.into_iter().filter(|m| meets(m.application)).collect();
    commitments.sort_by_key(|m| (m.due_date.is_none(), m.due_date, m.id));
    let status_of = |id: ApplicationId| by_id.get(&id).map(|p| p.status);
    // A rejected or withdrawn project's commitments put nothing at stake; a closed one's did.
    let dead = |id| matches!(status_of(id), Some(ApplicationStatus::Rejected | ApplicationStatus::Withdrawn));
    let pledges: Vec<Pledge> = commitments
        .iter()
        .filter(|m| !dead(m.application))
        .map(|m| Pledge { status: m.status, kind: m.kind, amount: m.amount })
        .collect();
    let exposure = summarise(&pledges, org.population)?;
    let agenda = CommitmentLevel::all()
        .map(|level| {
            let due: Vec<Commitment> = commitments
                .iter()
                .filter(|m| m.level == level && m.status == CommitmentStatus::Requested)
                .filter(|m| status_of(m.application).is_some_and(|s| !s.is_final()))
                .cloned()
                .collect();
            (level, due)
        })
        .filter(|(_, due)| !due.is_empty())
        .collect();
    let projects: Vec<Application> = projects.iter().filter(|p| meets(p.id)).cloned().collect();
    Ok(OrganizationExposure { commitments, exposure, agenda, projects })
}

/// The organisation's realised shares of the self-funding in the settled final accounts of
/// those of `projects` that are closed: a few queries per closed project, so asked for only
/// when wanted.
pub async fn realised<C: ConnectionTrait>(
    c: &C,
    org: OrganizationId,
    projects: &[Application],
) -> StoreResult<Vec<(ApplicationId, Money)>> {
    let mut realised = Vec::new();
    for project in projects.iter().filter(|p| p.status == ApplicationStatus::Closed) {
        let Some(account) = final_accounts::of_application(c, project).await?.filter(|a| !a.provisional) else {
            continue;
        };
        let share = account.committed.iter().zip(&account.account.shares).find(|((who, _), _)| *who == org);
        if let Some((_, share)) = share {
            realised.push((project.id, *share));
        }
    }
    Ok(realised)
}
