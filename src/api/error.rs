//! What a call to the GitBook API can fail with.

use std::time::Duration;

use serde::Deserialize;

/// Longest part of an unexpected response body kept in an error message.
const MAX_ECHOED_BODY: usize = 200;

/// Why a call to the GitBook API failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The API answered with an error status. `message` is GitBook's
    /// `{"error": {"message": …}}` when the body has one, else the status's
    /// reason (as `@gitbook/api`'s `GitBookAPIError` does).
    #[error("GitBook API failed with [{status}] {method} {url}: {message}")]
    Api {
        /// The HTTP status.
        status: u16,
        /// The method of the request.
        method: String,
        /// The URL requested (without the query).
        url: String,
        /// GitBook's message.
        message: String,
        /// `Retry-After` of a 429 that was not retried (retries exhausted or
        /// a wait longer than the retry policy allows).
        retry_after: Option<Duration>,
    },
    /// The request could not be sent or its answer not read (connection,
    /// TLS, time-out).
    #[error("GitBook API request {method} {url} failed: {source}")]
    Transport {
        /// The method of the request.
        method: String,
        /// The URL requested.
        url: String,
        /// The HTTP client's error.
        #[source]
        source: reqwest::Error,
    },
    /// The API answered success with a body that is not of the expected type.
    #[error("GitBook API answered {method} {url} with an unexpected body: {message}")]
    Decode {
        /// The method of the request.
        method: String,
        /// The URL requested.
        url: String,
        /// What did not match.
        message: String,
    },
    /// A path parameter cannot be put in a URL (empty, or a `.`/`..` segment).
    #[error("invalid path parameter `{name}`: {reason}")]
    InvalidParameter {
        /// The parameter's name in the API (e.g. `pagePath`).
        name: &'static str,
        /// Why.
        reason: &'static str,
    },
    /// The endpoint, or a path given to [`Client::request`](super::Client::request),
    /// does not make a URL.
    #[error("invalid GitBook API URL {0:?}")]
    InvalidUrl(String),
    /// The request body could not be serialized.
    #[error("cannot serialize the request body: {0}")]
    Encode(String),
}

impl Error {
    /// The HTTP status the API answered, for [`Error::Api`].
    ///
    /// ```
    /// use contentkit::api::Error;
    ///
    /// let error = Error::InvalidUrl("nope".into());
    /// assert_eq!(error.status(), None);
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the API answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

/// GitBook's error body: `{"error": {"code": 404, "message": "…"}}`.
#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: String,
}

/// The message of an error answer: GitBook's own when the body has one, else
/// the status's reason phrase (with the start of the body when it has text).
pub(crate) fn error_message(status: reqwest::StatusCode, body: &[u8]) -> String {
    if let Ok(parsed) = serde_json::from_slice::<ErrorBody>(body) {
        if !parsed.error.message.is_empty() {
            return parsed.error.message;
        }
    }
    let reason = status.canonical_reason().unwrap_or("error").to_owned();
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        reason
    } else {
        let echoed: String = text.chars().take(MAX_ECHOED_BODY).collect();
        format!("{reason} ({echoed})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_come_from_the_body_or_the_status() {
        let not_found = reqwest::StatusCode::NOT_FOUND;
        assert_eq!(
            error_message(
                not_found,
                br#"{"error":{"code":404,"message":"Space not found"}}"#
            ),
            "Space not found"
        );
        assert_eq!(error_message(not_found, b""), "Not Found");
        assert_eq!(
            error_message(reqwest::StatusCode::BAD_GATEWAY, b"upstream down"),
            "Bad Gateway (upstream down)"
        );
        let long = "x".repeat(10_000);
        assert!(error_message(not_found, long.as_bytes()).len() < MAX_ECHOED_BODY + 20);
    }
}
