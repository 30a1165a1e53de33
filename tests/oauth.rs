//! The OAuth handler against a mock provider and a mock GitBook API, both on
//! loopback: the redirect, the code exchange, where credentials are stored,
//! refusals that write nothing, and token refresh.

#[path = "support/mock_http.rs"]
mod mock_http;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use contentkit::api::Client;
use contentkit::runtime::oauth::{
    get_oauth_token_at, OAuthConfig, OAuthCredentials, OAuthHandler, OAuthState, UrlSource,
};
use contentkit::runtime::{
    FetchEvent, FetchResponse, IntegrationEnvironment, IntegrationInstallation, SpaceInstallation,
};
use mock_http::{form_pairs, MockServer, Reply};
use serde_json::{json, Value};

const ENDPOINT: &str = "https://integrations.gitbook.com/v1/integrations/acme/installations/inst_1";

fn installation_json(id: &str, configuration: Value) -> Value {
    json!({
        "id": id,
        "status": "active",
        "configuration": configuration,
        "externalIds": [],
        "urls": {"location": "l", "publicEndpoint": ENDPOINT, "publicContentEndpoint": "c"},
        "target": {"organization": "org_1"}
    })
}

fn environment(api: &MockServer) -> IntegrationEnvironment {
    let mut environment = IntegrationEnvironment::for_tests();
    environment.api_endpoint = api.base.clone();
    environment.api_tokens.installation = Some("inst-token".into());
    environment.integration.name = "acme".into();
    environment.installation = Some(
        serde_json::from_value::<IntegrationInstallation>(installation_json(
            "inst_1",
            json!({"team": "docs"}),
        ))
        .unwrap(),
    );
    environment
}

fn fetch(url: &str) -> FetchEvent {
    serde_json::from_value(json!({
        "eventId": "evt_42",
        "request": {"method": "get", "url": url, "headers": {}},
        "installationId": "inst_1"
    }))
    .unwrap()
}

fn config(provider: &MockServer) -> OAuthConfig {
    OAuthConfig::new(
        "client-1",
        "secret-1",
        format!("{}/authorize?audience=api", provider.base).as_str(),
        format!("{}/token", provider.base).as_str(),
    )
    .scopes(["read:docs", "offline access"])
    .prompt("consent")
}

fn token_answer() -> Reply {
    Reply::json(
        200,
        json!({"access_token": "at-1", "expires_in": 3600, "refresh_token": "rt-1", "token_type": "bearer"}),
    )
}

fn body_text(response: &FetchResponse) -> &str {
    std::str::from_utf8(&response.body).unwrap()
}

fn header<'a>(response: &'a FetchResponse, name: &str) -> Option<&'a str> {
    response
        .headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// The redirect of a first request, and its query as pairs.
async fn start(
    handler: &OAuthHandler,
    environment: &IntegrationEnvironment,
) -> (String, Vec<(String, String)>) {
    let api = Client::for_installation(environment).unwrap();
    let response = handler
        .handle(&fetch(&format!("{ENDPOINT}/oauth")), environment, &api)
        .await;
    assert_eq!(response.status, 302, "{}", body_text(&response));
    let location = header(&response, "location").unwrap().to_owned();
    let query = location.split_once('?').unwrap().1.to_owned();
    (location, form_pairs(&query))
}

fn state_of(pairs: &[(String, String)]) -> String {
    pairs.iter().find(|(k, _)| k == "state").unwrap().1.clone()
}

fn callback_url(code: &str, state: &str) -> String {
    format!(
        "{ENDPOINT}/oauth?code={code}&state={}",
        form_urlencode(state)
    )
}

