//! An integration as a WebAssembly worker, for Cloudflare Workers and `workerd`.
//!
//! GitBook runs integrations on Cloudflare Workers. A worker bundle is three
//! files (see [`bundle`]):
//!
//! - `contentkit.wasm`: the engine (this crate compiled to
//!   `wasm32-unknown-unknown`) with the integration's components, compiled
//!   ([`WorkerImage`]), in a custom section, `contentkit.init`;
//! - `worker.mjs`: a small ES module that hands each HTTP request to the
//!   engine and sends back what it answers; no logic of its own;
//! - `config.capnp` for `workerd serve`, and `wrangler.toml` for deploying.
//!
//! The component files are compiled when the bundle is built, where the
//! parser is; the engine holds no parser or compiler and only loads the
//! compiled programs (running their top-level code) once per isolate, when the
//! script instantiates it; every request then goes through [`Worker::handle`], which
//! routes exactly as the native server (`runtime::server`) does: `POST /v1`
//! multipart through [`crate::runtime::handle`], `POST /webhooks` when a
//! [`WebhookReceiver`] is set, JSON errors for everything else.
//!
//! # The ABI between the script and the engine
//!
//! Plain wasm exports, all numbers `i32` (wasm32 pointers and lengths),
//! version [`abi::ABI_VERSION`]:
//!
//! | export | what it does |
//! | --- | --- |
//! | `memory` | the engine's linear memory |
//! | `ck_abi_version() -> u32` | the ABI version; the script refuses any other |
//! | `ck_alloc(len) -> ptr` | a buffer of `len` bytes for the script to fill |
//! | `ck_free(ptr, len)` | frees a response buffer (`len` is its first `u32`) |
//! | `ck_init(ptr, len) -> resp` | takes the init buffer (the `contentkit.init` section: a [`WorkerImage`]), loads the components; a response buffer, status 200 when ready |
//! | `ck_body_limit() -> u32` | the largest request body; the script copies at most one byte more |
//! | `ck_handle(head, head_len, body, body_len) -> resp` | one request: `head` is the method and the URL on a line each, then the [header lines](lines) (see [`RequestHead::encode`]), `body` the raw bytes; a response buffer |
//!
//! Buffers given to `ck_init` and `ck_handle` come from `ck_alloc` and belong
//! to the engine from then on. A response buffer is, little-endian:
//! `u32` total length (header included), `u32` status, `u32` length `H` of the
//! headers, `H` bytes of [header lines](lines), then the body.
//!
//! A panic traps (wasm has no unwinding here); the script answers that
//! request with a 500 and starts a fresh instance for the next one.
//!
//! # Rust integrations
//!
//! An integration written in Rust builds its own engine: a `cdylib` crate
//! that calls [`export_worker!`](crate::export_worker) with a function from
//! the [`WorkerImage`] to a [`Worker`], built with
//! `cargo build --target wasm32-unknown-unknown --profile worker`; then
//! `contentkit build DIR --worker --engine that.wasm -o OUT` (or
//! [`bundle::Bundle`] from Rust) writes the bundle around it.
//!
//! ```
//! use contentkit::component::{Component, Input, Integration};
//! use contentkit::element::{Block, Text};
//! use contentkit::worker::{RequestHead, Worker, WorkerInit};
//!
//! let integration = Integration::new().component(Component::new("hello", |_: &Input<'_>| {
//!     Ok(Block::new([Text::new(["Hello"])]).into())
//! }));
//! let worker = Worker::build(integration, WorkerInit::default())?;
//!
//! let head = RequestHead::new("GET", "http://localhost/v1");
//! let response = worker.handle(&head, b"");
//! assert_eq!(response.status, 405);
//! assert_eq!(response.body, br#"{"error":"Method not allowed"}"#);
//! # Ok::<(), contentkit::worker::InitError>(())
//! ```
//!
//! In such a crate (`crate-type = ["cdylib"]`):
//!
//! ```ignore
//! contentkit::export_worker!(|image| contentkit::worker::Worker::from_image(my_integration(), image));
//! ```

pub mod abi;
pub mod bundle;
pub mod image;
pub mod lines;
pub mod sources;

use crate::component::Integration;
use crate::runtime::dispatch::{self, OutgoingResponse};
use crate::runtime::multipart::{self, Limits, MultipartError};
use crate::runtime::webhook::{WebhookError, WebhookReceiver};

pub use image::WorkerImage;
pub use sources::{InitError, SourceFile, WorkerInit};

/// The message of a 413, as the native server words it.
const TOO_LARGE: &str = "Request payload is too large";

/// What the script tells the engine about a request, besides its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestHead {
    /// The method, as sent (`POST`).
    pub method: String,
    /// The full URL.
    pub url: String,
    /// The headers, names lowercase as `Headers` iterates them.
    pub headers: Vec<(String, String)>,
}

