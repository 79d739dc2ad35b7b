//! Calendar feeds: `GET /calendar/<token>.ics`, a secret URL that Outlook and Google Calendar
//! subscribe to without headers. The token is the only credential, so it is long, random, shown
//! once, and stored only as its SHA-256.

pub(crate) mod ics;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Duration;

use sha2::{Digest, Sha256};

/// Random bytes in a token: 256 bits, beyond guessing.
const TOKEN_BYTES: usize = 32;
/// How often calendar clients are asked to fetch the feed again.
pub const REFRESH: Duration = Duration::hours(1);

/// A new secret token, from the operating system's random source.
pub fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0_u8; TOKEN_BYTES];
    getrandom::fill(&mut bytes)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// What the database keeps of a token: its SHA-256 in hex.
pub fn hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The path a token is served at.
pub fn path(token: &str) -> String {
    format!("/calendar/{token}.ics")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_random_and_url_safe() {
        let (a, b) = (new_token().unwrap(), new_token().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'), "{a}");
    }

    #[test]
    fn only_the_hash_of_a_token_is_kept() {
        assert_eq!(hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
