//! The funding-split rule: how much of a project the state pays under a call, how much the
//! applicants must fund themselves, and whether their commitments cover it.
//!
//! For a call with maximum aid rate *r*:
//! - state aid requested ≤ *r* × total eligible cost, rounded down to the cent;
//! - required self-funding = total − state aid;
//! - self-funding covered = the commitments that count: pledged ones (promised or approved), cash
//!   always, in kind only where the call allows it;
//! - the split is compliant when the aid is within the rate and the commitments cover the share.

use rust_decimal::Decimal;

use crate::rate::percentage_of;
use crate::{CommitmentKind, CommitmentStatus, DomainError, Money, Rate};

/// The terms of the call an application answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallTerms {
    pub max_aid_rate: Rate,
    pub in_kind_counts: bool,
}

/// What the split needs to know of one commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommitmentFigure {
    pub amount: Money,
    pub kind: CommitmentKind,
    pub status: CommitmentStatus,
}

impl CommitmentFigure {
    /// Whether the commitment counts towards the self-funding: a pledge (promised or approved),
    /// in cash, or in kind where the call allows it.
    pub fn counts(&self, in_kind_counts: bool) -> bool {
        self.status.is_pledged() && (self.kind == CommitmentKind::Cash || in_kind_counts)
    }
}

/// The rules a split can break.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ViolationCode {
    NoCall,
    NoBudget,
    AidRateExceeded,
    SelfFundingUncovered,
}

impl ViolationCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ViolationCode::NoCall => "NO_CALL",
            ViolationCode::NoBudget => "NO_BUDGET",
            ViolationCode::AidRateExceeded => "AID_RATE_EXCEEDED",
            ViolationCode::SelfFundingUncovered => "SELF_FUNDING_UNCOVERED",
        }
    }

    /// Whether an application breaking this rule may still be submitted: an uncovered share can
    /// be pledged after submission (MONNI's commitments were due after the call closed), the
    /// other rules cannot be mended after the fact.
    pub fn blocks_submission(self) -> bool {
        !matches!(self, ViolationCode::SelfFundingUncovered)
    }
}

/// A broken rule, with the euros by which it is broken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub code: ViolationCode,
    pub message: crate::messages::Message,
    pub amount: Money,
}

/// The split of one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundingSplit {
    pub total_cost: Money,
    pub max_aid_rate: Rate,
    /// The most the call allows: `max_aid_rate × total_cost`, rounded down.
    pub max_state_aid: Money,
    pub state_aid: Money,
    pub state_aid_rate: Decimal,
    pub self_funding_required: Money,
    pub self_funding_committed: Money,
    pub self_funding_gap: Money,
    pub violations: Vec<Violation>,
}

impl FundingSplit {
    /// Works out the split. Fails only if a sum leaves the range of money, which stored figures
    /// cannot reach.
    pub fn compute(
        call: Option<CallTerms>,
        total_cost: Money,
        state_aid: Money,
        commitments: &[CommitmentFigure],
    ) -> Result<FundingSplit, DomainError> {
        let max_aid_rate = call.map_or(Rate::ZERO, |c| c.max_aid_rate);
        let in_kind_counts = call.is_some_and(|c| c.in_kind_counts);
        let max_state_aid = max_aid_rate.max_share_of(total_cost);
        let self_funding_required = total_cost.checked_sub(state_aid)?;
        let self_funding_committed =
            Money::sum(commitments.iter().filter(|c| c.counts(in_kind_counts)).map(|c| c.amount))?;
        let self_funding_gap = self_funding_required.checked_sub(self_funding_committed)?.at_least_zero();

        let mut violations = Vec::new();
        if call.is_none() {
            violations.push(Violation {
                code: ViolationCode::NoCall,
                message: crate::message!(
                    fi: "hakemus ei vastaa mihinkään hakuun, joten avustusosuutta ei voi tarkistaa",
                    sv: "ansökan svarar inte på någon utlysning, så det finns ingen stödandel att kontrollera mot",
                    en: "the application answers no grant call, so there is no aid rate to check against",
                ),
                amount: Money::ZERO,
            });
        }
        if total_cost.is_zero() {
            violations.push(Violation {
                code: ViolationCode::NoBudget,
                message: crate::message!(
                    fi: "hakemuksella ei ole talousarviota: sen hyväksyttävät kokonaiskustannukset ovat 0.00",
                    sv: "ansökan har ingen budget: dess totala stödberättigande kostnader är 0.00",
                    en: "the application has no budget: its total eligible cost is 0.00",
                ),
                amount: Money::ZERO,
            });
        }
        if call.is_some() && state_aid > max_state_aid {
            let excess = state_aid.checked_sub(max_state_aid)?;
            violations.push(Violation {
                code: ViolationCode::AidRateExceeded,
                message: crate::message!(
                    fi: "valtionavustus {state_aid} ylittää {max_aid_rate} % kokonaiskustannuksista {total_cost} (enintään {max_state_aid}) {excess} eurolla",
                    sv: "statsunderstödet {state_aid} överskrider {max_aid_rate} % av de totala kostnaderna {total_cost} (högst {max_state_aid}) med {excess}",
                    en: "state aid {state_aid} exceeds {max_aid_rate} % of the total cost {total_cost} (at most {max_state_aid}) by {excess}",
                ),
                amount: excess,
            });
        }
        if !self_funding_gap.is_zero() {
            violations.push(Violation {
                code: ViolationCode::SelfFundingUncovered,
                message: crate::message!(
                    fi: "sitoumukset kattavat {self_funding_committed} tarvittavasta omarahoituksesta {self_funding_required}: {self_funding_gap} puuttuu",
                    sv: "åtagandena täcker {self_funding_committed} av den behövda självfinansieringen {self_funding_required}: {self_funding_gap} saknas",
                    en: "commitments cover {self_funding_committed} of the required self-funding {self_funding_required}: {self_funding_gap} is missing",
                ),
                amount: self_funding_gap,
            });
        }

        Ok(FundingSplit {
            total_cost,
            max_aid_rate,
            max_state_aid,
            state_aid,
            state_aid_rate: percentage_of(state_aid, total_cost),
            self_funding_required,
            self_funding_committed,
            self_funding_gap,
            violations,
        })
    }

