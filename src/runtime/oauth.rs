//! The OAuth flow of `createOAuthHandler` in `@gitbook/runtime`, with a
//! signed `state` (feature `api`).
//!
//! An [`OAuthHandler`] answers the `fetch` events of an integration's OAuth
//! endpoint:
//!
//! 1. a request without `code` redirects (302) to the provider's
//!    `authorize_url` with `client_id`, `redirect_uri`, `response_type=code`,
//!    `state`, `scope` (space-separated, `%20`) and `prompt` when configured;
//! 2. the provider's callback (`?code=…&state=…`) is exchanged for tokens at
//!    `access_token_url` (a form-encoded POST of `client_id`, `client_secret`,
//!    `code`, `redirect_uri`, `grant_type=authorization_code`; a JSON answer),
//!    and the credentials are stored through `updateIntegrationInstallation`,
//!    `updateIntegrationSpaceInstallation` or `updateIntegrationSiteInstallation`
//!    as the state says (the installation's own, or merged into the existing
//!    configuration when [`OAuthConfig::replace`] is off), then a page asks
//!    the window to close.
//!
//! [`get_oauth_token`] returns the stored access token, refreshed first when
//! it expires within 10 seconds.
//!
//! # Beyond the official handler
//!
//! The official handler sends the installation ids as plain JSON in `state`,
//! so anyone can make a callback that writes credentials into any
//! installation. Here `state` is `base64url(JSON).hex(HMAC-SHA256)`, keyed by
//! the integration's signing secret (`signingSecrets.integration`), and holds
//! the time it was issued: a callback whose state is forged, altered, for
//! another installation than the one the request runs for, or older than
//! [`OAuthConfig::state_max_age`] is refused with 400 and nothing is written.
//! (A replayed callback also fails at the provider: a code is single-use.)
//!
//! Every failure answers a status and `{"error": "…"}`: the provider refused
//! (`?error=access_denied`: 403; other provider errors: 400), a failed code
//! exchange (502), an installation the API does not know (404), an API error
//! (502), never a bare 500.
//!
//! # Example
//!
//! ```no_run
//! use contentkit::api::Client;
//! use contentkit::runtime::oauth::{OAuthConfig, OAuthHandler};
//! use contentkit::runtime::{FetchEvent, FetchResponse, IntegrationEnvironment};
//!
//! # async fn example(event: FetchEvent, environment: IntegrationEnvironment) -> Result<FetchResponse, contentkit::api::Error> {
//! let handler = OAuthHandler::new(
//!     OAuthConfig::new(
//!         environment.secret("CLIENT_ID").unwrap_or_default(),
//!         environment.secret("CLIENT_SECRET").unwrap_or_default(),
//!         "https://provider.example/oauth/authorize",
//!         "https://provider.example/oauth/token",
//!     )
//!     .scopes(["read", "write"]),
//! );
//! let api = Client::for_installation(&environment)?;
//! Ok(handler.handle(&event, &environment, &api).await)
//! # }
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::context::RequestContext;
use super::dispatch::{FetchInput, FetchResponse};
use super::environment::{IntegrationEnvironment, IntegrationInstallation};
use super::event::FetchEvent;
use super::handler::HandlerFuture;
use crate::api::{self, types};
use crate::component::ComponentError;
use crate::lang::oauth::{
    authorize_location, default_redirect_uri, millis_since_epoch, provider_refusal,
};
pub use crate::lang::oauth::{default_extract_credentials, OAuthState, StateError};

/// A token is refreshed when it expires within this margin (as `getOAuthToken` does).
const REFRESH_MARGIN: Duration = Duration::from_secs(10);
/// Longest provider answer quoted in an error.
const MAX_ECHOED_BODY: usize = 200;

/// A URL fixed in the configuration or computed from the installation
/// (`string | ((installation) => string)` in `createOAuthHandler`).
#[derive(Clone)]
pub enum UrlSource {
    /// The same URL for every installation.
    Fixed(String),
    /// A URL computed from the organization installation (e.g. from its configuration).
    PerInstallation(Arc<dyn Fn(&IntegrationInstallation) -> String + Send + Sync>),
}

impl fmt::Debug for UrlSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UrlSource::Fixed(url) => f.debug_tuple("Fixed").field(url).finish(),
            UrlSource::PerInstallation(_) => f.write_str("PerInstallation(..)"),
        }
    }
}

