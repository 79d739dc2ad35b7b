//! The life of an application, as a state machine that refuses illegal moves:
//!
//! ```text
//! IDEA → IN_PREPARATION → SUBMITTED → GRANTED → ACTIVE → CLOSED
//!   ↓          ↓              ↓  ↘
//! WITHDRAWN  WITHDRAWN   WITHDRAWN  REJECTED
//! ```
//!
//! `domain.md` names the dropping of an idea and the withdrawal of a submitted application; we
//! also let a preparation be abandoned (IN_PREPARATION → WITHDRAWN), since a plan that never gets
//! submitted must be closable too. A decision (GRANTED, REJECTED) and the end states are final.

use crate::DomainError;
use crate::codes::code_list;

code_list!(
    /// Where an application stands in its life.
    ApplicationStatus { Idea, InPreparation, Submitted, Granted, Rejected, Withdrawn, Active, Closed }
);

impl ApplicationStatus {
    /// The statuses this one may move to.
    pub fn next(self) -> &'static [ApplicationStatus] {
        use ApplicationStatus::*;
        match self {
            Idea => &[InPreparation, Withdrawn],
            InPreparation => &[Submitted, Withdrawn],
            Submitted => &[Granted, Rejected, Withdrawn],
            Granted => &[Active],
            Active => &[Closed],
            Rejected | Withdrawn | Closed => &[],
        }
    }

    pub fn can_move_to(self, to: ApplicationStatus) -> bool {
        self.next().contains(&to)
    }

    /// The move, or why it is illegal.
    pub fn move_to(self, to: ApplicationStatus) -> Result<ApplicationStatus, DomainError> {
        if self.can_move_to(to) {
            return Ok(to);
        }
        let allowed = match self.next() {
            [] => "nowhere: it is final".to_owned(),
            next => next.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(" or "),
        };
        Err(DomainError::IllegalTransition { from: self, to, allowed })
    }

    /// Final statuses: no further move is possible.
    pub fn is_final(self) -> bool {
        self.next().is_empty()
    }

    /// Statuses whose deadlines still call for action.
    pub fn is_open(self) -> bool {
        !self.is_final()
    }
}

#[cfg(test)]
mod tests {
    use super::ApplicationStatus::*;
    use super::*;

    #[test]
    fn the_documented_path_from_idea_to_closing_is_legal() {
        let path = [Idea, InPreparation, Submitted, Granted, Active, Closed];
        for pair in path.windows(2) {
            assert_eq!(pair[0].move_to(pair[1]), Ok(pair[1]), "{} → {}", pair[0], pair[1]);
        }
    }

    #[test]
    fn a_submitted_application_is_granted_rejected_or_withdrawn() {
        for to in [Granted, Rejected, Withdrawn] {
            assert!(Submitted.can_move_to(to));
        }
    }

    #[test]
    fn an_idea_can_be_dropped() {
        assert_eq!(Idea.move_to(Withdrawn), Ok(Withdrawn));
    }

    #[test]
    fn illegal_moves_are_refused_with_the_legal_ones_named() {
        let err = Idea.move_to(Granted).unwrap_err();
        assert_eq!(
            err.to_string(),
            "an application cannot move from IDEA to GRANTED; from IDEA it can move to IN_PREPARATION or WITHDRAWN"
        );
        assert!(Closed.move_to(Active).unwrap_err().to_string().contains("nowhere: it is final"));
    }

    #[test]
    fn exactly_the_drawn_moves_are_legal() {
        let legal: Vec<(ApplicationStatus, ApplicationStatus)> = ApplicationStatus::all()
            .flat_map(|from| ApplicationStatus::all().map(move |to| (from, to)))
            .filter(|(from, to)| from.can_move_to(*to))
            .collect();
        assert_eq!(
            legal,
            [
                (Idea, InPreparation),
                (Idea, Withdrawn),
                (InPreparation, Submitted),
                (InPreparation, Withdrawn),
                (Submitted, Granted),
                (Submitted, Rejected),
                (Submitted, Withdrawn),
                (Granted, Active),
                (Active, Closed),
            ]
        );
    }

    #[test]
    fn no_status_moves_to_itself_or_back_to_an_idea() {
        for s in ApplicationStatus::all() {
            assert!(!s.can_move_to(s), "{s}");
            assert!(!s.can_move_to(Idea), "{s}");
        }
    }

    #[test]
    fn rejected_withdrawn_and_closed_are_final() {
        let finals: Vec<_> = ApplicationStatus::all().filter(|s| s.is_final()).collect();
        assert_eq!(finals, [Rejected, Withdrawn, Closed]);
    }
}
