//! Decisions on record (päätökset): who decided, when, under what reference, and what.

use chrono::NaiveDate;
use salkku_domain::ids::{ApplicationId, DecisionId, NodeKind, OrganizationId};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SelectStatement};
use sea_orm::{ConnectionTrait, EntityName, QueryResult};

use crate::commands::{audit, idempotency};
use crate::entities::{application, decision};
use crate::records::Decision;
use crate::store::batch::Writes;
use crate::store::held::{self as store_held, Reference};
use crate::{Change, Concerning, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewDecision {
    pub organization: OrganizationId,
    pub body: Option<String>,
    pub decided_on: NaiveDate,
    pub reference: Option<String>,
    pub summary: Option<String>,
    pub application: Option<ApplicationId>,
}

/// Records a decision; a replay of `idempotency_key` returns the first one. Its organisation and
/// project are checked and its key read in one statement; the decision and its audit entry are
/// written as one more.
pub async fn record(
    db: &Db,
    change: &Change<'_>,
    new: NewDecision,
    idempotency_key: Option<&str>,
) -> StoreResult<Decision> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let mut references = vec![Reference::organization(Concerning::Organization, new.organization.0)];
        if let Some(app) = new.application {
            references.push(Reference::to(application::Entity, Concerning::Application, NodeKind::Application, app.0));
        }
        let mut query = Query::select();
        store_held::with_references(&mut query, &references);
        query.expr_as(store_held::next_key(backend, decision::Entity.table_name(), 0), Alias::new("decision_key"));
        let row = store_held::read_values(tx, query).await?;
        store_held::check_references(&row, &references)?;
        let model = decision::Model {
            id: row.try_get("", "decision_key")?,
            organization_id: new.organization.0,
            body: new.body,
            decided_on: new.decided_on,
            reference: new.reference,
            summary: new.summary,
            application_id: new.application.map(|a| a.0),
            created_by: change.actor.subject.clone(),
            created_at: change.at,
        };
        let created = Decision::try_from(model.clone())?;
        let mut writes = Writes::new(backend);
        writes.insert(model);
        let mut objects = vec![created.id.global(), created.organization.global()];
        objects.extend(created.application.map(|a| a.global()));
        audit::add(&mut writes, change, &objects, None::<&()>, Some(&created))?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}

/// Adds to `query`, read beside a held row (or one read with its mark), what [`check_read_fits`] needs of the decision `id`.
pub(crate) fn with_decision(query: &mut SelectStatement, id: Option<DecisionId>) {
    let Some(id) = id else { return };
    let of = |column: decision::Column| {
        Query::select()
            .column(column)
            .from(decision::Entity)
            .and_where(Expr::col(decision::Column::Id).eq(id.0))
            .to_owned()
    };
    query.expr_as(Expr::SubQuery(None, Box::new(of(decision::Column::ApplicationId).into())), Alias::new(ABOUT));
    query.expr_as(Expr::SubQuery(None, Box::new(of(decision::Column::OrganizationId).into())), Alias::new(BY));
}

/// Whether the decision `id` (read beside the command's row with [`with_decision`]) may stand behind a
/// change to `application` by `organization`: an unknown reference when there is no such decision.
pub(crate) fn check_read_fits(
    row: &QueryResult,
    id: Option<DecisionId>,
    application: Option<ApplicationId>,
    organization: Option<OrganizationId>,
) -> StoreResult<()> {
    let Some(id) = id else { return Ok(()) };
    let about: Option<i64> = row.try_get("", ABOUT)?;
    // A decision always names who made it: none means there is no such decision.
    let by: Option<i64> = row.try_get("", BY)?;
    let by = by.ok_or(StoreError::UnknownReference {
        concerning: Concerning::Decision,
        kind: NodeKind::Decision,
        key: id.0,
    })?;
    fits(about.map(ApplicationId), OrganizationId(by), application, organization)
}

const ABOUT: &str = "decision_application_id";
const BY: &str = "decision_organization_id";

/// Whether a decision about `about` made by `by` may stand behind a change to `application` by
/// `organization`.
fn fits(
    about: Option<ApplicationId>,
    by: OrganizationId,
    application: Option<ApplicationId>,
    organization: Option<OrganizationId>,
) -> StoreResult<()> {
    if let (Some(about), Some(here)) = (about, application)
        && about != here
    {
        return Err(StoreError::rule(
            Concerning::Decision,
            salkku_domain::DomainError::InvalidCode(salkku_domain::message!(
                fi: "päätös koskee toista hanketta",
                sv: "beslutet gäller ett annat projekt",
                en: "the decision is about another project",
            )),
        ));
    }
    if organization.is_some_and(|org| org != by) {
        return Err(StoreError::rule(
            Concerning::Decision,
            salkku_domain::DomainError::InvalidCode(salkku_domain::message!(
                fi: "sitoumuksen päätös on sitoutuvan organisaation oma",
                sv: "beslutet om ett åtagande fattas av den organisation som åtar sig",
                en: "a commitment's decision is made by the organisation that commits",
            )),
        ));
    }
    Ok(())
}
