//! Budgets: the draft's lines and its requested state aid, replaced together until the application
//! is submitted.

use salkku_domain::Money;
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::budget_version::check_budget_editable;
use salkku_domain::ids::{ApplicationId, NodeKind};
use sea_orm::EntityTrait;
use sea_orm::sea_query::Expr;

use crate::commands::{audit, budget_versions, plans};
use crate::derived::{self, Changed};
use crate::entities::application as app;
use crate::records::Application;
use crate::store::support::{expect_version, target, versioned_update};
use crate::views::budgets::lines_of;
use crate::{Change, Concerning, Db, StoreError, StoreResult};

/// A budget as the audit log shows it.
#[derive(Debug, serde::Serialize)]
struct Recorded {
    state_aid_requested: Money,
    lines: Vec<BudgetLine>,
}

/// Replaces the application's budget lines and requested state aid in one transaction, if the
/// application is still at `expected_version` and not yet submitted (after that the budget as
/// applied for is frozen). Any well-formed budget is stored, even one whose split breaks the
/// call's rule: the split reports that.
pub async fn set_budget(
    db: &Db,
    change: &Change<'_>,
    id: ApplicationId,
    expected_version: i32,
    budget: Budget,
) -> StoreResult<Application> {
    let now = change.at;
    let tx = db.begin_write().await?;
    let current: Application = target::<app::Entity, _>(&*tx, NodeKind::Application, id.0).await?.try_into()?;
    expect_version(NodeKind::Application, expected_version, current.version)?;
    check_budget_editable(current.status).map_err(|e| StoreError::rule(Concerning::Application, e))?;
    plans::check_lines_fit(&*tx, id, budget.lines(), None, "").await?;
    let before = Recorded {
        state_aid_requested: current.state_aid_requested,
        lines: lines_of(&*tx, &[id]).await?.into_iter().map(|l| l.line).collect(),
    };
    let after = Recorded { state_aid_requested: budget.state_aid_requested(), lines: budget.lines().to_vec() };
    // The version-checked update comes first: on PostgreSQL it locks the row, so two budgets
    // for one application never interleave their lines.
    let update = app::Entity::update_many()
        .col_expr(app::Column::TotalCostCents, Expr::value(budget.total().cents()))
        .col_expr(app::Column::StateAidRequestedCents, Expr::value(budget.state_aid_requested().cents()))
        .col_expr(app::Column::UpdatedAt, Expr::value(now));
    versioned_update(&*tx, id.0, expected_version, update).await?;
    budget_versions::replace_lines(&*tx, id, &budget).await?;
    budget_versions::update_draft(&*tx, id, &budget).await?;
    let updated: Application = target::<app::Entity, _>(&*tx, NodeKind::Application, id.0).await?.try_into()?;
    derived::after(&*tx, Changed::applications(&[id])).await?;
    audit::record(&*tx, change, &[id.global()], Some(&before), Some(&after)).await?;
    tx.commit().await?;
    Ok(updated)
}
