//! `api::Client` against a mock GitBook API on loopback: methods, paths,
//! authentication, bodies, errors and 429 retries.

#[path = "support/mock_http.rs"]
mod mock_http;

use std::time::{Duration, Instant};

use contentkit::api::{types, Client, Error, Method, RetryPolicy};
use contentkit::runtime::IntegrationEnvironment;
use mock_http::{MockServer, Reply};
use serde_json::{json, Value};

fn installation_json(id: &str) -> Value {
    json!({
        "id": id,
        "status": "active",
        "configuration": {"team": "docs"},
        "externalIds": [],
        "createdAt": "2024-01-01T00:00:00.000Z",
        "updatedAt": "2024-01-02T00:00:00.000Z",
        "space_selection": "all",
        "site_selection": "all",
        "spaces": 2,
        "target": {"organization": "org_1"},
        "urls": {
            "location": "https://api.gitbook.com/v1/integrations/acme/installations/inst_1",
            "publicEndpoint": "https://integrations.gitbook.com/v1/integrations/acme/installations/inst_1",
            "publicContentEndpoint": "https://integrations.gitbook.com/v1/integrations/acme/installations/inst_1/content",
            "app": "https://app.gitbook.com/o/org_1/integrations/acme"
        },
        "aFieldFromANewerApi": {"kept": "out"}
    })
}

fn environment(endpoint: &str, installation_token: Option<&str>) -> IntegrationEnvironment {
    let mut environment = IntegrationEnvironment::for_tests();
    environment.api_endpoint = endpoint.to_owned();
    environment.api_tokens.installation = installation_token.map(str::to_owned);
    environment.integration.name = "acme".into();
    environment.integration.version = Some(7.into());
    environment
}

#[tokio::test]
async fn typed_reads_send_the_installation_token_and_decode_the_answer() {
    let server = MockServer::start(|_, _| Reply::json(200, installation_json("inst_1"))).await;
    let api = Client::for_installation(&environment(&server.base, Some("inst-token"))).unwrap();

    let installation = api
        .get_integration_installation_by_id("acme", "inst_1")
        .await
        .unwrap();
    assert_eq!(installation.id, "inst_1");
    assert_eq!(installation.configuration.get("team"), Some(&json!("docs")));

    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/v1/integrations/acme/installations/inst_1");
    assert_eq!(request.header("authorization"), Some("Bearer inst-token"));
    assert_eq!(request.header("user-agent"), Some("integration-acme/7"));
    assert_eq!(request.header("accept"), Some("application/json"));
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn without_an_installation_token_the_integration_token_is_used() {
    let server = MockServer::start(|_, _| Reply::empty(204)).await;
    let environment = environment(&format!("{}/", server.base), None);
    let api = Client::for_installation(&environment).unwrap();
    let body = types::QueueIntegrationTaskBody {
        task: json!({"type": "sync", "page": 2})
            .as_object()
            .unwrap()
            .clone(),
        schedule: Some(30.0),
    };
    api.queue_integration_task("acme", &body).await.unwrap();

    // And `for_integration` never takes the installation's.
    let with_installation = self::environment(&server.base, Some("inst-token"));
    Client::for_integration(&with_installation)
        .unwrap()
        .queue_integration_task("acme", &body)
        .await
        .unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for request in &requests {
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/v1/integrations/acme/tasks");
        assert_eq!(
            request.header("authorization"),
            Some("Bearer test-integration-token")
        );
        assert_eq!(request.header("content-type"), Some("application/json"));
        assert_eq!(
            request.json(),
            json!({"task": {"type": "sync", "page": 2}, "schedule": 30.0})
        );
    }
}

#[tokio::test]
async fn updates_send_their_body_and_lists_their_query() {
    let server = MockServer::start(|request, _| match request.method.as_str() {
        "PATCH" => Reply::json(200, installation_json("inst_1")),
        _ => Reply::json(
            200,
            json!({"items": [installation_json("inst_1"), installation_json("inst_2")], "next": {"page": "p2"}}),
        ),
    })
    .await;
    let api = Client::for_installation(&environment(&server.base, Some("t"))).unwrap();

    let mut configuration = serde_json::Map::new();
    configuration.insert("team".into(), json!("sales"));
    let update = types::UpdateIntegrationInstallation {
        configuration: Some(configuration.into()),
        external_ids: Some(vec!["ext-1".to_owned()].into()),
        ..Default::default()
    };
    api.update_integration_installation("acme", "inst_1", &update)
        .await
        .unwrap();

    let query = types::ListIntegrationInstallationsQuery {
        external_id: Some("ext 1&x".into()),
        page: Some("p1".into()),
        ..Default::default()
    };
    let list = api
        .list_integration_installations("acme", &query)
        .await
        .unwrap();
    assert_eq!(list.items.len(), 2);
    assert_eq!(list.next.map(|next| next.page).as_deref(), Some("p2"));

    let [patch, get] = server.requests().try_into().unwrap();
    assert_eq!(patch.method, "PATCH");
    assert_eq!(patch.path, "/v1/integrations/acme/installations/inst_1");
    assert_eq!(
        patch.json(),
        json!({"configuration": {"team": "sales"}, "externalIds": ["ext-1"]})
    );
    assert_eq!(get.path, "/v1/integrations/acme/installations");
    assert_eq!(
        mock_http::form_pairs(get.query.as_deref().unwrap()),
        [
            ("externalId".to_owned(), "ext 1&x".to_owned()),
            ("page".to_owned(), "p1".to_owned())
        ]
    );
}

#[tokio::test]
async fn path_parameters_stay_in_their_segment() {
    let server = MockServer::start(|_, _| Reply::empty(204)).await;
    let api = Client::new(&server.base, Some("t".into())).unwrap();
    let export: types::ExportToGitRepository = serde_json::from_value(json!({
        "url": "https://github.com/acme/docs.git",
        "ref": "refs/heads/main",
        "commitMessage": "sync",
    }))
    .unwrap();
    api.export_to_git_repository("space/../../orgs", &export)
        .await
        .unwrap();
    let error = api
        .get_page_by_path("space_1", "guide/../../../orgs", &Default::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::InvalidParameter {
                name: "pagePath",
                ..
            }
        ),
        "{error}"
    );

    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.path, "/v1/spaces/space%2F..%2F..%2Forgs/git/export");
    assert_eq!(request.json()["ref"], "refs/heads/main");
}

