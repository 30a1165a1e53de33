//! A mock OAuth provider and a mock of GitBook's side, on loopback, for trying
//! `examples/integrations/oauth` served by `contentkit serve` (see the README).
//!
//! ```text
//! cargo run -- serve examples/integrations/oauth --addr 127.0.0.1:8787   # the integration
//! cargo run --example oauth_mocks --features server,client                # these mocks
//! curl -sL http://127.0.0.1:8791/integrations/oauth-example/installations/inst_1/oauth
//! ```
//!
//! - The provider, on `127.0.0.1:8790`: `GET /authorize` consents at once and
//!   redirects to the `redirect_uri` with a code and the state it was given;
//!   `POST /token` exchanges a code (or a refresh token) for tokens.
//! - GitBook, on `127.0.0.1:8791`: the installation's public endpoint
//!   (`/integrations/oauth-example/installations/inst_1/…`), whose requests become
//!   `fetch` events sent to the integration's `POST /v1` as GitBook sends them; the
//!   API the integration calls (`/v1/integrations/oauth-example/installations/inst_1`:
//!   `GET`, `PATCH`; `/v1/integrations/oauth-example/tasks`), keeping the
//!   installation's configuration in memory; and `GET /blocks/status`, a `ui_render`
//!   of the integration's block with the configuration as it is now.
//!
//! The integration's `POST /v1` is `http://127.0.0.1:8787/v1`, or the first argument.

use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde_json::{json, Value};

const PROVIDER: &str = "127.0.0.1:8790";
const GITBOOK: &str = "127.0.0.1:8791";
const INSTALLATION: &str = "/integrations/oauth-example/installations/inst_1";

#[derive(Clone)]
struct Mocks {
    /// The integration's `POST /v1`.
    runtime: String,
    /// The installation's configuration, as the API holds it.
    configuration: Arc<Mutex<Value>>,
    http: reqwest::Client,
}

impl Mocks {
    /// The environment GitBook sends with every event.
    fn environment(&self) -> Value {
        let configuration = self.configuration.lock().unwrap().clone();
        json!({
            "apiEndpoint": format!("http://{GITBOOK}"),
            "apiTokens": {"integration": "mock-integration-token", "installation": "mock-installation-token"},
            "integration": {"name": "oauth-example", "version": 1},
            "installation": {
                "id": "inst_1",
                "status": "active",
                "configuration": configuration,
                "externalIds": [],
                "urls": {
                    "location": format!("http://{GITBOOK}{INSTALLATION}"),
                    "publicEndpoint": format!("http://{GITBOOK}{INSTALLATION}"),
                    "publicContentEndpoint": format!("http://{GITBOOK}{INSTALLATION}")
                }
            },
            "secrets": {
                "CLIENT_ID": "mock-client",
                "CLIENT_SECRET": "mock-secret",
                "AUTHORIZE_URL": format!("http://{PROVIDER}/authorize"),
                "TOKEN_URL": format!("http://{PROVIDER}/token")
            },
            "signingSecrets": {"integration": "mock-signing-secret"}
        })
    }

    /// Sends `event` to the integration and relays its answer.
    async fn send(&self, event: Value) -> Response {
        let form = reqwest::multipart::Form::new()
            .text("event", event.to_string())
            .text("environment", self.environment().to_string());
        let answer = match self.http.post(&self.runtime).multipart(form).send().await {
            Ok(answer) => answer,
            Err(e) => {
                let message = format!("the integration at {} did not answer: {e}\n", self.runtime);
                return (StatusCode::BAD_GATEWAY, message).into_response();
            }
        };
        let status =
            StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
        let mut headers = HeaderMap::new();
        for name in ["location", "content-type", "cache-control"] {
            if let Some(value) = answer.headers().get(name) {
                if let (Ok(name), Ok(value)) = (
                    name.parse::<axum::http::HeaderName>(),
                    value.to_str().unwrap_or("").parse(),
                ) {
                    headers.insert(name, value);
                }
            }
        }
        let body = answer.bytes().await.unwrap_or_default();
        (status, headers, body).into_response()
    }
}

/// The provider's consent page, consenting at once.
async fn authorize(Query(query): Query<Vec<(String, String)>>) -> Response {
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let (Some(redirect), Some(state)) = (param("redirect_uri"), param("state")) else {
        return (
            StatusCode::BAD_REQUEST,
            "redirect_uri and state are required\n",
        )
            .into_response();
    };
    if param("client_id").as_deref() != Some("mock-client") {
        return (StatusCode::BAD_REQUEST, "unknown client_id\n").into_response();
    }
    let state: String = url::form_urlencoded::byte_serialize(state.as_bytes()).collect();
    let location = format!("{redirect}?code=mock-code&state={state}");
    println!(
        "provider: {} consents, back to {redirect}",
        param("scope").unwrap_or_default()
    );
    (StatusCode::FOUND, [("location", location)]).into_response()
}

