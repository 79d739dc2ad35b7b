//! Batched loading of nested fields, one loader per request (a loader shared across requests
//! would serve one user's cache to another).
//!
//! A single [`Store`] loads every kind of key; async-graphql batches each key type separately, so
//! a page of a hundred applications costs one query per nested field, not a hundred.

use salkku_persistence::views;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use async_graphql::dataloader::{DataLoader, HashMapCache, Loader};
use salkku_domain::RegionCode;
use salkku_domain::budget::BudgetLine;
use salkku_domain::budget_version::BudgetVersionKind;
use salkku_domain::document::DocumentOwner;
use salkku_domain::funding::FundingSplit;
use salkku_domain::ids::{
    AllocationId, ApplicationId, BudgetVersionId, CommitmentId, DecisionId, GrantCallId, OrganizationId, ProgrammeId,
    ReportId,
};
use salkku_domain::plan::PlanKey;
use salkku_persistence::records::{
    Allocation, Application, BudgetVersion, ChangeRequest, Commitment, DeadlineView, Decision, Document, GrantCall,
    IndicatorActual, IndicatorDefinition, Instalment, Organization, Participation, Payment, Programme, Report,
    StatusChange, StoredBudgetLine, StoredPlan,
};
use salkku_persistence::{Db, StoreResult};

use crate::error::ApiError;

/// The per-operation loader: each operation of a request (a batch's too) gets its own.
///
/// A batch is the keys the operation asks for until it stops asking. async-graphql's default
/// instead waits a millisecond on a timer thread for more keys, which at a quiet moment is most of
/// a small query's time: an answer that reads one nested field waited for it in full. Here the
/// load, spawned on the worker's runtime (actix-web runs each worker single-threaded, so it runs
/// only when the operation's task waits), yields until two turns pass in which the operation asked
/// for nothing more. One turn is not enough: async-graphql polls a long list's items (over 30) a
/// few at a time, waking itself for the rest, and under load other requests' tasks run between
/// those polls. The batch's answers then wake the next level, which asks together in turn.
pub struct Loaders {
    loader: DataLoader<Store, HashMapCache>,
    /// Keys asked for so far (cached ones too): the sign that the operation is still asking.
    asked: Arc<AtomicUsize>,
}

/// Turns a load waits at most for the operation to stop asking: a bound, never reached by a query
/// the limits admit, so that a load is never put off for good.
const MOST_TURNS: usize = 1_000;

pub fn new(db: Db) -> Loaders {
    let asked = Arc::new(AtomicUsize::new(0));
    let watched = asked.clone();
    let spawn = move |load| {
        let asked = watched.clone();
        tokio::spawn(async move {
            let (mut seen, mut quiet) = (asked.load(Ordering::Acquire), 0);
            for _ in 0..MOST_TURNS {
                tokio::task::yield_now().await;
                let now = asked.load(Ordering::Acquire);
                quiet = if now == seen { quiet + 1 } else { 0 };
                seen = now;
                if quiet == 2 {
                    break;
                }
            }
            load.await
        })
    };
    // No wait of its own: with async-graphql's `tokio-timer` feature off (as here) a zero delay
    // is ready at once; with it on, it would wait for tokio's next millisecond tick.
    let loader = DataLoader::with_cache(Store(db), spawn, HashMapCache::default()).delay(Duration::ZERO);
    Loaders { loader, asked }
}

impl Loaders {
    pub async fn load_one<K>(&self, key: K) -> Result<Option<<Store as Loader<K>>::Value>, ApiError>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Store: Loader<K, Error = ApiError>,
    {
        self.asked.fetch_add(1, Ordering::Release);
        self.loader.load_one(key).await
    }

    pub async fn load_many<K, I>(&self, keys: I) -> Result<HashMap<K, <Store as Loader<K>>::Value>, ApiError>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = K>,
        Store: Loader<K, Error = ApiError>,
    {
        self.asked.fetch_add(1, Ordering::Release);
        self.loader.load_many(keys).await
    }

    /// Values read ahead (a page's selection), answered from the cache when asked for.
    pub async fn feed_many<K, I>(&self, values: I)
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        I: IntoIterator<Item = (K, <Store as Loader<K>>::Value)>,
        Store: Loader<K>,
    {
        self.loader.feed_many(values).await
    }

    pub async fn feed_one<K>(&self, key: K, value: <Store as Loader<K>>::Value)
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        Store: Loader<K>,
    {
        self.loader.feed_one(key, value).await
    }
}

pub struct Store(pub(crate) Db);

