//! Messages for people, in Finnish, Swedish and English. Each message is written in all three
//! where it arises, so a translation sits next to the text it translates and cannot fall out of
//! step with its values; the API picks the language the request asks for. Codes never change
//! with the language; messages do.

use std::fmt;

use crate::labels::Language;

/// Boxed, so that results carrying an error stay small.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message(Box<[String; 3]>);

/// A message in the three languages, each a format string over the same values:
/// `message!(fi: "{x} puuttuu", sv: "{x} saknas", en: "{x} is missing")`.
#[macro_export]
macro_rules! message {
    (fi: $fi:literal, sv: $sv:literal, en: $en:literal $(,)?) => {
        $crate::messages::Message::new(format!($fi), format!($sv), format!($en))
    };
}

impl Message {
    pub fn new(fi: String, sv: String, en: String) -> Self {
        Message(Box::new([fi, sv, en]))
    }

    /// Text that comes without translations (from a library): the same in every language.
    pub fn untranslated(text: impl Into<String>) -> Self {
        let text = text.into();
        Message::new(text.clone(), text.clone(), text)
    }

    pub fn get(&self, language: Language) -> &str {
        let [fi, sv, en] = &*self.0;
        match language {
            Language::Fi => fi,
            Language::Sv => sv,
            Language::En => en,
        }
    }

    /// The same change in every language, e.g. a prefix naming the context.
    pub fn map(self, f: impl Fn(Language, String) -> String) -> Self {
        let [fi, sv, en] = *self.0;
        Message::new(f(Language::Fi, fi), f(Language::Sv, sv), f(Language::En, en))
    }

    /// Joins messages with `separator` in each language.
    pub fn join(parts: &[Message], separator: &str) -> Self {
        let each = |l: Language| parts.iter().map(|m| m.get(l)).collect::<Vec<_>>().join(separator);
        Message::new(each(Language::Fi), each(Language::Sv), each(Language::En))
    }
}

/// English: logs and tests read it.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.get(Language::En))
    }
}

impl From<String> for Message {
    fn from(text: String) -> Self {
        Message::untranslated(text)
    }
}

impl From<&str> for Message {
    fn from(text: &str) -> Self {
        Message::untranslated(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_message_speaks_each_language_with_the_same_values() {
        let amount = "12,5";
        let m = message!(fi: "{amount:?} ei ole rahamäärä", sv: "{amount:?} är inget belopp", en: "{amount:?} is not an amount");
        assert_eq!(m.get(Language::Fi), "\"12,5\" ei ole rahamäärä");
        assert_eq!(m.get(Language::Sv), "\"12,5\" är inget belopp");
        assert_eq!(m.to_string(), "\"12,5\" is not an amount");
    }
}
