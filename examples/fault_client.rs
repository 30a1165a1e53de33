//! The client side of the server's fault scripts: hostile loads on loopback, with a
//! verdict. Every loop is bounded by `--duration` and every wait by a timeout.
//!
//! ```text
//! # 2,000 idle and 500 slowloris connections while a normal client sends 50 ui_render
//! # requests a second; exits 1 unless its p99 stays under --max-p99-ms and every
//! # request gets a 200 (scripts/idle-flood.sh)
//! cargo run --release --example fault_client --features server -- flood 127.0.0.1:18787 \
//!     --idle 2000 --slowloris 500 --duration 60 --max-p99-ms 50
//!
//! # 256 concurrent 60 MiB uploads (half chunked, some writing their whole body before
//! # reading); exits 1 unless every one is answered 413 (scripts/oversized-uploads.sh)
//! cargo run --release --example fault_client --features server -- uploads 127.0.0.1:18787 \
//!     --clients 256 --size 62914560 --naive 16
//! ```
//!
//! Each prints its figures and one machine-readable `RESULT key=value …` line.

use std::process::ExitCode;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{sleep, timeout};

/// No single exchange may take longer than this.
const PATIENCE: Duration = Duration::from_secs(30);

/// The command line: a mode, an address, and `--name value` options.
struct Args {
    mode: String,
    addr: String,
    options: Vec<(String, String)>,
}

impl Args {
    fn parse() -> Result<Self, String> {
        let mut args = std::env::args().skip(1);
        let mode = args
            .next()
            .ok_or("usage: fault_client flood|uploads ADDR [--option value]…")?;
        let addr = args.next().ok_or("the server's address is missing")?;
        let mut options = Vec::new();
        while let Some(name) = args.next() {
            let name = name
                .strip_prefix("--")
                .ok_or_else(|| format!("expected an --option, not {name:?}"))?
                .to_owned();
            let value = args
                .next()
                .ok_or_else(|| format!("--{name} needs a value"))?;
            options.push((name, value));
        }
        Ok(Args {
            mode,
            addr,
            options,
        })
    }

    fn get<T: std::str::FromStr>(&self, name: &str, default: T) -> Result<T, String> {
        match self.options.iter().rev().find(|(n, _)| n == name) {
            Some((_, value)) => value
                .parse()
                .map_err(|_| format!("--{name}: cannot read {value:?}")),
            None => Ok(default),
        }
    }

    fn text(&self, name: &str, default: &str) -> String {
        self.get(name, default.to_owned())
            .unwrap_or_else(|_| default.to_owned())
    }
}

fn main() -> ExitCode {
    let result = Args::parse().and_then(|args| {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?;
        match args.mode.as_str() {
            "flood" => runtime.block_on(flood(&args)),
            "uploads" => runtime.block_on(uploads(&args)),
            other => Err(format!("unknown mode {other:?}: flood or uploads")),
        }
    });
    match result {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(message) => {
            eprintln!("fault_client: {message}");
            ExitCode::from(2)
        }
    }
}

// ---------------------------------------------------------------------------------
// flood: idle and slowloris connections, and a normal client timing its requests.

/// Counters the attacking connections share.
#[derive(Default)]
struct Attack {
    opened: AtomicU64,
    closed_by_server: AtomicU64,
    connect_errors: AtomicU64,
}

