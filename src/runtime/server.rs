//! The integration runtime over HTTP, with axum and hyper (feature `server`).
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
//! [`ServerConfig::body_limit`] is a 413, a body not received within
//! [`ServerConfig::body_read_timeout`] a 408, a malformed multipart body a 400,
//! a bad webhook signature a 401, an unknown route a 404 and a wrong method a
//! 405.
//!
//! A request whose `Content-Length` is over the limit is answered 413 before
//! any of its body is read; a chunked body is answered 413 as soon as it passes
//! the limit. Either way the connection then closes, lingering so that the
//! client reads the 413 rather than a reset (see [`ConnectionLimits`]).
//!
//! Integration handlers are synchronous code that may block, so they run on a
//! fixed pool of [`ServerConfig::handler_threads`] threads: a slow handler does
//! not stall the connections of others, the thread count stays fixed under any
//! load, and a panicking handler answers a 500 instead of dropping the
//! connection.
//!
//! [`serve`] (or [`serve_with`]) drives the connections: header and idle
//! timeouts, a cap on open connections below the descriptor limit, and a
//! graceful shutdown ([`ConnectionLimits`]). [`runtime`] builds a tokio
//! runtime with a fixed number of threads to run it on.
//!
//! ```no_run
//! use std::sync::Arc;
//!
//! use contentkit::component::Integration;
//! use contentkit::runtime::server::{router, runtime, serve, shutdown_signal, ServerConfig};
//!
//! fn main() -> std::io::Result<()> {
//!     let integration = Arc::new(Integration::new());
//!     let app = router(integration, ServerConfig::default());
//!     runtime(None)?.block_on(async {
//!         let listener = tokio::net::TcpListener::bind("127.0.0.1:8787").await?;
//!         serve(listener, app, shutdown_signal()).await
//!     })
//! }
//! ```

mod connections;
mod limits;
mod pool;
mod registry;

use std::future::{poll_fn, Future};
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes, HttpBody};
use axum::extract::multipart::{Multipart, MultipartError};
use axum::extract::{DefaultBodyLimit, FromRequest, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

pub use connections::serve_with;
pub use limits::ConnectionLimits;

use super::dispatch::{self, IncomingRequest, OutgoingResponse, Pending, Prepared};
use super::host::{HostDriver, FOREGROUND_TIMEOUT, WAIT_UNTIL_TIMEOUT};
use super::webhook::{Headers, WebhookError, WebhookReceiver};
use crate::component::Integration;
use pool::HandlerPool;

/// The default [`ServerConfig::body_limit`]: 2 MiB, axum's own default.
pub const DEFAULT_BODY_LIMIT: usize = 2 * 1024 * 1024;

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// The largest request body accepted, in bytes; larger ones get a 413.
    pub body_limit: usize,
    /// The time a request's whole body has to arrive once its head has; a slower one
    /// gets a 408. Default: 30 s.
    pub body_read_timeout: Duration,
    /// The most bytes of request bodies held in memory at once, over all requests
    /// (at least [`ServerConfig::body_limit`]). Each body reserves its declared
    /// `Content-Length` (the whole limit when chunked) before it is read, waiting for
    /// room within its read timeout, so many large bodies at once cannot exhaust
    /// memory. Default: 8 bodies at the default limit, 16 MiB.
    pub body_memory: usize,
    /// How many threads run integration handlers; 0 runs them on the async worker
    /// threads themselves (for handlers that never block). Default: the number of
    /// cores.
    pub handler_threads: usize,
    /// Where `POST /webhooks` deliveries go; without it the route is absent.
    pub webhook: Option<Arc<WebhookReceiver>>,
    /// What performs the host operations of component files (`fetch`, the GitBook
    /// API); without one, a handler that awaits one answers 500. Default: an
    /// [`HttpDriver`](super::host::HttpDriver) with the `client` feature.
    pub host_driver: Option<Arc<dyn HostDriver>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            body_limit: DEFAULT_BODY_LIMIT,
            body_read_timeout: Duration::from_secs(30),
            body_memory: 8 * DEFAULT_BODY_LIMIT,
            handler_threads: cores(),
            webhook: None,
            host_driver: default_host_driver(),
        }
    }
}