impl UrlSource {
    /// A URL computed by `f` from the installation.
    pub fn per_installation(
        f: impl Fn(&IntegrationInstallation) -> String + Send + Sync + 'static,
    ) -> Self {
        UrlSource::PerInstallation(Arc::new(f))
    }

    fn resolve(&self, installation: &IntegrationInstallation) -> String {
        match self {
            UrlSource::Fixed(url) => url.clone(),
            UrlSource::PerInstallation(f) => f(installation),
        }
    }
}

impl From<&str> for UrlSource {
    fn from(url: &str) -> Self {
        UrlSource::Fixed(url.to_owned())
    }
}

impl From<String> for UrlSource {
    fn from(url: String) -> Self {
        UrlSource::Fixed(url)
    }
}

/// Turns the provider's token answer into the installation update to store
/// (`{"configuration": {…}, "externalIds": […]}`, the body of
/// `updateIntegrationInstallation`), or says why it cannot.
pub type ExtractCredentials =
    Arc<dyn Fn(&Value) -> Result<Map<String, Value>, String> + Send + Sync>;

/// How an [`OAuthHandler`] talks to the provider (`createOAuthHandler`'s options).
#[derive(Clone)]
pub struct OAuthConfig {
    /// ID of the client application at the provider.
    pub client_id: String,
    /// Secret of the client application at the provider.
    pub client_secret: String,
    /// Where the user is sent to authorize.
    pub authorize_url: UrlSource,
    /// Where the code (and later the refresh token) is exchanged.
    pub access_token_url: UrlSource,
    /// Scopes to ask for, sent space-separated.
    pub scopes: Vec<String>,
    /// The provider's `prompt` parameter, when set.
    pub prompt: Option<String>,
    /// The redirect URL to send, for providers that accept only a fixed one;
    /// by default the URL of the request, without its query.
    pub redirect_url: Option<String>,
    /// Reads the provider's answer; by default [`default_extract_credentials`].
    pub extract_credentials: Option<ExtractCredentials>,
    /// Whether the stored configuration is the credentials alone (the
    /// default, as in the official runtime) or the existing configuration
    /// with the credentials merged in.
    pub replace: bool,
    /// How long a `state` stays valid: the time a user may take at the provider.
    pub state_max_age: Duration,
}

impl fmt::Debug for OAuthConfig {
    // Hand-written so the client secret never reaches a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthConfig")
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("authorize_url", &self.authorize_url)
            .field("access_token_url", &self.access_token_url)
            .field("scopes", &self.scopes)
            .field("prompt", &self.prompt)
            .field("redirect_url", &self.redirect_url)
            .field("replace", &self.replace)
            .field("state_max_age", &self.state_max_age)
            .finish_non_exhaustive()
    }
}

impl OAuthConfig {
    /// A configuration with no scopes, no prompt, the request's URL as the
    /// redirect URL, the default extraction, `replace` on and states valid
    /// for 10 minutes.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        authorize_url: impl Into<UrlSource>,
        access_token_url: impl Into<UrlSource>,
    ) -> Self {
        OAuthConfig {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            authorize_url: authorize_url.into(),
            access_token_url: access_token_url.into(),
            scopes: Vec::new(),
            prompt: None,
            redirect_url: None,
            extract_credentials: None,
            replace: true,
            state_max_age: Duration::from_secs(600),
        }
    }

    /// The scopes to ask for.
    #[must_use]
    pub fn scopes<S: Into<String>>(mut self, scopes: impl IntoIterator<Item = S>) -> Self {
        self.scopes = scopes.into_iter().map(Into::into).collect();
        self
    }

    /// The `prompt` parameter.
    #[must_use]
    pub fn prompt(mut self, prompt: impl Into<String>) -> Self {
        self.prompt = Some(prompt.into());
        self
    }

    /// A fixed redirect URL.
    #[must_use]
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_url = Some(url.into());
        self
    }

    /// Whether to replace the configuration (default) or merge into it.
    #[must_use]
    pub fn replace(mut self, replace: bool) -> Self {
        self.replace = replace;
        self
    }

    /// A custom reading of the provider's answer.
    #[must_use]
    pub fn extract_credentials(
        mut self,
        f: impl Fn(&Value) -> Result<Map<String, Value>, String> + Send + Sync + 'static,
    ) -> Self {
        self.extract_credentials = Some(Arc::new(f));
        self
    }

    fn extract(&self, answer: &Value, now: SystemTime) -> Result<Map<String, Value>, String> {
        match &self.extract_credentials {
            Some(f) => f(answer),
            None => default_extract_credentials(answer, now),
        }
    }
}

