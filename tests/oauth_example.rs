//! `examples/integrations/oauth`, served by `contentkit serve`, against a mock OAuth
//! provider and a mock GitBook API on loopback: every request goes through
//! `POST /v1` as GitBook sends it (multipart `event` and `environment`).
//!
//! The flow: the redirect to the provider with a signed state; the callback, whose
//! code is exchanged and whose credentials are written to the installation; a forged
//! state refused with 400 and nothing exchanged or written; the block rendering
//! "Connected as …" from the configuration written; `installation_setup` queueing a
//! task, and the task refreshing the token.

#[path = "support/mock_http.rs"]
mod mock_http;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use mock_http::{form_pairs, MockServer, Reply};
use serde_json::{json, Value};

const PUBLIC: &str =
    "https://integrations.gitbook.com/v1/integrations/oauth-example/installations/inst_1";

/// `contentkit serve examples/integrations/oauth` on a free port; killed on drop.
struct Served {
    child: Child,
    base: String,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve() -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_contentkit"))
        .args([
            "serve",
            "examples/integrations/oauth",
            "--addr",
            "127.0.0.1:0",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("contentkit serve starts");
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let base = loop {
        let line = lines
            .next()
            .expect("contentkit serve says where it listens")
            .unwrap();
        if let Some(rest) = line.split("runtime: POST ").nth(1) {
            break rest.split("/v1").next().unwrap().to_owned();
        }
    };
    // Keep reading its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served { child, base }
}

fn environment(api: &MockServer, provider: &MockServer, configuration: Value) -> Value {
    json!({
        "apiEndpoint": api.base,
        "apiTokens": {"integration": "int-token", "installation": "inst-token"},
        "integration": {"name": "oauth-example", "version": 1},
        "installation": {
            "id": "inst_1",
            "status": "active",
            "configuration": configuration,
            "externalIds": [],
            "urls": {"location": "l", "publicEndpoint": PUBLIC, "publicContentEndpoint": "c"}
        },
        "secrets": {
            "CLIENT_ID": "client-1",
            "CLIENT_SECRET": "secret-1",
            "AUTHORIZE_URL": format!("{}/authorize", provider.base),
            "TOKEN_URL": format!("{}/token", provider.base)
        },
        "signingSecrets": {"integration": "signing-secret"}
    })
}

/// `POST /v1` with the event and environment as multipart parts: status, headers, body.
async fn post(
    served: &Served,
    event: &Value,
    environment: &Value,
) -> (u16, reqwest::header::HeaderMap, String) {
    let form = reqwest::multipart::Form::new()
        .text("event", event.to_string())
        .text("environment", environment.to_string());
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let response = client
        .post(format!("{}/v1", served.base))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.unwrap())
}

fn fetch(url: &str) -> Value {
    json!({
        "eventId": "evt_1", "type": "fetch", "installationId": "inst_1",
        "request": {"method": "get", "url": url, "headers": {}}
    })
}

fn encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_completes_the_oauth_flow_through_post_v1() {
    let provider = MockServer::start(|request, _| match request.path.as_str() {
        "/token" => Reply::json(
            200,
            json!({
                "access_token": "at-1", "refresh_token": "rt-1", "expires_in": 3600,
                "token_type": "bearer", "account": {"name": "Ada Lovelace"}
            }),
        ),
        _ => Reply::empty(404),
    })
    .await;
    let api =
        MockServer::start(
            |request, _| match (request.method.as_str(), request.path.as_str()) {
                ("PATCH", "/v1/integrations/oauth-example/installations/inst_1") => {
                    Reply::json(200, json!({"id": "inst_1"}))
                }
                ("POST", "/v1/integrations/oauth-example/tasks") => Reply::empty(204),
                _ => Reply::json(404, json!({"error": {"code": 404, "message": "Not found"}})),
            },
        )
        .await;
    let served = tokio::task::spawn_blocking(serve).await.unwrap();
    let env = environment(&api, &provider, json!({}));

    // 1. The redirect to the provider, with a signed state.
    let (status, headers, text) = post(&served, &fetch(&format!("{PUBLIC}/oauth")), &env).await;
    assert_eq!(status, 302, "{text}");
    let location = headers["location"].to_str().unwrap().to_owned();
    let (target, query) = location.split_once('?').unwrap();
    assert_eq!(target, format!("{}/authorize", provider.base));
    let query = form_pairs(query);
    let param = |name: &str| {
        query
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(param("client_id").as_deref(), Some("client-1"));
    assert_eq!(
        param("redirect_uri").as_deref(),
        Some(format!("{PUBLIC}/oauth").as_str())
    );
    assert_eq!(param("response_type").as_deref(), Some("code"));
    assert_eq!(param("scope").as_deref(), Some("profile docs:read"));
    let state = param("state").unwrap();
    assert!(state.contains('.'), "a signed state: {state}");

    // 2. A forged state (another installation's payload under this signature): 400,
    //    nothing exchanged, nothing written.
    let (payload, signature) = state.rsplit_once('.').unwrap();
    let forged_payload = {
        use base64::Engine as _;
        let engine = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        let mut decoded: Value = serde_json::from_slice(&engine.decode(payload).unwrap()).unwrap();
        decoded["installationId"] = "inst_2".into();
        engine.encode(decoded.to_string())
    };
    let forged = format!("{forged_payload}.{signature}");
    let url = format!("{PUBLIC}/oauth?code=stolen&state={}", encode(&forged));
    let (status, _, text) = post(&served, &fetch(&url), &env).await;
    assert_eq!(status, 400);
    assert_eq!(text, r#"{"error":"OAuth state signature does not match"}"#);
    assert!(provider.requests().is_empty(), "no code exchanged");
    assert!(api.requests().is_empty(), "nothing written");

    // 3. The callback: the code exchanged, the installation updated.
    let url = format!("{PUBLIC}/oauth?code=code-1&state={}", encode(&state));
    let (status, headers, text) = post(&served, &fetch(&url), &env).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(headers["content-type"], "text/html");
    assert!(text.contains("You can close this window now"));
    let exchange = &provider.requests()[0];
    assert_eq!(
        (exchange.method.as_str(), exchange.path.as_str()),
        ("POST", "/token")
    );
    let form = exchange.form();
    for (key, value) in [
        ("client_id", "client-1"),
        ("client_secret", "secret-1"),
        ("code", "code-1"),
        ("grant_type", "authorization_code"),
        ("redirect_uri", &format!("{PUBLIC}/oauth")),
    ] {
        assert!(
            form.contains(&(key.to_owned(), value.to_owned())),
            "{key} in {form:?}"
        );
    }
    let requests = api.requests();
    assert_eq!(requests.len(), 1);
    let update = &requests[0];
    assert_eq!(update.method, "PATCH");
    assert_eq!(
        update.path,
        "/v1/integrations/oauth-example/installations/inst_1"
    );
    assert_eq!(update.header("authorization"), Some("Bearer inst-token"));
    let written = update.json();
    assert_eq!(written["configuration"]["account"], "Ada Lovelace");
    assert_eq!(
        written["configuration"]["oauth_credentials"]["access_token"],
        "at-1"
    );
    assert_eq!(
        written["configuration"]["oauth_credentials"]["refresh_token"],
        "rt-1"
    );
    assert!(written["configuration"]["oauth_credentials"]["expires_at"]
        .as_u64()
        .is_some());

    // 4. The block renders from the configuration the API now holds.
    let configured = environment(&api, &provider, written["configuration"].clone());
    let render = json!({
        "eventId": "evt_2", "type": "ui_render", "installationId": "inst_1",
        "componentId": "status", "props": {}, "context": {"type": "document", "theme": "light"}
    });
    let (status, _, text) = post(&served, &render, &configured).await;
    assert_eq!(status, 200, "{text}");
    let output: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        output["element"]["children"][0]["children"][0],
        "Connected as Ada Lovelace"
    );
    assert_eq!(output["element"]["children"][1]["label"], "Reconnect");
    let (_, _, text) = post(&served, &render, &env).await;
    assert!(text.contains("Not connected"), "{text}");

    // 5. `installation_setup` queues a task with the integration's token.
    let setup = json!({"eventId": "evt_3", "type": "installation_setup", "installationId": "inst_1", "status": "active"});
    let (status, _, text) = post(&served, &setup, &configured).await;
    assert_eq!((status, text.as_str()), (200, "OK"));
    let queued = api.requests()[1].clone();
    assert_eq!(
        (queued.method.as_str(), queued.path.as_str()),
        ("POST", "/v1/integrations/oauth-example/tasks")
    );
    assert_eq!(queued.header("authorization"), Some("Bearer int-token"));
    assert_eq!(
        queued.json(),
        json!({"task": {"type": "check-token", "installationId": "inst_1"}})
    );

    // 6. The task, with a token about to expire: refreshed and stored.
    let mut expiring = written["configuration"].clone();
    expiring["oauth_credentials"]["expires_at"] = json!(1000);
    let task = json!({"eventId": "evt_4", "type": "task", "task": queued.json()["task"]});
    let (status, _, text) = post(&served, &task, &environment(&api, &provider, expiring)).await;
    assert_eq!((status, text.as_str()), (200, "OK"));
    let refresh = provider.requests()[1].form();
    assert!(refresh.contains(&("grant_type".into(), "refresh_token".into())));
    assert!(refresh.contains(&("refresh_token".into(), "rt-1".into())));
    let stored = api.requests()[2].json();
    assert_eq!(stored["configuration"]["account"], "Ada Lovelace");
    assert_eq!(
        stored["configuration"]["oauth_credentials"]["access_token"],
        "at-1"
    );
}