/// An HTTP driver when the crate has an HTTP client.
fn default_host_driver() -> Option<Arc<dyn HostDriver>> {
    #[cfg(feature = "client")]
    {
        Some(Arc::new(super::host::HttpDriver::default()))
    }
    #[cfg(not(feature = "client"))]
    {
        None
    }
}

/// The cores this process may run on (1 when unknown).
fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
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
    body: BodyLimits,
    pool: Arc<HandlerPool>,
    driver: Option<Arc<dyn HostDriver>>,
}

/// How much of a body is read, and for how long.
#[derive(Debug, Clone)]
struct BodyLimits {
    size: usize,
    time: Duration,
    /// Permits of [`MEMORY_UNIT`] bytes for the bodies in memory.
    memory: Arc<Semaphore>,
}

/// The bytes of body memory one permit stands for.
const MEMORY_UNIT: usize = 1024;

/// The permits `bytes` of body take.
fn memory_units(bytes: usize) -> u32 {
    u32::try_from(bytes.div_ceil(MEMORY_UNIT)).unwrap_or(u32::MAX)
}

/// The runtime's routes, ready for [`serve`] (or to be nested in a larger
/// axum app).
pub fn router(integration: Arc<Integration>, config: ServerConfig) -> Router {
    router_with(Arc::new(Fixed(integration)), config)
}

/// The runtime's routes over an integration that may change between requests.
///
/// Starts the [`ServerConfig::handler_threads`] handler threads; they stop when the
/// last clone of the router is dropped.
pub fn router_with(source: Arc<dyn IntegrationSource>, config: ServerConfig) -> Router {
    let state = AppState {
        source,
        webhook: config.webhook,
        body: BodyLimits {
            size: config.body_limit,
            time: config.body_read_timeout,
            memory: Arc::new(Semaphore::new(
                memory_units(config.body_memory.max(config.body_limit)) as usize,
            )),
        },
        pool: Arc::new(HandlerPool::new(config.handler_threads)),
        driver: config.host_driver,
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

/// Serves `app` on `listener` under the default [`ConnectionLimits`] until
/// `shutdown` resolves, then lets the requests under way finish.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, app, shutdown, ConnectionLimits::default()).await
}

/// A multi-threaded tokio runtime for [`serve`] with `worker_threads` async workers
/// (default: the number of cores) and at most two threads for blocking calls, so the
/// server's thread count stays fixed under any load (handlers run on the router's own
/// [`ServerConfig::handler_threads`]).
pub fn runtime(worker_threads: Option<usize>) -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(worker_threads.unwrap_or_else(cores).max(1))
        .max_blocking_threads(2)
        .thread_name("contentkit-io")
        .enable_all()
        .build()
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
    let (parts, body) = request.into_parts();
    // The body's memory stays counted until the answer is ready.
    let (body, _memory) = match read_body(&parts.headers, body, &state.body).await {
        Ok(read) => read,
        Err(refused) => return refused.into_response(),
    };
    let path = parts.uri.path().to_owned();
    let request = Request::from_parts(parts, Body::from(body));
    let response = match read_fields(path, request).await {
        Ok(request) => {
            let integration = state.source.integration();
            let driver = state.driver.clone();
            // The synchronous part (component files, Rust renders) on the handler
            // threads; Rust handlers' futures here, on the async runtime.
            let prepared = state
                .pool
                .run(move || dispatch::prepare(&integration, request, driver.as_ref()))
                .await;
            match prepared {
                Prepared::Answered(response) => response,
                Prepared::Pending(pending) => finish(pending).await,
            }
        }
        Err(response) => response,
    };
    into_response(response)
}

/// Awaits Rust handlers, within [`FOREGROUND_TIMEOUT`], and sends the work they
/// left (`wait_until`) on to run after the response, within [`WAIT_UNTIL_TIMEOUT`]
/// in all.
async fn finish(pending: Pending) -> OutgoingResponse {
    let Ok(handled) = tokio::time::timeout(FOREGROUND_TIMEOUT, pending.finish()).await else {
        tracing::error!(
            "a handler did not answer within {} s",
            FOREGROUND_TIMEOUT.as_secs()
        );
        return OutgoingResponse::error(500, "Internal server error");
    };
    if !handled.background.is_empty() {
        let works = handled.background;
        tokio::spawn(async move {
            let all = async {
                let mut set = tokio::task::JoinSet::new();
                for work in works {
                    set.spawn(work);
                }
                while let Some(done) = set.join_next().await {
                    if let Err(error) = done {
                        tracing::error!(%error, "wait_until work failed");
                    }
                }
            };
            if tokio::time::timeout(WAIT_UNTIL_TIMEOUT, all).await.is_err() {
                tracing::error!(
                    "wait_until work stopped after {} s",
                    WAIT_UNTIL_TIMEOUT.as_secs()
                );
            }
        });
    }
    handled.response
}