/// Answers the `fetch` events of an integration's OAuth endpoint (see the
/// [module documentation](self)).
#[derive(Clone)]
pub struct OAuthHandler {
    config: OAuthConfig,
    http: reqwest::Client,
    clock: Arc<dyn Fn() -> SystemTime + Send + Sync>,
}

impl fmt::Debug for OAuthHandler {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthHandler")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

/// A failure of the flow: an HTTP status and a message for `{"error": …}`.
#[derive(Debug)]
struct Refusal {
    status: u16,
    message: String,
}

impl Refusal {
    fn new(status: u16, message: impl Into<String>) -> Self {
        Refusal {
            status,
            message: message.into(),
        }
    }

    /// An API failure: 404 stays a 404 (the installation is gone), anything else is the API's fault (502).
    fn from_api(what: &str, error: &api::Error) -> Self {
        let status = if error.is_not_found() { 404 } else { 502 };
        Refusal::new(status, format!("{what}: {error}"))
    }
}

impl OAuthHandler {
    /// A handler for `config`.
    pub fn new(config: OAuthConfig) -> Self {
        OAuthHandler {
            config,
            http: reqwest::Client::new(),
            clock: Arc::new(SystemTime::now),
        }
    }

    /// The same handler reading the time from `clock` (to test expiry).
    #[must_use]
    pub fn with_clock(mut self, clock: impl Fn() -> SystemTime + Send + Sync + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The same handler talking to the provider over `http`.
    #[must_use]
    pub fn with_http_client(mut self, http: reqwest::Client) -> Self {
        self.http = http;
        self
    }

    /// The configuration.
    pub fn config(&self) -> &OAuthConfig {
        &self.config
    }

    /// This handler as an integration's fetch handler: every `fetch` event is a
    /// step of the flow, the credentials stored with the request's `context.api()`.
    ///
    /// ```
    /// use contentkit::component::Integration;
    /// use contentkit::runtime::oauth::{OAuthConfig, OAuthHandler};
    ///
    /// let config = OAuthConfig::new(
    ///     "client-id",
    ///     "client-secret",
    ///     "https://provider.example/oauth/authorize",
    ///     "https://provider.example/oauth/token",
    /// );
    /// let integration = Integration::new().on_fetch(OAuthHandler::new(config).into_fetch_handler());
    /// assert!(integration.handles_event("fetch"));
    /// ```
    pub fn into_fetch_handler(
        self,
    ) -> impl Fn(FetchInput, RequestContext) -> HandlerFuture<FetchResponse> + Send + Sync + 'static
    {
        let handler = Arc::new(self);
        move |input, context| {
            let handler = handler.clone();
            Box::pin(async move {
                let api = context.api().map_err(|e| {
                    ComponentError::Internal(format!("the GitBook API client: {e}"))
                })?;
                Ok(handler
                    .handle(&input.event, &context.environment, &api)
                    .await)
            })
        }
    }

    /// Answers one request of the flow. `api` is the client that stores the
    /// credentials (`context.api`, [`api::Client::for_installation`]).
    pub async fn handle(
        &self,
        event: &FetchEvent,
        environment: &IntegrationEnvironment,
        api: &api::Client,
    ) -> FetchResponse {
        match self.respond(event, environment, api).await {
            Ok(response) => response,
            Err(refusal) => {
                tracing::debug!(status = refusal.status, error = %refusal.message, "OAuth request refused");
                FetchResponse::json(refusal.status, &json!({ "error": refusal.message }))
            }
        }
    }

    async fn respond(
        &self,
        event: &FetchEvent,
        environment: &IntegrationEnvironment,
        api: &api::Client,
    ) -> Result<FetchResponse, Refusal> {
        let url = reqwest::Url::parse(&event.request.url)
            .map_err(|_| Refusal::new(400, "The request URL is not a valid URL"))?;
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, v)| v.into_owned())
        };
        if let Some((status, message)) = provider_refusal(&url) {
            return Err(Refusal::new(status, message));
        }
        let redirect_uri = self
            .config
            .redirect_url
            .clone()
            .unwrap_or_else(|| default_redirect_uri(&url));
        match param("code") {
            None => self.start(event, environment, &redirect_uri),
            Some(code) => {
                let state = param("state").ok_or_else(|| {
                    Refusal::new(400, "Missing state parameter in OAuth callback")
                })?;
                self.callback(environment, api, &code, &state, &redirect_uri)
                    .await
            }
        }
    }

    /// Redirects to the provider.
    fn start(
        &self,
        event: &FetchEvent,
        environment: &IntegrationEnvironment,
        redirect_uri: &str,
    ) -> Result<FetchResponse, Refusal> {
        let installation = environment.installation.as_ref().ok_or_else(|| {
            Refusal::new(400, "Cannot initiate OAuth flow without an installation")
        })?;
        let authorize = self.config.authorize_url.resolve(installation);
        let target = reqwest::Url::parse(&authorize).map_err(|_| {
            Refusal::new(
                500,
                format!("The authorize URL {authorize:?} is not a valid URL"),
            )
        })?;
        let state = OAuthState {
            installation_id: installation.id.clone(),
            space_id: environment
                .space_installation
                .as_ref()
                .map(|s| s.space.clone()),
            site_id: environment
                .site_installation
                .as_ref()
                .map(|s| s.site.clone()),
            issued_at: millis_since_epoch((self.clock)()) / 1000,
            nonce: event.event_id.clone(),
        };
        let location = authorize_location(
            &target,
            &self.config.client_id,
            redirect_uri,
            &state.sign(environment.signing_secrets.integration.as_bytes()),
            &self.config.scopes,
            self.config.prompt.as_deref(),
        );
        Ok(FetchResponse::new(302).header("Location", location))
    }

    /// Exchanges the code and stores the credentials.
    async fn callback(
        &self,
        environment: &IntegrationEnvironment,
        api: &api::Client,
        code: &str,
        signed_state: &str,
        redirect_uri: &str,
    ) -> Result<FetchResponse, Refusal> {
        let now = (self.clock)();
        let state = OAuthState::verify(
            signed_state,
            environment.signing_secrets.integration.as_bytes(),
            millis_since_epoch(now) / 1000,
            self.config.state_max_age,
        )
        .map_err(|e| Refusal::new(400, e.to_string()))?;
        // A callback reaching one installation's endpoint may only write to that installation.
        if let Some(current) = &environment.installation {
            if current.id != state.installation_id {
                return Err(Refusal::new(
                    400,
                    "The OAuth state belongs to another installation",
                ));
            }
        }
        let name = &environment.integration.name;
        let mut installation: Option<IntegrationInstallation> = None;
        let token_url = match &self.config.access_token_url {
            UrlSource::Fixed(url) => url.clone(),
            source @ UrlSource::PerInstallation(_) => {
                let fetched = fetch_installation(api, name, &state.installation_id).await?;
                let url = source.resolve(&fetched);
                installation = Some(fetched);
                url
            }
        };
        let params = [
            ("client_id", self.config.client_id.as_str()),
            ("client_secret", self.config.client_secret.as_str()),
            ("code", code),
            ("redirect_uri", redirect_uri),
            ("grant_type", "authorization_code"),
        ];
        let answer = self.exchange(&token_url, &params).await?;
        let credentials = self.config.extract(&answer, now).map_err(|message| {
            Refusal::new(
                502,
                format!("Cannot read the provider's credentials: {message}"),
            )
        })?;
        self.store(api, name, &state, installation, credentials)
            .await?;
        Ok(FetchResponse::new(200)
            .header("Content-Type", "text/html")
            .body("<p>You can close this window now.</p>\n<script>window.close();</script>\n"))
    }

    /// POSTs the form to the provider and reads its JSON answer.
    async fn exchange(&self, token_url: &str, params: &[(&str, &str)]) -> Result<Value, Refusal> {
        exchange(&self.http, token_url, params)
            .await
            .map_err(|e| Refusal::new(502, e.to_string()))
    }

    /// Writes the credentials where the state says, replacing or merging the configuration.
    async fn store(
        &self,
        api: &api::Client,
        name: &str,
        state: &OAuthState,
        installation: Option<IntegrationInstallation>,
        mut update: Map<String, Value>,
    ) -> Result<(), Refusal> {
        let credentials = match update.remove("configuration") {
            Some(Value::Object(configuration)) => configuration,
            None | Some(Value::Null) => Map::new(),
            Some(_) => {
                return Err(Refusal::new(
                    502,
                    "The extracted credentials' configuration is not an object",
                ))
            }
        };
        // Where the flow started: a space installation, a site installation, or the installation.
        let (child, what) = match (&state.space_id, &state.site_id) {
            (Some(space), _) => (
                Some(("spaces", "spaceId", space.as_str())),
                "space installation",
            ),
            (None, Some(site)) => (
                Some(("sites", "siteId", site.as_str())),
                "site installation",
            ),
            (None, None) => (None, "installation"),
        };
        let path = installation_path(name, &state.installation_id, child)?;
        let mut configuration = Map::new();
        if !self.config.replace {
            configuration = match (child, installation) {
                (None, Some(installation)) => installation.configuration,
                _ => read_configuration(api, &path, what).await?,
            };
        }
        configuration.extend(credentials);
        update.insert("configuration".into(), Value::Object(configuration));
        let body = Value::Object(update);
        // Checked against the operation's body type, so that a bad
        // extraction is named here rather than by the API.
        let checked = match child {
            Some(("spaces", ..)) => fits::<types::UpdateIntegrationSpaceInstallation>(&body),
            Some(_) => fits::<types::UpdateIntegrationSiteInstallation>(&body),
            None => fits::<types::UpdateIntegrationInstallation>(&body),
        };
        checked.map_err(|e| {
            Refusal::new(
                502,
                format!("The extracted credentials are not an installation update: {e}"),
            )
        })?;
        write(
            api,
            &path,
            &body,
            &format!("Cannot store the credentials in the {what}"),
        )
        .await
    }
}

