//! The playground's HTTP routes without a browser: what a wrong path answers, what a
//! failing component tells the page, what an unreachable proxied integration says.
#![cfg(feature = "server")]

mod common;

use std::sync::Arc;

use common::serve::serve_app as serve;
use contentkit::playground::{self, Backend, ComponentFiles};
use serde_json::{json, Value};

fn render(base: &str, component: &str) -> reqwest::blocking::Response {
    render_with(base, component, true)
}

/// A `ui_render` of `component`; `debug` sends the header that asks for error details.
fn render_with(base: &str, component: &str, debug: bool) -> reqwest::blocking::Response {
    let event = json!({"eventId": "e", "type": "ui_render", "installationId": "i", "componentId": component, "props": {},
        "context": {"type": "document", "theme": "light", "spaceId": "s", "editable": true}});
    let env = json!({"apiEndpoint": "https://api.gitbook.com", "apiTokens": {"integration": "t"},
        "integration": {"name": "p"}, "secrets": {}, "signingSecrets": {"integration": "s"}});
    let form = reqwest::blocking::multipart::Form::new()
        .text("event", event.to_string())
        .text("environment", env.to_string());
    let mut request = reqwest::blocking::Client::new()
        .post(format!("{base}/v1"))
        .multipart(form);
    if debug {
        request = request.header("x-contentkit-debug", "1");
    }
    request.send().unwrap()
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
    // Without the debug header the answer is the official runtime's, byte for byte.
    let plain = render_with(&base, "broken", false);
    assert_eq!(plain.status(), 500);
    assert_eq!(plain.text().unwrap(), r#"{"error":"Internal server error"}"#);
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

fn contentkit(args: &[&str], stdin: &str) -> (i32, String) {
    use std::io::Write;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_contentkit"))
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

/// The examples and their scenarios, copied to a folder of their own.
fn examples_with_scenarios() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let examples = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/components");
    for entry in std::fs::read_dir(examples).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
    }
    dir
}

#[test]
fn the_examples_scenarios_replay_against_a_runtime_served_elsewhere() {
    let dir = examples_with_scenarios();
    let files = Arc::new(ComponentFiles::load(dir.path()).unwrap());
    let upstream = serve(contentkit::runtime::server::router_with(
        files,
        contentkit::runtime::server::ServerConfig::default(),
    ));
    let (code, out) = contentkit(
        &["test", dir.path().to_str().unwrap(), "--proxy", &upstream],
        "",
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("4 passed, 0 failed"), "{out}");
}

#[test]
fn review_accepts_or_rejects_each_change() {
    let dir = examples_with_scenarios();
    let todo = dir.path().join("todo.ckx");
    let text = std::fs::read_to_string(&todo).unwrap();
    std::fs::write(&todo, text.replace("To do (", "Left (")).unwrap();
    let settings = dir.path().join("settings.ckx");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("Exports as", "Writes")).unwrap();
    let path = dir.path().to_str().unwrap();

    let (code, out) = contentkit(&["test", path], "");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("2 passed, 2 failed"), "{out}");
    // The diff is of the element tree, as markup.
    assert!(
        out.contains("-    <text style=\"bold\">To do (1)</text>"),
        "{out}"
    );
    assert!(
        out.contains("+    <text style=\"bold\">Left (1)</text>"),
        "{out}"
    );

    // Reject the first (settings), accept the second (todo).
    let (code, out) = contentkit(&["test", path, "--review"], "r\na\n");
    // The rejected one still fails: the code differs from what is recorded.
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("3 passed, 1 failed"), "{out}");
    assert!(
        out.contains("rejected ") && out.contains("accepted "),
        "{out}"
    );
    let recorded = std::fs::read_to_string(dir.path().join("todo.scenario.json")).unwrap();
    assert!(recorded.contains("Left (1)"));
    let recorded = std::fs::read_to_string(dir.path().join("settings.scenario.json")).unwrap();
    assert!(recorded.contains("Exports as YAML"));
    assert!(!dir.path().join("settings.scenario.json.new").exists());

    // The rejected change is still a change.
    let (code, out) = contentkit(&["test", path], "");
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("CHANGED") && out.contains("settings.scenario.json"),
        "{out}"
    );
    let (code, _) = contentkit(&["test", path, "--accept"], "");
    assert_eq!(code, 0);
    let (code, out) = contentkit(&["test", path], "");
    assert_eq!(code, 0, "{out}");

    // A folder without scenarios is an error, not a pass.
    let empty = tempfile::tempdir().unwrap();
    let (code, out) = contentkit(&["test", empty.path().to_str().unwrap()], "");
    assert_eq!(code, 1);
    assert!(out.contains("no scenarios"), "{out}");
}
