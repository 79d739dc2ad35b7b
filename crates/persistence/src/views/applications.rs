//! Applications (hankkeet) as read: by ID, with their participants, regions and status history.

use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::{ParticipationRole, RegionCode};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{application as app, application_region, participant, status_change};
use crate::records::{Application, Participation, StatusChange};
use crate::store::convert::all;
use crate::store::rows;
use crate::store::support::one_of;
use crate::{StoreError, StoreResult};

pub async fn get<C: ConnectionTrait>(c: &C, id: ApplicationId) -> StoreResult<Option<Application>> {
    app::Entity::find_by_id(id.0).one(c).await?.map(Application::try_from).transpose()
}

/// Whether `organization` leads the application or co-implements it: `None` when there is no
/// such application. One statement: the policy asks it of every coordinator's change.
pub async fn led_or_co_implemented_by<C: ConnectionTrait>(
    c: &C,
    id: ApplicationId,
    organization: OrganizationId,
) -> StoreResult<Option<bool>> {
    let query = Query::select()
        .expr_as(involved(Expr::col((app::Entity, app::Column::Id)), organization), Alias::new("involved"))
        .from(app::Entity)
        .and_where(Expr::col((app::Entity, app::Column::Id)).eq(id.0))
        .to_owned();
    let Some(row) = c.query_one(&query).await? else { return Ok(None) };
    Ok(Some(row.try_get("", "involved")?))
}

/// Whether `organization` leads the application `project` (an expression giving its key) or
/// co-implements it.
pub(crate) fn involved(project: Expr, organization: OrganizationId) -> Expr {
    let leads = Query::select()
        .expr(Expr::val(1))
        .from(app::Entity)
        .and_where(Expr::col((app::Entity, app::Column::Id)).eq(project.clone()))
        .and_where(Expr::col((app::Entity, app::Column::LeadId)).eq(organization.0))
        .to_owned();
    let co_implements = Query::select()
        .expr(Expr::val(1))
        .from(participant::Entity)
        .and_where(Expr::col((participant::Entity, participant::Column::ApplicationId)).eq(project))
        .and_where(Expr::col((participant::Entity, participant::Column::OrganizationId)).eq(organization.0))
        .and_where(
            Expr::col((participant::Entity, participant::Column::Role)).eq(ParticipationRole::CoImplementer.as_str()),
        )
        .to_owned();
    Expr::exists(leads).or(Expr::exists(co_implements))
}

pub async fn by_ids<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<Application>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    rows::records(app::Entity::find().filter(one_of(c, app::Column::Id, keys)), c).await
}

/// Every application, by name (for the demo and small lists).
pub async fn all_by_name<C: ConnectionTrait>(c: &C) -> StoreResult<Vec<Application>> {
    all(app::Entity::find().order_by_asc(app::Column::Name).order_by_asc(app::Column::Id).all(c).await?)
}

/// The participants other than the lead, of each application, in the order given.
pub async fn participants_of<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<Participation>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(participant::Entity::find()
        .filter(one_of(c, participant::Column::ApplicationId, keys))
        .order_by_asc(participant::Column::ApplicationId)
        .order_by_asc(participant::Column::Position)
        .all(c)
        .await?)
}

/// The regions each application names.
pub async fn regions_of<C: ConnectionTrait>(
    c: &C,
    ids: &[ApplicationId],
) -> StoreResult<Vec<(ApplicationId, RegionCode)>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    application_region::Entity::find()
        .filter(one_of(c, application_region::Column::ApplicationId, keys))
        .order_by_asc(application_region::Column::ApplicationId)
        .order_by_asc(application_region::Column::RegionCode)
        .all(c)
        .await?
        .into_iter()
        .map(|r| {
            RegionCode::parse(&r.region_code)
                .map(|code| (ApplicationId(r.application_id), code))
                .map_err(|e| StoreError::corrupt(e.to_string()))
        })
        .collect()
}

/// The status history of each application, oldest first.
pub async fn history_of<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<StatusChange>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(status_change::Entity::find()
        .filter(one_of(c, status_change::Column::ApplicationId, keys))
        .order_by_asc(status_change::Column::ApplicationId)
        .order_by_asc(status_change::Column::Id)
        .all(c)
        .await?)
}