/// Whether `value` decodes as a `T`.
fn fits<T: serde::de::DeserializeOwned>(value: &Value) -> Result<(), serde_json::Error> {
    T::deserialize(value).map(drop)
}

/// The configuration of the installation at `path` (`getIntegration…Installation`).
async fn read_configuration(
    api: &api::Client,
    path: &str,
    what: &str,
) -> Result<Map<String, Value>, Refusal> {
    let current: Value = api
        .request(api::Method::GET, path, None::<&()>)
        .await
        .map_err(|e| Refusal::from_api(&format!("Cannot read the {what}"), &e))?;
    match current.get("configuration") {
        Some(Value::Object(configuration)) => Ok(configuration.clone()),
        None | Some(Value::Null) => Ok(Map::new()),
        Some(_) => Err(Refusal::new(
            502,
            format!("The API answered a {what} whose configuration is not an object"),
        )),
    }
}

/// The path of an installation (`getIntegrationInstallationById`), or of
/// one of its space or site installations.
fn installation_path(
    name: &str,
    installation_id: &str,
    child: Option<(&str, &'static str, &str)>,
) -> Result<String, Refusal> {
    let param = |param_name, value| {
        api::path_param(param_name, value).map_err(|e| Refusal::new(400, e.to_string()))
    };
    let mut path = format!(
        "/integrations/{}/installations/{}",
        param("integrationName", name)?,
        param("installationId", installation_id)?
    );
    if let Some((collection, param_name, id)) = child {
        path.push_str(&format!("/{collection}/{}", param(param_name, id)?));
    }
    Ok(path)
}

/// `update…Installation`: a PATCH of the installation's path. The answer is
/// not decoded: a write that succeeded must not be reported as failed
/// because the API answered a shape this version does not know.
async fn write<B: Serialize>(
    api: &api::Client,
    path: &str,
    body: &B,
    what: &str,
) -> Result<(), Refusal> {
    api.request::<serde::de::IgnoredAny>(api::Method::PATCH, path, Some(body))
        .await
        .map(drop)
        .map_err(|e| Refusal::from_api(what, &e))
}

/// The installation from the API (`getIntegrationInstallationById`), as the environment types it.
async fn fetch_installation(
    api: &api::Client,
    name: &str,
    id: &str,
) -> Result<IntegrationInstallation, Refusal> {
    let fetched: Value = api
        .request(
            api::Method::GET,
            &installation_path(name, id, None)?,
            None::<&()>,
        )
        .await
        .map_err(|e| Refusal::from_api("Cannot read the installation", &e))?;
    serde_json::from_value(fetched).map_err(|e| {
        Refusal::new(
            502,
            format!("The API answered an installation of an unexpected shape: {e}"),
        )
    })
}

/// Stored OAuth credentials (`configuration.oauth_credentials` by default).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OAuthCredentials {
    /// The access token.
    pub access_token: String,
    /// The refresh token, when the provider gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<String>,
    /// When the access token expires: milliseconds since the epoch (what
    /// the default extraction stores), or an RFC 3339 date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<Value>,
}

