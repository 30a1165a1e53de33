//! The HTTP cases every host of the runtime must pass, against a base URL: the
//! native axum server (`tests/runtime_http.rs`) and the WebAssembly worker
//! under workerd (`tests/worker_workerd.rs`).
//!
//! The target must serve the reference components (`hello`, `counter`,
//! `chooser`) and `cached` (a component with `cache: { maxAge: 60 }`), no event
//! or fetch handlers, and no webhook receiver, with a body limit of
//! [`Target::body_limit`].

use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::Client as HttpClient;
use serde_json::{json, Value};

/// A runtime served over HTTP.
pub struct Target {
    /// `http://HOST:PORT`.
    pub base: String,
    /// The client.
    pub http: HttpClient,
    /// The body limit it was started with.
    pub body_limit: usize,
}

/// What came back: status, content type and body.
pub struct Reply {
    pub status: u16,
    pub content_type: Option<String>,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn error(&self) -> String {
        assert_eq!(self.content_type.as_deref(), Some("application/json"));
        let body = self.json();
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
        body["error"].as_str().expect("an error message").to_owned()
    }
}

impl Target {
    pub fn new(base: String, body_limit: usize) -> Self {
        Target {
            base,
            http: HttpClient::new(),
            body_limit,
        }
    }

    pub fn reply(&self, request: reqwest::blocking::RequestBuilder) -> Reply {
        let response = request.send().expect("the server answers");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let content_type = headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = response.bytes().expect("a body").to_vec();
        Reply {
            status,
            content_type,
            headers,
            body,
        }
    }

    /// `POST path` with the given multipart fields.
    pub fn post(&self, path: &str, fields: &[(&str, &[u8])]) -> Reply {
        let form = fields.iter().fold(Form::new(), |form, (name, bytes)| {
            form.part(name.to_string(), Part::bytes(bytes.to_vec()))
        });
        self.reply(
            self.http
                .post(format!("{}{path}", self.base))
                .multipart(form),
        )
    }

    /// `POST /v1` with an event and the realistic environment.
    pub fn event(&self, event: &Value) -> Reply {
        self.post(
            "/v1",
            &[
                ("event", event.to_string().as_bytes()),
                ("environment", &environment()),
            ],
        )
    }

    /// `POST /v1` with a raw body and content type.
    pub fn raw(&self, content_type: &str, body: Vec<u8>) -> Reply {
        self.reply(
            self.http
                .post(format!("{}/v1", self.base))
                .header("content-type", content_type)
                .body(body),
        )
    }

    /// A good request still gets its recorded answer.
    pub fn assert_still_serving(&self) {
        let step = &super::reference_outputs()["hello"][0];
        let reply = self.event(&step["request"]);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json(), step["output"]);
    }
}

/// A realistic `environment` part (organization and space installations, secrets).
pub fn environment() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/events/environment.json"
    ))
    .expect("fixtures/events/environment.json")
}

/// An event fixture of `fixtures/events/`.
pub fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/events/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

pub fn render_event(component: &str) -> Value {
    json!({
        "eventId": "evt_render",
        "type": "ui_render",
        "installationId": "inst_1",
        "componentId": component,
        "props": {},
        "context": {"type": "document", "theme": "light", "spaceId": "space_1", "editable": true},
    })
}