fn keyed<K: Hash + Eq, V>(items: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, V> {
    items.into_iter().map(|v| (key(&v), v)).collect()
}

fn grouped<K: Hash + Eq + Copy, V>(keys: &[K], items: Vec<V>, key: impl Fn(&V) -> K) -> HashMap<K, Vec<V>> {
    let mut groups: HashMap<K, Vec<V>> = keys.iter().map(|k| (*k, Vec::new())).collect();
    for item in items {
        groups.entry(key(&item)).or_default().push(item);
    }
    groups
}

fn done<T>(result: StoreResult<T>) -> Result<T, ApiError> {
    result.map_err(ApiError::from)
}

macro_rules! by_id {
    ($key:ty, $value:ty, $fetch:path) => {
        impl Loader<$key> for Store {
            type Value = $value;
            type Error = ApiError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $value>, ApiError> {
                Ok(keyed(done($fetch(self.0.conn(), keys).await)?, |v| v.id))
            }
        }
    };
}

by_id!(OrganizationId, Organization, views::organizations::by_ids);
by_id!(ProgrammeId, Programme, views::programmes::by_ids);
by_id!(GrantCallId, GrantCall, views::calls::by_ids);
by_id!(ApplicationId, Application, views::applications::by_ids);
by_id!(CommitmentId, Commitment, views::commitments::by_ids);
by_id!(AllocationId, Allocation, views::allocations::by_ids);
by_id!(DecisionId, Decision, views::decisions::by_ids);

/// Declares a key for "the X of this application" and how a batch of them loads.
macro_rules! of_application {
    ($key:ident, $value:ty, |$conn:ident, $ids:ident| $fetch:expr, |$item:ident| $owner:expr) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $key(pub ApplicationId);

        impl Loader<$key> for Store {
            type Value = Vec<$value>;
            type Error = ApiError;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, Vec<$value>>, ApiError> {
                let $conn = self.0.conn();
                let $ids: Vec<ApplicationId> = keys.iter().map(|k| k.0).collect();
                let items = done($fetch.await)?;
                Ok(grouped(keys, items, |$item: &$value| $key($owner)))
            }
        }
    };
}

of_application!(ParticipantsOf, Participation, |c, ids| views::applications::participants_of(c, &ids), |p| p
    .application);
of_application!(RegionsOf, (ApplicationId, RegionCode), |c, ids| views::applications::regions_of(c, &ids), |r| r.0);
of_application!(LinesOf, StoredBudgetLine, |c, ids| views::budgets::lines_of(c, &ids), |l| l.application);
of_application!(CommitmentsOf, Commitment, |c, ids| views::commitments::of_applications(c, &ids), |m| m.application);
of_application!(AllocationsOf, Allocation, |c, ids| views::allocations::of_applications(c, &ids), |a| a
    .application
    .unwrap_or(ApplicationId(0)));
of_application!(DeadlinesOf, DeadlineView, |c, ids| views::deadlines::views_for_applications(c, &ids), |d| d
    .deadline
    .application
    .unwrap_or(ApplicationId(0)));
of_application!(BudgetVersionsOf, BudgetVersion, |c, ids| views::budget_versions::of_applications(c, &ids), |v| v
    .application);
of_application!(ChangeRequestsOf, ChangeRequest, |c, ids| views::change_requests::of_applications(c, &ids), |r| r
    .application);
of_application!(ReportsOf, Report, |c, ids| views::reports::of_applications(c, &ids), |r| r.application);
of_application!(HistoryOf, StatusChange, |c, ids| views::applications::history_of(c, &ids), |h| h.application);

/// The lines of a budget version (a draft's are its application's own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VersionLinesOf {
    id: BudgetVersionId,
    application: ApplicationId,
    draft: bool,
}

impl VersionLinesOf {
    pub fn of(version: &BudgetVersion) -> Self {
        VersionLinesOf {
            id: version.id,
            application: version.application,
            draft: version.kind == BudgetVersionKind::Draft,
        }
    }
}

impl Loader<VersionLinesOf> for Store {
    type Value = Vec<BudgetLine>;
    type Error = ApiError;
    async fn load(&self, keys: &[VersionLinesOf]) -> Result<HashMap<VersionLinesOf, Vec<BudgetLine>>, ApiError> {
        let versions: Vec<_> = keys.iter().map(|k| (k.id, k.application, k.draft)).collect();
        let mut lines = done(views::budget_versions::lines_of_versions(self.0.conn(), &versions).await)?;
        Ok(keys.iter().map(|k| (*k, lines.remove(&k.id).unwrap_or_default())).collect())
    }
}

/// The documents of one owner (a kind of object and its key).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DocumentsOf(pub DocumentOwner, pub i64);

impl Loader<DocumentsOf> for Store {
    type Value = Vec<Document>;
    type Error = ApiError;
    async fn load(&self, keys: &[DocumentsOf]) -> Result<HashMap<DocumentsOf, Vec<Document>>, ApiError> {
        let mut out: HashMap<DocumentsOf, Vec<Document>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for owner in DocumentOwner::all() {
            let owned: Vec<i64> = keys.iter().filter(|k| k.0 == owner).map(|k| k.1).collect();
            if owned.is_empty() {
                continue;
            }
            for document in done(views::documents::of_owners(self.0.conn(), owner, &owned).await)? {
                out.entry(DocumentsOf(owner, document.owner_key)).or_default().push(document);
            }
        }
        Ok(out)
    }
}

/// The payments of an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PaymentsOf(pub AllocationId);