fn form_urlencode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn the_first_request_redirects_to_the_provider_with_a_signed_state() {
    let provider = MockServer::start(|_, _| Reply::empty(500)).await;
    let api_server = MockServer::start(|_, _| Reply::empty(500)).await;
    let environment = environment(&api_server);
    let handler = OAuthHandler::new(config(&provider));

    let (location, pairs) = start(&handler, &environment).await;
    assert!(location.starts_with(&format!("{}/authorize?", provider.base)));
    // Scopes are joined by %20, as the official handler does.
    assert!(
        location.contains("&scope=read%3Adocs%20offline+access&prompt=consent"),
        "{location}"
    );
    let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(
        keys,
        [
            "audience",
            "client_id",
            "redirect_uri",
            "response_type",
            "state",
            "scope",
            "prompt"
        ]
    );
    let value = |key: &str| pairs.iter().find(|(k, _)| k == key).unwrap().1.as_str();
    assert_eq!(value("client_id"), "client-1");
    assert_eq!(value("redirect_uri"), format!("{ENDPOINT}/oauth"));
    assert_eq!(value("response_type"), "code");

    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let state = OAuthState::verify(
        value("state"),
        b"test-signing-secret",
        now,
        Duration::from_secs(600),
    )
    .unwrap();
    assert_eq!(state.installation_id, "inst_1");
    assert_eq!((state.space_id, state.site_id), (None, None));
    assert_eq!(state.nonce, "evt_42");
    assert!(provider.requests().is_empty() && api_server.requests().is_empty());

    // A fixed redirect URL is sent as configured.
    let fixed = OAuthHandler::new(config(&provider).redirect_url("https://example.com/cb"));
    let (_, pairs) = start(&fixed, &environment).await;
    assert!(pairs.contains(&("redirect_uri".into(), "https://example.com/cb".into())));
}