impl OAuthCredentials {
    /// Reads `configuration.oauth_credentials` of an installation's configuration.
    pub fn from_configuration(configuration: &Map<String, Value>) -> Option<Self> {
        serde_json::from_value(configuration.get("oauth_credentials")?.clone()).ok()
    }

    /// When the token expires, when that is known and readable.
    pub fn expires_at(&self) -> Option<SystemTime> {
        match self.expires_at.as_ref()? {
            Value::Number(n) => Some(
                UNIX_EPOCH
                    + Duration::from_millis(
                        n.as_u64()
                            .or_else(|| n.as_f64().map(|f| f.max(0.0) as u64))?,
                    ),
            ),
            Value::String(s) => s
                .trim()
                .parse::<u64>()
                .ok()
                .map(|ms| UNIX_EPOCH + Duration::from_millis(ms))
                .or_else(|| parse_rfc3339(s.trim())),
            _ => None,
        }
    }
}

/// Why [`get_oauth_token`] could not return a token.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OAuthError {
    /// The token expired and there is no refresh token.
    #[error("No refresh token available to refresh the OAuth token")]
    NoRefreshToken,
    /// Refreshing needs the organization installation, and the environment has none.
    #[error("Refreshing the OAuth token needs an installation")]
    NoInstallation,
    /// The provider refused the refresh or answered something else than JSON.
    #[error("{0}")]
    Provider(String),
    /// The refreshed credentials have no `oauth_credentials.access_token`.
    #[error("Failed to retrieve access_token from OAuth response: {0}")]
    MissingAccessToken(String),
    /// Storing the refreshed credentials failed.
    #[error(transparent)]
    Api(#[from] api::Error),
}

