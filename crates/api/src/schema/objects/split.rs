use async_graphql::{Context, Object, SimpleObject};
use salkku_domain::funding;

use crate::schema::enums::SplitViolationCode;
use crate::schema::scalars::Decimal;

/// The funding split of an application against its call's rules. All money has two decimals.
pub struct FundingSplit(pub funding::FundingSplit);

#[derive(SimpleObject)]
pub struct SplitViolation {
    code: SplitViolationCode,
    message: String,
    /// By how many euros the rule is broken.
    amount: Decimal,
}

// `serial`: its fields are plain values, resolved one after another without a task set per
// object (hundreds of these on a page; see docs/benchmarks.md).
#[Object(serial)]
impl FundingSplit {
    async fn total_cost(&self) -> Decimal {
        self.0.total_cost.into()
    }

    async fn max_aid_rate(&self) -> Decimal {
        self.0.max_aid_rate.into()
    }

    /// The most the call allows: maxAidRate × totalCost, rounded down to the cent.
    async fn max_state_aid(&self) -> Decimal {
        self.0.max_state_aid.into()
    }

    async fn state_aid(&self) -> Decimal {
        self.0.state_aid.into()
    }

    /// stateAid / totalCost × 100, rounded half-even to two decimals; "0.00" when totalCost is zero.
    async fn state_aid_rate(&self) -> Decimal {
        self.0.state_aid_rate.into()
    }

    /// totalCost − stateAid.
    async fn self_funding_required(&self) -> Decimal {
        self.0.self_funding_required.into()
    }

    /// Commitments that count: PROMISED or APPROVED ones, CASH always and IN_KIND only where the call allows it (REQUESTED and DECLINED never count).
    async fn self_funding_committed(&self) -> Decimal {
        self.0.self_funding_committed.into()
    }

    /// max(0, selfFundingRequired − selfFundingCommitted).
    async fn self_funding_gap(&self) -> Decimal {
        self.0.self_funding_gap.into()
    }

    async fn compliant(&self) -> bool {
        self.0.compliant()
    }

    #[graphql(complexity = "crate::schema::limits::bounded_list_cost(4, child_complexity)")]
    async fn violations(&self, ctx: &Context<'_>) -> Vec<SplitViolation> {
        let language = crate::schema::language(ctx);
        self.0
            .violations
            .iter()
            .map(|v| SplitViolation {
                code: v.code.into(),
                message: v.message.get(language).to_owned(),
                amount: v.amount.into(),
            })
            .collect()
    }
}
