//! Component files that call the outside world, answered through
//! `runtime::handle_with` and an `HttpDriver` against mock servers on loopback:
//! `fetch` in a render, `context.api`, `GitBookAPIError`, `queueTask`,
//! `waitUntil` work that goes on after the response, `getOAuthToken`'s refresh,
//! the OAuth handler's refusals, the integration's event handlers, and the bounds.

#[path = "support/mock_http.rs"]
mod mock_http;

use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use contentkit::component::file::{components, render_with_host};
use contentkit::component::{Integration, RenderRequest};
use contentkit::lang::program::{NoSources, Program};
use contentkit::runtime::host::{HostDriver, HttpDriver, HttpLimits, MAX_OPS};
use contentkit::runtime::{handle, handle_with, IncomingRequest, OutgoingResponse};
use mock_http::{form_pairs, MockServer, Recorded, Reply};
use serde_json::{json, Value};

/// A runtime on its own threads for the mock servers; the test thread stays free
/// to call the runtime synchronously, as the server's handler threads do.
fn mocks() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(4)
        .enable_all()
        .build()
        .unwrap()
}

fn integration(source: &str) -> Integration {
    let program = Program::load("index.tsx", source, &NoSources).unwrap_or_else(|d| panic!("{d}"));
    let mut integration = Integration::new();
    integration.add_program(Arc::new(program));
    integration
}

fn environment(api: &str, extra: Value) -> Vec<u8> {
    let mut env = json!({
        "apiEndpoint": api,
        "apiTokens": {"integration": "int-token", "installation": "inst-token"},
        "integration": {"name": "acme", "version": 3},
        "installation": {
            "id": "inst_1",
            "status": "active",
            "configuration": {},
            "externalIds": [],
            "urls": {"location": "l", "publicEndpoint": "https://integrations.example/acme/inst_1", "publicContentEndpoint": "c"}
        },
        "secrets": {},
        "signingSecrets": {"integration": "sign-secret"}
    });
    if let (Some(env), Value::Object(extra)) = (env.as_object_mut(), extra) {
        env.extend(extra);
    }
    serde_json::to_vec(&env).unwrap()
}

fn render_event(component: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "eventId": "e1", "type": "ui_render", "installationId": "inst_1",
        "componentId": component, "props": {}, "context": {"type": "document", "theme": "light"}
    }))
    .unwrap()
}

fn fetch_event(url: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({
        "eventId": "e2", "type": "fetch", "installationId": "inst_1",
        "request": {"method": "get", "url": url, "headers": {"x-custom": "1"}}
    }))
    .unwrap()
}

fn driver() -> Arc<dyn HostDriver> {
    Arc::new(HttpDriver::default())
}

fn run(integration: &Integration, event: Vec<u8>, environment: Vec<u8>) -> OutgoingResponse {
    handle_with(
        integration,
        IncomingRequest::new("/v1", event, environment),
        Some(&driver()),
    )
}

fn body(response: &OutgoingResponse) -> String {
    String::from_utf8_lossy(&response.body).into_owned()
}

/// The texts of a render output's element, in order.
fn texts(response: &OutgoingResponse) -> Vec<String> {
    let v: Value = serde_json::from_slice(&response.body).unwrap_or(Value::Null);
    let mut out = Vec::new();
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => {
                if let Some(c) = o.get("children") {
                    walk(c, out);
                }
            }
            _ => {}
        }
    }
    walk(&v["element"], &mut out);
    out
}

#[test]
fn a_render_awaits_fetch_and_the_driver_performs_it() {
    let rt = mocks();
    let mock = rt.block_on(MockServer::start(|_, _| {
        Reply::json(200, json!({"title": "From the provider"}))
    }));
    let source = format!(
        r#"
        import {{ createComponent }} from '@gitbook/runtime';
        export const card = createComponent({{
            componentId: 'card',
            render: async () => {{
                const response = await fetch('{}/items/7', {{ headers: {{ accept: 'application/json' }} }});
                const item = await response.json();
                return <block><text>{{`${{response.status}} ${{item.title}}`}}</text></block>;
            }},
        }});
        "#,
        mock.base
    );
    let integration = integration(&source);
    // Without a driver, the run cannot go on: a 500, as before.
    let without = handle(
        &integration,
        IncomingRequest::new(
            "/v1",
            render_event("card"),
            environment(&mock.base, json!({})),
        ),
    );
    assert_eq!(without.status, 500);
    assert!(mock.requests().is_empty());

    let response = run(
        &integration,
        render_event("card"),
        environment(&mock.base, json!({})),
    );
    assert_eq!(response.status, 200, "{}", body(&response));
    assert_eq!(texts(&response), ["200 From the provider"]);
    let requests = mock.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("GET", "/items/7")
    );
    assert_eq!(requests[0].header("accept"), Some("application/json"));

    // An id written with an escape takes the general path, and renders the same.
    let escaped = br#"{"eventId":"e1","type":"ui_render","installationId":"inst_1","componentId":"c\u0061rd","props":{},"context":{"type":"document","theme":"light"}}"#;
    let response = run(
        &integration,
        escaped.to_vec(),
        environment(&mock.base, json!({})),
    );
    assert_eq!(
        texts(&response),
        ["200 From the provider"],
        "{}",
        body(&response)
    );
    assert_eq!(mock.requests().len(), 2);
}

