//! Deadlines as calendar events: how a deadline shows in a subscribed calendar (Outlook, Google),
//! and when it reminds.

use crate::deadline::Standing;
use crate::{ApplicationStatus, CommitmentStatus, DomainError};

/// Most days before a deadline that a reminder may come.
pub const MAX_REMINDER_DAYS: u8 = 60;
/// Reminder lead time when a feed does not say.
pub const DEFAULT_REMINDER_DAYS: u8 = 7;

/// How many days before a deadline its reminder comes: 0 (at the deadline itself) to 60.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ReminderDays(u8);

impl ReminderDays {
    pub fn new(days: i64) -> Result<Self, DomainError> {
        u8::try_from(days).ok().filter(|d| *d <= MAX_REMINDER_DAYS).map(ReminderDays).ok_or_else(|| {
            DomainError::InvalidCode(crate::message!(
                fi: "reminderDays on 0–{MAX_REMINDER_DAYS} (annettu {days})",
                sv: "reminderDays är 0–{MAX_REMINDER_DAYS} (angivet {days})",
                en: "reminderDays is from 0 to {MAX_REMINDER_DAYS} (got {days})",
            ))
        })
    }

    pub fn days(self) -> u8 {
        self.0
    }
}

impl Default for ReminderDays {
    fn default() -> Self {
        ReminderDays(DEFAULT_REMINDER_DAYS)
    }
}

/// An event's STATUS in RFC 5545 terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventStatus {
    /// The date may still move (a decision "expected in June").
    Tentative,
    Confirmed,
    /// What the deadline asked for will not happen: the application was rejected or withdrawn,
    /// or the municipality declined its commitment.
    Cancelled,
}

/// A deadline as an event: its status, and whether it reminds (only while it still calls for
/// action — a commitment already given or an application already closed needs no reminder).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Event {
    pub status: EventStatus,
    pub reminds: bool,
}

pub fn event(tentative: bool, standing: Standing) -> Event {
    let called_off = matches!(standing.application, Some(ApplicationStatus::Rejected | ApplicationStatus::Withdrawn))
        || standing.commitment == Some(CommitmentStatus::Declined);
    let status = if called_off {
        EventStatus::Cancelled
    } else if tentative {
        EventStatus::Tentative
    } else {
        EventStatus::Confirmed
    };
    Event { status, reminds: !called_off && standing.is_relevant() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_come_zero_to_sixty_days_ahead() {
        assert_eq!(ReminderDays::new(0).map(ReminderDays::days), Ok(0));
        assert_eq!(ReminderDays::new(60).map(ReminderDays::days), Ok(60));
        assert!(ReminderDays::new(61).is_err());
        assert!(ReminderDays::new(-1).is_err());
        assert_eq!(ReminderDays::default().days(), 7);
    }

    #[test]
    fn an_expected_decision_is_tentative_and_reminds() {
        let e =
            event(true, Standing { application: Some(ApplicationStatus::Submitted), commitment: None, report: None });
        assert_eq!(e, Event { status: EventStatus::Tentative, reminds: true });
    }

    #[test]
    fn a_declined_commitment_cancels_its_due_date() {
        let e = event(
            false,
            Standing {
                application: Some(ApplicationStatus::InPreparation),
                commitment: Some(CommitmentStatus::Declined),
                report: None,
            },
        );
        assert_eq!(e, Event { status: EventStatus::Cancelled, reminds: false });
    }

    #[test]
    fn a_promised_commitment_stays_in_the_calendar_without_a_reminder() {
        let e = event(
            false,
            Standing {
                application: Some(ApplicationStatus::InPreparation),
                commitment: Some(CommitmentStatus::Promised),
                report: None,
            },
        );
        assert_eq!(e, Event { status: EventStatus::Confirmed, reminds: false });
    }

    #[test]
    fn a_withdrawn_application_cancels_its_deadlines() {
        let e =
            event(true, Standing { application: Some(ApplicationStatus::Withdrawn), commitment: None, report: None });
        assert_eq!(e.status, EventStatus::Cancelled);
        assert!(!e.reminds);
    }

    #[test]
    fn a_call_closing_is_a_confirmed_reminding_event() {
        assert_eq!(
            event(false, Standing { application: None, commitment: None, report: None }),
            Event { status: EventStatus::Confirmed, reminds: true }
        );
    }
}
