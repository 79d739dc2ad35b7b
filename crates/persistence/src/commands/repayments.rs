//! Repayments (palautukset): state aid a project returns when its final account shows it was paid
//! more than its eligible costs earned.

use chrono::NaiveDate;
use salkku_domain::PaymentAmount;
use salkku_domain::ids::{ApplicationId, DecisionId, NodeKind};
use sea_orm::{ActiveModelTrait, EntityTrait, QuerySelect, Set};

use crate::commands::{audit, decisions, idempotency};
use crate::entities::{application as app, repayment as row};
use crate::records::{Application, Repayment};
use crate::views::final_accounts;
use crate::{Change, Concerning, Db, StoreError, StoreResult};

#[derive(Debug, Clone)]
pub struct NewRepayment {
    pub application: ApplicationId,
    pub returned_on: NaiveDate,
    pub amount: PaymentAmount,
    pub reference: Option<String>,
    pub decision: Option<DecisionId>,
}

/// Records a repayment: at most what the final account of the project's accepted report says is
/// to be returned. The project's row is held while it is checked, so two repayments at once
/// cannot both fit.
pub async fn record(
    db: &Db,
    change: &Change<'_>,
    new: NewRepayment,
    idempotency_key: Option<&str>,
) -> StoreResult<Repayment> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let project: Application = app::Entity::find_by_id(new.application.0)
            .lock_exclusive()
            .one(tx)
            .await?
            .ok_or(StoreError::UnknownReference {
                concerning: Concerning::Application,
                kind: NodeKind::Application,
                key: new.application.0,
            })?
            .try_into()?;
        decisions::check_fits(tx, new.decision, Some(project.id), None).await?;
        let account = final_accounts::of_application(tx, &project).await?.filter(|a| !a.provisional);
        let Some(account) = account else {
            return Err(StoreError::rule(
                Concerning::Application,
                salkku_domain::DomainError::InvalidCode(salkku_domain::message!(
                    fi: "palautus kirjataan loppulaskelman jälkeen: hankkeella ei ole hyväksyttyä selvitystä toteutuneista kustannuksista",
                    sv: "en återbetalning registreras efter slutredovisningen: projektet har ingen godkänd redovisning av de faktiska kostnaderna",
                    en: "a repayment follows the final account: the project has no accepted report of its actual costs",
                )),
            ));
        };
        account.account.check_repayment(new.amount.money()).map_err(|e| StoreError::rule(Concerning::Amount, e))?;
        let saved = row::ActiveModel {
            application_id: Set(project.id.0),
            returned_on: Set(new.returned_on),
            amount_cents: Set(new.amount.cents()),
            reference: Set(new.reference),
            decision_id: Set(new.decision.map(|d| d.0)),
            created_by: Set(change.actor.subject.clone()),
            created_at: Set(change.at),
            ..Default::default()
        }
        .insert(tx)
        .await?;
        let created = Repayment::try_from(saved)?;
        audit::record(tx, change, &[created.id.global(), project.id.global()], None::<&()>, Some(&created)).await?;
        Ok(created)
    })
    .await
}
