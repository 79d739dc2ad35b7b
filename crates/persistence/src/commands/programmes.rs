//! Funding programmes (ohjelmat, hankekorit) under which calls open.

use salkku_domain::Rate;
use salkku_domain::ids::{NodeKind, OrganizationId};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::idempotency;
use crate::entities::{organization, programme};
use crate::records::Programme;
use crate::store::support::referenced;
use crate::{Change, Db, StoreResult};

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub name: String,
    pub funder: OrganizationId,
    pub max_aid_rate: Option<Rate>,
}

/// Creates a programme; a replay of `idempotency_key` returns the first one.
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewProgramme,
    idempotency_key: Option<&str>,
) -> StoreResult<Programme> {
    idempotency::create(db, change, idempotency_key, async move |tx| insert(tx, change, new).await).await
}

async fn insert<C: ConnectionTrait>(tx: &C, change: &Change<'_>, new: NewProgramme) -> StoreResult<Programme> {
    let now = change.at;
    referenced::<organization::Entity, _>(tx, Concerning::Funder, NodeKind::Organization, new.funder.0).await?;
    let row = programme::ActiveModel {
        name: Set(new.name),
        funder_id: Set(new.funder.0),
        max_aid_rate_bp: Set(new.max_aid_rate.map(|r| i32::from(r.basis_points()))),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(tx)
    .await?;
    let created = Programme::try_from(row)?;
    audit::record(tx, change, &[created.id.global()], None::<&()>, Some(&created)).await?;
    Ok(created)
}
