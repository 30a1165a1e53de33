//! The contentkit side of `scripts/compare-node.sh`: the same `ui_render`
//! workloads as `benches/node/compare.mjs` (the official `@gitbook/runtime` on
//! Node), through this crate's runtime, timed in-process.
//!
//! ```text
//! cargo run --release --example bench_peer
//! BENCH_SCALE=0.1 cargo run --release --example bench_peer   # fewer iterations
//! BENCH_ONLY=counter_inc cargo run --release --example bench_peer  # one workload
//! ```
//!
//! It prints one JSON line per workload and entry point, in the format of the
//! Node side: `{"runtime":"contentkit","workload":…,"entry":…,"iterations":N,
//! "rounds":R,"ns_per_op":<median round>,"min_ns_per_op":…,"request_sha256":…,
//! "response_sha256":…}`. The hashes are of the multipart body it starts from
//! and of the first response body; the compare script checks that they equal
//! the Node side's, so both sides provably did the same work.
//!
//! Two entry points are timed, because the Node runtime cannot be entered
//! below its multipart parse (`fetch` calls `request.formData()` itself):
//! - `multipart`, the one to compare with Node: from the same multipart body
//!   bytes, an `http::Request` over a copy of them, axum's `Multipart`
//!   extractor (what `runtime::server` uses) split into an
//!   [`IncomingRequest`], then [`handle`] (event and environment JSON parsed
//!   and checked, action, render, serialization). Driven by a current-thread
//!   tokio runtime, as Node drives its `fetch` promise on its event loop.
//! - `fields`: [`handle`] alone, from the split `event` and `environment`
//!   bytes (copied into the request, as the server's multipart reader does):
//!   the runtime's own cost without any HTTP framing.
//!
//! Neither includes the HTTP server, the thread hop `runtime::server` makes to
//! its blocking pool, or logging (no `tracing` subscriber is installed).
//! Exits with status 1 when any response differs from what is expected.

use std::hint::black_box;

/// The same allocator as the `contentkit` server binary: the render path allocates a
/// lot, and the system allocator is the slower part of it.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::process::ExitCode;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use contentkit::component::{file, Integration};
use contentkit::runtime::{handle, IncomingRequest, OutgoingResponse};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// The reference counter, as the crate's fixture has it (the port of
/// `counter.tsx` the parity tests check).
const COUNTER_CKX: &str = include_str!("../fixtures/reference/counter.ckx");

/// The 1,000-row list; `benches/node/components.mjs` has the same component
/// for the official runtime, keep the two in step.
const LIST_CKX: &str = r#"
export const list = createComponent({
    componentId: 'list',
    initialState: { items: [] },
    action: {
        toggle: (element, action) => ({
            state: {
                items: element.state.items.map((item, i) => (i === action.index ? { ...item, done: !item.done } : item)),
            },
        }),
    },
    render: ({ state }) => (
        <block>
            <vstack>
                {state.items.map((item, i) => (
                    <hstack align="center">
                        <text>{item.label}</text>
                        <button
                            label={item.done ? 'Undo' : 'Done'}
                            style={item.done ? 'secondary' : 'primary'}
                            onPress={{ action: 'toggle', index: i }}
                        />
                    </hstack>
                ))}
            </vstack>
        </block>
    ),
});
"#;

const RECORDED: &str = include_str!("../fixtures/reference/runtime-outputs.json");
const ENVIRONMENT: &str = include_str!("../fixtures/events/environment.json");

/// Identical to the Node side's, so the multipart bodies are byte-identical.
const BOUNDARY: &str = "contentkit-bench-boundary";
const ROUNDS: usize = 5;
const LIST_ROWS: usize = 1000;
const LIST_TOGGLED: usize = 500;

struct Workload {
    name: &'static str,
    event: Vec<u8>,
    expected: Value,
    warmup: usize,
    iterations: usize,
}

/// One JSON line of output.
struct Timing {
    workload: &'static str,
    entry: &'static str,
    iterations: usize,
    median: f64,
    min: f64,
    request_sha256: String,
    response_sha256: String,
}

