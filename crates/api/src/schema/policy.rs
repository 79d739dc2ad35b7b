//! Who may change what: the one place where roles and organisations meet mutations.
//!
//! - `ministry` reads everything and changes nothing;
//! - `coordinator` creates and changes applications, their participants, deadlines and
//!   commitments — only of applications its organisation leads or co-implements;
//! - `finance` does what a coordinator does for every organisation, plus budgets, allocations and
//!   payments;
//! - decisions on record: coordinators their own organisation's, finance staff and admins any;
//! - `admin` does everything, including organisations, programmes and calls.
//!
//! The policy decides from the token and the action alone; it reads nothing. Only a coordinator's
//! answer depends on what a change is about: for a change of a project's (its application,
//! pledges, deadlines, plan, reports, change requests, instalments, documents) and for a document
//! of a decision, it limits the change to the coordinator's organisation (`Change::limited_to`),
//! and the command's own read checks that the organisation leads or co-implements the project, or
//! made the decision, before anything else (FORBIDDEN otherwise, and nothing changes). So a
//! coordinator's change takes no more round trips than an admin's, and a missing object is the
//! same error for every role.

use salkku_domain::ids::OrganizationId;
use salkku_domain::messages::Message;
use salkku_domain::{ParticipationRole, Role, message};
use salkku_persistence::commands::applications::NewParticipant;

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
    /// Change a project or something of its own (its pledges, deadlines, plan, reports, change
    /// requests, instalments): a coordinator's change is limited to their organisation's
    /// projects, which the command checks as it reads the project.
    ChangeProject,
    /// Attach a document to its owner: as changing the owner's project, or for a decision, as
    /// recording it (a coordinator's: of their own organisation, which the command checks).
    AttachTo,
    /// A deadline tied to no application.
    AddFreeDeadline,
    /// Budgets, allocations, payments.
    ManageMoney,
    /// Reading the audit log: admins and finance staff.
    ReadAuditLog,
    /// Reading an organisation's exposure: coordinators their own organisation's, everyone else
    /// any (ministries included: it is a read).
    ReadExposure(OrganizationId),
    /// Putting on record a decision of an organisation (and attaching its documents).
    RecordDecision(OrganizationId),
    /// Creating and revoking one's own calendar feeds, and setting one's own reminders by email:
    /// everyone signed in, ministries included (they read deadlines; they change nothing in the
    /// portfolio).
    SubscribeCalendar,
    /// Reading the reminders' outbox: admins, who run the service.
    ReadOutbox,
}

fn outbox_is_for_admins() -> ApiError {
    forbidden(message!(
        fi: "muistutusten lähtevää postia lukevat vain pääkäyttäjät",
        sv: "påminnelsernas utkorg är för administratörer",
        en: "the reminders' outbox is for admins",
    ))
}

fn forbidden(message: Message) -> ApiError {
    ApiError::forbidden(message)
}

fn audit_log_is_not_yours() -> ApiError {
    forbidden(message!(
        fi: "tarkastuslokia lukevat vain pääkäyttäjät ja taloushallinto",
        sv: "granskningsloggen är för administratörer och ekonomipersonal",
        en: "the audit log is for admins and finance staff",
    ))
}

fn reference_data_is_for_admins() -> ApiError {
    forbidden(message!(
        fi: "vain pääkäyttäjät hallitsevat organisaatioita, ohjelmia ja hakuja",
        sv: "bara administratörer hanterar organisationer, program och utlysningar",
        en: "only admins manage organisations, programmes and calls",
    ))
}

