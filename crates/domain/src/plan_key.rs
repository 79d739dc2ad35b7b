//! The key of a part of a project plan ("TP1"): its name across the plan's versions, which the
//! budget's lines name their work package by.

use std::fmt;

use crate::DomainError;

/// A part's name within its plan: 1–20 letters, digits, '-', '_' or '.'.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PlanKey(String);

impl PlanKey {
    pub fn parse(input: &str) -> Result<PlanKey, DomainError> {
        let well_formed = (1..=20).contains(&input.len())
            && input.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if well_formed {
            return Ok(PlanKey(input.to_owned()));
        }
        let shown: String = input.chars().take(20).collect();
        Err(DomainError::InvalidCode(crate::message!(
            fi: "{shown:?} ei ole suunnitelman tunnus: 1–20 merkkiä kirjaimia, numeroita, '-', '_' tai '.', esim. \"TP1\"",
            sv: "{shown:?} är ingen nyckel i planen: 1–20 tecken bokstäver, siffror, '-', '_' eller '.', t.ex. \"TP1\"",
            en: "{shown:?} is not a key of the plan: 1 to 20 letters, digits, '-', '_' or '.', e.g. \"TP1\"",
        )))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PlanKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
