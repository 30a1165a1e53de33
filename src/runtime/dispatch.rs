//! The runtime's one entry point: a request already split from its multipart
//! body in, a response out.
//!
//! [`handle`] does no I/O and never blocks on anything but the integration's
//! own handlers, so the same code answers behind the axum server
//! (`runtime::server`, feature `server`), in a worker compiled to wasm, or in
//! a test. Rust handlers are `async` ([`super::handler`]): [`handle_async`] awaits
//! them inside an async runtime and returns the work they left to
//! [`RequestContext::wait_until`]; [`handle`] runs both on the calling thread.
//!
//! # What it answers
//!
//! The statuses and bodies follow `createIntegration` in the official
//! `@gitbook/runtime` (`packages/runtime/src/integrations.ts`):
//!
//! | request | status | body |
//! | --- | --- | --- |
//! | path other than `/v1` | 400 | `{"error": "Unsupported version <v>"}` |
//! | no `event` / `environment` field | 400 | `{"error": "Missing \"event\" field"}` |
//! | `event` / `environment` not JSON, or not of the API's shape | 400 | `{"error": "Invalid JSON in \"event\" field: …"}` |
//! | `ui_render` | 200 | the render output, `Content-Type: application/json`, `Cache-Control: max-age=N` when the component asked |
//! | `ui_render` of an unknown component | 404 | `{"error": "Component <id> not found"}` |
//! | `fetch` | the fetch handler's | the fetch handler's |
//! | `fetch` without a fetch handler | 400 | `{"error": "Integration does not handle HTTP requests"}` |
//! | `fetch_published_script` | the script handler's response; 200 `/** no-op */` (`application/javascript`) when it answers `None` | |
//! | `fetch_visitor_authentication` | the visitor-authentication handler's response (usually a 302 redirect) | |
//! | `fetch_published_script`, `fetch_visitor_authentication` nobody handles | 400 | `{"error": "Integration does not handle <type>"}` |
//! | `content_compute_*` nobody handles | 404 | `{"error": "Content source <id> not found"}` |
//! | any other event with handlers (`task` included) | 200 | `OK` (`text/plain`) |
//! | any other event nobody handles | 406 | `{"error": "Integration does not handle \"<type>\" events"}` |
//! | any event but `ui_render` that no Rust handler takes, with a component file's `createIntegration` | its handler's answer, as `@gitbook/runtime` gives it (see [`crate::lang::handlers`]) | |
//! | an exposed [`ComponentError`] | its status | `{"error": "<its message>"}` |
//! | any other failure | 500 | `{"error": "Internal server error"}`, the detail logged with `tracing` |
//!
//! Component files run through [`crate::lang`]; what they ask of the outside world
//! (`fetch`, the GitBook API) is performed by the driver given to [`handle_with`]
//! ([`super::host`]). Without one ([`handle`]), a handler that awaits such an
//! operation answers 500.
//!
//! Where this differs from the official runtime, on purpose:
//! - a wrong version answers JSON (the official runtime answers plain text),
//!   so every error of this runtime has the same shape;
//! - a missing or malformed `event` or `environment` is a 400 naming the
//!   field (the official runtime fails on it with a 500);
//! - a known event whose fields do not match the API is a 400 (the official
//!   runtime does not check them); events of unknown types are accepted;
//! - `fetch_published_script` and `fetch_visitor_authentication` events
//!   with no typed handler (`Integration::on_fetch_published_script`,
//!   `Integration::on_fetch_visitor_authentication`) but plain `on_event`
//!   handlers are answered `OK`; the official runtime has only the typed form.
//!
//! # Example
//!
//! ```
//! use contentkit::component::{Component, Integration};
//! use contentkit::element::{Block, Text};
//! use contentkit::runtime::{handle, IncomingRequest, IntegrationEnvironment};
//!
//! let integration = Integration::new()
//!     .component(Component::new("hello", |_: &contentkit::component::Input<'_>| {
//!         Ok(Block::new([Text::new(["Hello"])]).into())
//!     }))
//!     .on_event("space_view", |event, _context| async move {
//!         assert_eq!(event.type_name(), "space_view");
//!         Ok(())
//!     });
//! let environment = serde_json::to_vec(&IntegrationEnvironment::for_tests()).unwrap();
//!
//! let render = br#"{"eventId": "e1", "type": "ui_render", "installationId": "i",
//!     "componentId": "hello", "props": {}, "context": {"type": "document", "theme": "light"}}"#;
//! let response = handle(&integration, IncomingRequest::new("/v1", render.to_vec(), environment.clone()));
//! assert_eq!(response.status, 200);
//! assert_eq!(response.header("content-type"), Some("application/json"));
//!
//! let view = br#"{"eventId": "e2", "type": "space_view", "spaceId": "s"}"#;
//! let response = handle(&integration, IncomingRequest::new("/v1", view.to_vec(), environment.clone()));
//! assert_eq!((response.status, response.body.as_slice()), (200, &b"OK"[..]));
//!
//! let response = handle(&integration, IncomingRequest::new("/v2", view.to_vec(), environment));
//! assert_eq!(response.status, 400);
//! assert_eq!(response.body, br#"{"error":"Unsupported version v2"}"#);
//! ```

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::context::{BackgroundWork, RequestContext};
use super::environment::IntegrationEnvironment;
use super::event::{Event, FetchEvent, UiRenderEvent};
use super::handler::{block_on, CatchPanic, HandlerFuture, Handlers};
use super::host::{drive, drive_to_reply, HostDriver, ProgramRun};
use crate::component::{ComponentError, Integration, RenderRequest, Rendered};
use crate::element::normalize_numbers;
use crate::lang::handlers::Reply;

