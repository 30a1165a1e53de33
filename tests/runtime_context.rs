//! Rust handlers with the runtime context, end to end: an integration served by
//! `runtime::server` on loopback, its async handlers calling the GitBook API
//! (a mock on loopback that records method, path, token and body) through
//! `context.api()`, queueing tasks with `context.queue_task`, and leaving work to
//! `context.wait_until`, which runs after the response.

mod common;
#[path = "support/mock_http.rs"]
mod mock_http;

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::http_suite::{fixture, Target};
use contentkit::api::types;
use contentkit::component::{ComponentError, Integration};
use contentkit::runtime::server::{router, ServerConfig};
use contentkit::runtime::{handle, Event, IncomingRequest, RequestContext};
use mock_http::{MockServer, Reply};
use serde_json::{json, Map, Value};
use tokio::sync::oneshot;

const INSTALLATION_TOKEN: &str = "gitbook_installation_tok_b82d4e60";
const INTEGRATION_TOKEN: &str = "gitbook_integration_tok_3f9a1c7e";

/// The fixture environment, its API endpoint the mock's.
fn environment(api: &MockServer) -> Vec<u8> {
    let mut environment = fixture("environment.json");
    environment["apiEndpoint"] = json!(api.base);
    serde_json::to_vec(&environment).unwrap()
}

/// An installation as the API answers it (every required field of the schema).
fn installation() -> Value {
    json!({
        "id": "inst_7TbqNQCKw3XUmPx9gA2d",
        "status": "active",
        "space_selection": "selected",
        "site_selection": "selected",
        "spaces": 1,
        "configuration": {},
        "externalIds": [],
        "urls": {"location": "l", "app": "a", "publicEndpoint": "p", "publicContentEndpoint": "c"},
        "target": {"organization": "org_1"},
        "createdAt": "2026-11-29T10:00:00.000Z",
        "updatedAt": "2026-11-29T10:00:00.000Z"
    })
}

/// An API failure as the handler's error.
fn api_error(error: contentkit::api::Error) -> ComponentError {
    ComponentError::Internal(format!("GitBook API: {error}"))
}

fn configuration(value: Value) -> types::UpdateIntegrationInstallation {
    let Value::Object(map) = value else {
        unreachable!("an object")
    };
    types::UpdateIntegrationInstallation {
        configuration: Some(map.into()),
        ..Default::default()
    }
}

