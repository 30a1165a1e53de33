//! The integration runtime over real HTTP on loopback: the axum server of
//! `runtime::server`, driven by a real client (reqwest) and by
//! `runtime::http::HttpTransport`.
#![cfg(feature = "server")]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use contentkit::component::{Component, ComponentError, Input, Integration};
use contentkit::element::{Block, Text};
use contentkit::runtime::server::{router, serve, ServerConfig};
use contentkit::runtime::{
    sign, verify_signature, Algorithm, Event, FetchResponse, WebhookReceiver,
};
use reqwest::blocking::multipart::{Form, Part};
use reqwest::blocking::Client as HttpClient;
use serde_json::{json, Value};

/// The body limit of the test servers: small, so a 413 costs little.
const BODY_LIMIT: usize = 64 * 1024;

/// A runtime served on an ephemeral loopback port, for the rest of the process.
struct Server {
    base: String,
    http: HttpClient,
}

fn start(integration: Integration, config: ServerConfig) -> Server {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener
        .set_nonblocking(true)
        .expect("non-blocking listener");
    let addr: SocketAddr = listener.local_addr().expect("bound address");
    let app = router(Arc::new(integration), config);
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).expect("tokio listener");
            serve(listener, app, std::future::pending()).await
        })
    });
    Server {
        base: format!("http://{addr}"),
        http: HttpClient::new(),
    }
}

/// What came back: status, content type and body.
struct Reply {
    status: u16,
    content_type: Option<String>,
    headers: reqwest::header::HeaderMap,
    body: Vec<u8>,
}

impl Reply {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    fn error(&self) -> String {
        assert_eq!(self.content_type.as_deref(), Some("application/json"));
        let body = self.json();
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
        body["error"].as_str().expect("an error message").to_owned()
    }
}

impl Server {
    fn reply(&self, request: reqwest::blocking::RequestBuilder) -> Reply {
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
    fn post(&self, path: &str, fields: &[(&str, &[u8])]) -> Reply {
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
    fn event(&self, event: &Value) -> Reply {
        self.post(
            "/v1",
            &[
                ("event", event.to_string().as_bytes()),
                ("environment", &environment()),
            ],
        )
    }

    /// `POST /v1` with a raw body and content type.
    fn raw(&self, content_type: &str, body: Vec<u8>) -> Reply {
        self.reply(
            self.http
                .post(format!("{}/v1", self.base))
                .header("content-type", content_type)
                .body(body),
        )
    }

    /// A good request still gets its recorded answer.
    fn assert_still_serving(&self) {
        let step = &common::reference_outputs()["hello"][0];
        let reply = self.event(&step["request"]);
        assert_eq!(reply.status, 200);
        assert_eq!(reply.json(), step["output"]);
    }
}

/// A realistic `environment` part (organization and space installations, secrets).
fn environment() -> Vec<u8> {
    std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/events/environment.json"
    ))
    .expect("fixtures/events/environment.json")
}

/// An event fixture of `fixtures/events/`.
fn fixture(name: &str) -> Value {
    let path = format!("{}/fixtures/events/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn render_event(component: &str) -> Value {
    json!({
        "eventId": "evt_render",
        "type": "ui_render",
        "installationId": "inst_1",
        "componentId": component,
        "props": {},
        "context": {"type": "document", "theme": "light", "spaceId": "space_1", "editable": true},
    })
}

/// The reference components plus components that fail in each way.
fn integration() -> Integration {
    let failing = Component::new("fail", |_: &Input<'_>| {
        Err(ComponentError::Internal("db exploded at 10.0.0.1".into()))
    });
    let exposed = Component::new("exposed", |_: &Input<'_>| {
        Err(ComponentError::exposed(403, "Not allowed"))
    });
    let cached = Component::new("cached", |_: &Input<'_>| {
        Ok(Block::new([Text::new(["cached"])]).into())
    })
    .cache_max_age(60);
    let panicking = Component::new("panic", |_: &Input<'_>| -> Result<_, ComponentError> {
        panic!("a bug in a component")
    });
    common::reference::reference_integration()
        .component(failing)
        .component(exposed)
        .component(cached)
        .component(panicking)
}

