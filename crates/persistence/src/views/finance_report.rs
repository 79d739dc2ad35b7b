//! The finance report: one row per application with its funding figures, for spreadsheets. Read
//! in chunks through the keyset-paged list, each chunk in a fixed number of queries, so a large
//! portfolio costs time in proportion to its size and memory in proportion to the report.

use std::collections::HashMap;

use salkku_domain::funding::FundingSplit;
use salkku_domain::{ApplicationStatus, Money};
use sea_orm::ConnectionTrait;

use crate::records::{Application, StoredBudgetLine};
use crate::views::application_list::{self, ApplicationFilter, ApplicationOrder};
use crate::views::splits;
use crate::views::{allocations, budgets, calls, commitments, organizations};
use crate::{StoreError, StoreResult};

/// Applications read per round of queries.
const CHUNK: u64 = 500;

/// One application as finance staff see it.
#[derive(Debug, Clone)]
pub struct ReportRow {
    pub application: Application,
    pub call_title: Option<String>,
    pub lead_name: String,
    pub status: ApplicationStatus,
    /// Sum of the state-aid allocations recorded.
    pub state_aid_granted: Money,
    pub split: FundingSplit,
    /// The budget lines, when asked for.
    pub budget: Vec<StoredBudgetLine>,
}

/// The figures of every application `filter` selects, in `order`; at most `limit` rows (more is
/// an error: a spreadsheet is not the way to move a whole national portfolio).
pub async fn rows<C: ConnectionTrait>(
    c: &C,
    filter: &ApplicationFilter,
    order: ApplicationOrder,
    with_budgets: bool,
    limit: u64,
) -> StoreResult<Vec<ReportRow>> {
    let found = application_list::count(c, filter).await?;
    if found > limit {
        return Err(StoreError::TooMany { what: "applications", found, limit });
    }
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let (items, has_next) = application_list::page(c, filter, order, CHUNK, after.as_ref()).await?;
        after = items.last().map(|(_, cursor)| cursor.clone());
        let apps: Vec<Application> = items.into_iter().map(|(a, _)| a).collect();
        out.extend(chunk(c, apps, with_budgets).await?);
        if !has_next {
            return Ok(out);
        }
    }
}

async fn chunk<C: ConnectionTrait>(c: &C, apps: Vec<Application>, with_budgets: bool) -> StoreResult<Vec<ReportRow>> {
    let ids: Vec<_> = apps.iter().map(|a| a.id).collect();
    let mut call_ids: Vec<_> = apps.iter().filter_map(|a| a.call).collect();
    call_ids.sort_unstable();
    call_ids.dedup();
    let mut lead_ids: Vec<_> = apps.iter().map(|a| a.lead).collect();
    lead_ids.sort_unstable();
    lead_ids.dedup();
    let calls = calls::by_ids(c, &call_ids).await?;
    let leads: HashMap<_, _> = organizations::by_ids(c, &lead_ids).await?.into_iter().map(|o| (o.id, o.name)).collect();
    let commitments = commitments::of_applications(c, &ids).await?;
    let mut splits = splits::from_parts(&apps, &calls, &commitments)?;
    let mut granted: HashMap<_, Vec<Money>> = HashMap::new();
    for allocation in allocations::of_applications(c, &ids).await? {
        if let Some(app) = allocation.application {
            granted.entry(app).or_default().push(allocation.amount);
        }
    }
    let mut lines: HashMap<_, Vec<StoredBudgetLine>> = HashMap::new();
    if with_budgets {
        for line in budgets::lines_of(c, &ids).await? {
            lines.entry(line.application).or_default().push(line);
        }
    }
    let titles: HashMap<_, _> = calls.into_iter().map(|call| (call.id, call.title)).collect();
    apps.into_iter()
        .map(|a| {
            let split = splits.remove(&a.id).ok_or_else(|| StoreError::corrupt("an application's split is missing"))?;
            Ok(ReportRow {
                call_title: a.call.and_then(|id| titles.get(&id).cloned()),
                lead_name: leads.get(&a.lead).cloned().unwrap_or_default(),
                status: a.status,
                state_aid_granted: Money::sum(granted.remove(&a.id).unwrap_or_default())?,
                budget: lines.remove(&a.id).unwrap_or_default(),
                split,
                application: a,
            })
        })
        .collect()
}
