//! Organisations: funders, applicants, municipalities and the rest.

use salkku_domain::{BusinessId, OrganizationKind, RegionCode};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityName};

use crate::Concerning;
use crate::commands::audit;
use crate::commands::idempotency;
use crate::entities::organization as org;
use crate::records::Organization;
use crate::store::batch::Writes;
use crate::store::held as store_held;
use crate::{Change, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewOrganization {
    pub name: String,
    pub kind: OrganizationKind,
    pub business_id: Option<BusinessId>,
    pub region: Option<RegionCode>,
    pub population: Option<i64>,
}

/// Creates an organisation; a replay of `idempotency_key` returns the first one. Whoever holds its
/// business ID already and its key are read in one statement; the organisation and its audit
/// entry are written as one more (the business ID's unique index stands behind the read).
pub async fn create(
    db: &Db,
    change: &Change<'_>,
    new: NewOrganization,
    idempotency_key: Option<&str>,
) -> StoreResult<Organization> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let mut query = Query::select();
        if let Some(bid) = &new.business_id {
            let holder = Query::select()
                .column(org::Column::Name)
                .from(org::Entity)
                .and_where(Expr::col(org::Column::BusinessId).eq(bid.as_str()))
                .to_owned();
            query.expr_as(Expr::SubQuery(None, Box::new(holder.into())), Alias::new("holder"));
        }
        query.expr_as(store_held::next_key(backend, org::Entity.table_name(), 0), Alias::new("organization_key"));
        let row = store_held::read_values(tx, query).await?;
        if let Some(bid) = &new.business_id {
            let holder: Option<String> = row.try_get("", "holder")?;
            if let Some(holder) = holder {
                return Err(StoreError::Duplicate {
                    concerning: Concerning::BusinessId,
                    message: salkku_domain::message!(
                        fi: "Y-tunnus {bid} kuuluu jo organisaatiolle {holder}",
                        sv: "FO-numret {bid} hör redan till {holder}",
                        en: "business ID {bid} already belongs to {holder}",
                    ),
                });
            }
        }
        let now = change.at;
        let model = org::Model {
            id: row.try_get("", "organization_key")?,
            name: new.name,
            kind: new.kind.as_str().to_owned(),
            business_id: new.business_id.map(|b| b.as_str().to_owned()),
            region_code: new.region.map(|r| r.as_str().to_owned()),
            population: new.population,
            created_at: now,
            updated_at: now,
            version: 1,
        };
        let created = Organization::try_from(model.clone())?;
        let mut writes = Writes::new(backend);
        writes.insert(model);
        audit::add(&mut writes, change, &[created.id.global()], None::<&()>, Some(&created))?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}