/// The only API version this runtime answers, as the request path.
pub const VERSION_PATH: &str = "/v1";

/// The body the official runtime sends after event handlers ran.
const HANDLED_BODY: &[u8] = b"OK";

/// A runtime request, its multipart fields already read.
///
/// Each field is the raw bytes of the multipart part of the same name;
/// `None` when the part was not sent.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IncomingRequest {
    /// The request path; only [`VERSION_PATH`] is answered.
    pub path: String,
    /// The `event` part: the event as JSON.
    pub event: Option<Vec<u8>>,
    /// The `environment` part: the [`IntegrationEnvironment`] as JSON.
    pub environment: Option<Vec<u8>>,
    /// The `fetch-body` part: the raw body of the HTTP request a `fetch`
    /// event describes.
    pub fetch_body: Option<Vec<u8>>,
}

impl IncomingRequest {
    /// A request on `path` with an `event` and an `environment` and no
    /// `fetch-body`.
    ///
    /// ```
    /// use contentkit::runtime::IncomingRequest;
    ///
    /// let request = IncomingRequest::new("/v1", b"{}".to_vec(), b"{}".to_vec())
    ///     .with_fetch_body(b"raw".to_vec());
    /// assert_eq!(request.fetch_body.as_deref(), Some(&b"raw"[..]));
    /// ```
    pub fn new(path: impl Into<String>, event: Vec<u8>, environment: Vec<u8>) -> Self {
        IncomingRequest {
            path: path.into(),
            event: Some(event),
            environment: Some(environment),
            fetch_body: None,
        }
    }

    /// The same request with a `fetch-body` part.
    #[must_use]
    pub fn with_fetch_body(mut self, body: Vec<u8>) -> Self {
        self.fetch_body = Some(body);
        self
    }
}

/// What to answer: a status, headers and a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutgoingResponse {
    /// The HTTP status.
    pub status: u16,
    /// The headers, in order; names as written by whoever set them.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl OutgoingResponse {
    /// An error response: `status` with the body `{"error": message}`.
    ///
    /// ```
    /// use contentkit::runtime::OutgoingResponse;
    ///
    /// let response = OutgoingResponse::error(413, "Request payload is too large");
    /// assert_eq!(response.body, br#"{"error":"Request payload is too large"}"#);
    /// assert_eq!(response.header("Content-Type"), Some("application/json"));
    /// ```
    pub fn error(status: u16, message: &str) -> Self {
        OutgoingResponse {
            status,
            headers: vec![json_content_type()],
            body: serde_json::json!({ "error": message })
                .to_string()
                .into_bytes(),
        }
    }

    /// The first value of header `name`, ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// The HTTP request a fetch handler answers: the `fetch` event and the raw