/// Allows the action or answers FORBIDDEN. Allowed, the organisation the change is limited to,
/// for the command to check as it reads (a coordinator's change of a project, or document of a
/// decision); `None` when the role is not limited so.
pub fn authorize(viewer: &Viewer, action: Action<'_>) -> ApiResult<Option<OrganizationId>> {
    if matches!(action, Action::SubscribeCalendar) {
        return Ok(None);
    }
    if let Action::ReadExposure(organization) = action {
        return match viewer.role {
            Role::Coordinator if viewer.organization != Some(organization) => Err(forbidden(message!(
                fi: "koordinaattorit näkevät vain oman organisaationsa sitoumukset",
                sv: "koordinatorer ser bara sin egen organisations åtaganden",
                en: "coordinators see only their own organisation's commitments",
            ))),
            _ => Ok(None),
        };
    }
    if matches!(action, Action::ReadOutbox) && viewer.role != Role::Admin {
        return Err(outbox_is_for_admins());
    }
    match viewer.role {
        Role::Admin => Ok(None),
        Role::Ministry => Err(match action {
            Action::ReadAuditLog => audit_log_is_not_yours(),
            _ => forbidden(message!(
                fi: "ministeriön käyttäjät lukevat salkkua; he eivät voi muuttaa sitä",
                sv: "ministeriets användare läser portföljen; de kan inte ändra den",
                en: "ministry users read the portfolio; they cannot change it",
            )),
        }),
        Role::Finance => match action {
            Action::ManageReferenceData => Err(reference_data_is_for_admins()),
            _ => Ok(None),
        },
        Role::Coordinator => {
            let own = viewer.organization;
            match action {
                Action::ManageReferenceData => Err(reference_data_is_for_admins()),
                Action::ManageMoney => Err(money_is_for_finance()),
                Action::ReadAuditLog => Err(audit_log_is_not_yours()),
                Action::ReadOutbox => Err(outbox_is_for_admins()),
                Action::SubscribeCalendar | Action::ReadExposure(_) => Ok(None),
                Action::AddFreeDeadline => Err(forbidden(message!(
                    fi: "koordinaattorit lisäävät määräaikoja oman organisaationsa hakemuksiin",
                    sv: "koordinatorer lägger till tidsfrister för sin organisations ansökningar",
                    en: "coordinators add deadlines to their organisation's applications",
                ))),
                Action::CreateApplication { lead, participants } => {
                    let involved = Some(lead) == own
                        || participants
                            .iter()
                            .any(|p| p.role == ParticipationRole::CoImplementer && Some(p.organization) == own);
                    if involved {
                        Ok(None)
                    } else {
                        Err(forbidden(message!(
                            fi: "koordinaattorit luovat hakemuksia, joiden päähakija tai osatoteuttaja on heidän organisaationsa",
                            sv: "koordinatorer skapar ansökningar som deras organisation leder eller genomför tillsammans med andra",
                            en: "coordinators create applications that their organisation leads or co-implements",
                        )))
                    }
                }
                Action::RecordDecision(organization) => match own {
                    Some(own) => records_decisions_of(own, organization).map(|()| None),
                    None => Err(decisions_are_their_own()),
                },
                // Refused before anything is read without an organisation, so that such a token
                // cannot tell which keys exist.
                Action::ChangeProject => own.map(Some).ok_or_else(no_organisation),
                // The owner's project, or the decision's organisation, checked by the command.
                Action::AttachTo => own.map(Some).ok_or_else(no_organisation),
            }
        }
    }
}

fn money_is_for_finance() -> ApiError {
    forbidden(message!(
        fi: "talousarviot, myönnöt ja maksut kuuluvat taloushallinnolle",
        sv: "budgetar, tilldelningar och betalningar sköts av ekonomipersonalen",
        en: "budgets, allocations and payments are for finance staff",
    ))
}

fn no_organisation() -> ApiError {
    forbidden(message!(
        fi: "tämän koordinaattorin tunnisteessa ei ole organisaatiota",
        sv: "den här koordinatorns token anger ingen organisation",
        en: "this coordinator's token names no organisation",
    ))
}

fn decisions_are_their_own() -> ApiError {
    forbidden(message!(
        fi: "koordinaattorit kirjaavat vain oman organisaationsa päätöksiä",
        sv: "koordinatorer registrerar bara sin egen organisations beslut",
        en: "coordinators record only their own organisation's decisions",
    ))
}

/// Whether a coordinator of `own` may record (or attach to) a decision of `organization`: of
/// its own organisation only.
fn records_decisions_of(own: OrganizationId, organization: OrganizationId) -> ApiResult<()> {
    if own == organization { Ok(()) } else { Err(decisions_are_their_own()) }
}