/// The access token of `credentials`, refreshed first when it expires within
/// 10 seconds (`getOAuthToken`): the refresh token is exchanged at
/// `access_token_url` (`grant_type=refresh_token`), and the new credentials
/// are merged into the installation's configuration through
/// `updateIntegrationInstallation`.
pub async fn get_oauth_token(
    credentials: &OAuthCredentials,
    config: &OAuthConfig,
    environment: &IntegrationEnvironment,
    api: &api::Client,
) -> Result<String, OAuthError> {
    get_oauth_token_at(
        credentials,
        config,
        environment,
        api,
        &reqwest::Client::new(),
        SystemTime::now(),
    )
    .await
}

/// [`get_oauth_token`] at a given time, over a given HTTP client.
pub async fn get_oauth_token_at(
    credentials: &OAuthCredentials,
    config: &OAuthConfig,
    environment: &IntegrationEnvironment,
    api: &api::Client,
    http: &reqwest::Client,
    now: SystemTime,
) -> Result<String, OAuthError> {
    let fresh = match credentials.expires_at() {
        None => true,
        Some(at) => at
            .duration_since(now)
            .is_ok_and(|left| left > REFRESH_MARGIN),
    };
    if fresh {
        return Ok(credentials.access_token.clone());
    }
    let refresh_token = credentials
        .refresh_token
        .as_deref()
        .ok_or(OAuthError::NoRefreshToken)?;
    let installation = environment
        .installation
        .as_ref()
        .ok_or(OAuthError::NoInstallation)?;
    let token_url = config.access_token_url.resolve(installation);
    let params = [
        ("client_id", config.client_id.as_str()),
        ("client_secret", config.client_secret.as_str()),
        ("grant_type", "refresh_token"),
        ("refresh_token", refresh_token),
    ];
    let answer = exchange(http, &token_url, &params)
        .await
        .map_err(|e| OAuthError::Provider(e.to_string()))?;
    let update = config
        .extract(&answer, now)
        .map_err(OAuthError::MissingAccessToken)?;
    let new_configuration = update
        .get("configuration")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let access_token = new_configuration
        .get("oauth_credentials")
        .and_then(|c| c.get("access_token"))
        .and_then(Value::as_str)
        .ok_or_else(|| OAuthError::MissingAccessToken("no oauth_credentials.access_token".into()))?
        .to_owned();
    let mut configuration = installation.configuration.clone();
    configuration.extend(new_configuration);
    let body = types::UpdateIntegrationInstallation {
        configuration: Some(configuration.into()),
        ..Default::default()
    };
    let path = installation_path(&environment.integration.name, &installation.id, None)
        .map_err(|refusal| OAuthError::Provider(refusal.message))?;
    api.request::<serde::de::IgnoredAny>(api::Method::PATCH, &path, Some(&body))
        .await?;
    Ok(access_token)
}