#[tokio::test]
async fn gitbook_errors_become_typed_errors() {
    let server = MockServer::start(|request, _| {
        if request.path.ends_with("/gone") {
            Reply::json(
                404,
                json!({"error": {"code": 404, "message": "Space not found"}}),
            )
        } else {
            Reply::json(200, json!({"id": 12}))
        }
    })
    .await;
    let api = Client::new(&server.base, None).unwrap();

    let error = api
        .request::<Value>(Method::GET, "/spaces/gone", None::<&()>)
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(404));
    assert!(error.is_not_found());
    match &error {
        Error::Api { message, url, .. } => {
            assert_eq!(message, "Space not found");
            assert_eq!(url, &format!("{}/v1/spaces/gone", server.base));
        }
        other => panic!("unexpected {other:?}"),
    }

    // A success whose body is not of the asked type.
    let error = api
        .get_space_by_id("space_1", &Default::default())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error}");

    // Nothing is sent without a bearer token when the client has none.
    assert!(server
        .requests()
        .iter()
        .all(|r| r.header("authorization").is_none()));
}

#[tokio::test]
async fn the_generic_request_reaches_any_operation() {
    let server = MockServer::start(|request, _| {
        Reply::json(
            201,
            json!({"method": request.method, "body": serde_json::from_slice::<Value>(&request.body).ok()}),
        )
    })
    .await;
    let api = Client::new(&server.base, Some("t".into())).unwrap();
    let answer: Value = api
        .request(
            Method::POST,
            "/orgs/org_1/spaces?x=1",
            Some(&json!({"title": "New"})),
        )
        .await
        .unwrap();
    assert_eq!(answer, json!({"method": "POST", "body": {"title": "New"}}));
    let [request] = server.requests().try_into().unwrap();
    assert_eq!(request.path, "/v1/orgs/org_1/spaces");
    assert_eq!(request.query.as_deref(), Some("x=1"));

    let error = api
        .request::<Value>(Method::GET, "no-slash", None::<&()>)
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidUrl(_)));
}

