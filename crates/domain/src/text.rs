//! Free text entered by users: names, titles, references.

use crate::DomainError;

/// Longest name or title accepted.
pub const MAX_NAME: usize = 300;
/// Longest description accepted.
pub const MAX_DESCRIPTION: usize = 20_000;
/// Longest reference ("§ 7", a decision number) or URL accepted.
pub const MAX_REFERENCE: usize = 2_000;

/// Text that must say something: trimmed, not empty, at most `max` characters, no control
/// characters other than line breaks and tabs.
pub fn required(what: &str, value: &str, max: usize) -> Result<String, DomainError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(DomainError::InvalidText(crate::message!(
            fi: "{what} ei saa olla tyhjä",
            sv: "{what} får inte vara tomt",
            en: "{what} must not be empty",
        )));
    }
    checked(what, trimmed, max)
}

/// Optional text: blank counts as absent.
pub fn optional(what: &str, value: Option<&str>, max: usize) -> Result<Option<String>, DomainError> {
    match value.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => checked(what, v, max).map(Some),
    }
}

fn checked(what: &str, value: &str, max: usize) -> Result<String, DomainError> {
    if value.chars().count() > max {
        return Err(DomainError::InvalidText(crate::message!(
            fi: "{what} on pidempi kuin {max} merkkiä",
            sv: "{what} är längre än {max} tecken",
            en: "{what} is longer than {max} characters",
        )));
    }
    if value.chars().any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t')) {
        return Err(DomainError::InvalidText(crate::message!(
            fi: "{what} sisältää ohjausmerkkejä",
            sv: "{what} innehåller styrtecken",
            en: "{what} contains control characters",
        )));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_must_not_be_blank() {
        assert_eq!(required("name", "  MONNI ", MAX_NAME), Ok("MONNI".into()));
        assert!(required("name", "   ", MAX_NAME).is_err());
        assert!(required("name", &"x".repeat(301), MAX_NAME).is_err());
        assert!(required("name", "a\u{0}b", MAX_NAME).is_err());
        assert_eq!(required("name", "Äldrekaste ja IkäKaste", MAX_NAME), Ok("Äldrekaste ja IkäKaste".into()));
    }

    #[test]
    fn blank_optional_text_is_absent() {
        assert_eq!(optional("acronym", Some("  "), MAX_NAME), Ok(None));
        assert_eq!(optional("acronym", None, MAX_NAME), Ok(None));
        assert_eq!(optional("ref", Some("§ 7"), MAX_REFERENCE), Ok(Some("§ 7".into())));
    }
}