/// The provider's token endpoint.
async fn token(Form(form): Form<Vec<(String, String)>>) -> Response {
    let param = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    if param("client_secret") != Some("mock-secret") {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client"})),
        )
            .into_response();
    }
    let grant = param("grant_type").unwrap_or_default();
    let valid = match grant {
        "authorization_code" => param("code") == Some("mock-code"),
        "refresh_token" => param("refresh_token") == Some("mock-refresh"),
        _ => false,
    };
    if !valid {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "invalid_grant"})),
        )
            .into_response();
    }
    println!("provider: {grant} exchanged");
    Json(json!({
        "access_token": format!("mock-access-{}", std::process::id()),
        "refresh_token": "mock-refresh",
        "expires_in": 3600,
        "token_type": "bearer",
        "account": {"name": "Ada Lovelace"}
    }))
    .into_response()
}

/// The installation's public endpoint: a `fetch` event for the integration.
async fn public_endpoint(State(mocks): State<Mocks>, uri: Uri, headers: HeaderMap) -> Response {
    let headers: serde_json::Map<String, Value> = headers
        .iter()
        .filter_map(|(k, v)| Some((k.to_string(), Value::from(v.to_str().ok()?))))
        .collect();
    let url = format!("http://{GITBOOK}{uri}");
    println!("gitbook: fetch event for {url}");
    mocks
        .send(json!({
            "eventId": format!("evt_{}", rand_id()),
            "type": "fetch",
            "installationId": "inst_1",
            "request": {"method": "get", "url": url, "headers": headers}
        }))
        .await
}

/// `GET /blocks/status`: the block, rendered with the configuration as it is now.
async fn block(State(mocks): State<Mocks>) -> Response {
    mocks
        .send(json!({
            "eventId": format!("evt_{}", rand_id()),
            "type": "ui_render",
            "installationId": "inst_1",
            "componentId": "status",
            "props": {},
            "context": {"type": "document", "theme": "light"}
        }))
        .await
}

fn authorized(headers: &HeaderMap) -> bool {
    matches!(
        headers.get("authorization").and_then(|v| v.to_str().ok()),
        Some("Bearer mock-installation-token" | "Bearer mock-integration-token")
    )
}

/// The API's installation: `GET` and `PATCH`.
async fn read_installation(State(mocks): State<Mocks>, headers: HeaderMap) -> Response {
    if !authorized(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"code": 401, "message": "Unauthorized"}})),
        )
            .into_response();
    }
    Json(mocks.environment()["installation"].clone()).into_response()
}

async fn update_installation(
    State(mocks): State<Mocks>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if !authorized(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": {"code": 401, "message": "Unauthorized"}})),
        )
            .into_response();
    }
    let Ok(update) = serde_json::from_slice::<Value>(&body) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": {"code": 400, "message": "Not JSON"}})),
        )
            .into_response();
    };
    if let Some(configuration) = update.get("configuration") {
        println!("gitbook: installation configuration is now {configuration}");
        *mocks.configuration.lock().unwrap() = configuration.clone();
    }
    Json(mocks.environment()["installation"].clone()).into_response()
}

async fn queue_task(headers: HeaderMap, body: Bytes) -> StatusCode {
    if !authorized(&headers) {
        return StatusCode::UNAUTHORIZED;
    }
    println!("gitbook: task queued: {}", String::from_utf8_lossy(&body));
    StatusCode::NO_CONTENT
}

/// An id for events, different on every call.
fn rand_id() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let runtime = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "http://127.0.0.1:8787/v1".to_owned());
    let mocks = Mocks {
        runtime,
        configuration: Arc::new(Mutex::new(json!({}))),
        http: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(std::io::Error::other)?,
    };
    let provider = Router::new()
        .route("/authorize", get(authorize))
        .route("/token", post(token));
    let gitbook = Router::new()
        .route(&format!("{INSTALLATION}/{{*rest}}"), get(public_endpoint))
        .route("/blocks/status", get(block))
        .route(
            &format!("/v1{INSTALLATION}"),
            get(read_installation).patch(update_installation),
        )
        .route("/v1/integrations/oauth-example/tasks", post(queue_task))
        .with_state(mocks.clone());
    let provider_listener = tokio::net::TcpListener::bind(PROVIDER).await?;
    let gitbook_listener = tokio::net::TcpListener::bind(GITBOOK).await?;
    println!(
        "provider on http://{PROVIDER}, GitBook on http://{GITBOOK}, integration at {}",
        mocks.runtime
    );
    println!("connect: curl -sL http://{GITBOOK}{INSTALLATION}/oauth");
    let provider = tokio::spawn(async move { axum::serve(provider_listener, provider).await });
    axum::serve(gitbook_listener, gitbook).await?;
    provider.await.map_err(std::io::Error::other)?
}
