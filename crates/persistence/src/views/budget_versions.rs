//! Budget versions as read: each application's versions in order, one version's lines, and two
//! versions side by side with the funding split each would give.

use std::collections::HashMap;

use salkku_domain::Amount;
use salkku_domain::budget::{Budget, BudgetLine};
use salkku_domain::budget_diff::BudgetDiff;
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::funding::FundingSplit;
use salkku_domain::ids::{ApplicationId, BudgetVersionId, NodeKind};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entities::{application as app, budget_version, budget_version_line};
use crate::records::{Application, BudgetVersion};
use crate::store::convert::all;
use crate::store::held as store_held;
use crate::store::nested::{Children, children, with_children_of};
use crate::store::support::{bound, one_of, target};
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

/// Compares two stored versions of one application; `None` if either does not exist. One
/// statement reads the first version's application with both versions, their lines (a draft's are
/// the application's own, read only when one of the two is the draft), its call and its pledges,
/// from one snapshot.
pub async fn compare_versions<C: ConnectionTrait>(
    c: &C,
    from: BudgetVersionId,
    to: BudgetVersionId,
) -> StoreResult<Option<(BudgetVersion, BudgetVersion, Comparison)>> {
    let backend = c.get_database_backend();
    let mut query = Query::select();
    query.from(app::Entity);
    store_held::with_columns(&mut query);
    let both = || vec![from.0.into(), to.0.into()];
    let versions = Children { child: budget_version::Entity, filter: "t.\"id\" IN (?, ?)".to_owned(), order: None };
    with_children_of(backend, &mut query, "compared_versions", versions, both());
    let lines = Children {
        child: budget_version_line::Entity,
        filter: "t.\"version_id\" IN (?, ?)".to_owned(),
        order: Some(budget_version_line::Column::Position),
    };
    with_children_of(backend, &mut query, "compared_lines", lines, both());
    // A draft's lines are its project's own: read only when one of the two is the draft (most
    // comparisons are of frozen versions, whose lines are their own copies).
    let a_draft = format!(
        "EXISTS (SELECT 1 FROM budget_versions d WHERE d.id IN (?, ?) AND d.kind = '{}')",
        BudgetVersionKind::Draft.as_str()
    );
    budgets::with_lines_where(backend, &mut query, &a_draft, both());
    splits::with_makings(backend, &mut query, "compared_");
    query.and_where(bound(
        backend,
        "applications.id = (SELECT v.application_id FROM budget_versions v WHERE v.id = ?)",
        vec![from.0.into()],
    ));
    let Some(row) = c.query_one_raw(backend.build(&query)).await? else { return Ok(None) };
    let versions: Vec<BudgetVersion> = all(children::<budget_version::Model>(&row, "compared_versions")?)?;
    let (Some(before), Some(after)) =
        (versions.iter().find(|v| v.id == from).cloned(), versions.iter().find(|v| v.id == to).cloned())
    else {
        return Ok(None);
    };
    // Before the lines are chosen: a draft's lines are read as the first version's project's own.
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
    let project = store_held::application(&row)?;
    let mut lines: HashMap<i64, Vec<BudgetLine>> = HashMap::new();
    for line in children::<budget_version_line::Model>(&row, "compared_lines")? {
        lines.entry(line.version_id).or_default().push(line.try_into()?);
    }
    let own = budgets::lines_in(&row)?;
    let budget_of = |v: &BudgetVersion| {
        let lines = match v.kind {
            BudgetVersionKind::Draft => own.clone(),
            _ => lines.get(&v.id.0).cloned().unwrap_or_default(),
        };
        let aid = Amount::new(v.state_aid).map_err(|e| StoreError::corrupt(e.to_string()))?;
        Budget::new(lines, aid).map_err(|e| StoreError::corrupt(e.to_string()))
    };
    let (was, is) = (budget_of(&before)?, budget_of(&after)?);
    let (calls, pledges) = splits::makings_in(&row, "compared_")?;
    let split = |b: &Budget| splits::supposing(&project, (b.total(), b.state_aid_requested()), &calls, &pledges);
    let diff = BudgetDiff::between(&was, &is).map_err(|e| StoreError::corrupt(e.to_string()))?;
    let comparison = Comparison { diff, split_before: split(&was)?, split_after: split(&is)? };
    Ok(Some((before, after, comparison)))
}