/// The integration under test: on setup it stores a configuration and queues a
/// sync task; the task answers at once and records the sync with `wait_until`,
/// once the test releases it.
fn integration(release: Arc<Mutex<Option<oneshot::Receiver<()>>>>) -> Integration {
    Integration::new()
        .on_event("installation_setup", |event, context| async move {
            let Event::InstallationSetup(setup) = event else {
                return Err(ComponentError::Internal("not a setup".into()));
            };
            let name = &context.environment.integration.name;
            let update = configuration(json!({"project": "PLAT", "synced": false}));
            context
                .api()
                .map_err(api_error)?
                .update_integration_installation(name, &setup.installation_id, &update)
                .await
                .map_err(api_error)?;
            let mut task = Map::new();
            task.insert("type".into(), json!("sync"));
            task.insert("installationId".into(), json!(setup.installation_id));
            context
                .queue_task(task, Some(5.0))
                .await
                .map_err(api_error)?;
            Ok(())
        })
        .on_task(move |task, context: RequestContext| {
            let release = release.lock().unwrap().take();
            async move {
                let installation = task
                    .task
                    .get("installationId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let api = context.integration_api().map_err(api_error)?;
                let name = context.environment.integration.name.clone();
                context.wait_until(async move {
                    if let Some(release) = release {
                        let _ = release.await;
                    }
                    let update = configuration(json!({"synced": true}));
                    if let Err(error) = api
                        .update_integration_installation(&name, &installation, &update)
                        .await
                    {
                        eprintln!("the sync was not recorded: {error}");
                    }
                });
                Ok(())
            }
        })
        .on_event("space_view", |_, _| async {
            panic!("a bug in an async handler")
        })
}

/// The integration's runtime routes served on loopback, on their own runtime.
fn start(integration: Integration) -> Target {
    let app = router(Arc::new(integration), ServerConfig::default());
    Target::new(common::serve::serve_app(app), 1024 * 1024)
}

/// Posts `event` with the environment pointing at `api`.
fn post(server: &Target, api: &MockServer, event: &Value) -> common::http_suite::Reply {
    let (event, environment) = (event.to_string(), environment(api));
    server.post(
        "/v1",
        &[("event", event.as_bytes()), ("environment", &environment)],
    )
}

/// Waits (at most 10 s) until the mock has seen `count` requests.
fn wait_for_requests(api: &MockServer, count: usize) -> Vec<mock_http::Recorded> {
    let start = Instant::now();
    loop {
        let requests = api.requests();
        if requests.len() >= count || start.elapsed() > Duration::from_secs(10) {
            return requests;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn rust_handlers_call_the_api_queue_tasks_and_finish_work_after_the_response() {
    let mock_runtime = tokio::runtime::Runtime::new().unwrap();
    let api = mock_runtime.block_on(MockServer::start(|request, _| {
        if request.path.ends_with("/tasks") {
            Reply::empty(204)
        } else {
            Reply::json(200, installation())
        }
    }));
    let (release, released) = oneshot::channel();
    let server = start(integration(Arc::new(Mutex::new(Some(released)))));

    // installation_setup: the installation's client updates it, the integration's
    // client queues the task.
    let reply = post(&server, &api, &fixture("installation_setup.json"));
    assert_eq!((reply.status, reply.body.as_slice()), (200, &b"OK"[..]));
    let [update, queued] = api.requests().try_into().expect("two API calls");
    assert_eq!(update.method, "PATCH");
    assert_eq!(
        update.path,
        "/v1/integrations/acme-issues/installations/inst_7TbqNQCKw3XUmPx9gA2d"
    );
    assert_eq!(
        update.header("authorization"),
        Some(format!("Bearer {INSTALLATION_TOKEN}").as_str())
    );
    assert_eq!(
        update.json(),
        json!({"configuration": {"project": "PLAT", "synced": false}})
    );
    assert_eq!(queued.method, "POST");
    assert_eq!(queued.path, "/v1/integrations/acme-issues/tasks");
    assert_eq!(
        queued.header("authorization"),
        Some(format!("Bearer {INTEGRATION_TOKEN}").as_str())
    );
    assert_eq!(
        queued.json(),
        json!({"schedule": 5.0, "task": {"type": "sync", "installationId": "inst_7TbqNQCKw3XUmPx9gA2d"}})
    );

    // The task GitBook sends back: answered before its wait_until work runs.
    let task = json!({"eventId": "evt_task", "type": "task", "task": queued.json()["task"]});
    let reply = post(&server, &api, &task);
    assert_eq!(
        (reply.status, reply.body.as_slice()),
        (200, &b"OK"[..]),
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(api.requests().len(), 2, "the work waits for the release");
    release.send(()).unwrap();
    let requests = wait_for_requests(&api, 3);
    let recorded = requests
        .get(2)
        .expect("the wait_until work ran after the response");
    assert_eq!(recorded.method, "PATCH");
    assert_eq!(recorded.json(), json!({"configuration": {"synced": true}}));
    assert_eq!(
        recorded.header("authorization"),
        Some(format!("Bearer {INTEGRATION_TOKEN}").as_str())
    );
}

#[test]
fn an_api_failure_or_a_panic_in_an_async_handler_is_a_500_and_serving_goes_on() {
    let mock_runtime = tokio::runtime::Runtime::new().unwrap();
    let api = mock_runtime.block_on(MockServer::start(|_, _| {
        Reply::json(403, json!({"error": {"code": 403, "message": "Forbidden"}}))
    }));
    let server = start(integration(Arc::default()));
    for event in [
        fixture("installation_setup.json"),
        fixture("unknown/space_view.json"),
    ] {
        let reply = post(&server, &api, &event);
        assert_eq!(
            (reply.status, reply.error()),
            (500, "Internal server error".into())
        );
    }
    let reply = post(
        &server,
        &api,
        &json!({"eventId": "t", "type": "task", "task": {}}),
    );
    assert_eq!(reply.status, 200);
}

#[test]
fn handle_runs_wait_until_work_before_it_returns() {
    let ran = Arc::new(Mutex::new(Vec::new()));
    let log = ran.clone();
    let integration = Integration::new().on_event("space_view", move |_, context| {
        let log = log.clone();
        async move {
            let later = log.clone();
            context.wait_until(async move { later.lock().unwrap().push("after") });
            log.lock().unwrap().push("handler");
            Ok(())
        }
    });
    let environment = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/events/environment.json"
    ))
    .unwrap();
    let event = fixture("unknown/space_view.json").to_string().into_bytes();
    let response = handle(
        &integration,
        IncomingRequest::new("/v1", event, environment),
    );
    assert_eq!(response.status, 200);
    assert_eq!(*ran.lock().unwrap(), ["handler", "after"]);
}
