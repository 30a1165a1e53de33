//! The worker ABI driven natively, the way `worker.mjs` drives it in wasm:
//! `export_worker!` over a Rust integration with a webhook receiver and a
//! fetch handler, buffers through `ck_alloc`/`ck_init`/`ck_handle`/`ck_free`.
//! Also the CLI's `build --worker` errors, which need no engine.

mod common;

use contentkit::component::{Component, ComponentError, Input, Integration};
use contentkit::element::{Block, Text};
use contentkit::runtime::multipart::FormWriter;
use contentkit::runtime::{sign, Algorithm, FetchResponse, OutgoingResponse, WebhookReceiver};
use contentkit::worker::abi::{decode_response, Engine, ABI_VERSION};
use contentkit::worker::{RequestHead, Worker, WorkerImage, WorkerInit};
use serde_json::{json, Value};

const HELLO_CKX: &str = r#"createComponent({
    componentId: 'from-file',
    render: () => <block><text>from a file</text></block>,
})"#;

fn integration() -> Integration {
    common::reference::reference_integration()
        .component(Component::new("exposed", |_: &Input<'_>| {
            Err(ComponentError::exposed(403, "Not allowed"))
        }))
        .component(
            Component::new("cached", |_: &Input<'_>| {
                Ok(Block::new([Text::new(["cached"])]).into())
            })
            .cache_max_age(60),
        )
        .on_fetch(|request, _| async move {
            Ok(FetchResponse::new(202)
                .header("X-Method", request.method())
                .body(request.body.iter().rev().copied().collect::<Vec<u8>>()))
        })
}

fn build(image: WorkerImage) -> Result<Worker, contentkit::worker::InitError> {
    let receiver = WebhookReceiver::new()
        .with_secret("hook-secret")
        .on("publish", |_| Ok(()))
        .on("explode", |_| Err("db unreachable".into()));
    Ok(Worker::from_image(integration(), image)?.with_webhook(receiver))
}

contentkit::export_worker!(build);

/// Copies bytes into a buffer of `ck_alloc`, as the script does.
fn copy_in(bytes: &[u8]) -> (*mut u8, usize) {
    let ptr = ck_alloc(bytes.len());
    // SAFETY: `ck_alloc` gave `bytes.len()` writable bytes at `ptr`.
    unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), ptr, bytes.len()) };
    (ptr, bytes.len())
}

/// Reads and frees a response buffer, as the script does.
fn take_response(ptr: *mut u8) -> OutgoingResponse {
    // SAFETY: `ptr` is a response buffer; its first u32 is its whole length.
    let buffer = unsafe {
        let mut len = [0u8; 4];
        std::ptr::copy_nonoverlapping(ptr, len.as_mut_ptr(), 4);
        let len = u32::from_le_bytes(len) as usize;
        let copy = std::slice::from_raw_parts(ptr, len).to_vec();
        ck_free(ptr, len);
        copy
    };
    decode_response(&buffer).expect("a well-formed response buffer")
}

fn call(head: &RequestHead, body: &[u8]) -> OutgoingResponse {
    let head = head.encode().unwrap();
    let (head_ptr, head_len) = copy_in(&head);
    let (body_ptr, body_len) = copy_in(body);
    // SAFETY: both buffers come from `ck_alloc` and are handed over.
    take_response(unsafe { ck_handle(head_ptr, head_len, body_ptr, body_len) })
}

fn form(fields: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let mut form = FormWriter::new("ck-test-boundary").unwrap();
    for (name, bytes) in fields {
        form.field(name, bytes).unwrap();
    }
    (form.content_type(), form.finish())
}

fn runtime_request(fields: &[(&str, &[u8])]) -> OutgoingResponse {
    let (content_type, body) = form(fields);
    let head = RequestHead::new("POST", "https://worker.example/v1?x=1")
        .header("content-type", content_type);
    call(&head, &body)
}

fn render(component: &str) -> OutgoingResponse {
    let event = json!({
        "eventId": "e", "type": "ui_render", "installationId": "i", "componentId": component,
        "props": {}, "context": {"type": "document", "theme": "light"},
    })
    .to_string();
    let environment = common::http_suite::environment();
    runtime_request(&[("event", event.as_bytes()), ("environment", &environment)])
}

fn error_of(response: &OutgoingResponse) -> String {
    assert_eq!(response.header("content-type"), Some("application/json"));
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    body["error"].as_str().unwrap().to_owned()
}

