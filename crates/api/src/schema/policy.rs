//! Who may change what: the one place where roles and organisations meet mutations.
//!
//! - `ministry` reads everything and changes nothing;
//! - `coordinator` creates and changes applications, their participants, deadlines and
//!   commitments — only of applications its organisation leads or co-implements;
//! - `finance` does what a coordinator does for every organisation, plus budgets, allocations and
//!   payments;
//! - `admin` does everything, including organisations, programmes and calls.

use salkku_domain::ids::{ApplicationId, OrganizationId};
use salkku_domain::{ParticipationRole, Role};
use salkku_persistence::applications::NewParticipant;
use salkku_persistence::{Db, applications};

use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};

/// What a mutation is about to do.
#[derive(Debug, Clone, Copy)]
pub enum Action<'a> {
    /// Organisations, programmes and calls: the reference data.
    ManageReferenceData,
    CreateApplication {
        lead: OrganizationId,
        participants: &'a [NewParticipant],
    },
    /// Change an application, its commitments or its deadlines.
    ChangeApplication(ApplicationId),
    /// A deadline tied to no application.
    AddFreeDeadline,
    /// Budgets, allocations, payments.
    ManageMoney,
    /// Reading the audit log: admins and finance staff.
    ReadAuditLog,
    /// Creating and revoking one's own calendar feeds: everyone signed in, ministries included
    /// (a feed reads deadlines; it changes nothing in the portfolio).
    SubscribeCalendar,
}

fn forbidden(message: &str) -> ApiError {
    ApiError::forbidden(message)
}

/// Allows the action or answers FORBIDDEN.
pub async fn authorize(db: &Db, viewer: &Viewer, action: Action<'_>) -> ApiResult<()> {
    if matches!(action, Action::SubscribeCalendar) {
        return Ok(());
    }
    match viewer.role {
        Role::Admin => Ok(()),
        Role::Ministry => Err(forbidden(match action {
            Action::ReadAuditLog => "the audit log is for admins and finance staff",
            _ => "ministry users read the portfolio; they cannot change it",
        })),
        Role::Finance => match action {
            Action::ManageReferenceData => Err(forbidden("only admins manage organisations, programmes and calls")),
            _ => Ok(()),
        },
        Role::Coordinator => {
            let own = viewer.organization;
            match action {
                Action::ManageReferenceData => Err(forbidden("only admins manage organisations, programmes and calls")),
                Action::ManageMoney => Err(forbidden("budgets, allocations and payments are for finance staff")),
                Action::ReadAuditLog => Err(forbidden("the audit log is for admins and finance staff")),
                Action::SubscribeCalendar => Ok(()),
                Action::AddFreeDeadline => {
                    Err(forbidden("coordinators add deadlines to their organisation's applications"))
                }
                Action::CreateApplication { lead, participants } => {
                    let involved = Some(lead) == own
                        || participants
                            .iter()
                            .any(|p| p.role == ParticipationRole::CoImplementer && Some(p.organization) == own);
                    if involved {
                        Ok(())
                    } else {
                        Err(forbidden(
                            "coordinators create applications that their organisation leads or co-implements",
                        ))
                    }
                }
                Action::ChangeApplication(id) => {
                    let Some(own) = own else {
                        return Err(forbidden("this coordinator's token names no organisation"));
                    };
                    let app = applications::get(db.conn(), id)
                        .await?
                        .ok_or_else(|| ApiError::not_found("no Application with that ID exists"))?;
                    let co_implements = applications::participants_of(db.conn(), &[id])
                        .await?
                        .iter()
                        .any(|p| p.role == ParticipationRole::CoImplementer && p.organization == own);
                    if app.lead == own || co_implements {
                        Ok(())
                    } else {
                        Err(forbidden(
                            "coordinators change only applications their organisation leads or co-implements",
                        ))
                    }
                }
            }
        }
    }
}