impl Loader<PaymentsOf> for Store {
    type Value = Vec<Payment>;
    type Error = ApiError;
    async fn load(&self, keys: &[PaymentsOf]) -> Result<HashMap<PaymentsOf, Vec<Payment>>, ApiError> {
        let ids: Vec<AllocationId> = keys.iter().map(|k| k.0).collect();
        let items = done(views::allocations::payments_of(self.0.conn(), &ids).await)?;
        Ok(grouped(keys, items, |p: &Payment| PaymentsOf(p.allocation)))
    }
}

/// The instalments of an allocation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InstalmentsOf(pub AllocationId);

impl Loader<InstalmentsOf> for Store {
    type Value = Vec<Instalment>;
    type Error = ApiError;
    async fn load(&self, keys: &[InstalmentsOf]) -> Result<HashMap<InstalmentsOf, Vec<Instalment>>, ApiError> {
        let ids: Vec<AllocationId> = keys.iter().map(|k| k.0).collect();
        let items = done(views::instalments::of_allocations(self.0.conn(), &ids).await)?;
        Ok(grouped(keys, items, |i: &Instalment| InstalmentsOf(i.allocation)))
    }
}

by_id!(ReportId, Report, views::reports::by_ids);

/// The actual costs a report was submitted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CostsOf(pub ReportId);

impl Loader<CostsOf> for Store {
    type Value = Vec<BudgetLine>;
    type Error = ApiError;
    async fn load(&self, keys: &[CostsOf]) -> Result<HashMap<CostsOf, Vec<BudgetLine>>, ApiError> {
        let ids: Vec<ReportId> = keys.iter().map(|k| k.0).collect();
        let mut out: HashMap<CostsOf, Vec<BudgetLine>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (report, line) in done(views::reports::cost_lines_of(self.0.conn(), &ids).await)? {
            out.entry(CostsOf(report)).or_default().push(line);
        }
        Ok(out)
    }
}

/// The documents a report was submitted with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ReportDocumentsOf(pub ReportId);

impl Loader<ReportDocumentsOf> for Store {
    type Value = Vec<Document>;
    type Error = ApiError;
    async fn load(&self, keys: &[ReportDocumentsOf]) -> Result<HashMap<ReportDocumentsOf, Vec<Document>>, ApiError> {
        let ids: Vec<ReportId> = keys.iter().map(|k| k.0).collect();
        let mut out: HashMap<ReportDocumentsOf, Vec<Document>> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (report, document) in done(views::reports::documents_of(self.0.conn(), &ids).await)? {
            out.entry(ReportDocumentsOf(report)).or_default().push(document);
        }
        Ok(out)
    }
}

/// The funding split of an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SplitOf(pub ApplicationId);

impl Loader<SplitOf> for Store {
    type Value = FundingSplit;
    type Error = ApiError;
    async fn load(&self, keys: &[SplitOf]) -> Result<HashMap<SplitOf, FundingSplit>, ApiError> {
        let ids: Vec<ApplicationId> = keys.iter().map(|k| k.0).collect();
        let apps = done(views::applications::by_ids(self.0.conn(), &ids).await)?;
        let splits = done(views::splits::for_applications(self.0.conn(), &apps).await)?;
        Ok(splits.into_iter().map(|(id, split)| (SplitOf(id), split)).collect())
    }
}

/// The plan in force of an application, with its actuals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlanOf(pub ApplicationId);

impl Loader<PlanOf> for Store {
    type Value = StoredPlan;
    type Error = ApiError;
    async fn load(&self, keys: &[PlanOf]) -> Result<HashMap<PlanOf, StoredPlan>, ApiError> {
        let ids: Vec<ApplicationId> = keys.iter().map(|k| k.0).collect();
        let plans = done(views::plans::of_applications(self.0.conn(), &ids).await)?;
        Ok(keys.iter().copied().zip(plans).collect())
    }
}

/// The indicator actuals a report states, each with its indicator's key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActualsOf(pub ReportId);

impl Loader<ActualsOf> for Store {
    type Value = Vec<(PlanKey, IndicatorActual)>;
    type Error = ApiError;
    async fn load(&self, keys: &[ActualsOf]) -> Result<HashMap<ActualsOf, Self::Value>, ApiError> {
        let ids: Vec<ReportId> = keys.iter().map(|k| k.0).collect();
        let mut out: HashMap<ActualsOf, Self::Value> = keys.iter().map(|k| (*k, Vec::new())).collect();
        for (key, actual) in done(views::plans::of_reports(self.0.conn(), &ids).await)? {
            out.entry(ActualsOf(actual.report)).or_default().push((key, actual));
        }
        Ok(out)
    }
}

/// The indicator codes a programme defines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DefinitionsOf(pub ProgrammeId);

impl Loader<DefinitionsOf> for Store {
    type Value = Vec<IndicatorDefinition>;
    type Error = ApiError;
    async fn load(&self, keys: &[DefinitionsOf]) -> Result<HashMap<DefinitionsOf, Self::Value>, ApiError> {
        let ids: Vec<ProgrammeId> = keys.iter().map(|k| k.0).collect();
        let items = done(views::plans::definitions(self.0.conn(), &ids).await)?;
        Ok(grouped(keys, items, |d: &IndicatorDefinition| DefinitionsOf(d.programme)))
    }
}
