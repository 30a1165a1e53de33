//! The HTTP side of the client: authentication, URLs, retries, decoding.

use std::fmt;
use std::time::{Duration, SystemTime};

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use reqwest::header::{HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE, RETRY_AFTER, USER_AGENT};
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use reqwest::Method;

use super::error::{error_message, Error};
use crate::runtime::IntegrationEnvironment;

/// Characters kept as they are in a path segment: RFC 3986's unreserved set.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `None` for an operation without query parameters (the type is a placeholder).
pub(crate) const NO_QUERY: Option<&()> = None;
/// `None` for an operation without a body (the type is a placeholder).
pub(crate) const NO_BODY: Option<&()> = None;

/// How a [`Client`] retries requests the API refused with 429 Too Many Requests.
///
/// A 429 is retried after its `Retry-After` (seconds or an HTTP date), or
/// after `default_delay` when it has none, at most `max_retries` times; a
/// wait longer than `max_delay` is not taken and the 429 is returned, with
/// its `Retry-After`, as [`Error::Api`].
///
/// ```
/// use std::time::Duration;
/// use contentkit::api::RetryPolicy;
///
/// let policy = RetryPolicy::default();
/// assert_eq!(policy.max_retries, 3);
/// let none = RetryPolicy::never();
/// assert_eq!(none.max_retries, 0);
/// let patient = RetryPolicy { max_delay: Duration::from_secs(300), ..RetryPolicy::default() };
/// assert_eq!(patient.default_delay, Duration::from_secs(1));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Retries after the first attempt.
    pub max_retries: u32,
    /// Wait when a 429 carries no usable `Retry-After`.
    pub default_delay: Duration,
    /// Longest single wait.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            default_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// No retries: a 429 is returned at once.
    pub fn never() -> Self {
        RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        }
    }
}

/// A client of the GitBook API (`{endpoint}/v1`), authenticated with a bearer token.
///
/// The typed operations (`get_integration_installation_by_id`,
/// `update_integration_installation`, `queue_integration_task`, …, listed in
/// `api/operations.txt`) take and return the generated [`types`](super::types);
/// [`Client::request`] reaches every other operation of the API.
///
/// Cloning is cheap: clones share one connection pool.
///
/// ```
/// use contentkit::api::Client;
/// use contentkit::runtime::IntegrationEnvironment;
///
/// let mut environment = IntegrationEnvironment::for_tests();
/// environment.api_endpoint = "https://api.gitbook.com/".into();
/// environment.api_tokens.installation = Some("installation-token".into());
///
/// // What `context.api` is in `@gitbook/runtime`: the installation's token when the
/// // request carries one, else the integration's.
/// let api = Client::for_installation(&environment)?;
/// assert_eq!(api.base_url(), "https://api.gitbook.com/v1");
/// assert!(api.authenticates_as("installation-token"));
/// // `context.integration.api`: always the integration's token.
/// let integration = Client::for_integration(&environment)?;
/// assert!(integration.authenticates_as("test-integration-token"));
/// # Ok::<(), contentkit::api::Error>(())
/// ```
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// `{endpoint}/v1`, without a trailing slash.
    base: String,
    token: Option<String>,
    user_agent: String,
    retry: RetryPolicy,
}

impl fmt::Debug for Client {
    // Hand-written so the token never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("token", &self.token.as_ref().map(|_| "<redacted>"))
            .field("user_agent", &self.user_agent)
            .field("retry", &self.retry)
            .finish()
    }
}

impl Client {
    /// A client of the API at `endpoint` (e.g. `https://api.gitbook.com`),
    /// sending `token` as a bearer token when there is one.
    pub fn new(endpoint: &str, token: Option<String>) -> Result<Self, Error> {
        let trimmed = endpoint.trim_end_matches('/');
        let parsed =
            reqwest::Url::parse(trimmed).map_err(|_| Error::InvalidUrl(endpoint.to_owned()))?;
        if !matches!(parsed.scheme(), "http" | "https") || parsed.query().is_some() {
            return Err(Error::InvalidUrl(endpoint.to_owned()));
        }
        Ok(Client {
            http: reqwest::Client::new(),
            base: format!("{trimmed}/v1"),
            token,
            user_agent: concat!("contentkit/", env!("CARGO_PKG_VERSION")).to_owned(),
            retry: RetryPolicy::default(),
        })
    }

