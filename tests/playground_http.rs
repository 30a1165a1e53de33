//! The playground's HTTP routes without a browser: what a wrong path answers, what a
//! failing component tells the page, what an unreachable proxied integration says.
#![cfg(feature = "server")]

use std::sync::Arc;

use contentkit::playground::{self, Backend, ComponentFiles};
use serde_json::{json, Value};

fn serve(app: axum::Router) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            tx.send(format!("http://{}", listener.local_addr().unwrap()))
                .unwrap();
            axum::serve(listener, app).await.unwrap();
        });
    });
    rx.recv().unwrap()
}

fn render(base: &str, component: &str) -> reqwest::blocking::Response {
    let event = json!({"eventId": "e", "type": "ui_render", "installationId": "i", "componentId": component, "props": {},
        "context": {"type": "document", "theme": "light", "spaceId": "s", "editable": true}});
    let env = json!({"apiEndpoint": "https://api.gitbook.com", "apiTokens": {"integration": "t"},
        "integration": {"name": "p"}, "secrets": {}, "signingSecrets": {"integration": "s"}});
    let form = reqwest::blocking::multipart::Form::new()
        .text("event", event.to_string())
        .text("environment", env.to_string());
    reqwest::blocking::Client::new()
        .post(format!("{base}/v1"))
        .multipart(form)
        .send()
        .unwrap()
}

#[test]
fn unknown_pages_are_404_and_the_runtime_stays_post_only() {
    let base = serve(playground::router(Arc::new(ComponentFiles::built_in())));
    let get = |path: &str| reqwest::blocking::get(format!("{base}{path}")).unwrap();
    let missing = get("/nothing-here");
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().unwrap(),
        json!({"error": "Not found"})
    );
    assert_eq!(get("/v1").status(), 405);
    assert_eq!(get("/").status(), 200);
    let editor = get("/playground/editor.js");
    assert_eq!(editor.status(), 200);
    assert!(editor.text().unwrap().contains("ContentKitEditor"));
    assert_eq!(get("/playground/frames/echo.html").status(), 200);
}

#[test]
fn a_failing_component_tells_the_page_where() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("broken.ckx"),
        "export const broken = createComponent({\n  componentId: 'broken',\n  render: ({ props }) => <block><text>{props.missing.name}</text></block>,\n});\n",
    )
    .unwrap();
    let base = serve(playground::router(Arc::new(
        ComponentFiles::load(dir.path()).unwrap(),
    )));
    let answer = render(&base, "broken");
    let status = answer.status();
    let body: Value = answer.json().unwrap();
    assert_eq!(status, 500, "{body}");
    assert_eq!(body["error"], "Internal server error");
    let detail = body["detail"].as_str().unwrap();
    assert!(
        detail.starts_with("component broken failed: ") && detail.contains("broken.ckx:3:"),
        "{detail}"
    );
    // Other errors are answered as the runtime answers them.
    let missing = render(&base, "nope");
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().unwrap(),
        json!({"error": "Component nope not found"})
    );
}

#[test]
fn a_proxied_integration_that_does_not_answer_is_a_502_that_says_so() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let upstream = format!("http://127.0.0.1:{port}");
    let base = serve(playground::router_with(
        Arc::new(ComponentFiles::empty()),
        Backend::Proxy(upstream.clone()),
    ));
    let answer = render(&base, "anything");
    assert_eq!(answer.status(), 502);
    let body: Value = answer.json().unwrap();
    assert!(
        body["error"]
            .as_str()
            .unwrap()
            .starts_with(&format!("the integration at {upstream}/v1 did not answer")),
        "{body}"
    );
}