async fn flood(args: &Args) -> Result<bool, String> {
    let idle: usize = args.get("idle", 2000)?;
    let slowloris: usize = args.get("slowloris", 500)?;
    let duration = Duration::from_secs(args.get("duration", 60)?);
    let rate: u64 = args.get("rate", 50)?;
    let max_p99_ms: f64 = args.get("max-p99-ms", 50.0)?;
    let reconnect = Duration::from_millis(args.get("reconnect-ms", 1000)?);
    let body = multipart_body(
        &args.text("event", "fixtures/http/todo_ui_render.json"),
        &args.text("environment", "fixtures/events/environment.json"),
    )?;
    let request = Arc::new(post_request(&body));
    let addr = args.addr.clone();

    let attack = Arc::new(Attack::default());
    let started = Instant::now();
    let deadline = started + duration;
    let mut attackers = tokio::task::JoinSet::new();
    for i in 0..idle + slowloris {
        let (addr, attack) = (addr.clone(), attack.clone());
        let dribble = i >= idle;
        attackers.spawn(async move {
            hold_connections(&addr, dribble, reconnect, deadline, &attack).await;
        });
        if i % 100 == 99 {
            tokio::task::yield_now().await;
        }
    }
    // Let the attack build up before the normal client starts.
    sleep(Duration::from_secs(2).min(duration / 4)).await;
    let opened_before = attack.opened.load(Ordering::Relaxed);

    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    let mut fresh_latencies = Vec::new();
    let mut kept: Option<TcpStream> = None;
    let period = Duration::from_micros(1_000_000 / rate.max(1));
    let mut tick = tokio::time::interval(period);
    let mut sent = 0u64;
    while Instant::now() < deadline {
        tick.tick().await;
        sent += 1;
        // Every fifth request on a new connection: newcomers must get in too.
        let fresh = sent.is_multiple_of(5);
        let mut stream = match (fresh, kept.take()) {
            (false, Some(stream)) => stream,
            _ => match timeout(PATIENCE, TcpStream::connect(&addr)).await {
                Ok(Ok(stream)) => stream,
                Ok(Err(e)) => {
                    failures.push(format!("connect: {e}"));
                    continue;
                }
                Err(_) => {
                    failures.push("connect: timed out".into());
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let began = Instant::now();
        match timeout(PATIENCE, exchange(&mut stream, &request)).await {
            Ok(Ok(reply)) if reply.status == 200 => {
                let ms = began.elapsed().as_secs_f64() * 1000.0;
                latencies.push(ms);
                if fresh {
                    fresh_latencies.push(ms);
                } else if !reply.closes {
                    kept = Some(stream);
                }
            }
            Ok(Ok(reply)) => failures.push(format!(
                "status {}: {}",
                reply.status,
                String::from_utf8_lossy(&reply.body)
            )),
            Ok(Err(e)) => failures.push(format!("exchange: {e}")),
            Err(_) => failures.push("exchange: timed out".into()),
        }
    }
    while attackers.join_next().await.is_some() {}

    let all = summarize(&mut latencies);
    let fresh = summarize(&mut fresh_latencies);
    let attack_opened = attack.opened.load(Ordering::Relaxed);
    println!("attack: {idle} idle + {slowloris} slowloris connections held for {duration:?}");
    println!(
        "  connections opened: {attack_opened} ({opened_before} before the normal client started)"
    );
    println!(
        "  closed by the server: {}, connect errors: {}",
        attack.closed_by_server.load(Ordering::Relaxed),
        attack.connect_errors.load(Ordering::Relaxed)
    );
    println!("normal client: {sent} requests at {rate}/s, every fifth on a new connection");
    println!(
        "  answered 200: {}, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        latencies.len(),
        all.p50,
        all.p99,
        all.max
    );
    println!(
        "  on new connections: {}, p50 {:.2} ms, p99 {:.2} ms",
        fresh_latencies.len(),
        fresh.p50,
        fresh.p99
    );
    println!("  failed: {}", failures.len());
    for failure in failures.iter().take(5) {
        println!("    {failure}");
    }
    println!(
        "RESULT requests={sent} ok={} failed={} p50_ms={:.3} p99_ms={:.3} max_ms={:.3} fresh_p99_ms={:.3} attack_opened={attack_opened}",
        latencies.len(),
        failures.len(),
        all.p50,
        all.p99,
        all.max,
        fresh.p99
    );
    let passed = failures.is_empty() && !latencies.is_empty() && all.p99 < max_p99_ms;
    if !passed {
        println!("FAILED: the normal client needs every request answered 200 with p99 under {max_p99_ms} ms");
    }
    Ok(passed)
}

/// Keeps one attacking connection open until `deadline`, opening a new one `reconnect`
/// after the server closes it. A slowloris connection sends a header line a second and
/// never ends its head; an idle one sends nothing.
async fn hold_connections(
    addr: &str,
    dribble: bool,
    reconnect: Duration,
    deadline: Instant,
    attack: &Attack,
) {
    while Instant::now() < deadline {
        let left = deadline.saturating_duration_since(Instant::now());
        let mut stream = match timeout(left.min(PATIENCE), TcpStream::connect(addr)).await {
            Ok(Ok(stream)) => stream,
            _ => {
                attack.connect_errors.fetch_add(1, Ordering::Relaxed);
                sleep(reconnect.min(left)).await;
                continue;
            }
        };
        attack.opened.fetch_add(1, Ordering::Relaxed);
        let held = timeout(left, async {
            if dribble
                && stream
                    .write_all(b"POST /v1 HTTP/1.1\r\nHost: localhost\r\n")
                    .await
                    .is_err()
            {
                return;
            }
            let mut sink = [0u8; 512];
            loop {
                tokio::select! {
                    read = stream.read(&mut sink) => match read {
                        Ok(0) | Err(_) => return, // closed by the server
                        Ok(_) => {}               // a 503 or an error answer: read on
                    },
                    () = sleep(Duration::from_secs(1)), if dribble => {
                        if stream.write_all(b"X-Slow: 1\r\n").await.is_err() {
                            return;
                        }
                    }
                }
            }
        })
        .await;
        if held.is_ok() {
            attack.closed_by_server.fetch_add(1, Ordering::Relaxed);
            let left = deadline.saturating_duration_since(Instant::now());
            sleep(reconnect.min(left)).await;
        }
    }
}

// ---------------------------------------------------------------------------------
// uploads: many oversized bodies at once.

/// What became of one upload.
#[derive(Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Clone)]
enum Outcome {
    /// 413 with a JSON `error`.
    TooLarge,
    Status(u16),
    Failed(String),
}

async fn uploads(args: &Args) -> Result<bool, String> {
    let clients: usize = args.get("clients", 256)?;
    let size: u64 = args.get("size", 60 * 1024 * 1024)?;
    let chunked_every: usize = args.get("chunked-every", 2)?;
    let naive: usize = args.get("naive", 16)?;
    let started = Instant::now();
    let sent = Arc::new(AtomicU64::new(0));
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..clients {
        let addr = args.addr.clone();
        let sent = sent.clone();
        let chunked = chunked_every > 0 && i % chunked_every == 1;
        // The naive clients are spread over both kinds.
        let writes_all_first = i < naive;
        tasks.spawn(async move {
            let outcome = timeout(
                PATIENCE * 4,
                upload(&addr, size, chunked, writes_all_first, &sent),
            )
            .await
            .unwrap_or_else(|_| Outcome::Failed("timed out".into()));
            (chunked, writes_all_first, outcome)
        });
    }
    let mut outcomes: std::collections::BTreeMap<(bool, bool, Outcome), usize> = Default::default();
    while let Some(joined) = tasks.join_next().await {
        let key = joined.map_err(|e| e.to_string())?;
        *outcomes.entry(key).or_default() += 1;
    }
    let elapsed = started.elapsed();
    let answered_413: usize = outcomes
        .iter()
        .filter(|((_, _, outcome), _)| *outcome == Outcome::TooLarge)
        .map(|(_, n)| n)
        .sum();
    println!(
        "{clients} uploads of {size} bytes each ({} chunked, {naive} sending their whole body before reading)",
        clients.checked_div(chunked_every).unwrap_or(0)
    );
    for ((chunked, naive, outcome), count) in &outcomes {
        let kind = match (chunked, naive) {
            (false, false) => "content-length",
            (false, true) => "content-length, whole body first",
            (true, false) => "chunked",
            (true, true) => "chunked, whole body first",
        };
        println!("  {count:4} × {kind}: {outcome:?}");
    }
    let sent_mib = sent.load(Ordering::Relaxed) as f64 / (1024.0 * 1024.0);
    println!(
        "answered 413: {answered_413} of {clients} in {:.2} s; {sent_mib:.0} MiB of body sent in all",
        elapsed.as_secs_f64()
    );
    println!(
        "RESULT clients={clients} answered_413={answered_413} other={} seconds={:.3} sent_mib={sent_mib:.0}",
        clients - answered_413,
        elapsed.as_secs_f64()
    );
    let passed = answered_413 == clients;
    if !passed {
        println!("FAILED: every upload must be answered 413");
    }
    Ok(passed)
}

/// Sends one oversized body, reading the answer while it writes (as curl does) or, when
/// `writes_all_first`, only after writing all of it (as the simplest clients do).
async fn upload(
    addr: &str,
    size: u64,
    chunked: bool,
    writes_all_first: bool,
    sent: &AtomicU64,
) -> Outcome {
    let stream = match TcpStream::connect(addr).await {
        Ok(stream) => stream,
        Err(e) => return Outcome::Failed(format!("connect: {e}")),
    };
    let framing = if chunked {
        "Transfer-Encoding: chunked".to_owned()
    } else {
        format!("Content-Length: {size}")
    };
    let head = format!(
        "POST /v1 HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: multipart/form-data; boundary=XyZ\r\n{framing}\r\n\r\n"
    );
    let (mut reader, mut writer) = stream.into_split();
    let write = async move {
        writer.write_all(head.as_bytes()).await?;
        let chunk = vec![b'x'; 64 * 1024];
        let mut left = size;
        while left > 0 {
            let n = left.min(chunk.len() as u64) as usize;
            if chunked {
                writer.write_all(format!("{n:x}\r\n").as_bytes()).await?;
            }
            writer.write_all(&chunk[..n]).await?;
            if chunked {
                writer.write_all(b"\r\n").await?;
            }
            sent.fetch_add(n as u64, Ordering::Relaxed);
            left -= n as u64;
        }
        if chunked {
            writer.write_all(b"0\r\n\r\n").await?;
        }
        Ok::<_, std::io::Error>(writer)
    };
    let reply = if writes_all_first {
        if let Err(e) = write.await {
            return Outcome::Failed(format!("writing the body: {e}"));
        }
        read_reply(&mut reader).await
    } else {
        // Whichever comes first; an answer stops the writing.
        tokio::pin!(write);
        tokio::select! {
            reply = read_reply(&mut reader) => reply,
            written = &mut write => match written {
                Ok(_) => read_reply(&mut reader).await,
                Err(e) => match read_reply(&mut reader).await {
                    Ok(reply) => Ok(reply),
                    Err(_) => return Outcome::Failed(format!("writing the body: {e}")),
                },
            },
        }
    };
    match reply {
        Ok(reply) if reply.status == 413 => {
            let json: Option<serde_json::Value> = serde_json::from_slice(&reply.body).ok();
            if json.as_ref().and_then(|j| j["error"].as_str()).is_some() {
                Outcome::TooLarge
            } else {
                Outcome::Failed("a 413 without a JSON error".into())
            }
        }
        Ok(reply) => Outcome::Status(reply.status),
        Err(e) => Outcome::Failed(format!("reading the answer: {}", e.kind())),
    }
}

// ---------------------------------------------------------------------------------
// HTTP/1.1, as little of it as the modes need.

struct Reply {
    status: u16,
    closes: bool,
    body: Vec<u8>,
}

/// Writes `request` and reads one response.
async fn exchange(stream: &mut TcpStream, request: &[u8]) -> std::io::Result<Reply> {
    stream.write_all(request).await?;
    read_reply(stream).await
}

/// Reads one response framed by `Content-Length`.
async fn read_reply<R: tokio::io::AsyncRead + Unpin>(reader: &mut R) -> std::io::Result<Reply> {
    let mut buffer = Vec::with_capacity(4096);
    let end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end;
        }
        let mut chunk = [0u8; 4096];
        let read = reader.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..end]).into_owned();
    let invalid = || std::io::Error::new(std::io::ErrorKind::InvalidData, "a malformed response");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|status| status.parse().ok())
        .ok_or_else(invalid)?;
    let mut length = 0usize;
    let mut closes = false;
    for (name, value) in lines.filter_map(|line| line.split_once(':')) {
        if name.eq_ignore_ascii_case("content-length") {
            length = value.trim().parse().map_err(|_| invalid())?;
        } else if name.eq_ignore_ascii_case("connection") {
            closes = value.trim().eq_ignore_ascii_case("close");
        }
    }
    let mut body = buffer[end + 4..].to_vec();
    while body.len() < length {
        let mut chunk = vec![0u8; (length - body.len()).min(64 * 1024)];
        let read = reader.read(&mut chunk).await?;
        if read == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        body.extend_from_slice(&chunk[..read]);
    }
    body.truncate(length);
    Ok(Reply {
        status,
        closes,
        body,
    })
}