/// `fetch-body`.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchInput {
    /// The `fetch` event (method, URL, headers, installation, user).
    pub event: FetchEvent,
    /// The raw body, byte for byte (empty when none was sent), so signatures
    /// over it can be checked.
    pub body: Vec<u8>,
}

impl FetchInput {
    /// The method as GitBook sends it (lowercase, e.g. `post`).
    pub fn method(&self) -> &str {
        self.event.request.method.as_str()
    }

    /// The full URL that was requested.
    pub fn url(&self) -> &str {
        &self.event.request.url
    }

    /// Every header that was sent.
    pub fn headers(&self) -> &BTreeMap<String, String> {
        &self.event.request.headers
    }

    /// One header, ignoring ASCII case.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.event.request.header(name)
    }
}

/// What a fetch handler answers, sent back as is.
///
/// ```
/// use contentkit::runtime::FetchResponse;
///
/// let response = FetchResponse::new(201).header("Location", "/items/7").body("created");
/// assert_eq!(response.status, 201);
/// assert_eq!(response.body, b"created");
/// let json = FetchResponse::json(200, &serde_json::json!({"ok": true}));
/// assert_eq!(json.headers, [("Content-Type".to_owned(), "application/json".to_owned())]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchResponse {
    /// The HTTP status (200 to 599, as a JavaScript `Response` allows).
    pub status: u16,
    /// The headers, in order.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl FetchResponse {
    /// An empty response with `status`.
    pub fn new(status: u16) -> Self {
        FetchResponse {
            status,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }

    /// A `text/plain` response.
    pub fn text(status: u16, text: impl Into<String>) -> Self {
        FetchResponse::new(status)
            .header("Content-Type", "text/plain; charset=utf-8")
            .body(text.into())
    }

    /// An `application/json` response.
    pub fn json(status: u16, value: &Value) -> Self {
        FetchResponse::new(status)
            .header("Content-Type", "application/json")
            .body(value.to_string())
    }

    /// Adds a header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body.
    #[must_use]
    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = body.into();
        self
    }

    /// A 200 `application/javascript` response: what a
    /// `fetch_published_script` handler answers.
    ///
    /// ```
    /// use contentkit::runtime::FetchResponse;
    ///
    /// let script = FetchResponse::script("console.log('hi')").header("Cache-Control", "max-age=604800");
    /// assert_eq!(script.status, 200);
    /// assert_eq!(script.headers[0], ("Content-Type".to_owned(), "application/javascript".to_owned()));
    /// ```
    pub fn script(source: impl Into<String>) -> Self {
        FetchResponse::new(200)
            .header("Content-Type", "application/javascript")
            .body(source.into())
    }

    /// A 302 redirect to `location`, as JavaScript's `Response.redirect(url)`
    /// answers: what a `fetch_visitor_authentication` handler usually does.
    ///
    /// ```
    /// use contentkit::runtime::FetchResponse;
    ///
    /// let redirect = FetchResponse::redirect("https://idp.example/authorize?client_id=c");
    /// assert_eq!(redirect.status, 302);
    /// assert_eq!(redirect.headers, [("Location".to_owned(), "https://idp.example/authorize?client_id=c".to_owned())]);
    /// ```
    pub fn redirect(location: impl Into<String>) -> Self {
        FetchResponse::new(302).header("Location", location)
    }
}

/// What the official runtime sends when a `fetch_published_script` handler
/// answers nothing.
const NO_OP_SCRIPT: &str = "/** no-op */";

/// Answers one runtime request. Never panics on any input; only the
/// integration's own handlers can.
///
/// The Rust handlers' futures are run on the calling thread ([`block_on`]), and
/// the work they leave with [`RequestContext::wait_until`] before returning: use
/// [`handle_async`] inside an async runtime, where handlers await I/O (the GitBook
/// API client).
///
/// See the [module documentation](self) for every status it answers.
pub fn handle(integration: &Integration, request: IncomingRequest) -> OutgoingResponse {
    handle_with(integration, request, None)
}

