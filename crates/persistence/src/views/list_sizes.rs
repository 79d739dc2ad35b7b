//! How long the lists the schema answers without paging are, as the database holds them. The
//! API's cost model counts a nested list by this stored size (or by its bound, when the schema
//! has a smaller one) instead of a guess.
//!
//! What a list holds is measured for a page of parents: the items the `page` largest parents hold
//! together, per parent, rounded up. A page holds at most `page` parents, and however they are
//! chosen their items are no more than those of the `page` largest, so a page's nested list costs
//! at least the items it can return. The most a single parent holds would say the same of every
//! row of a page, and one long list would make every page dear.

use sea_orm::{ConnectionTrait, Statement};

use crate::StoreResult;

/// A list the schema answers without paging, by what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listed {
    /// An application's participants, its lead included.
    Participants,
    Regions,
    BudgetLines,
    /// The years an application's budget lines fall in.
    BudgetYears,
    /// An application's work packages, and one more for the lines assigned to none.
    WorkPackages,
    BudgetVersions,
    VersionLines,
    /// The documents of any one owner (an application, a decision, a commitment, a request).
    Documents,
    ReportDocuments,
    Reports,
    ReportCostLines,
    Repayments,
    ChangeRequests,
    Commitments,
    Allocations,
    Payments,
    Instalments,
    Deadlines,
    History,
    Objectives,
    /// An application's work packages (a plan's, or those serving one objective).
    PlanWorkPackages,
    /// An application's indicators (a plan's, or those of one objective or work package).
    Indicators,
    /// The actuals stated for one indicator.
    IndicatorActuals,
    /// The actuals one report states.
    ReportActuals,
}

impl Listed {
    pub const ALL: [Listed; 24] = [
        Listed::Participants,
        Listed::Regions,
        Listed::BudgetLines,
        Listed::BudgetYears,
        Listed::WorkPackages,
        Listed::BudgetVersions,
        Listed::VersionLines,
        Listed::Documents,
        Listed::ReportDocuments,
        Listed::Reports,
        Listed::ReportCostLines,
        Listed::Repayments,
        Listed::ChangeRequests,
        Listed::Commitments,
        Listed::Allocations,
        Listed::Payments,
        Listed::Instalments,
        Listed::Deadlines,
        Listed::History,
        Listed::Objectives,
        Listed::PlanWorkPackages,
        Listed::Indicators,
        Listed::IndicatorActuals,
        Listed::ReportActuals,
    ];

    /// The groups to measure (a count per parent), and the items the list adds to each parent
    /// of its own (the lead, the unassigned lines).
    fn groups(self) -> (&'static str, u32) {
        match self {
            Listed::Participants => ("SELECT count(*) AS n FROM application_participants GROUP BY application_id", 1),
            Listed::Regions => ("SELECT count(*) AS n FROM application_regions GROUP BY application_id", 0),
            Listed::BudgetLines => ("SELECT count(*) AS n FROM budget_lines GROUP BY application_id", 0),
            Listed::BudgetYears => ("SELECT count(DISTINCT year) AS n FROM budget_lines GROUP BY application_id", 0),
            Listed::WorkPackages => ("SELECT count(*) AS n FROM plan_work_packages GROUP BY application_id", 1),
            Listed::BudgetVersions => ("SELECT count(*) AS n FROM budget_versions GROUP BY application_id", 0),
            // A draft's lines are the application's own; every other version keeps a copy.
            Listed::VersionLines => (
                "SELECT count(*) AS n FROM budget_version_lines GROUP BY version_id \
                 UNION ALL SELECT count(*) AS n FROM budget_lines GROUP BY application_id",
                0,
            ),
            Listed::Documents => ("SELECT count(*) AS n FROM documents GROUP BY owner_kind, owner_id", 0),
            Listed::ReportDocuments => ("SELECT count(*) AS n FROM report_documents GROUP BY report_id", 0),
            Listed::Reports => ("SELECT count(*) AS n FROM report_obligations GROUP BY application_id", 0),
            Listed::ReportCostLines => ("SELECT count(*) AS n FROM report_cost_lines GROUP BY report_id", 0),
            Listed::Repayments => ("SELECT count(*) AS n FROM repayments GROUP BY application_id", 0),
            Listed::ChangeRequests => ("SELECT count(*) AS n FROM change_requests GROUP BY application_id", 0),
            Listed::Commitments => ("SELECT count(*) AS n FROM commitments GROUP BY application_id", 0),
            Listed::Allocations => (
                "SELECT count(*) AS n FROM state_aid_allocations WHERE application_id IS NOT NULL GROUP BY application_id",
                0,
            ),
            Listed::Payments => ("SELECT count(*) AS n FROM payments GROUP BY allocation_id", 0),
            Listed::Instalments => ("SELECT count(*) AS n FROM instalments GROUP BY allocation_id", 0),
            Listed::Deadlines => {
                ("SELECT count(*) AS n FROM deadlines WHERE application_id IS NOT NULL GROUP BY application_id", 0)
            }
            Listed::History => ("SELECT count(*) AS n FROM status_changes GROUP BY application_id", 0),
            Listed::Objectives => ("SELECT count(*) AS n FROM plan_objectives GROUP BY application_id", 0),
            Listed::PlanWorkPackages => ("SELECT count(*) AS n FROM plan_work_packages GROUP BY application_id", 0),
            Listed::Indicators => ("SELECT count(*) AS n FROM plan_indicators GROUP BY application_id", 0),
            Listed::IndicatorActuals => ("SELECT count(*) AS n FROM indicator_actuals GROUP BY indicator_id", 0),
            Listed::ReportActuals => ("SELECT count(*) AS n FROM indicator_actuals GROUP BY report_id", 0),
        }
    }
}

/// The items per parent of each [`Listed`] list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ListSizes([u32; Listed::ALL.len()]);

impl ListSizes {
    pub fn of(&self, list: Listed) -> u32 {
        self.0[list as usize]
    }

    /// Every list at `n` items (before anything is measured).
    pub fn all(n: u32) -> ListSizes {
        ListSizes([n; Listed::ALL.len()])
    }
}

/// Measures every list for a page of `page` parents, in one statement (each part reads one
/// table's parent index and keeps its `page` largest groups).
pub async fn measure<C: ConnectionTrait>(c: &C, page: u32) -> StoreResult<ListSizes> {
    let page = page.max(1);
    let sql = Listed::ALL
        .iter()
        .map(|list| {
            let (groups, _) = list.groups();
            format!(
                "SELECT CAST({} AS BIGINT) AS list, CAST(coalesce(sum(n), 0) AS BIGINT) AS n \
                 FROM ({groups} ORDER BY n DESC LIMIT {page}) g",
                *list as usize
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ");
    let mut sizes = ListSizes::default();
    for row in c.query_all_raw(Statement::from_string(c.get_database_backend(), sql)).await? {
        let list: i64 = row.try_get_by_index(0)?;
        let items: i64 = row.try_get_by_index(1)?;
        let Some(list) = usize::try_from(list).ok().and_then(|i| Listed::ALL.get(i)) else { continue };
        let per_parent = u32::try_from(items.max(0)).unwrap_or(u32::MAX).div_ceil(page);
        sizes.0[*list as usize] = per_parent.saturating_add(list.groups().1);
    }
    Ok(sizes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_list_has_its_place() {
        for (i, list) in Listed::ALL.iter().enumerate() {
            assert_eq!(*list as usize, i, "{list:?}");
        }
    }
}