#[test]
fn every_recorded_request_gets_its_recorded_output() {
    let server = start(integration(), ServerConfig::default());
    let mut checked = 0;
    for (component, steps) in common::reference_outputs().as_object().unwrap() {
        for (i, step) in steps.as_array().unwrap().iter().enumerate() {
            let reply = server.event(&step["request"]);
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

#[test]
fn a_component_asking_for_caching_gets_cache_control() {
    let server = start(integration(), ServerConfig::default());
    let reply = server.event(&render_event("cached"));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.headers["cache-control"], "max-age=60");
}

#[test]
fn malformed_requests_are_400s_naming_what_is_wrong() {
    let server = start(integration(), ServerConfig::default());
    let event = render_event("hello").to_string();
    let env = environment();

    let reply = server.post("/v2", &[("event", event.as_bytes()), ("environment", &env)]);
    assert_eq!(
        (reply.status, reply.error()),
        (400, "Unsupported version v2".into())
    );
    server.assert_still_serving();

    let reply = server.post("/v1", &[("environment", &env)]);
    assert_eq!(
        (reply.status, reply.error()),
        (400, r#"Missing "event" field"#.into())
    );
    server.assert_still_serving();

    let reply = server.post("/v1", &[("event", event.as_bytes())]);
    assert_eq!(
        (reply.status, reply.error()),
        (400, r#"Missing "environment" field"#.into())
    );
    server.assert_still_serving();

    let reply = server.post("/v1", &[("event", b"{\"type\": "), ("environment", &env)]);
    assert_eq!(reply.status, 400);
    assert!(
        reply
            .error()
            .starts_with(r#"Invalid JSON in "event" field: "#),
        "{}",
        reply.error()
    );
    server.assert_still_serving();

    let reply = server.post(
        "/v1",
        &[("event", event.as_bytes()), ("environment", b"not json")],
    );
    assert_eq!(reply.status, 400);
    assert!(reply
        .error()
        .starts_with(r#"Invalid JSON in "environment" field: "#));
    server.assert_still_serving();

    // JSON, but not an environment: the field is named all the same.
    let reply = server.post(
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
    let reply = server.event(&json!({"type": "ui_render", "eventId": "e"}));
    assert_eq!(reply.status, 400);
    assert!(
        reply
            .error()
            .starts_with(r#"Invalid "event" field: invalid `ui_render` event"#),
        "{}",
        reply.error()
    );
    let reply = server.event(&json!({"eventId": "e"}));
    assert_eq!(reply.status, 400);
    assert!(reply.error().starts_with(r#"Invalid "event" field: "#));
    server.assert_still_serving();
}

#[test]
fn broken_bodies_are_json_errors_and_the_server_keeps_serving() {
    let config = ServerConfig {
        body_limit: BODY_LIMIT,
        ..ServerConfig::default()
    };
    let server = start(integration(), config);

    // A body over the limit is answered 413 before it is read: tests/server_limits.rs
    // (reqwest's blocking client reports an answer that comes before the whole body is
    // sent as an error, so it cannot show it).
    let event = render_event("hello").to_string();

    // A multipart body cut off before its closing boundary.
    let truncated = b"--XyZ\r\nContent-Disposition: form-data; name=\"event\"\r\n\r\n{}".to_vec();
    let reply = server.raw("multipart/form-data; boundary=XyZ", truncated);
    assert_eq!(reply.status, 400);
    assert!(!reply.error().is_empty());
    server.assert_still_serving();

    // Not multipart at all.
    let reply = server.raw("application/json", event.clone().into_bytes());
    assert_eq!(reply.status, 400);
    assert!(!reply.error().is_empty());
    server.assert_still_serving();

    // Routes and methods that do not exist.
    let reply = server.post("/v1/extra", &[]);
    assert_eq!((reply.status, reply.error()), (404, "Not found".into()));
    let reply = server.reply(server.http.get(format!("{}/v1", server.base)));
    assert_eq!(
        (reply.status, reply.error()),
        (405, "Method not allowed".into())
    );
    server.assert_still_serving();
}

#[test]
fn failures_map_to_the_reference_statuses() {
    let integration = integration()
        .on_event("installation_setup", |_, _| {
            Err(ComponentError::Internal("token expired for inst_7T".into()))
        })
        .on_event("space_content_updated", |_, _| {
            Err(ComponentError::exposed(409, "Sync already running"))
        });
    let server = start(integration, ServerConfig::default());

    let reply = server.event(&render_event("nope"));
    assert_eq!(
        (reply.status, reply.error()),
        (404, "Component nope not found".into())
    );

    let reply = server.event(&render_event("fail"));
    assert_eq!(
        (reply.status, reply.error()),
        (500, "Internal server error".into())
    );
    server.assert_still_serving();

    let reply = server.event(&render_event("exposed"));
    assert_eq!((reply.status, reply.error()), (403, "Not allowed".into()));

    let reply = server.event(&render_event("panic"));
    assert_eq!(
        (reply.status, reply.error()),
        (500, "Internal server error".into())
    );
    server.assert_still_serving();

    let reply = server.event(&fixture("installation_setup.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (500, "Internal server error".into())
    );
    let reply = server.event(&fixture("space_content_updated.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (409, "Sync already running".into())
    );

    // Events nobody handles, with the official runtime's statuses.
    let reply = server.event(&fixture("page_feedback.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (
            406,
            r#"Integration does not handle "page_feedback" events"#.into()
        )
    );
    let reply = server.event(&fixture("unknown/space_view.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (
            406,
            r#"Integration does not handle "space_view" events"#.into()
        )
    );
    let reply = server.event(&fixture("task.json"));
    assert_eq!(reply.status, 406);
    let reply = server.event(&fixture("fetch.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (400, "Integration does not handle HTTP requests".into())
    );
    let reply = server.event(&fixture("fetch_published_script.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (
            400,
            "Integration does not handle fetch_published_script".into()
        )
    );
    let reply = server.event(&fixture("content_compute_document.json"));
    assert_eq!(
        (reply.status, reply.error()),
        (404, "Content source generate-changelog not found".into())
    );
    server.assert_still_serving();
}

#[test]
fn every_handler_of_an_event_type_runs() {
    let views = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let tasks = Arc::new(Mutex::new(Vec::new()));
    let (v1, v2, s1, t1) = (views.clone(), views.clone(), seen.clone(), tasks.clone());
    let integration = Integration::new()
        .on_event("space_view", move |event, context| {
            v1.fetch_add(1, Ordering::SeqCst);
            let Event::Unknown { raw, .. } = event else {
                return Err(ComponentError::Internal("space_view is not typed".into()));
            };
            s1.lock().unwrap().push(format!(
                "{} viewed {} ({})",
                raw["visitor"]["anonymousId"].as_str().unwrap_or_default(),
                raw["pageId"].as_str().unwrap_or_default(),
                context.environment.integration.name
            ));
            Ok(())
        })
        .on_event("space_view", move |_, _| {
            v2.fetch_add(10, Ordering::SeqCst);
            Ok(())
        })
        .on_task(move |task, context| {
            let kind = task.task["type"].as_str().unwrap_or_default().to_owned();
            let project = context
                .environment
                .configuration_value("project")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_owned();
            t1.lock().unwrap().push(format!("{kind} for {project}"));
            Ok(())
        });
    let server = start(integration, ServerConfig::default());

    for _ in 0..2 {
        let reply = server.event(&fixture("unknown/space_view.json"));
        assert_eq!((reply.status, reply.body.as_slice()), (200, &b"OK"[..]));
        assert_eq!(
            reply.content_type.as_deref(),
            Some("text/plain;charset=UTF-8")
        );
    }
    assert_eq!(views.load(Ordering::SeqCst), 22);
    assert_eq!(
        seen.lock().unwrap()[0],
        "anon_77c1 viewed pg_V3bN8mQ1xK7cR2 (acme-issues)"
    );

    let reply = server.event(&fixture("task.json"));
    assert_eq!((reply.status, reply.body.as_slice()), (200, &b"OK"[..]));
    assert_eq!(*tasks.lock().unwrap(), ["sync-issues for PLAT"]);
}

#[test]
fn a_failing_handler_does_not_stop_the_others() {
    let ran = Arc::new(AtomicUsize::new(0));
    let r = ran.clone();
    let integration = Integration::new()
        .on_event("space_view", |_, _| {
            Err(ComponentError::exposed(422, "first failed"))
        })
        .on_event("space_view", move |_, _| {
            r.fetch_add(1, Ordering::SeqCst);
            Ok(())
        });
    let server = start(integration, ServerConfig::default());
    let reply = server.event(&fixture("unknown/space_view.json"));
    assert_eq!((reply.status, reply.error()), (422, "first failed".into()));
    assert_eq!(ran.load(Ordering::SeqCst), 1);
}

/// What the fetch handler saw.
#[derive(Debug, Default, Clone)]
struct SeenFetch {
    method: String,
    url: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

#[test]
fn the_fetch_handler_sees_the_request_and_its_raw_body() {
    let seen = Arc::new(Mutex::new(SeenFetch::default()));
    let s = seen.clone();
    let integration = Integration::new().on_fetch(move |request, context| {
        *s.lock().unwrap() = SeenFetch {
            method: request.method().to_owned(),
            url: request.url().to_owned(),
            content_type: request.header("Content-Type").map(str::to_owned),
            body: request.body.to_vec(),
        };
        // Signatures are over the raw bytes, which is why they are kept.
        let secret = context
            .environment
            .secret("CLIENT_SECRET")
            .unwrap_or_default();
        let signature = request.header("x-hub-signature-256").unwrap_or_default();
        if verify_signature(secret.as_bytes(), request.body, signature).is_err() {
            return Err(ComponentError::exposed(401, "Bad signature"));
        }
        Ok(FetchResponse::new(202)
            .header("Content-Type", "application/octet-stream")
            .header("X-Received", request.body.len().to_string())
            .body(request.body.iter().rev().copied().collect::<Vec<u8>>()))
    });
    let server = start(integration, ServerConfig::default());

    // Not UTF-8, not JSON, with a NUL and a CRLF: passed through untouched.
    let body: Vec<u8> = b"{\"action\":\"opened\"}\x00\xff\xfe\r\n".to_vec();
    let mut event = fixture("fetch.json");
    event["request"]["headers"]["x-hub-signature-256"] =
        json!(sign(b"s3cr3t-not-real", &body, Algorithm::Sha256));
    let (event_text, env) = (event.to_string(), environment());
    let reply = server.post(
        "/v1",
        &[
            ("event", event_text.as_bytes()),
            ("environment", &env),
            ("fetch-body", &body),
        ],
    );
    assert_eq!(reply.status, 202);
    assert_eq!(
        reply.content_type.as_deref(),
        Some("application/octet-stream")
    );
    assert_eq!(reply.headers["x-received"], body.len().to_string().as_str());
    assert_eq!(reply.body, body.iter().rev().copied().collect::<Vec<u8>>());
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.method, "post");
    assert_eq!(
        seen.url,
        "https://integrations.gitbook.com/v1/integrations/acme-issues/installations/inst_7TbqNQCKw3XUmPx9gA2d/webhook"
    );
    assert_eq!(seen.content_type.as_deref(), Some("application/json"));
    assert_eq!(seen.body, body);

    // The same event with one byte changed fails the handler's own check.
    let mut tampered = body.clone();
    tampered[2] = b'A';
    let reply = server.post(
        "/v1",
        &[
            ("event", event_text.as_bytes()),
            ("environment", &env),
            ("fetch-body", &tampered),
        ],
    );
    assert_eq!((reply.status, reply.error()), (401, "Bad signature".into()));
}

#[test]
fn webhooks_are_verified_before_they_are_routed() {
    let deliveries = Arc::new(Mutex::new(Vec::new()));
    let d = deliveries.clone();
    let receiver = WebhookReceiver::new()
        .with_secret("hook-secret")
        .accept_sha1(true)
        .on("publish", move |delivery| {
            d.lock().unwrap().push(
                delivery.payload["book"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
            Ok(())
        })
        .on(
            "explode",
            |_| Err("database at 10.0.0.1 unreachable".into()),
        );
    let config = ServerConfig {
        webhook: Some(Arc::new(receiver)),
        ..ServerConfig::default()
    };
    let server = start(integration(), config);
    let url = format!("{}/webhooks", server.base);
    let body = br#"{"book": "acme/handbook"}"#.to_vec();
    let deliveries_sent = std::sync::atomic::AtomicUsize::new(0);
    let post = |event: &str, signature: Option<String>, body: &[u8]| {
        let n = deliveries_sent.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let mut request = server
            .http
            .post(&url)
            .header("X-GitBook-Event", event)
            .header("X-GitBook-Delivery", format!("72d3162e-{n}"))
            .body(body.to_vec());
        if let Some(signature) = signature {
            request = request.header("X-GitBook-Signature", signature);
        }
        server.reply(request)
    };

    let reply = post(
        "publish",
        Some(sign(b"hook-secret", &body, Algorithm::Sha1)),
        &body,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.json(), json!({"received": "publish"}));
    let reply = post(
        "publish",
        Some(sign(b"hook-secret", &body, Algorithm::Sha256)),
        &body,
    );
    assert_eq!(reply.status, 200);
    assert_eq!(
        *deliveries.lock().unwrap(),
        ["acme/handbook", "acme/handbook"]
    );

    let reply = post(
        "publish",
        Some(sign(b"wrong", &body, Algorithm::Sha1)),
        &body,
    );
    assert_eq!(
        (reply.status, reply.error()),
        (401, "webhook signature does not match the payload".into())
    );
    let reply = post("publish", None, &body);
    assert_eq!(
        (reply.status, reply.error()),
        (401, "missing webhook signature".into())
    );
    let tampered = br#"{"book": "acme/secrets!"}"#;
    let reply = post(
        "publish",
        Some(sign(b"hook-secret", &body, Algorithm::Sha1)),
        tampered,
    );
    assert_eq!(reply.status, 401);
    assert_eq!(deliveries.lock().unwrap().len(), 2);

    let reply = post(
        "explode",
        Some(sign(b"hook-secret", &body, Algorithm::Sha1)),
        &body,
    );
    assert_eq!(
        (reply.status, reply.error()),
        (500, "Internal server error".into())
    );
    server.assert_still_serving();
}

#[test]
fn without_a_receiver_there_is_no_webhook_route() {
    let server = start(integration(), ServerConfig::default());
    let reply = server.reply(
        server
            .http
            .post(format!("{}/webhooks", server.base))
            .body("{}"),
    );
    // `/webhooks` is then an ordinary `/{version}` path, and not multipart.
    assert_eq!(reply.status, 400);
    assert!(!reply.error().is_empty());
}

#[cfg(feature = "client")]
mod transport {
    use contentkit::component::{default_context, Client, ComponentError};
    use contentkit::runtime::http::HttpTransport;
    use contentkit::runtime::IntegrationEnvironment;
    use serde_json::json;

    use super::*;

    #[test]
    fn the_http_transport_drives_the_client_against_the_server() {
        let server = start(integration(), ServerConfig::default());
        let environment: IntegrationEnvironment =
            serde_json::from_slice(&environment()).expect("a valid environment");
        let transport = HttpTransport::new(&server.base).with_environment(&environment);
        let mut client = Client::new(transport, default_context());
        client
            .open(
                "counter",
                json!({"start": 5, "step": 2}).as_object().unwrap().clone(),
            )
            .unwrap();
        client.press("+").unwrap();
        client.press("+").unwrap();
        assert_eq!(client.view().unwrap().output.state["count"], json!(9));
        client.press("Reset").unwrap();
        assert_eq!(client.view().unwrap().output.state["count"], json!(5));

        let error = client.open("nope", Default::default()).unwrap_err();
        assert_eq!(error, ComponentError::NotFound("nope".into()));
        let error = client.open("exposed", Default::default()).unwrap_err();
        assert_eq!(
            (error.status(), error.public_message()),
            (403, "Not allowed".into())
        );
        let error = client.open("fail", Default::default()).unwrap_err();
        assert_eq!(
            (error.status(), error.public_message()),
            (500, "Internal server error".into())
        );
    }

    #[test]
    fn a_server_that_is_not_there_is_an_internal_error() {
        // Bound then dropped: nothing listens on the port any more.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let mut client = Client::new(
            HttpTransport::new(&format!("http://127.0.0.1:{port}")),
            default_context(),
        );
        let error = client.open("hello", Default::default()).unwrap_err();
        assert_eq!(error.status(), 500);
    }
}
