//! Typed identifiers and the opaque, globally unique IDs the API shows.
//!
//! Inside, every object has a positive integer key in its own table, wrapped in a type of its own
//! so an application's key can never be passed where an organisation's is meant. Outside, an ID is
//! the URL-safe base64 of `Kind:key`: opaque to clients, unique across all kinds, and enough for
//! `node(id:)` to know where to look.

use std::fmt;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::DomainError;

/// Every kind of object that has a global ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NodeKind {
    Organization,
    FundingProgramme,
    GrantCall,
    Application,
    BudgetLine,
    Commitment,
    StateAidAllocation,
    Payment,
    Deadline,
    CalendarFeed,
    BudgetVersion,
    ChangeRequest,
    Decision,
    Document,
    ReportObligation,
    Instalment,
    Repayment,
    Objective,
    WorkPackage,
    Indicator,
}

impl NodeKind {
    const ALL: [NodeKind; 20] = [
        NodeKind::Organization,
        NodeKind::FundingProgramme,
        NodeKind::GrantCall,
        NodeKind::Application,
        NodeKind::BudgetLine,
        NodeKind::Commitment,
        NodeKind::StateAidAllocation,
        NodeKind::Payment,
        NodeKind::Deadline,
        NodeKind::CalendarFeed,
        NodeKind::BudgetVersion,
        NodeKind::ChangeRequest,
        NodeKind::Decision,
        NodeKind::Document,
        NodeKind::ReportObligation,
        NodeKind::Instalment,
        NodeKind::Repayment,
        NodeKind::Objective,
        NodeKind::WorkPackage,
        NodeKind::Indicator,
    ];

    pub fn name(self) -> &'static str {
        match self {
            NodeKind::Organization => "Organization",
            NodeKind::FundingProgramme => "FundingProgramme",
            NodeKind::GrantCall => "GrantCall",
            NodeKind::Application => "Application",
            NodeKind::BudgetLine => "BudgetLine",
            NodeKind::Commitment => "Commitment",
            NodeKind::StateAidAllocation => "StateAidAllocation",
            NodeKind::Payment => "Payment",
            NodeKind::Deadline => "Deadline",
            NodeKind::CalendarFeed => "CalendarFeed",
            NodeKind::BudgetVersion => "BudgetVersion",
            NodeKind::ChangeRequest => "ChangeRequest",
            NodeKind::Decision => "Decision",
            NodeKind::Document => "Document",
            NodeKind::ReportObligation => "ReportObligation",
            NodeKind::Instalment => "Instalment",
            NodeKind::Repayment => "Repayment",
            NodeKind::Objective => "Objective",
            NodeKind::WorkPackage => "WorkPackage",
            NodeKind::Indicator => "Indicator",
        }
    }
}

impl fmt::Display for NodeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A decoded global ID: which kind of object, and its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GlobalId {
    pub kind: NodeKind,
    pub key: i64,
}