/// The multipart body of the `event` and `environment` files, as scripts/ui_render.lua
/// builds it.
fn multipart_body(event: &str, environment: &str) -> Result<Vec<u8>, String> {
    let mut body = Vec::new();
    for (name, path) in [("event", event), ("environment", environment)] {
        let value = std::fs::read(path).map_err(|e| format!("{path}: {e}"))?;
        body.extend_from_slice(
            format!("--contentkit-load-3b9d0c1e\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n")
                .as_bytes(),
        );
        body.extend_from_slice(&value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--contentkit-load-3b9d0c1e--\r\n");
    Ok(body)
}

fn post_request(body: &[u8]) -> Vec<u8> {
    let mut request = format!(
        "POST /v1 HTTP/1.1\r\nHost: localhost\r\n\
         Content-Type: multipart/form-data; boundary=contentkit-load-3b9d0c1e\r\n\
         Content-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    request
}

struct Summary {
    p50: f64,
    p99: f64,
    max: f64,
}

fn summarize(latencies: &mut [f64]) -> Summary {
    if latencies.is_empty() {
        return Summary {
            p50: f64::NAN,
            p99: f64::NAN,
            max: f64::NAN,
        };
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    Summary {
        p50: at(0.50),
        p99: at(0.99),
        max: latencies[latencies.len() - 1],
    }
}
