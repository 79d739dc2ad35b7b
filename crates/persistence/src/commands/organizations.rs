//! Organisations: funders, applicants, municipalities and the rest.

use chrono::{DateTime, Utc};
use salkku_domain::{BusinessId, OrganizationKind, RegionCode};
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::idempotency;
use crate::entities::organization as org;
use crate::records::Organization;
use crate::{Change, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub kind: OrganizationKind,
    pub business_id: Option<BusinessId>,
    pub region: Option<RegionCode>,
    pub population: Option<i64>,
}

/// Creates an organisation; a replay of `idempotency_key` returns the first one.
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewOrganization,
    idempotency_key: Option<&str>,
) -> StoreResult<Organization> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let created = insert(tx, new, change.at).await?;
        audit::record(tx, change, &[created.id.global()], None::<&()>, Some(&created)).await?;
        Ok(created)
    })
    .await
}

pub(crate) async fn insert<C: ConnectionTrait>(
    c: &C,
    new: NewOrganization,
    now: DateTime<Utc>,
) -> StoreResult<Organization> {
    if let Some(bid) = &new.business_id {
        let taken = org::Entity::find().filter(org::Column::BusinessId.eq(bid.as_str())).one(c).await?;
        if let Some(holder) = taken {
            return Err(StoreError::Duplicate {
                concerning: Concerning::BusinessId,
                message: {
                    let holder = holder.name;
                    salkku_domain::message!(
                        fi: "Y-tunnus {bid} kuuluu jo organisaatiolle {holder}",
                        sv: "FO-numret {bid} hör redan till {holder}",
                        en: "business ID {bid} already belongs to {holder}",
                    )
                },
            });
        }
    }
    let row = org::ActiveModel {
        name: Set(new.name),
        kind: Set(new.kind.as_str().to_owned()),
        business_id: Set(new.business_id.map(|b| b.as_str().to_owned())),
        region_code: Set(new.region.map(|r| r.as_str().to_owned())),
        population: Set(new.population),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(c)
    .await?;
    row.try_into()
}