fn main() -> ExitCode {
    let scale = match std::env::var("BENCH_SCALE") {
        Ok(text) => match text.parse::<f64>() {
            Ok(s) if s > 0.0 => s,
            _ => {
                eprintln!("BENCH_SCALE must be a positive number, not {text:?}");
                return ExitCode::FAILURE;
            }
        },
        Err(_) => 1.0,
    };
    // Rounded as the Node side rounds, so both run the same counts.
    let scaled = |n: usize| ((n as f64 * scale).round() as usize).max(1);

    let integration = match build_integration() {
        Ok(integration) => integration,
        Err(message) => {
            eprintln!("{message}");
            return ExitCode::FAILURE;
        }
    };
    let recorded: Value = serde_json::from_str(RECORDED).expect("the recorded outputs are JSON");
    // Compact, in the file's key order: the bytes JSON.stringify gives on the
    // Node side.
    let environment = compact(&serde_json::from_str(ENVIRONMENT).expect("environment is JSON"));

    let mut failures = 0;

    // The counter replays every recorded step first, so a timed `inc` is known
    // to be the reference's behaviour, not only its one output.
    let steps = recorded["counter"].as_array().cloned().unwrap_or_default();
    for (i, step) in steps.iter().enumerate() {
        let request = IncomingRequest::new("/v1", compact(&step["request"]), environment.clone());
        let response = handle(&integration, request);
        if !answers(&response, &step["output"]) {
            failures += 1;
            eprintln!(
                "contentkit: counter step {i} differs from the recording: {} {}",
                response.status,
                String::from_utf8_lossy(&response.body)
            );
        }
    }

    let counter_inc = &steps[1];
    assert_eq!(
        counter_inc["request"]["action"]["action"], "inc",
        "runtime-outputs.json: counter[1] is no longer the `inc` step"
    );
    let workloads = [
        Workload {
            name: "counter_inc",
            event: compact(&counter_inc["request"]),
            expected: counter_inc["output"].clone(),
            warmup: scaled(2000),
            iterations: scaled(10000),
        },
        Workload {
            name: "list_toggle_1000",
            event: compact(&list_event()),
            expected: expected_list_output(),
            warmup: scaled(50),
            iterations: scaled(200),
        },
    ];

    // Futures here never wait on I/O; one thread polls them, as Node's one
    // event loop does its promises.
    let executor = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a current-thread tokio runtime");

    // BENCH_ONLY=name times one workload (for profiling one at a time).
    let only = std::env::var("BENCH_ONLY").ok();
    let mut timings = Vec::new();
    for workload in &workloads {
        if only.as_deref().is_some_and(|name| name != workload.name) {
            continue;
        }
        let body = Bytes::from(multipart_body(&workload.event, &environment));
        let request_sha256 = sha256(&body);

        // `multipart`: the entry point comparable with Node's `fetch`.
        let first = executor.block_on(call_multipart(&integration, &body));
        if !answers(&first, &workload.expected) {
            failures += 1;
            report_mismatch(workload.name, "multipart", &first);
            continue;
        }
        let (median, min) = executor.block_on(async {
            for _ in 0..workload.warmup {
                black_box(call_multipart(&integration, &body).await);
            }
            let mut per_op = Vec::with_capacity(ROUNDS);
            for _ in 0..ROUNDS {
                let start = Instant::now();
                for _ in 0..workload.iterations {
                    black_box(call_multipart(&integration, &body).await);
                }
                per_op.push(start.elapsed().as_nanos() as f64 / workload.iterations as f64);
            }
            summarize(per_op)
        });
        timings.push(Timing {
            workload: workload.name,
            entry: "multipart",
            iterations: workload.iterations,
            median,
            min,
            request_sha256: request_sha256.clone(),
            response_sha256: sha256(&first.body),
        });

        // `fields`: the runtime alone, from the split fields.
        let call_fields = || {
            handle(
                &integration,
                IncomingRequest::new("/v1", workload.event.clone(), environment.clone()),
            )
        };
        let first = call_fields();
        if !answers(&first, &workload.expected) {
            failures += 1;
            report_mismatch(workload.name, "fields", &first);
            continue;
        }
        for _ in 0..workload.warmup {
            black_box(call_fields());
        }
        let mut per_op = Vec::with_capacity(ROUNDS);
        for _ in 0..ROUNDS {
            let start = Instant::now();
            for _ in 0..workload.iterations {
                black_box(call_fields());
            }
            per_op.push(start.elapsed().as_nanos() as f64 / workload.iterations as f64);
        }
        let (median, min) = summarize(per_op);
        timings.push(Timing {
            workload: workload.name,
            entry: "fields",
            iterations: workload.iterations,
            median,
            min,
            request_sha256,
            response_sha256: sha256(&first.body),
        });
    }

    for t in &timings {
        let line = json!({
            "runtime": "contentkit",
            "workload": t.workload,
            "entry": t.entry,
            "iterations": t.iterations,
            "rounds": ROUNDS,
            "ns_per_op": t.median.round() as u64,
            "min_ns_per_op": t.min.round() as u64,
            "request_sha256": t.request_sha256,
            "response_sha256": t.response_sha256,
        });
        println!("{line}");
    }
    if failures > 0 {
        eprintln!("contentkit: {failures} correctness check(s) failed");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn build_integration() -> Result<Integration, String> {
    let mut integration = Integration::new();
    for (source, name) in [(COUNTER_CKX, "counter.ckx"), (LIST_CKX, "list.ckx")] {
        let components = file::compile(source, name).map_err(|d| d.to_string())?;
        for component in components {
            integration.add(component);
        }
    }
    Ok(integration)
}

/// One operation of the `multipart` entry: what `runtime::server` does with a
/// body already in memory, without its blocking-pool hop.
async fn call_multipart(integration: &Integration, body: &Bytes) -> OutgoingResponse {
    // A copy of the bytes, as Node's `new Request` copies its Uint8Array body.
    let request = Request::builder()
        .method("POST")
        .uri("http://localhost/v1")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(Body::from(body.to_vec()))
        .expect("a valid request");
    let path = request.uri().path().to_owned();
    let mut multipart = match Multipart::from_request(request, &()).await {
        Ok(multipart) => multipart,
        Err(rejection) => return OutgoingResponse::error(400, &rejection.body_text()),
    };
    let mut incoming = IncomingRequest {
        path,
        ..IncomingRequest::default()
    };
    // The first field of each name counts, as `FormData.get` does.
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(error) => return OutgoingResponse::error(400, &error.body_text()),
        };
        let slot = match field.name() {
            Some("event") => &mut incoming.event,
            Some("environment") => &mut incoming.environment,
            Some("fetch-body") => &mut incoming.fetch_body,
            _ => continue,
        };
        match field.bytes().await {
            Ok(bytes) if slot.is_none() => *slot = Some(bytes.to_vec()),
            Ok(_) => {}
            Err(error) => return OutgoingResponse::error(400, &error.body_text()),
        }
    }
    handle(integration, incoming)
}