pub fn every_recorded_request_gets_its_recorded_output(target: &Target) {
    let mut checked = 0;
    for (component, steps) in super::reference_outputs().as_object().unwrap() {
        for (i, step) in steps.as_array().unwrap().iter().enumerate() {
            let reply = target.event(&step["request"]);
            assert_eq!(
                Value::from(reply.status),
                step["status"],
                "{component}[{i}]"
            );
            assert_eq!(reply.content_type.as_deref(), Some("application/json"));
            assert!(reply.headers.get("cache-control").is_none());
            // Compared as text so the order of keys counts too.
            assert_eq!(
                serde_json::to_string(&reply.json()).unwrap(),
                serde_json::to_string(&step["output"]).unwrap(),
                "{component}[{i}]"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
}

pub fn a_component_asking_for_caching_gets_cache_control(target: &Target) {
    let reply = target.event(&render_event("cached"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["cache-control"], "max-age=60");
}

pub fn malformed_requests_are_400s_naming_what_is_wrong(target: &Target) {
    let event = render_event("hello").to_string();
    let env = environment();

    let reply = target.post("/v2", &[("event", event.as_bytes()), ("environment", &env)]);
    assert_eq!(
        (reply.status, reply.error()),
        (400, "Unsupported version v2".into())
    );
    target.assert_still_serving();

    let reply = target.post("/v1", &[("environment", &env)]);
    assert_eq!(
        (reply.status, reply.error()),
        (400, r#"Missing "event" field"#.into())
    );
    target.assert_still_serving();

    let reply = target.post("/v1", &[("event", event.as_bytes())]);
    assert_eq!(
        (reply.status, reply.error()),
        (400, r#"Missing "environment" field"#.into())
    );
    target.assert_still_serving();

    let reply = target.post("/v1", &[("event", b"{\"type\": "), ("environment", &env)]);
    assert_eq!(reply.status, 400);
    assert!(
        reply
            .error()
            .starts_with(r#"Invalid JSON in "event" field: "#),
        "{}",
        reply.error()
    );
    target.assert_still_serving();

    let reply = target.post(
        "/v1",
        &[("event", event.as_bytes()), ("environment", b"not json")],
    );
    assert_eq!(reply.status, 400);
    assert!(reply
        .error()
        .starts_with(r#"Invalid JSON in "environment" field: "#));
    target.assert_still_serving();

    // JSON, but not an environment: the field is named all the same.
    let reply = target.post(
        "/v1",
        &[
            ("event", event.as_bytes()),
            ("environment", b"{\"apiEndpoint\": 1}"),
        ],
    );
    assert_eq!(reply.status, 400);
    assert!(reply
        .error()
        .starts_with(r#"Invalid "environment" field: "#));

    // A known event type without its fields.
    let reply = target.event(&json!({"type": "ui_render", "eventId": "e"}));
    assert_eq!(reply.status, 400);
    assert!(
        reply
            .error()
            .starts_with(r#"Invalid "event" field: invalid `ui_render` event"#),
        "{}",
        reply.error()
    );
    let reply = target.event(&json!({"eventId": "e"}));
    assert_eq!(reply.status, 400);
    assert!(reply.error().starts_with(r#"Invalid "event" field: "#));
    target.assert_still_serving();
}

/// A body over the limit is a 413 with a JSON error, and the server keeps serving.
/// (The native server answers 413 before reading the body, which reqwest's blocking
/// client reports as an error: tests/server_limits.rs shows that one with raw sockets.)
pub fn oversized_bodies_are_413(target: &Target) {
    // Over the limit, inside the multipart fields.
    let big = vec![b'x'; 4 * target.body_limit];
    let event = render_event("hello").to_string();
    let reply = target.post(
        "/v1",
        &[
            ("event", event.as_bytes()),
            ("environment", &environment()),
            ("fetch-body", &big),
        ],
    );
    assert_eq!(reply.status, 413);
    assert_eq!(reply.error(), "Request payload is too large");
    target.assert_still_serving();
}

pub fn broken_bodies_are_json_errors_and_the_server_keeps_serving(target: &Target) {
    let event = render_event("hello").to_string();

    // A multipart body cut off before its closing boundary.
    let truncated = b"--XyZ\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n{}".to_vec();
    let reply = target.raw("multipart/form-data; boundary=XyZ", truncated);
    assert_eq!(reply.status, 400);
    assert!(!reply.error().is_empty());
    target.assert_still_serving();

    // Not multipart at all.
    let reply = target.raw("application/json", event.clone().into_bytes());
    assert_eq!(reply.status, 400);
    assert!(!reply.error().is_empty());
    target.assert_still_serving();

    // Routes and methods that do not exist.
    let reply = target.post("/v1/extra", &[]);
    assert_eq!((reply.status, reply.error()), (404, "Not found".into()));
    let reply = target.reply(target.http.get(format!("{}/v1", target.base)));
    assert_eq!(
        (reply.status, reply.error()),
        (405, "Method not allowed".into())
    );
    target.assert_still_serving();
}

/// Requests nobody handles, with the official runtime's statuses.
pub fn unhandled_requests_get_the_reference_statuses(target: &Target) {
    let reply = target.event(&render_event("nope"));
    assert_eq!(
        (reply.status, reply.error()),
        (404, "Component nope not found".into())
    );
    let reply = target.event(&fixture("page_feedback.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (
            406,
            r#"Integration does not handle "page_feedback" events"#.into()
        )
    );
    let reply = target.event(&fixture("unknown/space_view.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (
            406,
            r#"Integration does not handle "space_view" events"#.into()
        )
    );
    let reply = target.event(&fixture("task.json"));
    assert_eq!(reply.status, 406);
    let reply = target.event(&fixture("fetch.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (400, "Integration does not handle HTTP requests".into())
    );
    let reply = target.event(&fixture("fetch_published_script.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (
            400,
            "Integration does not handle fetch_published_script".into()
        )
    );
    let reply = target.event(&fixture("content_compute_document.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (404, "Content source generate-changelog not found".into())
    );
    target.assert_still_serving();
}

pub fn without_a_receiver_there_is_no_webhook_route(target: &Target) {
    let reply = target.reply(
        target
            .http
            .post(format!("{}/webhooks", target.base))
            .body("{}"),
    );
    // `/webhooks` is then an ordinary `/{version}` path, and not multipart.
    assert_eq!(reply.status, 400);
    assert!(!reply.error().is_empty());
}

/// Every case above, in order.
/// Every check of the suite, for a target that reads an oversized body before
/// answering it (the worker).
pub fn run_all(target: &Target) {
    every_recorded_request_gets_its_recorded_output(target);
    oversized_bodies_are_413(target);
    a_component_asking_for_caching_gets_cache_control(target);
    malformed_requests_are_400s_naming_what_is_wrong(target);
    broken_bodies_are_json_errors_and_the_server_keeps_serving(target);
    unhandled_requests_get_the_reference_statuses(target);
    without_a_receiver_there_is_no_webhook_route(target);
}
