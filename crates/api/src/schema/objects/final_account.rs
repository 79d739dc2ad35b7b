//! A project's final account (loppulaskelma) and what it returned.

use async_graphql::{Context, ID, Object, SimpleObject};
use salkku_persistence::records;
use salkku_persistence::views::final_accounts::AccountView;

use super::{Organization, ReportObligation};
use crate::error::{ApiError, ApiResult};
use crate::schema::enums::CostCategory;
use crate::schema::loaders;
use crate::schema::scalars::{Date, Decimal};

/// The final account: the state aid the eligible costs earned against what was paid, and each
/// committing organisation's realised share of the self-funding, to the cent.
pub struct FinalAccount(pub AccountView);

/// One cost category in one year.
#[derive(SimpleObject)]
pub struct FinalAccountLine {
    category: CostCategory,
    year: i32,
    /// In the budget in force.
    approved: Decimal,
    /// As the report states it.
    actual: Decimal,
    /// The actual cost, capped by the approved one.
    eligible: Decimal,
}

/// A committing organisation's part of the realised self-funding.
pub struct RealisedShare {
    organization: salkku_domain::ids::OrganizationId,
    committed: salkku_domain::Money,
    realised: salkku_domain::Money,
}

#[Object]
impl RealisedShare {
    async fn organization(&self, ctx: &Context<'_>) -> ApiResult<Organization> {
        let found = loaders(ctx)?.load_one(self.organization).await?;
        found.map(Organization).ok_or_else(|| ApiError::internal(&"a committing organisation is missing"))
    }

    /// What it pledged (its commitments that count).
    async fn committed(&self) -> Decimal {
        self.committed.into()
    }

    /// Its share of the realised self-funding, in proportion to its commitment; the shares add
    /// up to the realised self-funding to the cent.
    async fn realised(&self) -> Decimal {
        self.realised.into()
    }
}

#[Object]
impl FinalAccount {
    /// The report whose actual costs it is computed from.
    async fn basis(&self) -> ReportObligation {
        ReportObligation(self.0.basis.clone())
    }

    /// Computed from a report not yet accepted: what accepting it would mean.
    async fn provisional(&self) -> bool {
        self.0.provisional
    }

    /// The call's maximum aid rate, per cent.
    async fn aid_rate(&self) -> Decimal {
        self.0.rate.into()
    }

    /// The state aid the budget in force grants.
    async fn granted_aid(&self) -> Decimal {
        self.0.granted_aid.into()
    }

    /// The total of the budget in force.
    async fn approved_cost(&self) -> Decimal {
        self.0.account.approved_cost.into()
    }

    async fn actual_cost(&self) -> Decimal {
        self.0.account.actual_cost.into()
    }

    /// The actual costs, each category and year capped by the approved budget.
    async fn eligible_cost(&self) -> Decimal {
        self.0.account.eligible_cost.into()
    }

    async fn lines(&self) -> Vec<FinalAccountLine> {
        self.0
            .account
            .lines
            .iter()
            .map(|(category, year, approved, actual, eligible)| FinalAccountLine {
                category: (*category).into(),
                year: *year,
                approved: (*approved).into(),
                actual: (*actual).into(),
                eligible: (*eligible).into(),
            })
            .collect()
    }

    /// The aid rate × the eligible cost, rounded down to the cent, never above the granted aid.
    async fn aid_earned(&self) -> Decimal {
        self.0.account.aid_earned.into()
    }

    /// The payments of the project's allocations.
    async fn paid(&self) -> Decimal {
        self.0.account.paid.into()
    }

    /// What the project has returned.
    async fn returned(&self) -> Decimal {
        self.0.account.returned.into()
    }

    /// aidEarned − (paid − returned): above zero still to pay, below zero to be returned.
    async fn balance(&self) -> Decimal {
        self.0.account.balance.into()
    }

    async fn to_pay(&self) -> Decimal {
        self.0.account.to_pay().into()
    }

    async fn to_return(&self) -> Decimal {
        self.0.account.to_return().into()
    }

    async fn settled(&self) -> bool {
        self.0.account.settled()
    }

    /// The eligible cost less the aid earned: what the project itself funded.
    async fn realised_self_funding(&self) -> Decimal {
        self.0.account.self_funding.into()
    }

    /// Each committing organisation's realised share, in the order they committed.
    async fn shares(&self) -> Vec<RealisedShare> {
        self.0
            .committed
            .iter()
            .zip(&self.0.account.shares)
            .map(|((organization, committed), realised)| RealisedShare {
                organization: *organization,
                committed: *committed,
                realised: *realised,
            })
            .collect()
    }
}

/// State aid a project returned (palautus).
pub struct Repayment(pub records::Repayment);

#[Object]
impl Repayment {
    async fn id(&self) -> ID {
        super::id(self.0.id.global())
    }

    async fn returned_on(&self) -> Date {
        Date::from(self.0.returned_on)
    }

    async fn amount(&self) -> Decimal {
        self.0.amount.into()
    }

    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }

    async fn decision(&self, ctx: &Context<'_>) -> ApiResult<Option<super::Decision>> {
        super::decision_of(ctx, self.0.decision).await
    }
}
