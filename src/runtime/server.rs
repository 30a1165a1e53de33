//! The integration runtime over HTTP, with axum (feature `server`).
//!
//! [`router`] mounts:
//! - `POST /{version}`: GitBook's runtime interface. The multipart fields
//!   `event`, `environment` and `fetch-body` are read, then
//!   [`dispatch::handle`] answers (see its module for every status);
//! - `POST /webhooks`, when [`ServerConfig::webhook`] is set: signed webhook
//!   deliveries, verified and routed by a [`WebhookReceiver`].
//!
//! Handlers here only move bytes between HTTP and those plain functions.
//! Every error is a status with a JSON body `{"error": "…"}`: a body over
//! [`ServerConfig::body_limit`] is a 413, a malformed multipart body a 400, a
//! bad webhook signature a 401, an unknown route a 404 and a wrong method a
//! 405.
//!
//! A body over the limit is still read, and thrown away, up to
//! [`DRAIN_LIMIT`] more bytes before the 413 is sent (as nginx lingers on a
//! closing connection): a client that writes its whole body before reading
//! the answer would otherwise meet a reset connection instead of the 413.
//!
//! Integration handlers are synchronous code, so each request runs them on
//! tokio's blocking pool: a slow handler does not stall the connections of
//! others, and a panicking one answers a 500 instead of dropping the
//! connection.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use contentkit::component::Integration;
//! use contentkit::runtime::server::{router, serve, shutdown_signal, ServerConfig};
//!
//! # async fn run() -> std::io::Result<()> {
//! let integration = Arc::new(Integration::new());
//! let app = router(integration, ServerConfig::default());
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
//! serve(listener, app, shutdown_signal()).await
//! # }
//! ```

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

use super::dispatch::{self, IncomingRequest, OutgoingResponse};
use super::webhook::{Headers, WebhookError, WebhookReceiver};
use crate::component::Integration;

/// The default [`ServerConfig::body_limit`]: 2 MiB, axum's own default.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How many bytes past the body limit are read and discarded before a 413
/// is sent; a larger body has its connection closed under it.
pub const DRAIN_LIMIT: usize = 8 * 1024 * 1024;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The largest request body accepted, in bytes; larger ones get a 413.
    pub body_limit: usize,
    /// Where `POST /webhooks` deliveries go; without it the route is absent.
    pub webhook: Option<Arc<WebhookReceiver>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: DEFAULT_BODY_LIMIT,
            webhook: None,
        }
    }
}

/// Where each request finds the integration to run: a fixed one, or one that changes
/// while the server runs (a playground recompiling its component files).
pub trait IntegrationSource: Send + Sync {
    /// The integration as it is now.
    fn integration(&self) -> Arc<Integration>;
}

/// A fixed integration.
struct Fixed(Arc<Integration>);

impl IntegrationSource for Fixed {
    fn integration(&self) -> Arc<Integration> {
        self.0.clone()
    }
}

/// The state the handlers share.
#[derive(Clone)]
struct AppState {
    source: Arc<dyn IntegrationSource>,
    webhook: Option<Arc<WebhookReceiver>>,
    body_limit: usize,
}

/// The runtime's routes, ready for [`serve`] (or to be nested in a larger
/// axum app).
pub fn router(integration: Arc<Integration>, config: ServerConfig) -> Router {
    router_with(Arc::new(Fixed(integration)), config)
}

/// The runtime's routes over an integration that may change between requests.
pub fn router_with(source: Arc<dyn IntegrationSource>, config: ServerConfig) -> Router {
    let state = AppState {
        source,
        webhook: config.webhook,
        body_limit: config.body_limit,
    };
    let mut app = Router::new().route("/{version}", post(runtime_request));
    if state.webhook.is_some() {
        // A static segment wins over `/{version}`, so this never reaches the
        // runtime route.
        app = app.route("/webhooks", post(webhook_request));
    }
    app.fallback(|| async { into_response(OutgoingResponse::error(404, "Not found")) })
        .method_not_allowed_fallback(|| async {
            into_response(OutgoingResponse::error(405, "Method not allowed"))
        })
        // Bodies are read in full (and checked) by `read_body` first; this
        // keeps the multipart parser's own limit from being a different one.
        .layer(DefaultBodyLimit::max(config.body_limit))
        .with_state(state)
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets the
/// requests under way finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM: what [`serve`] usually waits for.
pub async fn shutdown_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// `POST /{version}`: read the multipart fields, then dispatch.
async fn runtime_request(State(state): State<AppState>, request: Request) -> Response {
    let response = match read_request(request, state.body_limit).await {
        Ok(request) => {
            let integration = state.source.integration();
            blocking(move || dispatch::handle(&integration, request)).await
        }
        Err(response) => response,
    };
    into_response(response)
}

/// The runtime fields of a multipart request.
async fn read_request(request: Request, limit: usize) -> Result<IncomingRequest, OutgoingResponse> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let body = read_body(body, limit).await?;
    let multipart = Multipart::from_request(Request::from_parts(parts, Body::from(body)), &())
        .await
        .map_err(|rejection| {
            OutgoingResponse::error(rejection.status().as_u16(), &rejection.body_text())
        })?;
    read_fields(path, multipart).await
}

