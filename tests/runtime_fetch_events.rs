//! `fetch_published_script` and `fetch_visitor_authentication` answered by
//! their typed handlers through `runtime::handle`, with the official
//! runtime's statuses and headers.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use contentkit::component::{ComponentError, Integration};
use contentkit::runtime::{handle, FetchResponse, IncomingRequest, VisitorAuthenticationAction};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/fixtures/events/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn request(event: &str) -> IncomingRequest {
    IncomingRequest::new("/v1", fixture(event), fixture("environment.json"))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

#[test]
fn a_published_script_is_answered_as_the_handler_returns_it() {
    let integration = Integration::new().on_fetch_published_script(|event, context| async move {
        assert_eq!(event.site_id, "site_Q1mXvE5r0pZkTwa9Ldc2");
        let name = &context.environment.integration.name;
        Ok(Some(
            FetchResponse::script(format!(
                "window.{}_site = {:?};",
                name.replace('-', "_"),
                event.site_id
            ))
            .header("Cache-Control", "max-age=604800"),
        ))
    });
    let response = handle(&integration, request("fetch_published_script.json"));
    assert_eq!(response.status, 200);
    assert_eq!(
        header(&response.headers, "content-type"),
        Some("application/javascript")
    );
    assert_eq!(
        header(&response.headers, "cache-control"),
        Some("max-age=604800")
    );
    assert_eq!(
        response.body,
        br#"window.acme_issues_site = "site_Q1mXvE5r0pZkTwa9Ldc2";"#
    );
}

#[test]
fn no_script_is_a_no_op_script() {
    let integration = Integration::new().on_fetch_published_script(|_, _| async { Ok(None) });
    let response = handle(&integration, request("fetch_published_script.json"));
    assert_eq!(response.status, 200);
    assert_eq!(
        header(&response.headers, "content-type"),
        Some("application/javascript")
    );
    assert_eq!(response.body, b"/** no-op */");
}

#[test]
fn visitor_authentication_answers_the_handlers_redirect() {
    let integration =
        Integration::new().on_fetch_visitor_authentication(|event, context| async move {
            if event.action == Some(VisitorAuthenticationAction::Logout) {
                return Ok(FetchResponse::redirect("https://idp.example/logout"));
            }
            let location = event.location.as_deref().unwrap_or("/");
            Ok(FetchResponse::redirect(format!(
                "https://idp.example/authorize?client_id={}&state={location}",
                context.environment.integration.name
            )))
        });
    let response = handle(&integration, request("fetch_visitor_authentication.json"));
    assert_eq!(response.status, 302);
    assert_eq!(
        header(&response.headers, "location"),
        Some("https://idp.example/authorize?client_id=acme-issues&state=/guides/deploy")
    );
    assert!(response.body.is_empty());
}

#[test]
fn handler_errors_and_bad_responses_keep_the_runtime_statuses() {
    let integration = Integration::new()
        .on_fetch_visitor_authentication(|_, _| async {
            Err(ComponentError::exposed(
                400,
                "OIDC configuration is missing",
            ))
        })
        .on_fetch_published_script(|_, _| async {
            Ok(Some(FetchResponse::script("x").header("X-Bad", "a\r\nb")))
        });
    let response = handle(&integration, request("fetch_visitor_authentication.json"));
    assert_eq!(
        (response.status, response.body.as_slice()),
        (400, &br#"{"error":"OIDC configuration is missing"}"#[..])
    );
    let response = handle(&integration, request("fetch_published_script.json"));
    assert_eq!(
        (response.status, response.body.as_slice()),
        (500, &br#"{"error":"Internal server error"}"#[..])
    );
}

#[test]
fn without_a_typed_handler_the_official_400_stays() {
    let response = handle(
        &Integration::new(),
        request("fetch_visitor_authentication.json"),
    );
    assert_eq!(
        (response.status, response.body.as_slice()),
        (
            400,
            &br#"{"error":"Integration does not handle fetch_visitor_authentication"}"#[..]
        )
    );
    // A plain event handler still runs and answers OK.
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let integration = Integration::new().on_event("fetch_published_script", move |_, _| {
        seen.fetch_add(1, Ordering::SeqCst);
        async { Ok(()) }
    });
    let response = handle(&integration, request("fetch_published_script.json"));
    assert_eq!(
        (response.status, response.body.as_slice()),
        (200, &b"OK"[..])
    );
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}