/// Why a token exchange failed.
#[derive(Debug, thiserror::Error)]
enum ExchangeError {
    #[error("The token URL {0:?} is not a valid URL")]
    Url(String),
    #[error("Cannot reach the provider's token URL: {0}")]
    Transport(reqwest::Error),
    #[error(
        "Failed to exchange the code for an access token: the provider answered {status} ({body})"
    )]
    Status { status: u16, body: String },
    #[error("The provider's token answer is not JSON: {0}")]
    NotJson(String),
}

/// A form-encoded POST to the token URL, answered with JSON.
async fn exchange(
    http: &reqwest::Client,
    token_url: &str,
    params: &[(&str, &str)],
) -> Result<Value, ExchangeError> {
    let url =
        reqwest::Url::parse(token_url).map_err(|_| ExchangeError::Url(token_url.to_owned()))?;
    let response = http
        .post(url)
        .header(reqwest::header::ACCEPT, "application/json")
        .form(params)
        .send()
        .await
        .map_err(ExchangeError::Transport)?;
    let status = response.status();
    let bytes = response.bytes().await.map_err(ExchangeError::Transport)?;
    if !status.is_success() {
        let body: String = String::from_utf8_lossy(&bytes)
            .chars()
            .take(MAX_ECHOED_BODY)
            .collect();
        return Err(ExchangeError::Status {
            status: status.as_u16(),
            body,
        });
    }
    serde_json::from_slice(&bytes).map_err(|e| ExchangeError::NotJson(e.to_string()))
}

/// `YYYY-MM-DDTHH:MM:SS[.fff](Z|±HH:MM)` as a time.
fn parse_rfc3339(text: &str) -> Option<SystemTime> {
    let bytes = text.as_bytes();
    if bytes.len() < 20
        || bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    let num = |range: std::ops::Range<usize>| text.get(range)?.parse::<i64>().ok();
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month)
        || !(1..=31).contains(&day)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0i64;
    if let Some(fraction) = rest.strip_prefix('.') {
        let digits = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return None;
        }
        let padded = format!("{:0<3}", &fraction[..digits.min(3)]);
        millis = padded.parse().ok()?;
        rest = &fraction[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && &rest[3..4] == ":" =>
        {
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (rest[1..3].parse::<i64>().ok()? * 60 + rest[4..6].parse::<i64>().ok()?) * 60
        }
        _ => return None,
    };
    // Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset;
    let millis = seconds.checked_mul(1000)?.checked_add(millis)?;
    u64::try_from(millis)
        .ok()
        .map(|ms| UNIX_EPOCH + Duration::from_millis(ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates_parse() {
        let at =
            |s: &str| parse_rfc3339(s).map(|t| t.duration_since(UNIX_EPOCH).unwrap().as_millis());
        assert_eq!(at("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(at("2024-02-29T12:30:15.5Z"), Some(1_709_209_815_500));
        assert_eq!(at("2024-02-29T14:30:15+02:00"), Some(1_709_209_815_000));
        assert_eq!(at("2024-13-01T00:00:00Z"), None);
        assert_eq!(at("yesterday"), None);
    }

    #[test]
    fn credentials_expiry_reads_numbers_and_dates() {
        let credentials = |expires_at: Value| OAuthCredentials {
            access_token: "t".into(),
            refresh_token: None,
            expires_at: Some(expires_at),
        };
        assert_eq!(
            credentials(json!(5000)).expires_at(),
            Some(UNIX_EPOCH + Duration::from_secs(5))
        );
        assert_eq!(
            credentials(json!("5000")).expires_at(),
            Some(UNIX_EPOCH + Duration::from_secs(5))
        );
        assert_eq!(
            credentials(json!("1970-01-01T00:00:05Z")).expires_at(),
            Some(UNIX_EPOCH + Duration::from_secs(5))
        );
        assert_eq!(credentials(json!(true)).expires_at(), None);
    }
}
