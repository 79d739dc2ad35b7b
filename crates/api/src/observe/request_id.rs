//! The request id: the caller's `X-Request-Id` when it is a sane token, a fresh UUID otherwise.

use actix_web::http::header::HeaderMap;

pub const HEADER: &str = "x-request-id";

/// An id that is safe to log and to echo: 1–128 visible characters from a conservative set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestId(String);

impl RequestId {
    pub fn generate() -> RequestId {
        RequestId(uuid::Uuid::new_v4().to_string())
    }

    /// The caller's id if it is one we can pass on unchanged; a new one otherwise.
    pub fn from_headers(headers: &HeaderMap) -> RequestId {
        headers.get(HEADER).and_then(|v| v.to_str().ok()).and_then(RequestId::parse).unwrap_or_else(RequestId::generate)
    }

    fn parse(value: &str) -> Option<RequestId> {
        let sane = (1..=128).contains(&value.len())
            && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/+=@".contains(c));
        sane.then(|| RequestId(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for RequestId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_trace_id_from_a_proxy_is_kept() {
        assert_eq!(
            RequestId::parse("4bf92f3577b34da6a3ce929d0e0e4736").map(|r| r.0).as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn ids_that_could_forge_log_lines_are_replaced() {
        assert_eq!(RequestId::parse("abc\ndef"), None);
        assert_eq!(RequestId::parse("a b"), None);
        assert_eq!(RequestId::parse(""), None);
        assert_eq!(RequestId::parse(&"x".repeat(129)), None);
    }
}
