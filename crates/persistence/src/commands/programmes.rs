//! Funding programmes (ohjelmat, hankekorit) under which calls open.

use salkku_domain::Rate;
use salkku_domain::ids::OrganizationId;
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, EntityName};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::idempotency;
use crate::entities::programme;
use crate::records::Programme;
use crate::store::batch::Writes;
use crate::store::held::{self as store_held, Reference};
use crate::{Change, Db, StoreResult};

#[derive(Debug, Clone)]
pub struct NewProgramme {
    pub name: String,
    pub funder: OrganizationId,
    pub max_aid_rate: Option<Rate>,
}

/// Creates a programme; a replay of `idempotency_key` returns the first one. Its funder is checked
/// and its key read in one statement; the programme and its audit entry are written as one more.
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
    let backend = tx.get_database_backend();
    let funder = [Reference::organization(Concerning::Funder, new.funder.0)];
    let mut query = Query::select();
    store_held::with_references(&mut query, &funder);
    query.expr_as(store_held::next_key(backend, programme::Entity.table_name(), 0), Alias::new("programme_key"));
    let row = store_held::read_values(tx, query).await?;
    store_held::check_references(&row, &funder)?;
    let model = programme::Model {
        id: row.try_get("", "programme_key")?,
        name: new.name,
        funder_id: new.funder.0,
        max_aid_rate_bp: new.max_aid_rate.map(|r| i32::from(r.basis_points())),
        created_at: now,
        updated_at: now,
        version: 1,
    };
    let created = Programme::try_from(model.clone())?;
    let mut writes = Writes::new(backend);
    writes.insert(model);
    audit::add(&mut writes, change, &[created.id.global()], None::<&()>, Some(&created))?;
    writes.run(tx).await?;
    Ok(created)
}
