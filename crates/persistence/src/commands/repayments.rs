//! Repayments (palautukset): state aid a project returns when its final account shows it was paid
//! more than its eligible costs earned.

use chrono::NaiveDate;
use salkku_domain::PaymentAmount;
use salkku_domain::ids::{ApplicationId, DecisionId};
use sea_orm::sea_query::{Alias, Query};
use sea_orm::{ConnectionTrait, EntityName};

use crate::commands::{audit, decisions, idempotency};
use crate::entities::{application as app, repayment as row};
use crate::records::Repayment;
use crate::store::batch::Writes;
use crate::store::held as store_held;
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
/// to be returned. One read holds the project's row (so two repayments at once cannot both fit)
/// and brings its final account's makings, the decision named and the repayment's key; one
/// write adds the repayment with its audit entry. What the account is computed from is changed
/// by commands that hold the project (a report's acceptance, a payment, another repayment), each
/// changing its row: a read that waited for one reads again (`Writes::holding`).
pub async fn record(
    db: &Db,
    change: &Change<'_>,
    new: NewRepayment,
    idempotency_key: Option<&str>,
) -> StoreResult<Repayment> {
    idempotency::create(db, change, idempotency_key, async move |tx| {
        let backend = tx.get_database_backend();
        let mut query = Query::select();
        query.from(app::Entity);
        store_held::with_columns(&mut query);
        final_accounts::with_account(backend, &mut query);
        decisions::with_decision(&mut query, new.decision);
        query.expr_as(store_held::next_key(backend, row::Entity.table_name(), 0), Alias::new("repayment_key"));
        let (held, project) = store_held::read_named_project(tx, query, new.application).await?;
        decisions::check_read_fits(&held, new.decision, Some(project.id), None)?;
        let account = final_accounts::account_in(&held, &project)?.filter(|a| !a.provisional);
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
        let saved = row::Model {
            id: held.try_get("", "repayment_key")?,
            application_id: project.id.0,
            returned_on: new.returned_on,
            amount_cents: new.amount.cents(),
            reference: new.reference,
            decision_id: new.decision.map(|d| d.0),
            created_by: change.actor.subject.clone(),
            created_at: change.at,
        };
        let created = Repayment::try_from(saved.clone())?;
        let mut writes = Writes::new(backend);
        writes.holding(new.application);
        writes.insert(saved);
        audit::add(&mut writes, change, &[created.id.global(), project.id.global()], None::<&()>, Some(&created))?;
        writes.run(tx).await?;
        Ok(created)
    })
    .await
}