impl GlobalId {
    pub fn encode(kind: NodeKind, key: i64) -> String {
        // Written into a buffer of its own rather than through `format!`, which cost more than
        // the encoding: a list shows a hundred IDs. The longest kind and key take 38 bytes.
        let mut plain = [0u8; 48];
        let mut digits = itoa::Buffer::new();
        let parts = [kind.name().as_bytes(), b":", digits.format(key).as_bytes()];
        let mut at = 0;
        for part in parts {
            plain[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        URL_SAFE_NO_PAD.encode(&plain[..at])
    }

    pub fn decode(id: &str) -> Result<GlobalId, DomainError> {
        let shown = truncate(id);
        let invalid = || {
            DomainError::InvalidId(crate::message!(
                fi: "{shown:?} ei ole tämän palvelun antama tunniste",
                sv: "{shown:?} är inget ID som den här tjänsten har gett",
                en: "{shown:?} is not an ID issued by this service",
            ))
        };
        if id.is_empty() || id.len() > 64 {
            return Err(invalid());
        }
        let raw = URL_SAFE_NO_PAD.decode(id).map_err(|_| invalid())?;
        let text = std::str::from_utf8(&raw).map_err(|_| invalid())?;
        let (name, key) = text.split_once(':').ok_or_else(invalid)?;
        let kind = NodeKind::ALL.into_iter().find(|k| k.name() == name).ok_or_else(invalid)?;
        // Only the canonical decimal form, so each object has exactly one ID.
        let key: i64 = key.parse().map_err(|_| invalid())?;
        if key <= 0 || key.to_string().len() != text.len() - name.len() - 1 {
            return Err(invalid());
        }
        Ok(GlobalId { kind, key })
    }

    /// Decodes an ID that must be of one kind.
    pub fn decode_as(id: &str, kind: NodeKind) -> Result<i64, DomainError> {
        let global = Self::decode(id)?;
        if global.kind != kind {
            let (shown, found) = (truncate(id), global.kind);
            return Err(DomainError::InvalidId(crate::message!(
                fi: "{shown:?} on tyypin {found} tunniste, ei tyypin {kind}",
                sv: "{shown:?} är ID för en {found}, inte för en {kind}",
                en: "{shown:?} is the ID of a {found}, not of a {kind}",
            )));
        }
        Ok(global.key)
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(64).collect()
}

/// Declares a typed key for one kind of object.
macro_rules! typed_id {
    ($($name:ident => $kind:ident),+ $(,)?) => {$(
        #[doc = concat!("The key of a ", stringify!($kind), ".")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            pub const KIND: NodeKind = NodeKind::$kind;

            /// The opaque global ID shown in the API.
            pub fn global(self) -> String {
                GlobalId::encode(NodeKind::$kind, self.0)
            }

            /// Reads a global ID that must name this kind of object.
            pub fn from_global(id: &str) -> Result<Self, DomainError> {
                GlobalId::decode_as(id, NodeKind::$kind).map($name)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.global())
            }
        }
    )+};
}

typed_id!(
    OrganizationId => Organization,
    ProgrammeId => FundingProgramme,
    GrantCallId => GrantCall,
    ApplicationId => Application,
    BudgetLineId => BudgetLine,
    CommitmentId => Commitment,
    AllocationId => StateAidAllocation,
    PaymentId => Payment,
    DeadlineId => Deadline,
    CalendarFeedId => CalendarFeed,
    BudgetVersionId => BudgetVersion,
    ChangeRequestId => ChangeRequest,
    DecisionId => Decision,
    DocumentId => Document,
    ReportId => ReportObligation,
    InstalmentId => Instalment,
    RepaymentId => Repayment,
    ObjectiveId => Objective,
    WorkPackageId => WorkPackage,
    IndicatorId => Indicator,
);

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_id_names_its_kind() {
        let id = ApplicationId(42).global();
        assert_eq!(GlobalId::decode(&id), Ok(GlobalId { kind: NodeKind::Application, key: 42 }));
        assert_eq!(ApplicationId::from_global(&id), Ok(ApplicationId(42)));
    }

    #[test]
    fn an_id_is_the_url_safe_base64_of_kind_and_key() {
        assert_eq!(ApplicationId(42).global(), "QXBwbGljYXRpb246NDI");
        for kind in NodeKind::ALL {
            for key in [1, 42, i64::MAX, i64::MIN] {
                let written = URL_SAFE_NO_PAD.encode(format!("{}:{key}", kind.name()));
                assert_eq!(GlobalId::encode(kind, key), written, "{kind} {key}");
            }
        }
    }

    #[test]
    fn an_id_of_another_kind_is_refused() {
        let org = OrganizationId(42).global();
        let err = ApplicationId::from_global(&org).unwrap_err();
        assert!(err.to_string().contains("ID of a Organization, not of a Application"), "{err}");
    }

    #[test]
    fn ids_not_issued_here_are_refused() {
        let forged = |s: &str| URL_SAFE_NO_PAD.encode(s);
        for bad in [
            String::new(),
            "42".into(),
            "!!!".into(),
            forged("Application"),
            forged("Application:"),
            forged("Application:0"),
            forged("Application:-1"),
            forged("Application:042"),
            forged("Application:+42"),
            forged("Nothing:1"),
            forged("Application:99999999999999999999"),
            "A".repeat(65),
        ] {
            assert!(GlobalId::decode(&bad).is_err(), "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn every_key_round_trips(key in 1..i64::MAX) {
            prop_assert_eq!(CommitmentId::from_global(&CommitmentId(key).global()), Ok(CommitmentId(key)));
        }

        #[test]
        fn decoding_arbitrary_text_never_panics(text in ".{0,80}") {
            let _ = GlobalId::decode(&text);
        }
    }
}