#[test]
fn a_render_outside_a_runtime_request_performs_its_operations_too() {
    let rt = mocks();
    let mock = rt.block_on(MockServer::start(|_, _| Reply::json(200, json!({"n": 7}))));
    let source = format!(
        r#"
        import {{ createComponent }} from '@gitbook/runtime';
        export const count = createComponent({{
            componentId: 'count',
            render: async () => {{
                const {{ n }} = await (await fetch('{}/n')).json();
                return <block><text>{{`n = ${{n}}`}}</text></block>;
            }},
        }});
        "#,
        mock.base
    );
    let program = Arc::new(Program::load("count.tsx", &source, &NoSources).unwrap());
    let request = RenderRequest::new("count", Default::default());
    let component = &components(program.clone())[0];
    // Without a driver: a clear error, not a render.
    let error = component.render(&request).unwrap_err().to_string();
    assert!(error.contains("host operation"), "{error}");
    let rendered = render_with_host(&program, &request, None, &driver()).unwrap();
    assert_eq!(
        rendered.output.to_value()["element"]["children"][0]["children"][0],
        "n = 7"
    );
}

#[test]
fn context_api_calls_the_gitbook_api_as_gitbook_api_does() {
    let rt = mocks();
    let api = rt.block_on(MockServer::start(|request, _| {
        match request.path.as_str() {
            "/v1/integrations/acme/installations/inst_1" => Reply::json(
                200,
                json!({"id": "inst_1", "configuration": {"team": "docs"}}),
            ),
            _ => Reply::json(
                404,
                json!({"error": {"code": 404, "message": "No such space"}}),
            ),
        }
    }));
    let source = r#"
        import { createComponent } from '@gitbook/runtime';
        export const team = createComponent({
            componentId: 'team',
            render: async (element, context) => {
                const { environment, api } = context;
                const { data } = await api.integrations.getIntegrationInstallationById(
                    environment.integration.name, environment.installation.id);
                let missing = '';
                try {
                    await context.integration.api.spaces.getSpaceById('space one', { format: 'markdown', tags: ['a', 'b'] });
                } catch (error) {
                    missing = `${error.name} ${error.code} ${error.message}`;
                }
                return <block><text>{data.configuration.team}</text><text>{missing}</text></block>;
            },
        });
    "#;
    let integration = integration(source);
    let response = run(
        &integration,
        render_event("team"),
        environment(&api.base, json!({})),
    );
    assert_eq!(response.status, 200, "{}", body(&response));
    let texts = texts(&response);
    assert_eq!(texts[0], "docs");
    assert_eq!(
        texts[1],
        format!(
            "GitBookAPIError 404 GitBook API failed with [404] {}/v1/spaces/space%20one?format=markdown&tags=a&tags=b: No such space",
            api.base
        )
    );
    let requests = api.requests();
    assert_eq!(requests.len(), 2);
    let read = &requests[0];
    assert_eq!(read.method, "GET");
    assert_eq!(read.header("authorization"), Some("Bearer inst-token"));
    assert_eq!(read.header("user-agent"), Some("integration-acme/3"));
    // `context.integration.api` acts as the integration.
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer int-token")
    );
    assert_eq!(
        requests[1].query.as_deref(),
        Some("format=markdown&tags=a&tags=b")
    );
}

