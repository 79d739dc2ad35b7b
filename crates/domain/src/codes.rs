//! The closed vocabularies of the domain. Each value has one stable code ("MUNICIPALITY") used in
//! storage and on the wire; labels in people's languages are a presentation matter.

/// Derives the shared behaviour of a code list: `Display`/`FromStr` with the SCREAMING_SNAKE_CASE
/// code, `as_str`, and iteration over every value.
macro_rules! code_list {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            ::strum::Display, ::strum::EnumString, ::strum::IntoStaticStr, ::strum::EnumIter,
            ::serde::Serialize, ::serde::Deserialize,
        )]
        #[strum(serialize_all = "SCREAMING_SNAKE_CASE")]
        #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// The stable code, as stored and sent on the wire.
            pub fn as_str(self) -> &'static str {
                self.into()
            }

            /// Reads a stored or wire code.
            pub fn parse(code: &str) -> Result<Self, crate::DomainError> {
                code.parse().map_err(|_| {
                    let list = stringify!($name);
                    crate::DomainError::InvalidCode(crate::message!(
                        fi: "{code:?} ei ole tunnettu {list}-arvo",
                        sv: "{code:?} är inget känt {list}-värde",
                        en: "{code:?} is not a known {list}",
                    ))
                })
            }

            pub fn all() -> impl Iterator<Item = Self> {
                <Self as strum::IntoEnumIterator>::iter()
            }
        }
    };
}
pub(crate) use code_list;

code_list!(
    /// What kind of body an organisation is: who pays, who commits, who implements.
    OrganizationKind {
        Ministry, Agency, EuFund, RegionalCouncil, Municipality, JointMunicipalAuthority,
        HospitalDistrict, WellbeingServicesCounty, University, CompetenceCentre, Company, Ngo, Other,
    }
);

code_list!(
    /// An organisation's part in an application: applicant (päähakija), co-implementer
    /// (osatoteuttaja), funder or other partner.
    ParticipationRole { Lead, CoImplementer, Funder, Partner }
);

code_list!(
    /// Eligible cost categories of a budget line.
    CostCategory { Personnel, Travel, PurchasedServices, Materials, Premises, Overhead, Other }
);

code_list!(
    /// Cash ("riihikuiva raha") or work and premises in kind.
    CommitmentKind { Cash, InKind }
);

code_list!(
    /// At what level a commitment was decided: an office holder, a board (lautakunta) or a council.
    CommitmentLevel { OfficeHolder, Board, Council }
);

code_list!(
    /// Where a commitment stands: asked for, promised, formally approved, or declined.
    CommitmentStatus { Requested, Promised, Approved, Declined }
);

impl CommitmentStatus {
    /// A request is not yet a pledge, and a declined commitment never counts.
    pub fn is_pledged(self) -> bool {
        matches!(self, CommitmentStatus::Promised | CommitmentStatus::Approved)
    }
}

code_list!(
    /// What falls due: a call closing, a commitment, a decision, a report, a project's end, or
    /// anything else a coordinator adds.
    DeadlineKind { CallCloses, CommitmentDue, DecisionExpected, ReportDue, ProjectEnds, Custom }
);

code_list!(
    /// What a signed-in user may do: coordinators change their own organisation's applications,
    /// finance staff budgets and money, ministry users read, admins everything.
    Role { Coordinator, Finance, Ministry, Admin }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_screaming_snake_case_both_ways() {
        assert_eq!(OrganizationKind::JointMunicipalAuthority.as_str(), "JOINT_MUNICIPAL_AUTHORITY");
        assert_eq!(OrganizationKind::parse("EU_FUND"), Ok(OrganizationKind::EuFund));
        assert_eq!(ParticipationRole::CoImplementer.to_string(), "CO_IMPLEMENTER");
        assert!(CostCategory::parse("personnel").is_err());
        assert_eq!(OrganizationKind::all().count(), 13);
    }

    #[test]
    fn only_promised_and_approved_commitments_are_pledges() {
        let pledged: Vec<_> = CommitmentStatus::all().filter(|s| s.is_pledged()).collect();
        assert_eq!(pledged, [CommitmentStatus::Promised, CommitmentStatus::Approved]);
    }
}
