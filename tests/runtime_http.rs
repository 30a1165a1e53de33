//! The integration runtime over real HTTP on loopback: the axum server of
//! `runtime::server`, driven by a real client (reqwest) and by
//! `runtime::http::HttpTransport`. The cases any host must pass are in
//! `common::http_suite` (also run against the worker under workerd); the
//! ones here need Rust handlers.
#![cfg(feature = "server")]

mod common;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use common::http_suite::{self, environment, fixture, render_event, Target};
use contentkit::component::{Component, ComponentError, Input, Integration};
use contentkit::element::{Block, Text};
use contentkit::runtime::server::{router, serve, ServerConfig};
use contentkit::runtime::{
    sign, verify_signature, Algorithm, Event, FetchResponse, WebhookReceiver,
};
use serde_json::{json, Value};

/// The body limit of the test servers: small, so a 413 costs little.
const BODY_LIMIT: usize = 64 * 1024;

/// A runtime served on an ephemeral loopback port, for the rest of the process.
type Server = Target;

fn start(integration: Integration, config: ServerConfig) -> Server {
    let body_limit = config.body_limit;
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
    Target::new(format!("http://{addr}"), body_limit)
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
    http_suite::every_recorded_request_gets_its_recorded_output(&server);
}

#[test]
fn a_component_asking_for_caching_gets_cache_control() {
    let server = start(integration(), ServerConfig::default());
    http_suite::a_component_asking_for_caching_gets_cache_control(&server);
}

#[test]
fn malformed_requests_are_400s_naming_what_is_wrong() {
    let server = start(integration(), ServerConfig::default());
    http_suite::malformed_requests_are_400s_naming_what_is_wrong(&server);
}

#[test]
fn broken_bodies_are_json_errors_and_the_server_keeps_serving() {
    let config = ServerConfig {
        body_limit: BODY_LIMIT,
        ..ServerConfig::default()
    };
    let server = start(integration(), config);
    http_suite::broken_bodies_are_json_errors_and_the_server_keeps_serving(&server);
}

#[test]
fn unhandled_requests_get_the_reference_statuses() {
    let server = start(integration(), ServerConfig::default());
    http_suite::unhandled_requests_get_the_reference_statuses(&server);
}

#[test]
fn failures_map_to_the_reference_statuses() {
    let integration = integration()
        .on_event("installation_setup", |_, _| async {
            Err(ComponentError::Internal("token expired for inst_7T".into()))
        })
        .on_event("space_content_updated", |_, _| async {
            Err(ComponentError::exposed(409, "Sync already running"))
        });
    let server = start(integration, ServerConfig::default());

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
            let (v1, s1) = (v1.clone(), s1.clone());
            async move {
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
            }
        })
        .on_event("space_view", move |_, _| {
            v2.fetch_add(10, Ordering::SeqCst);
            async { Ok(()) }
        })
        .on_task(move |task, context| {
            let t1 = t1.clone();
            async move {
                let kind = task.task["type"].as_str().unwrap_or_default().to_owned();
                let project = context
                    .environment
                    .configuration_value("project")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                t1.lock().unwrap().push(format!("{kind} for {project}"));
                Ok(())
            }
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
        .on_event("space_view", |_, _| async {
            Err(ComponentError::exposed(422, "first failed"))
        })
        .on_event("space_view", move |_, _| {
            r.fetch_add(1, Ordering::SeqCst);
            async { Ok(()) }
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
        let s = s.clone();
        async move {
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
            if verify_signature(secret.as_bytes(), &request.body, signature).is_err() {
                return Err(ComponentError::exposed(401, "Bad signature"));
            }
            Ok(FetchResponse::new(202)
                .header("Content-Type", "application/octet-stream")
                .header("X-Received", request.body.len().to_string())
                .body(request.body.iter().rev().copied().collect::<Vec<u8>>()))
        }
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
    http_suite::without_a_receiver_there_is_no_webhook_route(&server);
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
