//! Decisions on record (päätökset): who decided, when, under what reference, and what.

use chrono::NaiveDate;
use salkku_domain::ids::{ApplicationId, DecisionId, NodeKind, OrganizationId};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

use crate::commands::{audit, idempotency};
use crate::entities::{application, decision, organization};
use crate::records::Decision;
use crate::store::support::referenced;
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

/// Records a decision; a replay of `idempotency_key` returns the first one.
pub async fn record(
    db: &Db,
    change: &Change<'_>,
    new: NewDecision,
    idempotency_key: Option<&str>,
) -> StoreResult<Decision> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        referenced::<organization::Entity, _>(tx, Concerning::Organization, NodeKind::Organization, new.organization.0)
            .await?;
        if let Some(app) = new.application {
            referenced::<application::Entity, _>(tx, Concerning::Application, NodeKind::Application, app.0).await?;
        }
        let row = decision::ActiveModel {
            organization_id: Set(new.organization.0),
            body: Set(new.body),
            decided_on: Set(new.decided_on),
            reference: Set(new.reference),
            summary: Set(new.summary),
            application_id: Set(new.application.map(|a| a.0)),
            created_by: Set(change.actor.subject.clone()),
            created_at: Set(change.at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        let created = Decision::try_from(row)?;
        let mut objects = vec![created.id.global(), created.organization.global()];
        objects.extend(created.application.map(|a| a.global()));
        audit::record(tx, change, &objects, None::<&()>, Some(&created)).await?;
        Ok(created)
    })
    .await
}

/// Checks that a decision a row points to exists and fits it: one about another project does not,
/// and a commitment's approval is its own organisation's.
pub(crate) async fn check_fits<C: ConnectionTrait>(
    c: &C,
    id: Option<DecisionId>,
    application: Option<ApplicationId>,
    organization: Option<OrganizationId>,
) -> StoreResult<()> {
    let Some(id) = id else { return Ok(()) };
    let found: Decision =
        referenced::<decision::Entity, _>(c, Concerning::Decision, NodeKind::Decision, id.0).await?.try_into()?;
    if let (Some(about), Some(here)) = (found.application, application)
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
    if organization.is_some_and(|org| org != found.organization) {
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