impl RequestHead {
    /// A head without headers.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        RequestHead {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
        }
    }

    /// The same head with one more header.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The URL's path: what follows the authority, without query or fragment.
    ///
    /// ```
    /// use contentkit::worker::RequestHead;
    /// assert_eq!(RequestHead::new("POST", "https://x.dev/v1?a=1").path(), "/v1");
    /// assert_eq!(RequestHead::new("POST", "/v1#top").path(), "/v1");
    /// assert_eq!(RequestHead::new("POST", "https://x.dev").path(), "/");
    /// ```
    pub fn path(&self) -> &str {
        let url = self.url.as_str();
        let after_scheme = match url.find("://") {
            Some(i) => {
                let rest = &url[i + 3..];
                rest.find(['/', '?', '#']).map_or("", |j| &rest[j..])
            }
            None => url,
        };
        let end = after_scheme.find(['?', '#']).unwrap_or(after_scheme.len());
        match &after_scheme[..end] {
            "" => "/",
            path => path,
        }
    }

    /// The head as the script sends it through the ABI: the method and the
    /// URL on a line each, then the [header lines](lines). Refuses what those
    /// lines cannot hold (a line break in a field, a name with `:`).
    ///
    /// ```
    /// use contentkit::worker::RequestHead;
    ///
    /// let head = RequestHead::new("POST", "https://x.dev/v1").header("content-type", "text/plain");
    /// let bytes = head.encode()?;
    /// assert_eq!(bytes, b"POST\nhttps://x.dev/v1\ncontent-type:text/plain\n");
    /// assert_eq!(RequestHead::decode(&bytes)?, head);
    /// # Ok::<(), String>(())
    /// ```
    pub fn encode(&self) -> Result<Vec<u8>, String> {
        lines::check_line(&self.method, "method")?;
        lines::check_line(&self.url, "URL")?;
        let mut out = Vec::with_capacity(self.method.len() + self.url.len() + 2);
        out.extend_from_slice(self.method.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(self.url.as_bytes());
        out.push(b'\n');
        lines::write(&mut out, &self.headers)?;
        Ok(out)
    }

    /// Reads a head written as [`RequestHead::encode`] writes it.
    pub fn decode(bytes: &[u8]) -> Result<Self, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("the request head: {e}"))?;
        let mut fields = text.splitn(3, '\n');
        let (Some(method), Some(url), Some(headers)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err("the request head has no method and URL lines".into());
        };
        Ok(RequestHead {
            method: method.to_owned(),
            url: url.to_owned(),
            headers: lines::parse(headers)?,
        })
    }

    fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// An integration ready to answer HTTP requests inside a worker.
pub struct Worker {
    integration: Integration,
    webhook: Option<WebhookReceiver>,
    limits: Limits,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("integration", &self.integration)
            .field("webhook", &self.webhook.is_some())
            .field("limits", &self.limits)
            .finish()
    }
}

impl Worker {
    /// `integration` plus the components of the init's files, with its body
    /// limit: the files compiled into an image ([`WorkerInit::image`]) and
    /// loaded as the engine loads it. Fails when a file does not compile or
    /// two files declare the same component.
    pub fn build(integration: Integration, init: WorkerInit) -> Result<Self, InitError> {
        Worker::from_image(integration, init.image()?)
    }

    /// `integration` plus the components (and `createIntegration` handlers) of a
    /// compiled image, with its body limit: what the engine does when it starts (it parses nothing). Fails
    /// when the image is not one this build reads.
    pub fn from_image(mut integration: Integration, image: WorkerImage) -> Result<Self, InitError> {
        image.load_into(&mut integration)?;
        let limits = Limits {
            body: image.body_limit(),
            ..Limits::default()
        };
        Ok(Worker {
            integration,
            webhook: None,
            limits,
        })
    }

    /// Serves signed webhook deliveries on `POST /webhooks`, as the native
    /// server does with `ServerConfig::webhook`.
    #[must_use]
    pub fn with_webhook(mut self, receiver: WebhookReceiver) -> Self {
        self.webhook = Some(receiver);
        self
    }

    /// The largest request body answered; larger ones get a 413.
    pub fn body_limit(&self) -> usize {
        self.limits.body
    }

    /// The integration it runs.
    pub fn integration(&self) -> &Integration {
        &self.integration
    }

    /// Answers one HTTP request, with the native server's routes and statuses:
    /// `POST /{version}` is a runtime request (multipart), `POST /webhooks` a
    /// webhook delivery when a receiver is set, another method on those paths
    /// a 405, any other path a 404; a body over the limit a 413.
    pub fn handle(&self, head: &RequestHead, body: &[u8]) -> OutgoingResponse {
        let path = head.path();
        let is_webhook = self.webhook.is_some() && path == "/webhooks";
        let is_runtime = path
            .strip_prefix('/')
            .is_some_and(|segment| !segment.is_empty() && !segment.contains('/'));
        if !is_webhook && !is_runtime {
            return OutgoingResponse::error(404, "Not found");
        }
        if head.method != "POST" {
            return OutgoingResponse::error(405, "Method not allowed");
        }
        if body.len() > self.limits.body {
            return OutgoingResponse::error(413, TOO_LARGE);
        }
        match &self.webhook {
            Some(receiver) if is_webhook => webhook_response(receiver, head, body),
            _ => self.runtime_response(head, path, body),
        }
    }

    fn runtime_response(&self, head: &RequestHead, path: &str, body: &[u8]) -> OutgoingResponse {
        let Some(content_type) = head.header_value("content-type") else {
            return OutgoingResponse::error(
                400,
                "the request has no Content-Type header; expected multipart/form-data",
            );
        };
        match multipart::incoming_request(path, content_type, body, &self.limits) {
            Ok(request) => dispatch::handle(&self.integration, request),
            Err(error @ MultipartError::TooLarge { .. }) => {
                OutgoingResponse::error(error.status(), TOO_LARGE)
            }
            Err(error) => OutgoingResponse::error(error.status(), &error.to_string()),
        }
    }
}

/// `POST /webhooks`: the native server's answers.
fn webhook_response(
    receiver: &WebhookReceiver,
    head: &RequestHead,
    body: &[u8],
) -> OutgoingResponse {
    match receiver.receive(&head.headers, body) {
        Ok(delivery) => OutgoingResponse {
            status: 200,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::json!({ "received": delivery.event })
                .to_string()
                .into_bytes(),
        },
        Err(error @ WebhookError::Handler { .. }) => {
            tracing::error!(%error, "webhook handler failed");
            OutgoingResponse::error(500, "Internal server error")
        }
        Err(error) => OutgoingResponse::error(error.status(), &error.message()),
    }
}