/// [`handle`], with `driver` performing what component files ask of the outside
/// world (`fetch`, the GitBook API): their handlers then run to their answer, and
/// work they leave (`waitUntil`) goes on after it ([`super::host`]). Without a
/// driver, a handler that awaits such an operation answers 500.
pub fn handle_with(
    integration: &Integration,
    request: IncomingRequest,
    driver: Option<&Arc<dyn HostDriver>>,
) -> OutgoingResponse {
    let handled = match prepare(integration, request, driver) {
        Prepared::Answered(response) => return response,
        Prepared::Pending(pending) => {
            block_on(pending.finish()).unwrap_or_else(|| Handled::from(cannot_wait()))
        }
    };
    for work in handled.background {
        // Nothing is lost, only time: the caller gets the answer after the work.
        if block_on(work).is_none() {
            tracing::error!("wait_until work awaited something this host cannot drive");
        }
    }
    handled.response
}

/// [`handle_with`] inside an async runtime: the Rust handlers' futures are awaited
/// here, and the work they leave with [`RequestContext::wait_until`] is returned,
/// for the caller to run after sending the response ([`Handled::background`]).
///
/// Component files' handlers and Rust components' renders are synchronous and run
/// before the first await, on the calling thread (the server runs that part on its
/// handler threads).
///
/// ```
/// use contentkit::component::Integration;
/// use contentkit::runtime::{handle_async, IncomingRequest, IntegrationEnvironment};
///
/// let integration = Integration::new().on_event("space_view", |_event, context| async move {
///     context.wait_until(async { /* e.g. report the view somewhere */ });
///     Ok(())
/// });
/// let environment = serde_json::to_vec(&IntegrationEnvironment::for_tests()).unwrap();
/// let view = br#"{"eventId": "e2", "type": "space_view", "spaceId": "s"}"#.to_vec();
/// let handled = contentkit::runtime::block_on(handle_async(
///     &integration,
///     IncomingRequest::new("/v1", view, environment),
///     None,
/// ))
/// .unwrap();
/// assert_eq!(handled.response.status, 200);
/// assert_eq!(handled.background.len(), 1);
/// ```
pub async fn handle_async(
    integration: &Integration,
    request: IncomingRequest,
    driver: Option<&Arc<dyn HostDriver>>,
) -> Handled {
    match prepare(integration, request, driver) {
        Prepared::Answered(response) => Handled::from(response),
        Prepared::Pending(pending) => pending.finish().await,
    }
}

/// A request's answer, and the work its handlers left to go on after it.
pub struct Handled {
    /// What to send.
    pub response: OutgoingResponse,
    /// What the Rust handlers gave [`RequestContext::wait_until`], in order: run it
    /// after sending the response, bounded in time.
    pub background: Vec<BackgroundWork>,
}

impl fmt::Debug for Handled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Handled")
            .field("response", &self.response)
            .field("background", &self.background.len())
            .finish()
    }
}

impl From<OutgoingResponse> for Handled {
    fn from(response: OutgoingResponse) -> Self {
        Handled {
            response,
            background: Vec::new(),
        }
    }
}

/// A request after its synchronous part: answered, or waiting on Rust handlers.
pub(crate) enum Prepared {
    Answered(OutgoingResponse),
    Pending(Pending),
}

impl From<OutgoingResponse> for Prepared {
    fn from(response: OutgoingResponse) -> Self {
        Prepared::Answered(response)
    }
}

/// Rust handlers under way: their future, the context they share, and what the
/// log calls the request.
pub(crate) struct Pending {
    future: HandlerFuture<OutgoingResponse>,
    context: RequestContext,
    label: Option<String>,
}

impl Pending {
    /// Awaits the handlers; a failure (a panic included) becomes its error response.
    pub(crate) async fn finish(self) -> Handled {
        let response = CatchPanic(self.future)
            .await
            .unwrap_or_else(|error| error_response(&error, self.label.as_deref()));
        Handled {
            response,
            background: self.context.take_background(),
        }
    }
}

/// The answer when a handler's future waits on something [`block_on`] cannot drive.
fn cannot_wait() -> OutgoingResponse {
    tracing::error!("a handler awaited something this host cannot drive");
    OutgoingResponse::error(500, "Internal server error")
}

/// The synchronous part of a request: checks, routing, component files' runs and
/// Rust renders; a Rust handler's future is returned to be awaited.
pub(crate) fn prepare(
    integration: &Integration,
    request: IncomingRequest,
    driver: Option<&Arc<dyn HostDriver>>,
) -> Prepared {
    let mut label = None;
    match dispatch(integration, request, driver, &mut label) {
        Ok(Route::Answered(response)) => Prepared::Answered(response),
        Ok(Route::Handler(future, context)) => Prepared::Pending(Pending {
            future,
            context,
            label,
        }),
        Err(error) => Prepared::Answered(error_response(&error, label.as_deref())),
    }
}