    /// The client an integration's handlers get as `context.api`: the
    /// installation's token when the request carries one, else the
    /// integration's (as `createContext` in `@gitbook/runtime`).
    pub fn for_installation(environment: &IntegrationEnvironment) -> Result<Self, Error> {
        let tokens = &environment.api_tokens;
        let token = tokens
            .installation
            .clone()
            .unwrap_or_else(|| tokens.integration.clone());
        Self::for_environment(environment, token)
    }

    /// The client acting as the integration itself (`context.integration.api`).
    pub fn for_integration(environment: &IntegrationEnvironment) -> Result<Self, Error> {
        Self::for_environment(environment, environment.api_tokens.integration.clone())
    }

    fn for_environment(environment: &IntegrationEnvironment, token: String) -> Result<Self, Error> {
        let integration = &environment.integration;
        let version = integration
            .version
            .as_ref()
            .map_or_else(|| "undefined".to_owned(), ToString::to_string);
        Ok(Client::new(&environment.api_endpoint, Some(token))?
            .with_user_agent(format!("integration-{}/{version}", integration.name)))
    }

    /// The same client with another retry policy.
    #[must_use]
    pub fn with_retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The same client sending `user_agent`.
    #[must_use]
    pub fn with_user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The same client over another `reqwest::Client` (time-outs, proxy).
    #[must_use]
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The same client authenticated with `token`.
    #[must_use]
    pub fn with_token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(token.into());
        self
    }

    /// The base URL every path is appended to: the endpoint followed by `/v1`.
    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// Whether requests carry `token` (compared without exposing it).
    pub fn authenticates_as(&self, token: &str) -> bool {
        self.token.as_deref() == Some(token)
    }

    /// A client acting as one installation of the integration: asks the API
    /// for an installation token (`createIntegrationInstallationToken`, which
    /// needs the integration's token) and returns a client that sends it
    /// (`createInstallationClient` in `@gitbook/api`).
    pub async fn installation_client(
        &self,
        integration_name: &str,
        installation_id: &str,
    ) -> Result<Client, Error> {
        let token = self
            .create_integration_installation_token(integration_name, installation_id)
            .await?;
        Ok(self.clone().with_token(token.token))
    }

    /// Calls any operation of the API: `path` is what follows `/v1` (e.g.
    /// `/orgs/org_1/spaces?limit=10`), `body` is sent as JSON. An answer
    /// without a body decodes as `()` (or `None` for an `Option`); ask for
    /// [`serde_json::Value`] to read any JSON.
    ///
    /// Retries and errors are those of the typed operations.
    pub async fn request<T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: Option<&(impl Serialize + ?Sized)>,
    ) -> Result<T, Error> {
        if !path.starts_with('/') {
            return Err(Error::InvalidUrl(path.to_owned()));
        }
        self.send(method, path, NO_QUERY, body).await
    }

    /// Sends one request, retrying 429s per the policy, and decodes the answer.
    pub(crate) async fn send<Q, B, T>(
        &self,
        method: Method,
        path: &str,
        query: Option<&Q>,
        body: Option<&B>,
    ) -> Result<T, Error>
    where
        Q: Serialize + ?Sized,
        B: Serialize + ?Sized,
        T: DeserializeOwned,
    {
        let full = format!("{}{path}", self.base);
        let url = reqwest::Url::parse(&full).map_err(|_| Error::InvalidUrl(full.clone()))?;
        let shown = {
            let mut shown = url.clone();
            shown.set_query(None);
            shown.to_string()
        };
        // Serialized once, sent as is on every attempt.
        let body = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| Error::Encode(e.to_string()))?;
        let mut retries = 0;
        loop {
            let mut request = self
                .http
                .request(method.clone(), url.clone())
                .header(ACCEPT, "application/json")
                .header(USER_AGENT, &self.user_agent);
            if let Some(token) = &self.token {
                let mut value = HeaderValue::from_str(&format!("Bearer {token}"))
                    .map_err(|_| Error::InvalidUrl("token is not a valid header value".into()))?;
                value.set_sensitive(true);
                request = request.header(AUTHORIZATION, value);
            }
            if let Some(query) = query {
                request = request.query(query);
            }
            if let Some(body) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let transport = |source| Error::Transport {
                method: method.to_string(),
                url: shown.clone(),
                source,
            };
            let response = request.send().await.map_err(transport)?;
            let status = response.status();
            let retry_after = retry_after(response.headers().get(RETRY_AFTER));
            let bytes = response.bytes().await.map_err(transport)?;
            if status.is_success() {
                let text: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
                    b"null"
                } else {
                    &bytes
                };
                return serde_json::from_slice(text).map_err(|e| Error::Decode {
                    method: method.to_string(),
                    url: shown.clone(),
                    message: e.to_string(),
                });
            }
            if status == reqwest::StatusCode::TOO_MANY_REQUESTS && retries < self.retry.max_retries
            {
                let wait = retry_after.unwrap_or(self.retry.default_delay);
                if wait <= self.retry.max_delay {
                    retries += 1;
                    tracing::debug!(url = %shown, ?wait, retries, "GitBook API rate limit, retrying");
                    tokio::time::sleep(wait).await;
                    continue;
                }
            }
            return Err(Error::Api {
                status: status.as_u16(),
                method: method.to_string(),
                url: shown,
                message: error_message(status, &bytes),
                retry_after: (status == reqwest::StatusCode::TOO_MANY_REQUESTS)
                    .then_some(retry_after)
                    .flatten(),
            });
        }
    }
}