#[tokio::test]
async fn rate_limits_are_retried_after_retry_after() {
    let server = MockServer::start(|_, index| {
        if index < 2 {
            Reply::json(429, json!({"error": {"code": 429, "message": "Slow down"}}))
                .header("retry-after", "1")
        } else {
            Reply::json(200, json!({"token": "installation-token"}))
        }
    })
    .await;
    let api = Client::new(&server.base, Some("integration".into())).unwrap();
    let started = Instant::now();
    let client = api.installation_client("acme", "inst_1").await.unwrap();
    // Two waits of one second each were taken (a lower bound, not a timing).
    assert!(started.elapsed() >= Duration::from_secs(2));
    assert!(client.authenticates_as("installation-token"));
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert!(requests.iter().all(
        |r| r.method == "POST" && r.path == "/v1/integrations/acme/installations/inst_1/tokens"
    ));
}

#[tokio::test]
async fn retries_are_bounded() {
    let server = MockServer::start(|_, _| {
        Reply::json(429, json!({"error": {"code": 429, "message": "Slow down"}}))
            .header("retry-after", "0")
    })
    .await;
    let api = Client::new(&server.base, None)
        .unwrap()
        .with_retry(RetryPolicy {
            max_retries: 2,
            ..RetryPolicy::default()
        });
    let error = api.get_space_git_info("space_1").await.unwrap_err();
    assert_eq!(error.status(), Some(429));
    assert_eq!(server.requests().len(), 3, "the first try and two retries");

    // A wait longer than the policy allows is not taken.
    let patient = MockServer::start(|_, _| {
        Reply::json(
            429,
            json!({"error": {"code": 429, "message": "Come back tomorrow"}}),
        )
        .header("retry-after", "86400")
    })
    .await;
    let api = Client::new(&patient.base, None).unwrap();
    match api.get_space_git_info("space_1").await.unwrap_err() {
        Error::Api {
            status: 429,
            retry_after,
            message,
            ..
        } => {
            assert_eq!(retry_after, Some(Duration::from_secs(86400)));
            assert_eq!(message, "Come back tomorrow");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(patient.requests().len(), 1);
}

#[tokio::test]
async fn space_and_site_installations_have_their_own_paths() {
    let server = MockServer::start(|request, _| {
        let urls = json!({"location": "l", "publicEndpoint": "p", "publicContentEndpoint": "c"});
        if request.path.contains("/sites/") {
            Reply::json(
                200,
                json!({"site": "site_1", "integration": "acme", "installation": "inst_1", "status": "active",
                       "configuration": {}, "externalIds": [], "urls": urls}),
            )
        } else {
            Reply::json(
                200,
                json!({"space": "space_1", "integration": "acme", "installation": "inst_1", "status": "active",
                       "configuration": {"a": 1}, "externalIds": [], "urls": urls}),
            )
        }
    })
    .await;
    let api = Client::new(&server.base, Some("t".into())).unwrap();
    let space = api
        .get_integration_space_installation("acme", "inst_1", "space_1", &Default::default())
        .await
        .unwrap();
    assert_eq!(space.configuration.get("a"), Some(&json!(1)));
    let body = types::UpdateIntegrationSiteInstallation {
        configuration: Some(json!({"b": 2}).as_object().unwrap().clone().into()),
        external_ids: None,
    };
    api.update_integration_site_installation(
        "acme",
        "inst_1",
        "site_1",
        &Default::default(),
        &body,
    )
    .await
    .unwrap();
    let [get, patch] = server.requests().try_into().unwrap();
    assert_eq!(
        (get.method.as_str(), get.path.as_str()),
        (
            "GET",
            "/v1/integrations/acme/installations/inst_1/spaces/space_1"
        )
    );
    assert_eq!(
        (patch.method.as_str(), patch.path.as_str()),
        (
            "PATCH",
            "/v1/integrations/acme/installations/inst_1/sites/site_1"
        )
    );
    assert_eq!(patch.json(), json!({"configuration": {"b": 2}}));
}
