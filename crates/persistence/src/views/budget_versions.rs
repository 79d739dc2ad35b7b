//! Budget versions as read: each application's versions in order, one version's lines, and two
//! versions side by side with the funding split each would give.

use std::collections::HashMap;

use salkku_domain::Amount;
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::budget_diff::BudgetDiff;
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::funding::FundingSplit;
use salkku_domain::ids::{ApplicationId, BudgetVersionId, NodeKind};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{application as app, budget_version, budget_version_line};
use crate::records::{Application, BudgetVersion};
use crate::store::convert::all;
use crate::store::support::{one_of, target};
use crate::views::{budgets, splits};
use crate::{StoreError, StoreResult};

pub async fn get<C: ConnectionTrait>(c: &C, id: BudgetVersionId) -> StoreResult<Option<BudgetVersion>> {
    budget_version::Entity::find_by_id(id.0).one(c).await?.map(BudgetVersion::try_from).transpose()
}

/// The versions of each application, oldest first.
pub async fn of_applications<C: ConnectionTrait>(c: &C, ids: &[ApplicationId]) -> StoreResult<Vec<BudgetVersion>> {
    let keys: Vec<i64> = ids.iter().map(|i| i.0).collect();
    all(budget_version::Entity::find()
        .filter(one_of(c, budget_version::Column::ApplicationId, keys))
        .order_by_asc(budget_version::Column::ApplicationId)
        .order_by_asc(budget_version::Column::Number)
        .all(c)
        .await?)
}

/// The version in force of one application.
pub async fn in_force<C: ConnectionTrait>(c: &C, id: ApplicationId) -> StoreResult<BudgetVersion> {
    budget_version::Entity::find()
        .filter(budget_version::Column::ApplicationId.eq(id.0))
        .filter(budget_version::Column::InForce.eq(true))
        .one(c)
        .await?
        .map(BudgetVersion::try_from)
        .transpose()?
        .ok_or_else(|| StoreError::corrupt(format!("application {} has no budget version in force", id.0)))
}

/// A version's lines, in the order they were given. The draft is the one version still edited:
/// its lines are the application's own; a frozen version keeps a copy.
pub async fn lines<C: ConnectionTrait>(c: &C, version: &BudgetVersion) -> StoreResult<Vec<BudgetLine>> {
    if version.kind == BudgetVersionKind::Draft {
        return Ok(budgets::lines_of(c, &[version.application]).await?.into_iter().map(|l| l.line).collect());
    }
    all(budget_version_line::Entity::find()
        .filter(budget_version_line::Column::VersionId.eq(version.id.0))
        .order_by_asc(budget_version_line::Column::Position)
        .all(c)
        .await?)
}

/// The lines of several versions, in two queries at most: the frozen versions' own copies, and the
/// drafts' lines, which are their applications'. `versions` gives (version, application, draft).
pub async fn lines_of_versions<C: ConnectionTrait>(
    c: &C,
    versions: &[(BudgetVersionId, ApplicationId, bool)],
) -> StoreResult<HashMap<BudgetVersionId, Vec<BudgetLine>>> {
    let mut out: HashMap<BudgetVersionId, Vec<BudgetLine>> = versions.iter().map(|v| (v.0, Vec::new())).collect();
    let frozen: Vec<i64> = versions.iter().filter(|v| !v.2).map(|v| v.0.0).collect();
    if !frozen.is_empty() {
        let rows = budget_version_line::Entity::find()
            .filter(one_of(c, budget_version_line::Column::VersionId, frozen))
            .order_by_asc(budget_version_line::Column::VersionId)
            .order_by_asc(budget_version_line::Column::Position)
            .all(c)
            .await?;
        for row in rows {
            let version = BudgetVersionId(row.version_id);
            out.entry(version).or_default().push(BudgetLine::try_from(row)?);
        }
    }
    let drafts: Vec<(BudgetVersionId, ApplicationId)> = versions.iter().filter(|v| v.2).map(|v| (v.0, v.1)).collect();
    if !drafts.is_empty() {
        let apps: Vec<ApplicationId> = drafts.iter().map(|d| d.1).collect();
        let version_of: HashMap<ApplicationId, BudgetVersionId> = drafts.iter().map(|d| (d.1, d.0)).collect();
        for line in budgets::lines_of(c, &apps).await? {
            if let Some(version) = version_of.get(&line.application) {
                out.entry(*version).or_default().push(line.line);
            }
        }
    }
    Ok(out)
}

/// A version as a budget: its lines and its state aid.
pub async fn budget<C: ConnectionTrait>(c: &C, version: &BudgetVersion) -> StoreResult<Budget> {
    let aid = Amount::new(version.state_aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
    Budget::new(lines(c, version).await?, aid).map_err(|e| StoreError::corrupt(e.to_string()))
}

/// Two budgets side by side, and the funding split each would give with the commitments the
/// application has now.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub diff: BudgetDiff,
    pub split_before: FundingSplit,
    pub split_after: FundingSplit,
}

/// Compares two budgets of one application.
pub async fn compare<C: ConnectionTrait>(
    c: &C,
    application: ApplicationId,
    before: &Budget,
    after: &Budget,
) -> StoreResult<Comparison> {
    let current: Application = target::<app::Entity, _>(c, NodeKind::Application, application.0).await?.try_into()?;
    let diff = BudgetDiff::between(before, after).map_err(|e| StoreError::corrupt(e.to_string()))?;
    let split_before = splits::with_budget(c, &current, before.total(), before.state_aid_requested()).await?;
    let split_after = splits::with_budget(c, &current, after.total(), after.state_aid_requested()).await?;
    Ok(Comparison { diff, split_before, split_after })
}

/// Compares two stored versions of one application; `None` if either does not exist.
pub async fn compare_versions<C: ConnectionTrait>(
    c: &C,
    from: BudgetVersionId,
    to: BudgetVersionId,
) -> StoreResult<Option<(BudgetVersion, BudgetVersion, Comparison)>> {
    let (Some(before), Some(after)) = (get(c, from).await?, get(c, to).await?) else {
        return Ok(None);
    };
    if before.application != after.application {
        return Err(StoreError::rule(
            crate::Concerning::BudgetVersion,
            salkku_domain::DomainError::InvalidId(salkku_domain::message!(
                fi: "verrattavat talousarvion versiot kuuluvat eri hakemuksille",
                sv: "budgetversionerna som jämförs hör till olika ansökningar",
                en: "the budget versions compared belong to different applications",
            )),
        ));
    }
    let comparison = compare(c, after.application, &budget(c, &before).await?, &budget(c, &after).await?).await?;
    Ok(Some((before, after, comparison)))
}