/// Where [`dispatch`] sent a request.
enum Route {
    Answered(OutgoingResponse),
    Handler(HandlerFuture<OutgoingResponse>, RequestContext),
}

fn dispatch(
    integration: &Integration,
    request: IncomingRequest,
    driver: Option<&Arc<dyn HostDriver>>,
    label: &mut Option<String>,
) -> Result<Route, ComponentError> {
    let bad = ComponentError::BadRequest;
    if request.path != VERSION_PATH {
        let version = request.path.strip_prefix('/').unwrap_or(&request.path);
        return Err(bad(format!("Unsupported version {version}")));
    }
    let mut raw_event = request
        .event
        .ok_or_else(|| bad(r#"Missing "event" field"#.into()))?;
    // A `ui_render` of a component file: its program reads the event itself, once.
    if let Some(id) = super::peek::ui_render_component(&raw_event) {
        if let Some(program) = integration.get(id).and_then(|c| c.program()) {
            *label = Some(format!("ui_render {id}"));
            let environment = request
                .environment
                .as_deref()
                .ok_or_else(|| bad(r#"Missing "environment" field"#.into()))?;
            // Checked as on the typed path, so a bad environment is a 400 here too;
            // the program reads the raw bytes itself.
            check_environment(environment)?;
            let expect = Some(id.to_owned());
            let run =
                ProgramRun::ui_render(program.clone(), raw_event, environment.to_vec(), expect);
            match drive(run, driver) {
                Ok(reply) => return Ok(Route::Answered(program_response(reply))),
                // Parsed, it names another component (a repeated key): the general
                // path reads it.
                Err(event) => raw_event = event,
            }
        }
    }
    let value: Value = serde_json::from_slice(&raw_event)
        .map_err(|e| bad(format!(r#"Invalid JSON in "event" field: {e}"#)))?;
    let event =
        Event::from_value(value).map_err(|e| bad(format!(r#"Invalid "event" field: {e}"#)))?;
    *label = Some(event.to_string());
    let context = RequestContext::new(parse_environment(request.environment.as_deref())?);
    tracing::debug!(event = %event, "runtime request");

    let handlers = integration.handlers();
    // An event no Rust handler takes goes to the integration of a component file.
    if !matches!(event, Event::UiRender(_)) && !handlers.handles(event.type_name()) {
        if let Some(program) = integration.integration_program() {
            let environment = request.environment.unwrap_or_default();
            let fetch_body = request.fetch_body.unwrap_or_default();
            let run = ProgramRun::event(program.clone(), raw_event, fetch_body, environment);
            return Ok(Route::Answered(program_response(drive_to_reply(
                run, driver,
            ))));
        }
    }
    let answer =
        |future: HandlerFuture<OutgoingResponse>| Ok(Route::Handler(future, context.clone()));
    match event {
        // The typed event is taken apart, not copied: props and state can be large.
        Event::UiRender(ui) => match integration.get(&ui.component_id).and_then(|c| c.program()) {
            // A component file's render the fast path did not take (an escaped id).
            Some(program) => {
                let environment = request.environment.unwrap_or_default();
                let run = ProgramRun::ui_render(program.clone(), raw_event, environment, None);
                Ok(Route::Answered(program_response(drive_to_reply(
                    run, driver,
                ))))
            }
            None => Ok(Route::Answered(render_response(
                integration.render_owned(render_request(ui, context.environment.clone()))?,
            )?)),
        },
        Event::Fetch(fetch) => {
            let handler = handlers.fetch.as_ref().ok_or_else(|| {
                ComponentError::exposed(400, "Integration does not handle HTTP requests")
            })?;
            let input = FetchInput {
                event: fetch,
                body: request.fetch_body.unwrap_or_default(),
            };
            let future = handler(input, context.clone());
            answer(Box::pin(async move { fetch_response(future.await?) }))
        }
        Event::FetchPublishedScript(script) => match &handlers.published_script {
            Some(handler) => {
                let future = handler(script, context.clone());
                answer(Box::pin(async move {
                    let script = future.await?;
                    fetch_response(script.unwrap_or_else(|| FetchResponse::script(NO_OP_SCRIPT)))
                }))
            }
            None => run_events(handlers, &Event::FetchPublishedScript(script), &context),
        },
        Event::FetchVisitorAuthentication(visitor) => match &handlers.visitor_authentication {
            Some(handler) => {
                let future = handler(visitor, context.clone());
                answer(Box::pin(async move { fetch_response(future.await?) }))
            }
            None => run_events(
                handlers,
                &Event::FetchVisitorAuthentication(visitor),
                &context,
            ),
        },
        ref other => run_events(handlers, other, &context),
    }
}

/// The plain event handlers of `event`, answering `OK` when they all succeed; why
/// nobody answered when none is registered.
fn run_events(
    handlers: &Handlers,
    event: &Event,
    context: &RequestContext,
) -> Result<Route, ComponentError> {
    match handlers.run_events(event, context) {
        Some(future) => Ok(Route::Handler(
            Box::pin(async move { future.await.map(|()| handled_response()) }),
            context.clone(),
        )),
        None => Err(unhandled(event)),
    }
}

/// A program's reply as the response, its diagnostics in the log.
fn program_response(reply: Reply) -> OutgoingResponse {
    for d in &reply.diagnostics {
        tracing::error!("{d}");
    }
    OutgoingResponse {
        status: reply.status,
        headers: reply.headers,
        body: reply.body,
    }
}

/// The render request of a `ui_render` event, numbers normalized the way component code
/// expects them (`7.0` reads as `7`), in the request's environment.
fn render_request(ui: UiRenderEvent, environment: Arc<IntegrationEnvironment>) -> RenderRequest {
    let normalized = |map: Map<String, Value>| {
        let mut v = Value::Object(map);
        normalize_numbers(&mut v);
        match v {
            Value::Object(m) => m,
            _ => Map::new(),
        }
    };
    RenderRequest {
        component_id: ui.component_id,
        props: normalized(ui.props),
        state: ui.state.map(normalized),
        context: ui.context,
        action: ui.action.map(normalized),
        environment: Some(environment),
    }
}

/// The environment part, typed; both its absence and a wrong shape are 400s.
/// [`parse_environment`] for a request that only needs the check: an installation
/// sends the same environment with every request, so each thread remembers the last
/// bytes that passed (up to 64 KiB of them) and checks only different ones.
fn check_environment(raw: &[u8]) -> Result<(), ComponentError> {
    use std::cell::RefCell;
    const REMEMBERED: usize = 64 * 1024;
    thread_local! {
        static LAST_VALID: RefCell<Option<Box<[u8]>>> = const { RefCell::new(None) };
    }
    if LAST_VALID.with(|last| {
        last.borrow()
            .as_deref()
            .is_some_and(|last| crate::bytes::same(last, raw))
    }) {
        return Ok(());
    }
    parse_environment(Some(raw))?;
    if raw.len() <= REMEMBERED {
        LAST_VALID.with(|last| *last.borrow_mut() = Some(raw.into()));
    }
    Ok(())
}

fn parse_environment(raw: Option<&[u8]>) -> Result<IntegrationEnvironment, ComponentError> {
    let raw =
        raw.ok_or_else(|| ComponentError::BadRequest(r#"Missing "environment" field"#.into()))?;
    serde_json::from_slice(raw).map_err(|e| {
        let what = if e.is_data() {
            r#"Invalid "environment" field"#
        } else {
            r#"Invalid JSON in "environment" field"#
        };
        ComponentError::BadRequest(format!("{what}: {e}"))
    })
}

/// Why nobody answered `event`, with the official runtime's status.
fn unhandled(event: &Event) -> ComponentError {
    match event {
        Event::FetchPublishedScript(_) | Event::FetchVisitorAuthentication(_) => {
            ComponentError::exposed(
                400,
                format!("Integration does not handle {}", event.type_name()),
            )
        }
        // No content sources are modelled yet, so none is ever found.
        Event::ContentComputeDocument(e) | Event::ContentComputeRevision(e) => {
            ComponentError::exposed(404, format!("Content source {} not found", e.source_id))
        }
        _ => ComponentError::exposed(
            406,
            format!(
                r#"Integration does not handle "{}" events"#,
                event.type_name()
            ),
        ),
    }
}

fn json_content_type() -> (String, String) {
    ("Content-Type".to_owned(), "application/json".to_owned())
}

fn handled_response() -> OutgoingResponse {
    OutgoingResponse {
        status: 200,
        // What a JavaScript `new Response("OK")` carries.
        headers: vec![(
            "Content-Type".to_owned(),
            "text/plain;charset=UTF-8".to_owned(),
        )],
        body: HANDLED_BODY.to_vec(),
    }
}

fn render_response(rendered: Rendered) -> Result<OutgoingResponse, ComponentError> {
    // Numbers as JavaScript prints them: the bytes the official runtime sends.
    let body = crate::element::to_json_vec(&rendered.output)
        .map_err(|e| ComponentError::Internal(format!("serializing the render output: {e}")))?;
    let mut headers = vec![json_content_type()];
    if let Some(age) = rendered.cache_max_age {
        headers.push(("Cache-Control".to_owned(), format!("max-age={age}")));
    }
    Ok(OutgoingResponse {
        status: 200,
        headers,
        body,
    })
}

/// A fetch handler's response, checked so that any HTTP layer can send it.
fn fetch_response(response: FetchResponse) -> Result<OutgoingResponse, ComponentError> {
    if !is_sendable_status(response.status) {
        return Err(ComponentError::Internal(format!(
            "the fetch handler answered status {}, outside 200-599",
            response.status
        )));
    }
    if let Some((name, _)) = response
        .headers
        .iter()
        .find(|(name, value)| !is_header_name(name) || !is_header_value(value))
    {
        return Err(ComponentError::Internal(format!(
            "the fetch handler answered an invalid header {name:?}"
        )));
    }
    Ok(OutgoingResponse {
        status: response.status,
        headers: response.headers,
        body: response.body,
    })
}

/// Statuses a JavaScript `Response` can be built with.
fn is_sendable_status(status: u16) -> bool {
    (200..=599).contains(&status)
}

/// An RFC 9110 token.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Visible characters, spaces and tabs; no line breaks (which would split the
/// response) and no other control characters.
fn is_header_value(value: &str) -> bool {
    value
        .bytes()
        .all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
}

/// The response for a failure: exposable errors keep their status and
/// message, anything else is logged and answered with a generic 500.
fn error_response(error: &ComponentError, event: Option<&str>) -> OutgoingResponse {
    let status = error.status();
    let exposable = !matches!(error, ComponentError::Internal(_)) && is_sendable_status(status);
    if exposable {
        tracing::debug!(event, status, error = %error, "runtime request refused");
        return OutgoingResponse::error(status, &error.public_message());
    }
    tracing::error!(event, status, error = %error, "runtime request failed");
    OutgoingResponse::error(500, "Internal server error")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checks_follow_http() {
        assert!(is_header_name("X-Custom_1"));
        assert!(!is_header_name(""));
        assert!(!is_header_name("Bad Name"));
        assert!(is_header_value("text/html; charset=utf-8\tx"));
        assert!(!is_header_value("a\r\nSet-Cookie: x"));
        assert!(!is_header_value("nul\0"));
    }

    #[test]
    fn exposed_errors_with_unsendable_statuses_become_500() {
        let response = error_response(&ComponentError::exposed(1000, "odd"), None);
        assert_eq!(response.status, 500);
        assert_eq!(response.body, br#"{"error":"Internal server error"}"#);
    }

    #[test]
    fn fetch_responses_with_broken_headers_are_internal_errors() {
        let broken = FetchResponse::new(200).header("X", "a\nb");
        assert!(matches!(
            fetch_response(broken),
            Err(ComponentError::Internal(_))
        ));
        assert!(fetch_response(FetchResponse::new(99)).is_err());
    }

    #[test]
    fn absent_fields_and_wrong_paths_are_400s() {
        let integration = Integration::new();
        let response = handle(&integration, IncomingRequest::default());
        assert_eq!(response.status, 400);
        let request = IncomingRequest {
            path: VERSION_PATH.into(),
            ..IncomingRequest::default()
        };
        let response = handle(&integration, request);
        assert_eq!(response.body, br#"{"error":"Missing \"event\" field"}"#);
    }
}