/// A `Retry-After` value: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
fn retry_after(value: Option<&HeaderValue>) -> Option<Duration> {
    let text = value?.to_str().ok()?.trim();
    if let Ok(seconds) = text.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(text).ok()?;
    Some(
        at.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// A path parameter as a URL path segment, percent-encoded.
///
/// A parameter named `…Path` (`pagePath`) is a path itself: its `/` are kept,
/// but `.` and `..` segments are refused, since they would move the request
/// to another endpoint once the URL is normalized.
pub(crate) fn path_param(name: &'static str, value: &str) -> Result<String, Error> {
    if value.is_empty() {
        return Err(Error::InvalidParameter {
            name,
            reason: "it is empty",
        });
    }
    if name.ends_with("Path") {
        let mut encoded = Vec::new();
        for segment in value.split('/') {
            if segment == "." || segment == ".." {
                return Err(Error::InvalidParameter {
                    name,
                    reason: "it has a `.` or `..` segment",
                });
            }
            encoded.push(utf8_percent_encode(segment, SEGMENT).to_string());
        }
        return Ok(encoded.join("/"));
    }
    if value == "." || value == ".." {
        return Err(Error::InvalidParameter {
            name,
            reason: "it is a `.` or `..` segment",
        });
    }
    Ok(utf8_percent_encode(value, SEGMENT).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_params_cannot_leave_their_segment() {
        assert_eq!(path_param("spaceId", "abc").unwrap(), "abc");
        assert_eq!(path_param("spaceId", "a/b?c#d").unwrap(), "a%2Fb%3Fc%23d");
        assert_eq!(path_param("spaceId", "é").unwrap(), "%C3%A9");
        assert!(path_param("spaceId", "..").is_err());
        assert!(path_param("spaceId", "").is_err());
        assert_eq!(
            path_param("pagePath", "guides/install me").unwrap(),
            "guides/install%20me"
        );
        assert!(path_param("pagePath", "guides/../../orgs").is_err());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let seconds = HeaderValue::from_static("7");
        assert_eq!(retry_after(Some(&seconds)), Some(Duration::from_secs(7)));
        let past = HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT");
        assert_eq!(retry_after(Some(&past)), Some(Duration::ZERO));
        let future = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let future = HeaderValue::from_str(&future).unwrap();
        let wait = retry_after(Some(&future)).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(retry_after(Some(&HeaderValue::from_static("soon"))), None);
        assert_eq!(retry_after(None), None);
    }

    #[test]
    fn endpoints_must_be_http_urls() {
        assert_eq!(
            Client::new("https://api.gitbook.com/", None)
                .unwrap()
                .base_url(),
            "https://api.gitbook.com/v1"
        );
        assert!(Client::new("ftp://x", None).is_err());
        assert!(Client::new("not a url", None).is_err());
    }
}