/// Splits a multipart body into the runtime's fields; the first of each name
/// counts (as `FormData.get` does) and other fields are ignored.
async fn read_fields(
    path: String,
    mut multipart: Multipart,
) -> Result<IncomingRequest, OutgoingResponse> {
    let mut request = IncomingRequest {
        path,
        ..IncomingRequest::default()
    };
    while let Some(field) = multipart.next_field().await.map_err(multipart_error)? {
        let slot = match field.name() {
            Some("event") => &mut request.event,
            Some("environment") => &mut request.environment,
            Some("fetch-body") => &mut request.fetch_body,
            _ => continue,
        };
        let bytes = field.bytes().await.map_err(multipart_error)?;
        if slot.is_none() {
            *slot = Some(bytes.to_vec());
        }
    }
    Ok(request)
}

/// A malformed multipart body (the body itself is already in memory).
fn multipart_error(error: MultipartError) -> OutgoingResponse {
    let status = error.status();
    if status.is_server_error() {
        tracing::error!(%error, "parsing a multipart body in memory");
        return OutgoingResponse::error(500, "Internal server error");
    }
    OutgoingResponse::error(status.as_u16(), &error.body_text())
}

/// Reads a whole body of at most `limit` bytes; past that, drains up to
/// [`DRAIN_LIMIT`] more bytes and answers 413.
async fn read_body(mut body: Body, limit: usize) -> Result<Bytes, OutgoingResponse> {
    let capacity = body.size_hint().exact().unwrap_or(0);
    let mut buffer = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0).min(limit));
    let mut over_by: Option<usize> = None;
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|error| {
            // The client went away or sent a broken body; nobody may hear this.
            tracing::debug!(%error, "reading a request body");
            OutgoingResponse::error(400, "Cannot read the request body")
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        match &mut over_by {
            Some(drained) => {
                *drained += data.len();
                if *drained > DRAIN_LIMIT {
                    break;
                }
            }
            None if buffer.len() + data.len() > limit => {
                buffer = Vec::new();
                over_by = Some(data.len());
            }
            None => buffer.extend_from_slice(&data),
        }
    }
    match over_by {
        Some(_) => Err(OutgoingResponse::error(413, "Request payload is too large")),
        None => Ok(Bytes::from(buffer)),
    }
}

/// `POST /webhooks`: verify, parse and route one delivery.
async fn webhook_request(State(state): State<AppState>, request: Request) -> Response {
    let Some(receiver) = state.webhook else {
        return into_response(OutgoingResponse::error(404, "Not found"));
    };
    let (parts, body) = request.into_parts();
    let body = match read_body(body, state.body_limit).await {
        Ok(body) => body,
        Err(response) => return into_response(response),
    };
    let headers = parts.headers;
    let response = blocking(
        move || match receiver.receive(&HeaderView(&headers), &body) {
            Ok(delivery) => {
                let body = serde_json::json!({ "received": delivery.event });
                OutgoingResponse {
                    status: 200,
                    headers: vec![("Content-Type".into(), "application/json".into())],
                    body: body.to_string().into_bytes(),
                }
            }
            Err(error) => webhook_error(&error),
        },
    )
    .await;
    into_response(response)
}

/// A refused delivery; a handler's failure is logged, not shown.
fn webhook_error(error: &WebhookError) -> OutgoingResponse {
    if let WebhookError::Handler { .. } = error {
        tracing::error!(%error, "webhook handler failed");
        return OutgoingResponse::error(500, "Internal server error");
    }
    OutgoingResponse::error(error.status(), &error.message())
}

/// Runs `work` on the blocking pool; a panic in it becomes a 500.
async fn blocking<F>(work: F) -> OutgoingResponse
where
    F: FnOnce() -> OutgoingResponse + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(response) => response,
        Err(error) => {
            tracing::error!(%error, "a handler panicked");
            OutgoingResponse::error(500, "Internal server error")
        }
    }
}

/// Request headers as the webhook receiver reads them.
struct HeaderView<'a>(&'a HeaderMap);

impl Headers for HeaderView<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        // `HeaderMap` lookups by `&str` already ignore case.
        self.0.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Turns a response of the pure core into an axum response.
fn into_response(response: OutgoingResponse) -> Response {
    let Ok(status) = StatusCode::from_u16(response.status) else {
        tracing::error!(status = response.status, "invalid response status");
        return fallback_error();
    };
    // Built by hand: `IntoResponse` for bytes would add its own content type.
    let mut out = Response::new(Body::from(response.body));
    *out.status_mut() = status;
    let headers = out.headers_mut();
    for (name, value) in response.headers {
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(&value),
        ) else {
            tracing::error!(%name, "invalid response header");
            return fallback_error();
        };
        // The body's framing is hyper's to set from the body it sends.
        if name == header::CONTENT_LENGTH
            || name == header::TRANSFER_ENCODING
            || name == header::CONNECTION
        {
            continue;
        }
        headers.append(name, value);
    }
    out
}

fn fallback_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "application/json")],
        r#"{"error":"Internal server error"}"#,
    )
        .into_response()
}
