//! The reference components, unchanged, through the command line as a user runs it:
//! `contentkit render FILE.tsx --component … --props … --state … --action … --context …`
//! and `contentkit serve fixtures/reference` answering `POST /v1`, both byte for byte
//! what the official runtime answered (`fixtures/reference/runtime-outputs.json`).
#![cfg(feature = "server")]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use reqwest::blocking::multipart::{Form, Part};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_contentkit");

fn recorded() -> Value {
    let text = std::fs::read_to_string("fixtures/reference/runtime-outputs.json").unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Every (component file, request, expected output text) of the recording.
fn steps() -> Vec<(String, Value, String)> {
    let mut out = Vec::new();
    for (name, steps) in recorded().as_object().unwrap() {
        for step in steps.as_array().unwrap() {
            let expected = serde_json::to_string(&step["output"]).unwrap();
            out.push((name.clone(), step["request"].clone(), expected));
        }
    }
    assert!(
        out.len() >= 9,
        "the recording holds the three components' steps"
    );
    out
}

#[test]
fn contentkit_render_answers_the_recorded_outputs() {
    for (name, request, expected) in steps() {
        let mut args = vec![
            "render".to_owned(),
            format!("fixtures/reference/{name}.tsx"),
            "--component".to_owned(),
            request["componentId"].as_str().unwrap().to_owned(),
            "--props".to_owned(),
            request["props"].to_string(),
            "--context".to_owned(),
            request["context"].to_string(),
        ];
        for field in ["state", "action"] {
            if let Some(v) = request.get(field) {
                args.push(format!("--{field}"));
                args.push(v.to_string());
            }
        }
        let out = Command::new(BIN).args(&args).output().unwrap();
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(stdout.trim_end(), expected, "{args:?}");
    }
}

/// `contentkit serve fixtures/reference` on a free loopback port; killed on drop.
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
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let addr = format!("127.0.0.1:{port}");
    let mut child = Command::new(BIN)
        .args(["serve", "fixtures/reference", "--addr", &addr])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // It says where it listens once it does.
    let stderr = child.stderr.take().unwrap();
    let mut lines = BufReader::new(stderr).lines();
    let deadline = Instant::now() + Duration::from_secs(30);
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains("http://") {
            break;
        }
        assert!(Instant::now() < deadline, "serve did not start");
    }
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    Served {
        child,
        base: format!("http://{addr}"),
    }
}

#[test]
fn contentkit_serve_answers_the_recorded_outputs_over_post_v1() {
    let served = serve();
    let http = reqwest::blocking::Client::new();
    for (_, request, expected) in steps() {
        let form = Form::new()
            .part("event", Part::bytes(serde_json::to_vec(&request).unwrap()))
            .part(
                "environment",
                Part::bytes(std::fs::read("fixtures/events/environment.json").unwrap()),
            );
        let reply = http
            .post(format!("{}/v1", served.base))
            .multipart(form)
            .send()
            .unwrap();
        assert_eq!(reply.status(), 200, "{request}");
        assert_eq!(reply.text().unwrap(), expected, "{request}");
    }
}
