//! A municipality's exposure: what it has committed to across every project, by status and kind,
//! per inhabitant where its population is known.

use rust_decimal::{Decimal, RoundingStrategy};

use crate::{CommitmentKind, CommitmentStatus, DomainError, Money};

/// One commitment as the exposure counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pledge {
    pub status: CommitmentStatus,
    pub kind: CommitmentKind,
    pub amount: Money,
}

/// The committed amounts of one status and kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bucket {
    pub status: CommitmentStatus,
    pub kind: CommitmentKind,
    pub amount: Money,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exposure {
    /// By status, then kind, in the code lists' order; only those that hold a commitment.
    pub buckets: Vec<Bucket>,
    /// What it has pledged: promised and approved, cash and in kind.
    pub pledged: Money,
    /// What it has been asked for and not yet decided.
    pub requested: Money,
    pub pledged_per_inhabitant: Option<Money>,
    pub requested_per_inhabitant: Option<Money>,
}

/// An amount per inhabitant, to the cent (half a cent up).
pub fn per_inhabitant(amount: Money, population: Option<i64>) -> Option<Money> {
    let people = population.filter(|p| *p > 0)?;
    let share =
        (amount.to_decimal() / Decimal::from(people)).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    Money::from_decimal(share).ok()
}

/// Sums `pledges` by status and kind.
pub fn summarise(pledges: &[Pledge], population: Option<i64>) -> Result<Exposure, DomainError> {
    let mut buckets = Vec::new();
    for status in CommitmentStatus::all() {
        for kind in CommitmentKind::all() {
            let matching: Vec<Money> =
                pledges.iter().filter(|p| p.status == status && p.kind == kind).map(|p| p.amount).collect();
            if !matching.is_empty() {
                buckets.push(Bucket {
                    status,
                    kind,
                    amount: Money::sum(matching.iter().copied())?,
                    count: matching.len(),
                });
            }
        }
    }
    let pledged = Money::sum(pledges.iter().filter(|p| p.status.is_pledged()).map(|p| p.amount))?;
    let requested = Money::sum(pledges.iter().filter(|p| p.status == CommitmentStatus::Requested).map(|p| p.amount))?;
    Ok(Exposure {
        buckets,
        pledged,
        requested,
        pledged_per_inhabitant: per_inhabitant(pledged, population),
        requested_per_inhabitant: per_inhabitant(requested, population),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use CommitmentKind::*;
    use CommitmentStatus::*;

    fn m(s: &str) -> Money {
        Money::parse(s).unwrap()
    }

    #[test]
    fn seinajoki_has_pledged_forty_thousand_and_is_asked_for_forty_five() {
        let pledges = [
            Pledge { status: Promised, kind: Cash, amount: m("0.00") },
            Pledge { status: Approved, kind: Cash, amount: m("40000.00") },
            Pledge { status: Requested, kind: Cash, amount: m("45000.00") },
            Pledge { status: Declined, kind: InKind, amount: m("5000.00") },
        ];
        let exposure = summarise(&pledges, Some(64_000)).unwrap();
        assert_eq!((exposure.pledged, exposure.requested), (m("40000.00"), m("45000.00")));
        assert_eq!(exposure.pledged_per_inhabitant, Some(m("0.63")), "0.625 rounds half up");
        assert_eq!(exposure.requested_per_inhabitant, Some(m("0.70")));
        let statuses: Vec<_> = exposure.buckets.iter().map(|b| (b.status, b.kind, b.count)).collect();
        assert_eq!(statuses, [(Requested, Cash, 1), (Promised, Cash, 1), (Approved, Cash, 1), (Declined, InKind, 1)]);
        assert_eq!(summarise(&pledges, None).unwrap().pledged_per_inhabitant, None);
    }
}