/// The same parts, in the same order, as `multipartBody` in compare.mjs.
fn multipart_body(event: &[u8], environment: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(event.len() + environment.len() + 256);
    for (name, value) in [("event", event), ("environment", environment)] {
        body.extend_from_slice(
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// The list's items: labels and every third one done, as on the Node side.
fn list_items() -> Vec<Value> {
    (0..LIST_ROWS)
        .map(|i| json!({ "label": format!("Task {}", i + 1), "done": i % 3 == 0 }))
        .collect()
}

/// The list's `toggle` request, keys in the order compare.mjs writes them.
fn list_event() -> Value {
    json!({
        "eventId": "e",
        "type": "ui_render",
        "installationId": "inst_1",
        "spaceId": "space_1",
        "componentId": "list",
        "props": {},
        "context": { "type": "document", "theme": "light", "spaceId": "space_1", "editable": true },
        "state": { "items": list_items() },
        "action": { "action": "toggle", "index": LIST_TOGGLED },
    })
}

/// The expected answer as plain data, independent of the component, so a
/// mistake in the component cannot hide in its own expectation.
fn expected_list_output() -> Value {
    let mut items = list_items();
    let done = items[LIST_TOGGLED]["done"].as_bool().unwrap_or(false);
    items[LIST_TOGGLED]["done"] = Value::Bool(!done);
    let rows: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let done = item["done"].as_bool().unwrap_or(false);
            json!({
                "type": "hstack",
                "align": "center",
                "children": [
                    { "type": "text", "children": [item["label"]] },
                    {
                        "type": "button",
                        "label": if done { "Undo" } else { "Done" },
                        "style": if done { "secondary" } else { "primary" },
                        "onPress": { "action": "toggle", "index": i },
                    },
                ],
            })
        })
        .collect();
    json!({
        "type": "element",
        "state": { "items": items },
        "props": {},
        "element": { "type": "block", "children": [{ "type": "vstack", "children": rows }] },
    })
}

/// A 200 whose body parses to `expected`.
fn answers(response: &OutgoingResponse, expected: &Value) -> bool {
    response.status == 200
        && serde_json::from_slice::<Value>(&response.body).is_ok_and(|body| body == *expected)
}

fn report_mismatch(workload: &str, entry: &str, response: &OutgoingResponse) {
    let body = String::from_utf8_lossy(&response.body);
    let shown: String = body.chars().take(2000).collect();
    eprintln!(
        "contentkit: {workload} ({entry}): the first response is not the expected output: {} {shown}",
        response.status
    );
}

fn compact(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("a JSON value serializes")
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The median and the fastest of the rounds' nanoseconds per operation.
fn summarize(mut per_op: Vec<f64>) -> (f64, f64) {
    per_op.sort_by(f64::total_cmp);
    (per_op[per_op.len() / 2], per_op[0])
}
