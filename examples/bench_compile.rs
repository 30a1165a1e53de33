//! The contentkit side of `scripts/compare-compile.sh`: the parse and compile of one
//! markup file, timed in-process, driven over stdin by
//! `benches/node/compare-compile.mjs`, which times `htm`'s parse of the same page on
//! Node the same way (`benches/node/compile-peer.mjs`) and alternates between the two.
//!
//! ```text
//! cargo run --release --example bench_compile -- --file PAGE.ckx
//! ```
//!
//! It compiles the file once as `Template::compile` does for `contentkit check` and
//! `render` (element names, attributes and literal values checked), fails if that
//! fails, then prints `{"ready":true,"text_sha256":…,"bytes":N}` and reads commands,
//! one per line:
//! - `run N`: compiles the text N times in a row, prints `{"ns":<total>}`;
//! - `rss`: prints `{"peak_rss_kib":N}` (`VmHWM` from `/proc/self/status`; `null`
//!   where there is none).
//!
//! End of input ends it.

use std::hint::black_box;
use std::io::{BufRead, Write};
use std::process::ExitCode;
use std::time::Instant;

use contentkit::markup::Template;
use sha2::{Digest, Sha256};

/// The same allocator as the `contentkit` binary, so the figures are of what ships.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut argv = std::env::args().skip(1);
    let file = match (argv.next().as_deref(), argv.next()) {
        (Some("--file"), Some(file)) => file,
        _ => {
            eprintln!("usage: bench_compile --file PAGE.ckx");
            return ExitCode::from(2);
        }
    };
    let text = match std::fs::read_to_string(&file) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("bench_compile: {file}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // The page must compile, or the timings are of the error path.
    if let Err(diagnostics) = Template::compile(&text, "page.ckx") {
        eprintln!("bench_compile: the page does not compile:\n{diagnostics}");
        return ExitCode::FAILURE;
    }
    let sha = hex::encode(Sha256::digest(text.as_bytes()));
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "{{\"ready\":true,\"text_sha256\":\"{sha}\",\"bytes\":{}}}",
        text.len()
    );
    let _ = out.flush();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let reply = match line.trim().split_once(' ') {
            Some(("run", n)) => {
                let n: u64 = n.parse().unwrap_or(1);
                let start = Instant::now();
                for _ in 0..n {
                    black_box(Template::compile(black_box(&text), "page.ckx").is_ok());
                }
                format!("{{\"ns\":{}}}", start.elapsed().as_nanos())
            }
            _ if line.trim() == "rss" => match peak_rss_kib() {
                Some(kib) => format!("{{\"peak_rss_kib\":{kib}}}"),
                None => "{\"peak_rss_kib\":null}".to_owned(),
            },
            _ => {
                eprintln!("bench_compile: unknown command {line:?}");
                return ExitCode::from(2);
            }
        };
        let _ = writeln!(out, "{reply}");
        let _ = out.flush();
    }
    ExitCode::SUCCESS
}

/// The peak resident set of this process (`VmHWM`), where Linux reports it.
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}