/// `new GitBookAPI({ endpoint, authToken, userAgent })` of `@gitbook/api`, as
/// bucket and launchdarkly make one with the installation's token: its requests
/// go to its endpoint with its token and user agent, and a failure is a
/// `GitBookAPIError`.
#[test]
fn a_client_made_with_gitbook_api_sends_its_own_token() {
    let rt = mocks();
    let api = rt.block_on(MockServer::start(|request, _| {
        match request.path.as_str() {
            "/v1/orgs/org_1/sites/site_1" => {
                Reply::json(200, json!({"id": "site_1", "title": "Docs"}))
            }
            _ => Reply::json(
                404,
                json!({"error": {"code": 404, "message": "No such schema"}}),
            ),
        }
    }));
    let source = r#"
        import { createComponent } from '@gitbook/runtime';
        import { GitBookAPI, GitBookAPIError } from '@gitbook/api';
        export const site = createComponent({
            componentId: 'site',
            render: async (element, context) => {
                const api = new GitBookAPI({
                    userAgent: context.api.userAgent,
                    endpoint: context.environment.apiEndpoint,
                    authToken: 'made-token',
                });
                const { data } = await api.orgs.getSiteById('org_1', 'site_1');
                let missing = '';
                try {
                    await api.orgs.getSiteAdaptiveSchema('org_1', 'site_1');
                } catch (error) {
                    missing = error instanceof GitBookAPIError && error.code === 404 ? 'none yet' : 'other';
                }
                return <block><text>{data.title}</text><text>{missing}</text></block>;
            },
        });
    "#;
    let integration = integration(source);
    let response = run(
        &integration,
        render_event("site"),
        environment(&api.base, json!({})),
    );
    assert_eq!(response.status, 200, "{}", body(&response));
    assert_eq!(texts(&response), ["Docs", "none yet"]);
    let requests = api.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.header("authorization"), Some("Bearer made-token"));
        assert_eq!(request.header("user-agent"), Some("integration-acme/3"));
    }
    assert_eq!(
        requests[1].path,
        "/v1/orgs/org_1/sites/site_1/adaptive-schema"
    );
}

#[test]
fn events_queue_tasks_and_tasks_run() {
    let rt = mocks();
    let api = rt.block_on(MockServer::start(|_, _| Reply::empty(204)));
    let source = r#"
        import { createIntegration } from '@gitbook/runtime';
        export default createIntegration({
            events: {
                installation_setup: async (event, context) => {
                    await context.integration.queueTask({ task: { type: 'sync', installationId: event.installationId }, schedule: 5 });
                },
                space_view: [async () => {}, async () => {}],
            },
            task: async (task, context) => {
                if (task.type !== 'sync') throw new Error('unexpected task');
            },
        });
    "#;
    let integration = integration(source);
    let env = environment(&api.base, json!({}));
    let setup = serde_json::to_vec(&json!({"eventId": "e3", "type": "installation_setup", "installationId": "inst_1", "status": "active", "previous": {"status": "pending"}})).unwrap();
    let response = run(&integration, setup, env.clone());
    assert_eq!((response.status, body(&response).as_str()), (200, "OK"));
    let requests = api.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method.as_str(), requests[0].path.as_str()),
        ("POST", "/v1/integrations/acme/tasks")
    );
    assert_eq!(
        requests[0].header("authorization"),
        Some("Bearer int-token")
    );
    assert_eq!(
        requests[0].json(),
        json!({"task": {"type": "sync", "installationId": "inst_1"}, "schedule": 5})
    );

    let task =
        serde_json::to_vec(&json!({"eventId": "e4", "type": "task", "task": {"type": "sync"}}))
            .unwrap();
    let response = run(&integration, task, env.clone());
    assert_eq!((response.status, body(&response).as_str()), (200, "OK"));
    let task =
        serde_json::to_vec(&json!({"eventId": "e5", "type": "task", "task": {"type": "other"}}))
            .unwrap();
    assert_eq!(run(&integration, task, env.clone()).status, 500);

    let view = serde_json::to_vec(&json!({"eventId": "e6", "type": "space_view", "spaceId": "s"}))
        .unwrap();
    assert_eq!(run(&integration, view, env.clone()).status, 200);
    let unknown = serde_json::to_vec(&json!({"eventId": "e7", "type": "custom_event"})).unwrap();
    let response = run(&integration, unknown, env.clone());
    assert_eq!(response.status, 406);
    assert_eq!(
        body(&response),
        r#"{"error":"Integration does not handle \"custom_event\" events"}"#
    );
    let fetch = run(&integration, fetch_event("https://x.example/"), env);
    assert_eq!(fetch.status, 400);
    assert_eq!(
        body(&fetch),
        r#"{"error":"Integration does not handle HTTP requests"}"#
    );
}

