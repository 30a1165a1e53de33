//! The contentkit side of `scripts/compare-node.sh`: one workload (a component file
//! and one multipart request body) timed in-process, driven over stdin by
//! `benches/node/compare.mjs`, which runs `benches/node/peer.mjs` (the official
//! `@gitbook/runtime` on Node) the same way and alternates between the two.
//!
//! ```text
//! cargo run --release --example bench_peer -- \
//!     --component benches/components/list.tsx --body BODY --boundary B --expected EXPECTED.json
//! ```
//!
//! It loads the component file as the `contentkit` binary does
//! ([`file::load`]), reads the request body (the bytes GitBook's dispatcher would
//! send), answers it once and checks that the answer is a 200 whose JSON equals
//! `EXPECTED.json`, then prints
//! `{"ready":true,"request_sha256":…,"response_sha256":…,"response_bytes":N}`.
//! Then it reads commands, one per line:
//! - `run N`: answers the request N times in a row, prints `{"ns":<total>}`;
//! - `rss`: prints `{"peak_rss_kib":N}` (the process's peak resident set, from
//!   `/proc/self/status`; `null` where there is none).
//!
//! End of input ends it. For profiling, pipe the commands in:
//! `yes 'run 100' | head -50 | perf record -g target/release/examples/bench_peer …`.
//!
//! One operation, from the body bytes in memory to the response body bytes: an
//! `http::Request` over a copy of the bytes, axum's `Multipart` extractor (what
//! `runtime::server` uses) split into an [`IncomingRequest`], then [`handle`] (the
//! event and environment parsed, the action, the render, the JSON written). Driven
//! by a current-thread tokio runtime, as Node drives its `fetch` promise on its one
//! event loop. Not included: the HTTP server, its thread hop, logging (no `tracing`
//! subscriber is installed). `BENCH_ENTRY=fields` times [`handle`] alone, from the
//! already split fields (for profiling the runtime without the multipart parse).

use std::hint::black_box;
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use contentkit::component::{file, Integration};
use contentkit::runtime::{handle, IncomingRequest, OutgoingResponse};
use sha2::{Digest, Sha256};

/// The same allocator as the `contentkit` binary, so the figures are of what ships.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Args {
    component: PathBuf,
    body: PathBuf,
    boundary: String,
    expected: PathBuf,
}

fn args() -> Result<Args, String> {
    let mut component = None;
    let mut body = None;
    let mut boundary = None;
    let mut expected = None;
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let slot = match flag.as_str() {
            "--component" => &mut component,
            "--body" => &mut body,
            "--boundary" => &mut boundary,
            "--expected" => &mut expected,
            other => return Err(format!("unknown argument {other:?}")),
        };
        *slot = Some(it.next().ok_or_else(|| format!("{flag} needs a value"))?);
    }
    let need = |v: Option<String>, name: &str| v.ok_or_else(|| format!("missing {name}"));
    Ok(Args {
        component: need(component, "--component")?.into(),
        body: need(body, "--body")?.into(),
        boundary: need(boundary, "--boundary")?,
        expected: need(expected, "--expected")?.into(),
    })
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("bench_peer: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), String> {
    let args = args()?;
    let mut integration = Integration::new();
    for component in file::load(&args.component).map_err(|d| d.to_string())? {
        integration.add(component);
    }
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
    };
    let body = Bytes::from(read(&args.body)?);
    let expected = read(&args.expected)?;
    let content_type = format!("multipart/form-data; boundary={}", args.boundary);

    // Futures here never wait on I/O; one thread polls them.
    let executor = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| format!("a current-thread tokio runtime: {e}"))?;
    let fields = std::env::var("BENCH_ENTRY").is_ok_and(|e| e == "fields");
    let split = executor.block_on(split(&body, &content_type))?;
    let call = || -> OutgoingResponse {
        if fields {
            handle(&integration, split.clone())
        } else {
            executor.block_on(call_multipart(&integration, &body, &content_type))
        }
    };

    let first = call();
    // The same bytes (the driver writes the expected answer as JSON.stringify
    // would), else the same JSON. Only a difference builds JSON trees, which would
    // otherwise count in the process's peak RSS.
    let same = first.body == expected || {
        let parse = |b: &[u8]| serde_json::from_slice::<serde_json::Value>(b).ok();
        let expected =
            parse(&expected).ok_or_else(|| format!("{}: not JSON", args.expected.display()))?;
        parse(&first.body).is_some_and(|answered| answered == expected)
    };
    drop(expected);
    if first.status != 200 || !same {
        let text = String::from_utf8_lossy(&first.body);
        let shown: String = text.chars().take(2000).collect();
        return Err(format!(
            "the first response is not the expected output: {} {shown}",
            first.status
        ));
    }
    let mut out = std::io::stdout().lock();
    let say = |out: &mut std::io::StdoutLock<'_>, line: serde_json::Value| {
        writeln!(out, "{line}")
            .and_then(|()| out.flush())
            .map_err(|e| format!("stdout: {e}"))
    };
    say(
        &mut out,
        serde_json::json!({
            "ready": true,
            "request_sha256": sha256(&body),
            "response_sha256": sha256(&first.body),
            "response_bytes": first.body.len(),
        }),
    )?;

    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        let words: Vec<&str> = line.split_whitespace().collect();
        match words.as_slice() {
            ["run", n] => {
                let n: u64 = n.parse().map_err(|_| format!("not a count: {n:?}"))?;
                let start = Instant::now();
                for _ in 0..n {
                    black_box(call());
                }
                let ns = start.elapsed().as_nanos() as u64;
                say(&mut out, serde_json::json!({ "ns": ns }))?;
            }
            ["rss"] => say(
                &mut out,
                serde_json::json!({ "peak_rss_kib": peak_rss_kib() }),
            )?,
            [] => {}
            _ => return Err(format!("unknown command {line:?}")),
        }
    }
    Ok(())
}

/// One operation: what `runtime::server` does with a body already in memory, without
/// its thread hop.
async fn call_multipart(
    integration: &Integration,
    body: &Bytes,
    content_type: &str,
) -> OutgoingResponse {
    match split(body, content_type).await {
        Ok(incoming) => handle(integration, incoming),
        Err(message) => OutgoingResponse::error(400, &message),
    }
}

/// The body split into the runtime's fields by axum's multipart extractor; the first
/// field of each name counts, as `FormData.get` does.
async fn split(body: &Bytes, content_type: &str) -> Result<IncomingRequest, String> {
    // A copy of the bytes, as Node's `new Request` copies its Uint8Array body.
    let request = Request::builder()
        .method("POST")
        .uri("http://localhost/v1")
        .header("content-type", content_type)
        .body(Body::from(body.to_vec()))
        .map_err(|e| e.to_string())?;
    let path = request.uri().path().to_owned();
    let mut multipart = Multipart::from_request(request, &())
        .await
        .map_err(|rejection| rejection.body_text())?;
    let mut incoming = IncomingRequest {
        path,
        ..IncomingRequest::default()
    };
    while let Some(field) = multipart.next_field().await.map_err(|e| e.body_text())? {
        let slot = match field.name() {
            Some("event") => &mut incoming.event,
            Some("environment") => &mut incoming.environment,
            Some("fetch-body") => &mut incoming.fetch_body,
            _ => continue,
        };
        let bytes = field.bytes().await.map_err(|e| e.body_text())?;
        if slot.is_none() {
            *slot = Some(bytes.to_vec());
        }
    }
    Ok(incoming)
}

/// The peak resident set of this process (`VmHWM`), where Linux reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}
