//! Applications (hankkeet) as read: by ID, with their participants, regions and status history.

use salkku_domain::RegionCode;
use salkku_domain::ids::ApplicationId;
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