/// Splits a multipart body (already in memory) into the runtime's fields; the first
/// of each name counts (as `FormData.get` does) and other fields are ignored.
async fn read_fields(path: String, request: Request) -> Result<IncomingRequest, OutgoingResponse> {
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|rejection| {
            OutgoingResponse::error(rejection.status().as_u16(), &rejection.body_text())
        })?;
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

/// Why a body was not read.
#[derive(Debug)]
enum BodyRefused {
    /// Over the limit, declared or seen.
    TooLarge,
    /// Not received within the body read timeout.
    TimedOut,
    /// The client sent a broken body, or went away.
    Broken,
}

impl BodyRefused {
    /// A JSON error; the connection closes after it when the body was not read to
    /// its end.
    fn into_response(self) -> Response {
        let (status, message) = match self {
            BodyRefused::TooLarge => (413, "Request payload is too large"),
            BodyRefused::TimedOut => (408, "The request body did not arrive in time"),
            BodyRefused::Broken => (400, "Cannot read the request body"),
        };
        let mut response = into_response(OutgoingResponse::error(status, message));
        response
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        response
    }
}

/// Reads a whole body of at most `limits.size` bytes within `limits.time`, with the
/// permits of body memory it holds. A declared `Content-Length` over the limit is
/// refused before any of the body is read, a chunked body as soon as it passes the
/// limit.
async fn read_body(
    headers: &HeaderMap,
    body: Body,
    limits: &BodyLimits,
) -> Result<(Bytes, OwnedSemaphorePermit), BodyRefused> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limits.size as u64) {
        return Err(BodyRefused::TooLarge);
    }
    let declared = declared.map(|length| length as usize);
    tokio::time::timeout(limits.time, read_limited(body, declared, limits))
        .await
        .unwrap_or(Err(BodyRefused::TimedOut))
}

async fn read_limited(
    mut body: Body,
    declared: Option<usize>,
    limits: &BodyLimits,
) -> Result<(Bytes, OwnedSemaphorePermit), BodyRefused> {
    // The room is reserved whole before reading (the limit when no length is
    // declared): two bodies can then never each hold part of what both need and wait
    // for each other.
    let held = limits
        .memory
        .clone()
        .acquire_many_owned(memory_units(declared.unwrap_or(limits.size)))
        .await
        .map_err(|_| BodyRefused::Broken)?; // never closed
    let mut buffer = Vec::with_capacity(declared.unwrap_or(0));
    while let Some(frame) = poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await {
        let frame = frame.map_err(|error| {
            // The client went away or sent a broken body; nobody may hear this.
            tracing::debug!(%error, "reading a request body");
            BodyRefused::Broken
        })?;
        let Ok(data) = frame.into_data() else {
            continue; // trailers
        };
        let length = buffer.len() + data.len();
        if length > limits.size {
            return Err(BodyRefused::TooLarge);
        }
        if length > buffer.capacity() {
            // By doublings, as a vector grows, but never past the room reserved.
            let capacity = length.next_power_of_two().clamp(length, limits.size);
            buffer.reserve_exact(capacity - buffer.len());
        }
        buffer.extend_from_slice(&data);
    }
    Ok((Bytes::from(buffer), held))
}

/// `POST /webhooks`: verify, parse and route one delivery.
async fn webhook_request(State(state): State<AppState>, request: Request) -> Response {
    let Some(receiver) = state.webhook else {
        return into_response(OutgoingResponse::error(404, "Not found"));
    };
    let (parts, body) = request.into_parts();
    let (body, _memory) = match read_body(&parts.headers, body, &state.body).await {
        Ok(read) => read,
        Err(refused) => return refused.into_response(),
    };
    let headers = parts.headers;
    let response = state
        .pool
        .run(
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