/// A gate the mock holds requests at until the test opens it.
#[derive(Default)]
struct Gate {
    open: Mutex<bool>,
    opened: Condvar,
}

impl Gate {
    fn wait(&self) {
        let open = self.open.lock().unwrap();
        let _ = self
            .opened
            .wait_timeout_while(open, Duration::from_secs(20), |open| !*open)
            .unwrap();
    }

    fn open(&self) {
        *self.open.lock().unwrap() = true;
        self.opened.notify_all();
    }
}

fn wait_for(mock: &MockServer, n: usize) -> Vec<Recorded> {
    let start = Instant::now();
    loop {
        let requests = mock.requests();
        if requests.len() >= n || start.elapsed() > Duration::from_secs(20) {
            return requests;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn wait_until_work_goes_on_after_the_response() {
    let rt = mocks();
    let gate = Arc::new(Gate::default());
    let held = gate.clone();
    let mock = rt.block_on(MockServer::start(move |request, _| {
        if request.path == "/slow" {
            held.wait();
            return Reply::json(200, json!({"step": "one"}));
        }
        Reply::empty(204)
    }));
    let source = format!(
        r#"
        import {{ createIntegration }} from '@gitbook/runtime';
        const followUp = async () => {{
            const first = await fetch('{base}/slow');
            const {{ step }} = await first.json();
            await fetch('{base}/after?step=' + step, {{ method: 'POST', body: 'done' }});
        }};
        export default createIntegration({{
            fetch: async (request, context) => {{
                context.waitUntil(followUp());
                return new Response('accepted', {{ status: 202 }});
            }},
        }});
        "#,
        base = mock.base
    );
    let integration = integration(&source);
    let started = Instant::now();
    let response = run(
        &integration,
        fetch_event("https://x.example/hook"),
        environment(&mock.base, json!({})),
    );
    // Answered while the mock still holds the first request of the work.
    assert_eq!(
        (response.status, body(&response).as_str()),
        (202, "accepted")
    );
    assert!(started.elapsed() < Duration::from_secs(15));
    let requests = wait_for(&mock, 1);
    assert_eq!(requests.len(), 1, "the work started");
    gate.open();
    let requests = wait_for(&mock, 2);
    assert_eq!(requests.len(), 2, "the work went on after the response");
    assert_eq!(requests[1].method, "POST");
    assert_eq!(requests[1].path, "/after");
    assert_eq!(requests[1].query.as_deref(), Some("step=one"));
    assert_eq!(requests[1].body, b"done");
}

#[test]
fn concurrent_awaits_are_performed_together() {
    let rt = mocks();
    let gate = Arc::new(Gate::default());
    let held = gate.clone();
    let mock = rt.block_on(MockServer::start(move |request, index| {
        // The first request is held until the second has arrived: both must be in
        // flight at once.
        if index == 0 {
            held.wait();
        } else {
            held.open();
        }
        Reply::json(200, json!({ "path": request.path }))
    }));
    let source = format!(
        r#"
        import {{ createComponent }} from '@gitbook/runtime';
        const load = async (name) => (await (await fetch('{base}/' + name)).json()).path;
        export const both = createComponent({{
            componentId: 'both',
            render: async () => {{
                const [a, b] = await Promise.all([load('a'), load('b')]);
                return <block><text>{{a + ' ' + b}}</text></block>;
            }},
        }});
        "#,
        base = mock.base
    );
    let integration = integration(&source);
    let started = Instant::now();
    let response = run(
        &integration,
        render_event("both"),
        environment(&mock.base, json!({})),
    );
    assert_eq!(response.status, 200, "{}", body(&response));
    assert_eq!(texts(&response), ["/a /b"]);
    // One after the other, the first would have waited out the gate.
    assert!(
        started.elapsed() < Duration::from_secs(15),
        "both requests were in flight at once"
    );
}

#[test]
fn get_oauth_token_refreshes_an_expiring_token() {
    let rt = mocks();
    let provider = rt.block_on(MockServer::start(|_, _| {
        Reply::json(
            200,
            json!({"access_token": "fresh", "expires_in": 3600, "refresh_token": "r2"}),
        )
    }));
    let api = rt.block_on(MockServer::start(|_, _| Reply::json(200, json!({}))));
    let source = format!(
        r#"
        import {{ createComponent, getOAuthToken }} from '@gitbook/runtime';
        export const token = createComponent({{
            componentId: 'token',
            render: async (element, context) => {{
                const config = {{ clientId: 'c', clientSecret: 's', accessTokenURL: '{provider}/token' }};
                const {{ oauth_credentials }} = context.environment.installation.configuration;
                const token = await getOAuthToken(oauth_credentials, config, context);
                return <block><text>{{token}}</text></block>;
            }},
        }});
        "#,
        provider = provider.base
    );
    let integration = integration(&source);
    let configuration = |expires_at: u64| {
        json!({"installation": {
            "id": "inst_1", "status": "active", "externalIds": [],
            "urls": {"location": "l", "publicEndpoint": "p", "publicContentEndpoint": "c"},
            "configuration": {"team": "docs", "oauth_credentials": {"access_token": "old", "refresh_token": "r1", "expires_at": expires_at}}
        }})
    };
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    // Valid for an hour: used as it is.
    let response = run(
        &integration,
        render_event("token"),
        environment(&api.base, configuration(now + 3_600_000)),
    );
    assert_eq!(texts(&response), ["old"]);
    assert!(provider.requests().is_empty());
    // Expiring in 5 s: refreshed, and stored.
    let response = run(
        &integration,
        render_event("token"),
        environment(&api.base, configuration(now + 5_000)),
    );
    assert_eq!(texts(&response), ["fresh"], "{}", body(&response));
    let exchange = &provider.requests()[0];
    let form = exchange.form();
    assert!(form.contains(&("grant_type".into(), "refresh_token".into())));
    assert!(form.contains(&("refresh_token".into(), "r1".into())));
    let stored = &api.requests()[0];
    assert_eq!(
        (stored.method.as_str(), stored.path.as_str()),
        ("PATCH", "/v1/integrations/acme/installations/inst_1")
    );
    let body = stored.json();
    assert_eq!(body["configuration"]["team"], "docs");
    assert_eq!(
        body["configuration"]["oauth_credentials"]["access_token"],
        "fresh"
    );
}

#[test]
fn the_oauth_handler_refuses_without_writing() {
    let rt = mocks();
    let provider = rt.block_on(MockServer::start(|request, _| {
        if request
            .form()
            .iter()
            .any(|(k, v)| k == "code" && v == "bad")
        {
            return Reply::json(400, json!({"error": "invalid_grant"}));
        }
        Reply::json(200, json!({"access_token": "t"}))
    }));
    let api = rt.block_on(MockServer::start(|_, _| {
        Reply::json(404, json!({"error": {"message": "Installation not found"}}))
    }));
    let source = format!(
        r#"
        import {{ createIntegration, createComponent, createOAuthHandler }} from '@gitbook/runtime';
        const none = createComponent({{ componentId: 'none', render: () => <block><text>-</text></block> }});
        export default createIntegration({{
            fetch: createOAuthHandler({{
                clientId: 'c', clientSecret: 's',
                authorizeURL: '{provider}/authorize', accessTokenURL: '{provider}/token',
            }}),
        }});
        "#,
        provider = provider.base
    );
    let integration = integration(&source);
    let env = environment(&api.base, json!({}));
    let endpoint = "https://integrations.example/acme/inst_1/oauth";
    let start = run(&integration, fetch_event(endpoint), env.clone());
    assert_eq!(start.status, 302);
    let location = start.header("location").unwrap().to_owned();
    let query = form_pairs(location.split_once('?').unwrap().1);
    let state = &query.iter().find(|(k, _)| k == "state").unwrap().1;

    let denied = run(
        &integration,
        fetch_event(&format!(
            "{endpoint}?error=access_denied&error_description=No"
        )),
        env.clone(),
    );
    assert_eq!(denied.status, 403);
    assert_eq!(
        body(&denied),
        r#"{"error":"The provider refused the authorization (access_denied: No)"}"#
    );

    let encoded: String = url::form_urlencoded::byte_serialize(state.as_bytes()).collect();
    let failed = run(
        &integration,
        fetch_event(&format!("{endpoint}?code=bad&state={encoded}")),
        env.clone(),
    );
    assert_eq!(failed.status, 502, "{}", body(&failed));
    assert!(body(&failed).contains("invalid_grant"), "{}", body(&failed));
    assert!(
        api.requests().is_empty(),
        "nothing written after a failed exchange"
    );

    let missing = run(
        &integration,
        fetch_event(&format!("{endpoint}?code=good&state={encoded}")),
        env.clone(),
    );
    assert_eq!(missing.status, 404, "{}", body(&missing));
    assert!(body(&missing).contains("Installation not found"));

    // A state for another installation than the request's.
    let other = environment(
        &api.base,
        json!({"installation": {
            "id": "inst_2", "status": "active", "configuration": {}, "externalIds": [],
            "urls": {"location": "l", "publicEndpoint": "p", "publicContentEndpoint": "c"}
        }}),
    );
    let before = (provider.requests().len(), api.requests().len());
    let crossed = run(
        &integration,
        fetch_event(&format!("{endpoint}?code=good&state={encoded}")),
        other,
    );
    assert_eq!(crossed.status, 400);
    assert_eq!(
        body(&crossed),
        r#"{"error":"The OAuth state belongs to another installation"}"#
    );
    assert_eq!((provider.requests().len(), api.requests().len()), before);
}

#[test]
fn operations_are_bounded() {
    let rt = mocks();
    let mock = rt.block_on(MockServer::start(|request, _| {
        if request.path == "/big" {
            return Reply {
                status: 200,
                headers: Vec::new(),
                body: "x".repeat(5000),
            };
        }
        Reply::empty(204)
    }));
    let source = format!(
        r#"
        import {{ createComponent }} from '@gitbook/runtime';
        export const many = createComponent({{
            componentId: 'many',
            render: async () => {{
                for (let i = 0; i < 100; i++) {{ await fetch('{base}/n/' + i); }}
                return <block><text>done</text></block>;
            }},
        }});
        export const big = createComponent({{
            componentId: 'big',
            render: async () => {{
                let text = '';
                try {{ await fetch('{base}/big'); }} catch (e) {{ text = e.name + ': ' + e.message; }}
                return <block><text>{{text}}</text></block>;
            }},
        }});
        "#,
        base = mock.base
    );
    let integration = integration(&source);
    let env = environment(&mock.base, json!({}));
    let response = run(&integration, render_event("many"), env.clone());
    assert_eq!(response.status, 500);
    assert_eq!(mock.requests().len(), MAX_OPS, "no request past the bound");

    let small: Arc<dyn HostDriver> = Arc::new(HttpDriver::new(HttpLimits {
        max_response_bytes: 1000,
        ..HttpLimits::default()
    }));
    let response = handle_with(
        &integration,
        IncomingRequest::new("/v1", render_event("big"), env),
        Some(&small),
    );
    assert_eq!(
        texts(&response),
        ["TypeError: fetch failed: the response is larger than 1000 bytes"]
    );
}

#[test]
fn published_scripts_and_visitor_authentication_are_answered() {
    let source = r#"
        import { createIntegration } from '@gitbook/runtime';
        // No component: GitBook's analytics integrations are only this.
        export default createIntegration({
            fetch_published_script: async (event) =>
                event.siteId === 'site_script'
                    ? new Response(`window.site = '${event.siteId}';`, { headers: { 'content-type': 'application/javascript' } })
                    : undefined,
            fetch_visitor_authentication: async (event, context) =>
                Response.redirect(`https://login.example/?site=${event.siteId}&from=${context.environment.integration.name}`),
        });
    "#;
    let integration = integration(source);
    let env = environment("http://127.0.0.1:9", json!({}));
    let script = |site: &str| {
        serde_json::to_vec(&json!({"eventId": "e8", "type": "fetch_published_script", "installationId": "inst_1", "siteId": site})).unwrap()
    };
    let response = handle(
        &integration,
        IncomingRequest::new("/v1", script("site_script"), env.clone()),
    );
    assert_eq!(
        (response.status, body(&response).as_str()),
        (200, "window.site = 'site_script';")
    );
    assert_eq!(
        response.header("content-type"),
        Some("application/javascript")
    );
    let response = handle(
        &integration,
        IncomingRequest::new("/v1", script("other"), env.clone()),
    );
    assert_eq!(
        (response.status, body(&response).as_str()),
        (200, "/** no-op */")
    );
    let visitor = serde_json::to_vec(&json!({"eventId": "e9", "type": "fetch_visitor_authentication", "installationId": "inst_1", "siteId": "s1"})).unwrap();
    let response = handle(&integration, IncomingRequest::new("/v1", visitor, env));
    assert_eq!(response.status, 302);
    assert_eq!(
        response.header("location"),
        Some("https://login.example/?site=s1&from=acme")
    );
}