#[tokio::test]
async fn the_callback_exchanges_the_code_and_stores_the_credentials() {
    let provider = MockServer::start(|_, _| token_answer()).await;
    let api_server =
        MockServer::start(|_, _| Reply::json(200, installation_json("inst_1", json!({})))).await;
    let environment = environment(&api_server);
    let now = SystemTime::now();
    let handler = OAuthHandler::new(config(&provider)).with_clock(move || now);
    let (_, pairs) = start(&handler, &environment).await;

    let api = Client::for_installation(&environment).unwrap();
    let response = handler
        .handle(
            &fetch(&callback_url("code-9", &state_of(&pairs))),
            &environment,
            &api,
        )
        .await;
    assert_eq!(response.status, 200, "{}", body_text(&response));
    assert_eq!(header(&response, "content-type"), Some("text/html"));
    assert!(body_text(&response).contains("window.close()"));

    let [exchange] = provider.requests().try_into().unwrap();
    assert_eq!(
        (exchange.method.as_str(), exchange.path.as_str()),
        ("POST", "/token")
    );
    assert_eq!(
        exchange.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(exchange.header("accept"), Some("application/json"));
    assert_eq!(
        exchange.form(),
        [
            ("client_id", "client-1"),
            ("client_secret", "secret-1"),
            ("code", "code-9"),
            ("redirect_uri", &format!("{ENDPOINT}/oauth")),
            ("grant_type", "authorization_code"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );

    // Replaced, not merged: the official default.
    let [update] = api_server.requests().try_into().unwrap();
    assert_eq!(update.method, "PATCH");
    assert_eq!(update.path, "/v1/integrations/acme/installations/inst_1");
    assert_eq!(update.header("authorization"), Some("Bearer inst-token"));
    let expires_at = now.duration_since(UNIX_EPOCH).unwrap().as_millis() as u64 + 3_600_000;
    assert_eq!(
        update.json(),
        json!({"configuration": {"oauth_credentials": {
            "access_token": "at-1", "expires_at": expires_at, "refresh_token": "rt-1"
        }}})
    );
}

#[tokio::test]
async fn a_space_flow_merges_into_the_space_installation() {
    let provider = MockServer::start(|_, _| token_answer()).await;
    let api_server = MockServer::start(|request, _| {
        let urls = json!({"location": "l", "publicEndpoint": "p", "publicContentEndpoint": "c"});
        let space = json!({"space": "space_1", "integration": "acme", "installation": "inst_1",
            "status": "active", "configuration": {"channel": "#docs"}, "externalIds": [], "urls": urls});
        match request.method.as_str() {
            "GET" | "PATCH" => Reply::json(200, space),
            _ => Reply::empty(405),
        }
    })
    .await;
    let mut environment = environment(&api_server);
    environment.space_installation = Some(
        serde_json::from_value::<SpaceInstallation>(json!({
            "space": "space_1", "integration": "acme", "installation": "inst_1", "status": "active",
            "configuration": {}, "externalIds": [],
            "urls": {"location": "l", "publicEndpoint": "p", "publicContentEndpoint": "c"}
        }))
        .unwrap(),
    );
    let handler = OAuthHandler::new(config(&provider).replace(false).extract_credentials(
        |answer| {
            let mut update = serde_json::Map::new();
            update.insert(
                "configuration".into(),
                json!({"token": answer["access_token"]}),
            );
            update.insert("externalIds".into(), json!(["provider-user-7"]));
            Ok(update)
        },
    ));
    let (_, pairs) = start(&handler, &environment).await;
    let api = Client::for_installation(&environment).unwrap();
    let response = handler
        .handle(
            &fetch(&callback_url("c", &state_of(&pairs))),
            &environment,
            &api,
        )
        .await;
    assert_eq!(response.status, 200, "{}", body_text(&response));

    let [read, update] = api_server.requests().try_into().unwrap();
    let path = "/v1/integrations/acme/installations/inst_1/spaces/space_1";
    assert_eq!((read.method.as_str(), read.path.as_str()), ("GET", path));
    assert_eq!(
        (update.method.as_str(), update.path.as_str()),
        ("PATCH", path)
    );
    assert_eq!(
        update.json(),
        json!({"configuration": {"channel": "#docs", "token": "at-1"}, "externalIds": ["provider-user-7"]})
    );
}

#[tokio::test]
async fn forged_altered_or_expired_states_are_refused_and_nothing_is_written() {
    let provider = MockServer::start(|_, _| token_answer()).await;
    let api_server =
        MockServer::start(|_, _| Reply::json(200, installation_json("inst_1", json!({})))).await;
    let environment = environment(&api_server);
    let handler = OAuthHandler::new(config(&provider));
    let api = Client::for_installation(&environment).unwrap();
    let (_, pairs) = start(&handler, &environment).await;
    let genuine = state_of(&pairs);

    let other_installation = OAuthState {
        installation_id: "inst_victim".into(),
        space_id: None,
        site_id: None,
        issued_at: SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs(),
        nonce: "evt".into(),
    };
    let (genuine_payload, genuine_tag) = genuine.split_once('.').unwrap();
    let forged_payload = other_installation
        .sign(b"x")
        .split_once('.')
        .unwrap()
        .0
        .to_owned();
    let long_ago = OAuthState {
        installation_id: "inst_1".into(),
        issued_at: 1_000,
        ..other_installation.clone()
    };
    let cases = [
        // What the official handler sends: plain JSON naming any installation.
        r#"{"installationId":"inst_victim"}"#.to_owned(),
        // Signed with a key other than the integration's signing secret.
        other_installation.sign(b"guessed-secret"),
        // Another installation's payload under a genuine signature.
        format!("{forged_payload}.{genuine_tag}"),
        // The genuine payload, signature altered.
        format!("{genuine_payload}.{}", "0".repeat(64)),
        // Properly signed, but started long ago.
        long_ago.sign(b"test-signing-secret"),
        // Properly signed for another installation than the request's.
        other_installation.sign(b"test-signing-secret"),
    ];
    for state in &cases {
        let response = handler
            .handle(&fetch(&callback_url("stolen", state)), &environment, &api)
            .await;
        assert_eq!(
            response.status,
            400,
            "state {state}: {}",
            body_text(&response)
        );
        let body: Value = serde_json::from_slice(&response.body).unwrap();
        assert!(body["error"].as_str().unwrap().contains("state"), "{body}");
    }
    let missing = handler
        .handle(
            &fetch(&format!("{ENDPOINT}/oauth?code=x")),
            &environment,
            &api,
        )
        .await;
    assert_eq!(missing.status, 400);
    assert!(body_text(&missing).contains("Missing state"));

    assert!(provider.requests().is_empty(), "no code was exchanged");
    assert!(api_server.requests().is_empty(), "nothing was written");
}

#[tokio::test]
async fn provider_errors_and_failed_exchanges_get_clear_answers() {
    let provider = MockServer::start(|_, _| {
        Reply::json(
            400,
            json!({"error": "invalid_grant", "error_description": "code expired"}),
        )
    })
    .await;
    let api_server =
        MockServer::start(|_, _| Reply::json(200, installation_json("inst_1", json!({})))).await;
    let environment = environment(&api_server);
    let handler = OAuthHandler::new(config(&provider));
    let api = Client::for_installation(&environment).unwrap();

    let denied = handler
        .handle(
            &fetch(&format!(
                "{ENDPOINT}/oauth?error=access_denied&error_description=The+user+said+no&state=x"
            )),
            &environment,
            &api,
        )
        .await;
    assert_eq!(denied.status, 403);
    assert_eq!(header(&denied, "content-type"), Some("application/json"));
    assert_eq!(
        serde_json::from_slice::<Value>(&denied.body).unwrap(),
        json!({"error": "The provider refused the authorization (access_denied: The user said no)"})
    );

    let (_, pairs) = start(&handler, &environment).await;
    let failed = handler
        .handle(
            &fetch(&callback_url("c", &state_of(&pairs))),
            &environment,
            &api,
        )
        .await;
    assert_eq!(failed.status, 502);
    let message = serde_json::from_slice::<Value>(&failed.body).unwrap()["error"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(message.contains("provider answered 400"), "{message}");
    assert!(message.contains("code expired"), "{message}");
    assert_eq!(provider.requests().len(), 1);
    assert!(api_server.requests().is_empty(), "nothing was written");
}

#[tokio::test]
async fn a_missing_installation_is_a_404() {
    let provider = MockServer::start(|_, _| token_answer()).await;
    let api_server = MockServer::start(|_, _| {
        Reply::json(
            404,
            json!({"error": {"code": 404, "message": "Installation not found"}}),
        )
    })
    .await;
    let environment = environment(&api_server);
    let base = provider.base.clone();
    let mut per_installation = config(&provider);
    per_installation.access_token_url = UrlSource::per_installation(move |installation| {
        format!("{base}/token/{}", installation.id)
    });
    let handler = OAuthHandler::new(per_installation);
    let api = Client::for_installation(&environment).unwrap();
    let (_, pairs) = start(&handler, &environment).await;
    let response = handler
        .handle(
            &fetch(&callback_url("c", &state_of(&pairs))),
            &environment,
            &api,
        )
        .await;
    assert_eq!(response.status, 404, "{}", body_text(&response));
    assert!(body_text(&response).contains("Installation not found"));
    assert!(provider.requests().is_empty());
    let [read] = api_server.requests().try_into().unwrap();
    assert_eq!(read.path, "/v1/integrations/acme/installations/inst_1");

    // Without an installation the flow cannot start (the official 400).
    let mut bare = environment.clone();
    bare.installation = None;
    let response = handler
        .handle(&fetch(&format!("{ENDPOINT}/oauth")), &bare, &api)
        .await;
    assert_eq!(response.status, 400);
    assert_eq!(
        body_text(&response),
        r#"{"error":"Cannot initiate OAuth flow without an installation"}"#
    );
}

#[tokio::test]
async fn tokens_are_refreshed_within_ten_seconds_of_expiry() {
    let provider = MockServer::start(|_, _| {
        Reply::json(200, json!({"access_token": "at-2", "expires_in": 60}))
    })
    .await;
    let api_server =
        MockServer::start(|_, _| Reply::json(200, installation_json("inst_1", json!({})))).await;
    let environment = environment(&api_server);
    let api = Client::for_installation(&environment).unwrap();
    let http = reqwest::Client::new();
    let config = config(&provider);
    let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
    let credentials = |expires_in_ms: i64, refresh: Option<&str>| OAuthCredentials {
        access_token: "at-1".into(),
        refresh_token: refresh.map(str::to_owned),
        expires_at: Some(json!(1_700_000_000_000i64 + expires_in_ms)),
    };

    // Still valid for 11 s: no request.
    let token = get_oauth_token_at(
        &credentials(11_000, Some("rt-1")),
        &config,
        &environment,
        &api,
        &http,
        now,
    )
    .await
    .unwrap();
    assert_eq!(token, "at-1");
    assert!(provider.requests().is_empty());

    // Expiring in 9 s: refreshed and stored.
    let token = get_oauth_token_at(
        &credentials(9_000, Some("rt-1")),
        &config,
        &environment,
        &api,
        &http,
        now,
    )
    .await
    .unwrap();
    assert_eq!(token, "at-2");
    let [refresh] = provider.requests().try_into().unwrap();
    assert_eq!(
        refresh.form(),
        [
            ("client_id", "client-1"),
            ("client_secret", "secret-1"),
            ("grant_type", "refresh_token"),
            ("refresh_token", "rt-1"),
        ]
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
    );
    let [update] = api_server.requests().try_into().unwrap();
    assert_eq!(update.path, "/v1/integrations/acme/installations/inst_1");
    assert_eq!(
        update.json(),
        json!({"configuration": {"team": "docs", "oauth_credentials": {
            "access_token": "at-2", "expires_at": 1_700_000_060_000u64
        }}})
    );

    // Expired without a refresh token.
    let error = get_oauth_token_at(
        &credentials(-1, None),
        &config,
        &environment,
        &api,
        &http,
        now,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().contains("No refresh token"), "{error}");
}

/// The flow through the runtime: the handler as the integration's async fetch
/// handler, its credentials stored with `context.api()`.
#[test]
fn the_flow_runs_through_the_runtime() {
    use contentkit::component::Integration;
    use contentkit::runtime::{handle_async, IncomingRequest, OutgoingResponse};

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let provider = runtime.block_on(MockServer::start(|_, _| token_answer()));
    let api_server = runtime.block_on(MockServer::start(|_, _| {
        Reply::json(200, installation_json("inst_1", json!({})))
    }));
    let integration =
        Integration::new().on_fetch(OAuthHandler::new(config(&provider)).into_fetch_handler());
    let handle = |integration: &Integration, request: IncomingRequest| -> OutgoingResponse {
        runtime
            .block_on(handle_async(integration, request, None))
            .response
    };
    let environment = serde_json::to_vec(&environment(&api_server)).unwrap();
    let request = |url: &str| {
        let event = json!({
            "eventId": "evt_7", "type": "fetch", "installationId": "inst_1",
            "request": {"method": "get", "url": url, "headers": {}}
        });
        IncomingRequest::new("/v1", event.to_string().into_bytes(), environment.clone())
    };

    let redirect = handle(&integration, request(&format!("{ENDPOINT}/oauth")));
    assert_eq!(redirect.status, 302);
    let location = redirect.header("location").unwrap();
    let state = state_of(&form_pairs(location.split_once('?').unwrap().1));

    let done = handle(&integration, request(&callback_url("code-1", &state)));
    assert_eq!(done.status, 200, "{}", String::from_utf8_lossy(&done.body));
    assert_eq!(done.header("content-type"), Some("text/html"));
    assert_eq!(provider.requests().len(), 1);
    let [update] = api_server.requests().try_into().unwrap();
    assert_eq!(update.method, "PATCH");
    assert_eq!(
        update.json()["configuration"]["oauth_credentials"]["access_token"],
        "at-1"
    );

    let forged = handle(&integration, request(&callback_url("code-1", "e30.00")));
    assert_eq!(forged.status, 400);
    assert_eq!(api_server.requests().len(), 1, "nothing more was written");
}
