//! Driving components over HTTP (feature `client`).
//!
//! [`HttpTransport`] is a [`Transport`] that sends each `ui_render` request as
//! GitBook does: a `POST /v1` with the multipart fields `event` and
//! `environment`. With it, a [`crate::component::Client`] (a playground, a
//! test) drives a runtime served anywhere: this crate's axum server, or an
//! integration running on the official JavaScript runtime.
//!
//! ```no_run
//! use contentkit::component::{default_context, Client};
//! use contentkit::runtime::http::HttpTransport;
//!
//! let transport = HttpTransport::new("http://127.0.0.1:8787");
//! let mut client = Client::new(transport, default_context());
//! client.open("counter", serde_json::Map::new())?;
//! client.press("+")?;
//! # Ok::<(), contentkit::component::ComponentError>(())
//! ```

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use reqwest::blocking::multipart::Form;
use serde_json::{Map, Value};

use super::dispatch::VERSION_PATH;
use super::environment::IntegrationEnvironment;
use crate::component::{ComponentError, RenderRequest, Transport};
use crate::element::RenderOutput;

/// How long one request may take by default.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A [`Transport`] posting `ui_render` events to a runtime over HTTP, with a
/// blocking client (do not use it from inside an async runtime's worker).
#[derive(Debug)]
pub struct HttpTransport {
    client: reqwest::blocking::Client,
    url: String,
    environment: String,
    installation_id: String,
    next_event: AtomicU64,
}

impl HttpTransport {
    /// A transport to the runtime at `base_url` (e.g. `http://127.0.0.1:8787`;
    /// `/v1` is appended), sending [`IntegrationEnvironment::for_tests`] as
    /// the environment.
    pub fn new(base_url: &str) -> Self {
        let client = reqwest::blocking::Client::builder()
            .timeout(DEFAULT_TIMEOUT)
            .build()
            // Building fails only when the TLS backend cannot start; this
            // crate enables none, so fall back to the default client.
            .unwrap_or_default();
        let mut transport = HttpTransport {
            client,
            url: format!("{}{VERSION_PATH}", base_url.trim_end_matches('/')),
            environment: String::new(),
            installation_id: String::new(),
            next_event: AtomicU64::new(1),
        };
        transport.set_environment(&IntegrationEnvironment::for_tests());
        transport
    }

    /// Sends `environment` with every request; the events' `installationId`
    /// is its installation's, when it has one.
    #[must_use]
    pub fn with_environment(mut self, environment: &IntegrationEnvironment) -> Self {
        self.set_environment(environment);
        self
    }

    /// Uses `client` (its timeouts, proxies, headers) for the requests.
    #[must_use]
    pub fn with_client(mut self, client: reqwest::blocking::Client) -> Self {
        self.client = client;
        self
    }

    /// The URL the requests are posted to.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn set_environment(&mut self, environment: &IntegrationEnvironment) {
        // Serializing these types cannot fail (string keys, no custom
        // serializers), but an empty environment would still be answered.
        self.environment = serde_json::to_string(environment).unwrap_or_default();
        self.installation_id = environment
            .installation
            .as_ref()
            .map_or_else(|| "installation".to_owned(), |i| i.id.clone());
    }

    /// The `ui_render` event for `request`.
    fn event(&self, request: &RenderRequest) -> Value {
        let id = self.next_event.fetch_add(1, Ordering::Relaxed);
        let mut event = Map::new();
        event.insert("eventId".into(), Value::String(format!("evt_http_{id}")));
        event.insert("type".into(), Value::String("ui_render".into()));
        event.insert(
            "installationId".into(),
            Value::String(self.installation_id.clone()),
        );
        if let Some(space) = request.context.get("spaceId") {
            event.insert("spaceId".into(), space.clone());
        }
        event.insert(
            "componentId".into(),
            Value::String(request.component_id.clone()),
        );
        event.insert("props".into(), Value::Object(request.props.clone()));
        if let Some(state) = &request.state {
            event.insert("state".into(), Value::Object(state.clone()));
        }
        event.insert("context".into(), request.context.clone());
        if let Some(action) = &request.action {
            event.insert("action".into(), Value::Object(action.clone()));
        }
        Value::Object(event)
    }
}

impl Transport for HttpTransport {
    fn send(&self, request: &RenderRequest) -> Result<RenderOutput, ComponentError> {
        let form = Form::new()
            .text("event", self.event(request).to_string())
            .text("environment", self.environment.clone());
        let response = self
            .client
            .post(&self.url)
            .multipart(form)
            .send()
            .map_err(|e| ComponentError::Internal(format!("POST {}: {e}", self.url)))?;
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .map_err(|e| ComponentError::Internal(format!("reading the response: {e}")))?;
        if status != 200 {
            return Err(status_error(status, &body, &request.component_id));
        }
        let value: Value = serde_json::from_slice(&body)
            .map_err(|e| ComponentError::Internal(format!("the response is not JSON: {e}")))?;
        RenderOutput::from_value(&value).map_err(|e| {
            ComponentError::Internal(format!("the response is not a render output: {e}"))
        })
    }
}

/// The error a non-200 answer stands for, so that `status()` and
/// `public_message()` give back what the server said.
fn status_error(status: u16, body: &[u8], component_id: &str) -> ComponentError {
    let message = serde_json::from_slice::<Value>(body)
        .ok()
        .and_then(|v| v.get("error").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_else(|| String::from_utf8_lossy(body).into_owned());
    let not_found = ComponentError::NotFound(component_id.to_owned());
    match status {
        404 if message == not_found.public_message() => not_found,
        400 => ComponentError::BadRequest(message),
        500 => ComponentError::Internal(message),
        _ => ComponentError::exposed(status, message),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_keep_the_status_and_message_the_server_sent() {
        let e = status_error(404, br#"{"error":"Component x not found"}"#, "x");
        assert_eq!(e, ComponentError::NotFound("x".into()));
        let e = status_error(403, br#"{"error":"Not allowed"}"#, "x");
        assert_eq!(
            (e.status(), e.public_message()),
            (403, "Not allowed".into())
        );
        let e = status_error(502, b"Bad gateway", "x");
        assert_eq!(
            (e.status(), e.public_message()),
            (502, "Bad gateway".into())
        );
    }

    #[test]
    fn events_carry_the_request_and_unique_ids() {
        let transport = HttpTransport::new("http://127.0.0.1:1/");
        assert_eq!(transport.url(), "http://127.0.0.1:1/v1");
        let mut request = RenderRequest::new("counter", Map::new());
        request.action = Some(Map::from_iter([("action".into(), "inc".into())]));
        let first = transport.event(&request);
        let second = transport.event(&request);
        assert_ne!(first["eventId"], second["eventId"]);
        assert_eq!(first["action"]["action"], "inc");
        assert!(first.get("state").is_none());
        crate::runtime::Event::from_value(first).expect("a valid ui_render event");
    }
}