/// One test, since the exported engine is initialized once per process (as
/// once per wasm instance).
#[test]
fn a_rust_integration_answers_through_the_abi() {
    assert_eq!(ck_abi_version(), ABI_VERSION);
    assert_eq!(ck_body_limit(), 0, "nothing is answered before init");
    let refused = call(&RequestHead::new("POST", "/v1"), b"");
    assert_eq!(
        (refused.status, error_of(&refused)),
        (500, "Internal server error".into())
    );

    let mut init = WorkerInit {
        body_limit: 16 * 1024,
        ..WorkerInit::default()
    };
    init.add_file("ui/from-file.ckx", HELLO_CKX).unwrap();
    let image = init.image().unwrap().to_vec();
    let (ptr, len) = copy_in(&image);
    // SAFETY: the buffer comes from `ck_alloc` and is handed over.
    let ready = take_response(unsafe { ck_init(ptr, len) });
    assert_eq!(
        ready.status,
        200,
        "{}",
        String::from_utf8_lossy(&ready.body)
    );
    assert_eq!(ck_body_limit(), 16 * 1024);
    let (ptr, len) = copy_in(&image);
    // SAFETY: as above.
    let again = take_response(unsafe { ck_init(ptr, len) });
    assert_eq!(
        (again.status, error_of(&again)),
        (500, "the engine is already initialized".into())
    );

    // Components from Rust and from the init's files, side by side.
    let step = &common::reference_outputs()["counter"][1];
    let environment = common::http_suite::environment();
    let reply = runtime_request(&[
        ("event", step["request"].to_string().as_bytes()),
        ("environment", &environment),
    ]);
    assert_eq!(reply.status, 200);
    assert_eq!(
        serde_json::from_slice::<Value>(&reply.body).unwrap(),
        step["output"]
    );
    let reply = render("from-file");
    assert_eq!(reply.status, 200);
    assert!(String::from_utf8_lossy(&reply.body).contains("from a file"));
    assert_eq!(render("cached").header("cache-control"), Some("max-age=60"));
    let reply = render("exposed");
    assert_eq!(
        (reply.status, error_of(&reply)),
        (403, "Not allowed".into())
    );

    // The fetch handler gets the raw fetch-body.
    let mut event = common::http_suite::fixture("fetch.json");
    event["request"]["method"] = json!("put");
    let raw = b"\x00\xffraw\r\n";
    let reply = runtime_request(&[
        ("event", event.to_string().as_bytes()),
        ("environment", &environment),
        ("fetch-body", raw),
    ]);
    assert_eq!(reply.status, 202);
    assert_eq!(reply.header("x-method"), Some("put"));
    assert_eq!(reply.body, raw.iter().rev().copied().collect::<Vec<u8>>());

    // Webhooks: verified, then routed, with the native server's answers.
    let body = br#"{"book": "acme/handbook"}"#;
    let webhook = |event: &str, signature: &str, body: &[u8]| {
        let head = RequestHead::new("POST", "http://localhost/webhooks")
            .header("x-gitbook-event", event)
            .header("x-gitbook-signature", signature);
        call(&head, body)
    };
    let good = sign(b"hook-secret", body, Algorithm::Sha256);
    let reply = webhook("publish", &good, body);
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, br#"{"received":"publish"}"#);
    let reply = webhook("publish", &good, br#"{"book": "acme/secrets!"}"#);
    assert_eq!(
        (reply.status, error_of(&reply)),
        (401, "webhook signature does not match the payload".into())
    );
    let reply = webhook("explode", &good, body);
    assert_eq!(
        (reply.status, error_of(&reply)),
        (500, "Internal server error".into())
    );

    // Routes, methods and sizes.
    let reply = call(&RequestHead::new("GET", "http://localhost/webhooks"), b"");
    assert_eq!(reply.status, 405);
    let reply = call(&RequestHead::new("POST", "http://localhost/"), b"");
    assert_eq!((reply.status, error_of(&reply)), (404, "Not found".into()));
    let reply = call(&RequestHead::new("POST", "http://localhost/v1/x"), b"");
    assert_eq!(reply.status, 404);
    let (content_type, big) = form(&[("fetch-body", &[b'x'; 17 * 1024])]);
    let head = RequestHead::new("POST", "http://localhost/v1").header("content-type", content_type);
    let reply = call(&head, &big);
    assert_eq!(
        (reply.status, error_of(&reply)),
        (413, "Request payload is too large".into())
    );
    let reply = call(&RequestHead::new("POST", "http://localhost/v1"), b"x");
    assert_eq!(
        (reply.status, error_of(&reply)),
        (
            400,
            "the request has no Content-Type header; expected multipart/form-data".into()
        )
    );
    let head = RequestHead::new("POST", "http://localhost/v1").header("Content-Type", "text/plain");
    let reply = call(&head, b"x");
    assert_eq!(
        (reply.status, error_of(&reply)),
        (
            400,
            r#"expected a multipart/form-data body, got Content-Type "text/plain""#.into()
        )
    );

    // A head the script should never send is the engine's own 500.
    let (head_ptr, head_len) = copy_in(b"not json");
    let (body_ptr, body_len) = copy_in(b"");
    // SAFETY: both buffers come from `ck_alloc` and are handed over.
    let reply = take_response(unsafe { ck_handle(head_ptr, head_len, body_ptr, body_len) });
    assert_eq!(reply.status, 500);
}

#[test]
fn an_engine_that_cannot_start_says_why() {
    let engine = Engine::new();
    let start = |bytes: &[u8]| {
        let answer = engine.init(bytes, |image| Worker::from_image(Integration::new(), image));
        let answer = decode_response(&answer).unwrap();
        assert_eq!(answer.status, 500);
        error_of(&answer)
    };
    // Source files are no image: the engine compiles nothing.
    let mut init = WorkerInit::default();
    init.add_file("a.ckx", HELLO_CKX).unwrap();
    assert_eq!(
        start(&init.to_vec()),
        "the worker cannot start: the worker's init data is not valid: no worker image header"
    );
    // An image damaged on the way.
    let mut image = init.image().unwrap().to_vec();
    let last = image.len() - 1;
    image[last] ^= 1;
    let message = start(&image);
    assert!(
        message.contains("a.ckx: the compiled program is damaged"),
        "{message}"
    );

    // What the engine used to refuse at start, building the image refuses.
    init.add_file("b/c.ckx", HELLO_CKX).unwrap();
    assert_eq!(
        init.image().unwrap_err().to_string(),
        r#"component "from-file" is declared in both a.ckx and b/c.ckx"#
    );
    let mut broken = WorkerInit::default();
    broken
        .add_file(
            "x/bad.ckx",
            "createComponent({ componentId: 'x', render: () => <buton /> })",
        )
        .unwrap();
    let message = broken.image().unwrap_err().to_string();
    assert!(message.contains("x/bad.ckx:1:"), "{message}");
    assert!(message.contains("buton"), "{message}");

    let escaping = br#"{"files": [{"path": "../etc/passwd.ckx", "text": ""}]}"#;
    let message = WorkerInit::from_slice(escaping).unwrap_err().to_string();
    assert!(
        message.contains("without empty, . or .. names"),
        "{message}"
    );
}

#[cfg(feature = "cli")]
mod cli {
    use std::process::Command;

    fn build(dir: &std::path::Path, extra: &[&str]) -> (bool, String) {
        let out = dir.join("out");
        let output = Command::new(env!("CARGO_BIN_EXE_contentkit"))
            .arg("build")
            .arg(dir)
            .arg("--worker")
            .arg("-o")
            .arg(&out)
            .args(extra)
            .env("CONTENTKIT_WORKER_ENGINE", dir.join("no-such-engine.wasm"))
            .output()
            .unwrap();
        (
            output.status.success(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    #[test]
    fn component_errors_come_first_with_their_place() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("ui")).unwrap();
        std::fs::write(
            dir.path().join("ui/bad.ckx"),
            "createComponent({\n    componentId: 'x',\n    render: () => <buton />,\n})\n",
        )
        .unwrap();
        let (ok, stderr) = build(dir.path(), &[]);
        assert!(!ok);
        assert!(stderr.contains("ui/bad.ckx:3:"), "{stderr}");
        assert!(stderr.contains("unknown element <buton>"), "{stderr}");
    }

    #[test]
    fn a_missing_engine_names_where_it_looked_and_how_to_build_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hello.ckx"), super::HELLO_CKX).unwrap();
        let (ok, stderr) = build(dir.path(), &[]);
        assert!(!ok);
        assert!(
            stderr.contains("no worker engine found (looked at "),
            "{stderr}"
        );
        assert!(stderr.contains("no-such-engine.wasm"), "{stderr}");
        assert!(
            stderr.contains("cargo build -p contentkit-worker --target wasm32-unknown-unknown"),
            "{stderr}"
        );
    }

    #[test]
    fn a_file_that_is_not_an_engine_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("hello.ckx"), super::HELLO_CKX).unwrap();
        let fake = dir.path().join("fake.wasm");
        std::fs::write(&fake, b"\0asm\x01\0\0\0").unwrap();
        let (ok, stderr) = build(dir.path(), &["--engine", fake.to_str().unwrap()]);
        assert!(!ok);
        assert!(
            stderr.contains(
                "the engine is not a contentkit worker engine: it does not export memory"
            ),
            "{stderr}"
        );
        let (ok, stderr) = build(
            dir.path(),
            &["--engine", fake.to_str().unwrap(), "--addr", "nowhere"],
        );
        assert!(!ok);
        assert!(
            stderr.contains("the engine is not a contentkit"),
            "{stderr}"
        );
    }
}