    pub fn compliant(&self) -> bool {
        self.violations.is_empty()
    }

    pub fn has(&self, code: ViolationCode) -> bool {
        self.violations.iter().any(|v| v.code == code)
    }

    /// Refuses submission while the split breaks a rule that submission cannot outlive.
    pub fn check_submittable(&self) -> Result<(), DomainError> {
        let blocking: Vec<crate::messages::Message> =
            self.violations.iter().filter(|v| v.code.blocks_submission()).map(|v| v.message.clone()).collect();
        if blocking.is_empty() {
            Ok(())
        } else {
            Err(DomainError::SubmissionBlocked(crate::messages::Message::join(&blocking, "; ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommitmentKind::*;
    use CommitmentStatus::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    fn call(rate: &str, in_kind_counts: bool) -> Option<CallTerms> {
        Some(CallTerms { max_aid_rate: Rate::parse(rate).unwrap(), in_kind_counts })
    }

    fn pledge(amount: &str, kind: CommitmentKind, status: CommitmentStatus) -> CommitmentFigure {
        CommitmentFigure { amount: m(amount), kind, status }
    }

    fn codes(split: &FundingSplit) -> Vec<ViolationCode> {
        split.violations.iter().map(|v| v.code).collect()
    }

    #[test]
    fn kansa_koulu_iii_is_fully_state_funded_and_compliant() {
        let split = FundingSplit::compute(call("100", false), m("700000"), m("700000"), &[]).unwrap();
        assert_eq!(split.self_funding_required, Money::ZERO);
        assert_eq!(split.state_aid_rate.to_string(), "100.00");
        assert!(split.compliant(), "{:?}", split.violations);
    }

    #[test]
    fn an_80_percent_call_accepts_state_aid_of_exactly_80_percent() {
        let split = FundingSplit::compute(
            call("80", false),
            m("500000.00"),
            m("400000.00"),
            &[pledge("100000.00", Cash, Approved)],
        )
        .unwrap();
        assert!(split.compliant(), "{:?}", split.violations);
        assert_eq!(split.max_state_aid, m("400000.00"));
    }

    #[test]
    fn an_80_percent_call_flags_state_aid_one_cent_above_80_percent_of_the_budget() {
        let split = FundingSplit::compute(
            call("80", false),
            m("500000.00"),
            m("400000.01"),
            &[pledge("99999.99", Cash, Approved)],
        )
        .unwrap();
        assert_eq!(codes(&split), [ViolationCode::AidRateExceeded]);
        assert_eq!(split.violations[0].amount, m("0.01"));
        assert!(split.check_submittable().is_err());
    }

    #[test]
    fn the_rate_is_rounded_down_so_an_odd_cent_stays_with_the_applicant() {
        // 80 % of 100.03 is 80.024: the funder pays at most 80.02.
        let split = FundingSplit::compute(call("80", false), m("100.03"), m("80.03"), &[]).unwrap();
        assert_eq!(split.max_state_aid, m("80.02"));
        assert!(split.has(ViolationCode::AidRateExceeded));
        assert_eq!(split.violations[0].amount, m("0.01"));
    }

    #[test]
    fn self_funding_one_cent_short_is_uncovered_by_one_cent() {
        let split = FundingSplit::compute(
            call("80", false),
            m("500000.00"),
            m("400000.00"),
            &[pledge("99999.99", Cash, Promised)],
        )
        .unwrap();
        assert_eq!(codes(&split), [ViolationCode::SelfFundingUncovered]);
        assert_eq!(split.self_funding_gap, m("0.01"));
        assert_eq!(split.violations[0].amount, m("0.01"));
        // An uncovered share does not stop submission: commitments may follow it.
        assert!(split.check_submittable().is_ok());
    }

    #[test]
    fn requests_and_declined_commitments_never_count() {
        let commitments =
            [pledge("50000", Cash, Requested), pledge("50000", Cash, Declined), pledge("30000", Cash, Approved)];
        let split = FundingSplit::compute(call("80", false), m("500000"), m("400000"), &commitments).unwrap();
        assert_eq!(split.self_funding_committed, m("30000"));
        assert_eq!(split.self_funding_gap, m("70000"));
    }

    #[test]
    fn in_kind_counts_only_where_the_call_allows_it() {
        let commitments = [pledge("60000", Cash, Approved), pledge("40000", InKind, Promised)];
        let strict = FundingSplit::compute(call("80", false), m("500000"), m("400000"), &commitments).unwrap();
        assert_eq!(strict.self_funding_committed, m("60000"));
        assert!(!strict.compliant());
        let lenient = FundingSplit::compute(call("80", true), m("500000"), m("400000"), &commitments).unwrap();
        assert_eq!(lenient.self_funding_committed, m("100000"));
        assert!(lenient.compliant());
    }

    #[test]
    fn over_commitment_leaves_no_negative_gap() {
        let split =
            FundingSplit::compute(call("80", false), m("100"), m("80"), &[pledge("50", Cash, Approved)]).unwrap();
        assert_eq!(split.self_funding_gap, Money::ZERO);
        assert!(split.compliant());
    }

    #[test]
    fn without_a_call_or_a_budget_the_split_says_so() {
        let split = FundingSplit::compute(None, Money::ZERO, Money::ZERO, &[]).unwrap();
        assert_eq!(codes(&split), [ViolationCode::NoCall, ViolationCode::NoBudget]);
        assert_eq!(split.max_aid_rate, Rate::ZERO);
        assert_eq!(split.state_aid_rate.to_string(), "0.00");
        let err = split.check_submittable().unwrap_err().to_string();
        assert!(err.contains("no grant call") && err.contains("no budget"), "{err}");
    }

    #[test]
    fn a_request_above_the_total_makes_the_required_share_negative_and_breaks_the_rate() {
        let split = FundingSplit::compute(call("100", false), m("1000"), m("1200"), &[]).unwrap();
        assert_eq!(split.self_funding_required, m("-200"));
        assert_eq!(split.self_funding_gap, Money::ZERO);
        assert_eq!(codes(&split), [ViolationCode::AidRateExceeded]);
        assert_eq!(split.violations[0].amount, m("200"));
        assert_eq!(split.state_aid_rate.to_string(), "120.00");
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        fn commitment() -> impl Strategy<Value = CommitmentFigure> {
            (0_i64..50_000_000, prop::bool::ANY, 0_usize..4).prop_map(|(cents, cash, status)| CommitmentFigure {
                amount: Money::from_cents(cents).unwrap(),
                kind: if cash { Cash } else { InKind },
                status: [Requested, Promised, Approved, Declined][status],
            })
        }

        proptest! {
            #[test]
            fn the_split_figures_add_up(
                total in 0_i64..10_000_000_000,
                aid in 0_i64..12_000_000_000,
                bp in 0_i64..=10_000,
                in_kind in prop::bool::ANY,
                with_call in prop::bool::ANY,
                pledges in prop::collection::vec(commitment(), 0..12),
            ) {
                let call = with_call.then(|| CallTerms { max_aid_rate: Rate::from_basis_points(bp).unwrap(), in_kind_counts: in_kind });
                let (total, aid) = (Money::from_cents(total).unwrap(), Money::from_cents(aid).unwrap());
                let split = FundingSplit::compute(call, total, aid, &pledges).unwrap();
                // State aid and the required share make up the total, to the cent.
                prop_assert_eq!(split.state_aid.checked_add(split.self_funding_required).unwrap(), split.total_cost);
                // The gap is what the commitments leave uncovered, never negative.
                let expected_gap = split.self_funding_required.checked_sub(split.self_funding_committed).unwrap().at_least_zero();
                prop_assert_eq!(split.self_funding_gap, expected_gap);
                // Only pledges count, in kind only where allowed.
                let counted = Money::sum(pledges.iter().filter(|c| c.status.is_pledged() && (c.kind == Cash || (with_call && in_kind))).map(|c| c.amount)).unwrap();
                prop_assert_eq!(split.self_funding_committed, counted);
                // The funder never pays above its rate: the cap is rate × total rounded down.
                prop_assert!(i128::from(split.max_state_aid.cents()) * 10_000 <= i128::from(total.cents()) * i128::from(split.max_aid_rate.basis_points()));
                prop_assert!((i128::from(split.max_state_aid.cents()) + 1) * 10_000 > i128::from(total.cents()) * i128::from(split.max_aid_rate.basis_points()));
                // Compliant exactly when no rule is broken, and a broken rule names a positive amount.
                prop_assert_eq!(split.compliant(), split.violations.is_empty());
                prop_assert_eq!(split.has(ViolationCode::AidRateExceeded), with_call && aid > split.max_state_aid);
                for v in &split.violations {
                    if matches!(v.code, ViolationCode::AidRateExceeded | ViolationCode::SelfFundingUncovered) {
                        prop_assert!(!v.amount.is_negative() && !v.amount.is_zero());
                    }
                }
            }
        }
    }
}
