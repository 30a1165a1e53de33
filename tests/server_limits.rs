//! The server's bounds over real sockets on loopback: header and idle timeouts, the
//! connection cap, early 413s with a clean close, half-closed clients, a slow body and
//! graceful shutdown. Timeouts are configured short so the tests run fast; the only
//! timing checks are generous upper bounds.
#![cfg(feature = "server")]

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpStream};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use contentkit::component::{Component, Input, Integration};
use contentkit::element::{Block, Text};
use contentkit::runtime::server::{router, serve_with, ConnectionLimits, ServerConfig};
use serde_json::{json, Value};

/// Longer than anything here should take, even on a loaded machine.
const PATIENCE: Duration = Duration::from_secs(20);

/// A short timeout, for the one under test.
const SHORT: Duration = Duration::from_millis(300);

/// Long enough never to fire during a test.
const NEVER: Duration = Duration::from_secs(600);

const BODY_LIMIT: usize = 64 * 1024;

/// Limits where nothing times out unless a test says so.
fn patient() -> ConnectionLimits {
    ConnectionLimits {
        header_read_timeout: NEVER,
        idle_timeout: NEVER,
        max_connections: Some(64),
        linger_timeout: Duration::from_secs(5),
        shutdown_timeout: PATIENCE,
    }
}

fn config() -> ServerConfig {
    ServerConfig {
        body_limit: BODY_LIMIT,
        handler_threads: 1,
        ..ServerConfig::default()
    }
}

/// A server on an ephemeral loopback port, stopped by `stop`.
struct Server {
    addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<std::io::Result<()>>>,
}

impl Server {
    fn start(integration: Integration, config: ServerConfig, limits: ConnectionLimits) -> Self {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        listener.set_nonblocking(true).expect("non-blocking");
        let addr = listener.local_addr().expect("bound address");
        let app = router(Arc::new(integration), config);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("tokio runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener)?;
                let shutdown = async move {
                    let _ = stopped.await;
                };
                serve_with(listener, app, shutdown, limits).await
            })
        });
        Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        }
    }

    fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).expect("connect");
        stream.set_read_timeout(Some(PATIENCE)).expect("timeout");
        stream.set_write_timeout(Some(PATIENCE)).expect("timeout");
        stream
    }

    /// Asks the server to stop, and waits for `serve_with` to return.
    fn shut_down(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let thread = self.thread.take().expect("running");
        let started = Instant::now();
        while !thread.is_finished() {
            assert!(started.elapsed() < PATIENCE, "the server did not stop");
            std::thread::sleep(Duration::from_millis(10));
        }
        thread
            .join()
            .expect("no panic")
            .expect("serve_with returns Ok");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn integration() -> Integration {
    let hello = Component::new("hello", |_: &Input<'_>| {
        Ok(Block::new([Text::new(["Hello"])]).into())
    });
    // Slow enough that the server sees the client's end of stream while it works.
    let sleepy = Component::new("sleepy", |_: &Input<'_>| {
        std::thread::sleep(Duration::from_millis(200));
        Ok(Block::new([Text::new(["Hello"])]).into())
    });
    Integration::new().component(hello).component(sleepy)
}

/// The multipart body of a `ui_render` of `component`.
fn render_body(component: &str) -> Vec<u8> {
    let event = json!({
        "eventId": "evt_1",
        "type": "ui_render",
        "installationId": "inst_1",
        "componentId": component,
        "props": {},
        "context": {"type": "document", "theme": "light", "spaceId": "space_1", "editable": true},
    });
    let environment = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/events/environment.json"
    ))
    .expect("fixtures/events/environment.json");
    let mut body = Vec::new();
    for (name, value) in [
        ("event", event.to_string().into_bytes()),
        ("environment", environment),
    ] {
        body.extend_from_slice(
            format!("--XyZ\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(&value);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--XyZ--\r\n");
    body
}

/// A complete `POST /v1` rendering `component`.
fn render_request(component: &str) -> Vec<u8> {
    let body = render_body(component);
    let mut request = head(&[("Content-Length", &body.len().to_string())]);
    request.extend_from_slice(&body);
    request
}

/// A `POST /v1` head with a multipart content type and `headers`.
fn head(headers: &[(&str, &str)]) -> Vec<u8> {
    let mut head = String::from(
        "POST /v1 HTTP/1.1\r\nHost: localhost\r\nContent-Type: multipart/form-data; boundary=XyZ\r\n",
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    head.into_bytes()
}

/// A response as read off the socket.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    /// The `error` of a JSON error body, checking its shape.
    fn error(&self) -> String {
        assert_eq!(self.header("content-type"), Some("application/json"));
        let body = self.json();
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
        body["error"].as_str().expect("an error message").to_owned()
    }
}

/// Reads one response (skipping `100 Continue`), framed by its `Content-Length`.
fn read_reply(stream: &mut TcpStream) -> Reply {
    let mut buffer = Vec::new();
    loop {
        let end = loop {
            if let Some(end) = find(&buffer, b"\r\n\r\n") {
                break end;
            }
            let mut chunk = [0u8; 4096];
            let read = stream.read(&mut chunk).expect("reading a response");
            assert!(
                read > 0,
                "the connection closed before a response: {buffer:?}"
            );
            buffer.extend_from_slice(&chunk[..read]);
        };
        let head = String::from_utf8(buffer[..end].to_vec()).expect("an ASCII head");
        let rest = buffer[end + 4..].to_vec();
        let mut lines = head.split("\r\n");
        let status: u16 = lines
            .next()
            .and_then(|l| l.split(' ').nth(1))
            .and_then(|s| s.parse().ok())
            .expect("a status line");
        let headers: Vec<(String, String)> = lines
            .filter_map(|line| line.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        if status == 100 {
            buffer = rest;
            continue;
        }
        let length: usize = headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
            .and_then(|(_, v)| v.parse().ok())
            .expect("a content length");
        let mut body = rest;
        while body.len() < length {
            let mut chunk = [0u8; 4096];
            let read = stream.read(&mut chunk).expect("reading a body");
            assert!(read > 0, "the connection closed inside a body");
            body.extend_from_slice(&chunk[..read]);
        }
        body.truncate(length);
        return Reply {
            status,
            headers,
            body,
        };
    }
}

/// Reads until `100 Continue` has arrived: the handler is reading the body.
fn read_continue(stream: &mut TcpStream) {
    let mut buffer = Vec::new();
    while find(&buffer, b"\r\n\r\n").is_none() {
        let mut byte = [0u8; 1];
        assert_eq!(stream.read(&mut byte).expect("reading 100 Continue"), 1);
        buffer.push(byte[0]);
    }
    assert!(
        buffer.starts_with(b"HTTP/1.1 100"),
        "{}",
        String::from_utf8_lossy(&buffer)
    );
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Waits for the server to close the connection: an end of stream, never a reset
/// (a reset would lose a response the client has not read).
fn assert_closed_cleanly(stream: &mut TcpStream) {
    let mut sink = [0u8; 4096];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => continue,
            Err(e) => panic!("expected a clean close, got {e}"),
        }
    }
}

/// Waits for the server to close the connection, cleanly or not.
fn assert_closed(stream: &mut TcpStream) {
    let mut sink = [0u8; 4096];
    loop {
        match stream.read(&mut sink) {
            Ok(0) => return,
            Ok(_) => continue,
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                panic!("the server kept the connection open for {PATIENCE:?}")
            }
            Err(_) => return, // reset
        }
    }
}

fn render(stream: &mut TcpStream, component: &str) -> Reply {
    stream
        .write_all(&render_request(component))
        .expect("sending a request");
    read_reply(stream)
}

fn assert_hello(reply: &Reply) {
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    assert_eq!(
        reply.json()["element"]["children"][0]["children"][0],
        "Hello"
    );
}

#[test]
fn a_connection_without_a_complete_head_is_closed_at_the_header_timeout() {
    let limits = ConnectionLimits {
        header_read_timeout: SHORT,
        ..patient()
    };
    let server = Server::start(integration(), config(), limits);

    let mut silent = server.connect();
    let mut dribbling = server.connect();
    dribbling
        .write_all(b"POST /v1 HTTP/1.1\r\nHost: localhost\r\nX-Slow")
        .expect("a partial head");
    let started = Instant::now();
    assert_closed(&mut silent);
    assert_closed(&mut dribbling);
    assert!(started.elapsed() < PATIENCE);

    // A prompt client is served.
    assert_hello(&render(&mut server.connect(), "hello"));
}

#[test]
fn an_idle_keep_alive_connection_is_closed_at_the_idle_timeout() {
    let limits = ConnectionLimits {
        idle_timeout: SHORT,
        ..patient()
    };
    let server = Server::start(integration(), config(), limits);

    let mut stream = server.connect();
    let reply = render(&mut stream, "hello");
    assert_hello(&reply);
    assert_eq!(reply.header("connection"), None, "kept alive");
    assert_closed(&mut stream);

    let mut silent = server.connect();
    assert_closed(&mut silent);
}

#[test]
fn past_the_cap_a_newcomer_is_refused_while_every_connection_is_answering() {
    let limits = ConnectionLimits {
        max_connections: Some(2),
        ..patient()
    };
    let server = Server::start(integration(), config(), limits);

    // Two requests whose handlers wait for the rest of their bodies.
    let mut busy: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = server.connect();
            stream
                .write_all(&head(&[
                    ("Content-Length", "1000"),
                    ("Expect", "100-continue"),
                ]))
                .expect("a head");
            read_continue(&mut stream);
            stream
        })
        .collect();

    let mut refused = server.connect();
    refused
        .write_all(&render_request("hello"))
        .expect("a request");
    let reply = read_reply(&mut refused);
    assert_eq!(reply.status, 503);
    assert_eq!(reply.error(), "Too many connections");
    assert_eq!(reply.header("connection"), Some("close"));
    assert_closed_cleanly(&mut refused);

    // Once a place is free, newcomers are served again.
    drop(busy.pop());
    let started = Instant::now();
    loop {
        let reply = render(&mut server.connect(), "hello");
        if reply.status == 200 {
            assert_hello(&reply);
            break;
        }
        assert_eq!(reply.status, 503);
        assert!(started.elapsed() < PATIENCE, "no place freed");
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn at_the_cap_the_longest_idle_connection_gives_way_to_a_newcomer() {
    let limits = ConnectionLimits {
        max_connections: Some(2),
        ..patient()
    };
    let server = Server::start(integration(), config(), limits);

    let mut oldest = server.connect();
    let mut kept = server.connect();
    // Both are accepted (in order) before the newcomer.
    let reply = render(&mut kept, "hello");
    assert_hello(&reply);

    let mut newcomer = server.connect();
    assert_hello(&render(&mut newcomer, "hello"));
    assert_closed(&mut oldest);
    // The other idle connection, newer, still works.
    assert_hello(&render(&mut kept, "hello"));
}

#[test]
fn an_oversized_content_length_is_refused_before_the_body_is_sent() {
    let server = Server::start(integration(), config(), patient());

    let mut stream = server.connect();
    let mut request = head(&[("Content-Length", &(100 * 1024 * 1024).to_string())]);
    request.extend_from_slice(&[b'x'; 1024]);
    stream
        .write_all(&request)
        .expect("a head and the start of a body");
    // The answer comes while the client still has 100 MiB to send.
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.error(), "Request payload is too large");
    assert_eq!(reply.header("connection"), Some("close"));
    // The server lingers: what the client goes on sending is read and dropped, and
    // the connection then ends without a reset.
    for _ in 0..16 {
        stream
            .write_all(&[b'x'; 64 * 1024])
            .expect("the server reads on");
    }
    stream.shutdown(Shutdown::Write).expect("half-close");
    assert_closed_cleanly(&mut stream);
}

#[test]
fn a_client_that_sends_its_whole_oversized_body_first_still_reads_the_413() {
    let server = Server::start(integration(), config(), patient());

    // Valid fields, then an 8 MiB `fetch-body` field: over the limit inside the fields.
    let mut body = render_body("hello");
    body.truncate(body.len() - b"--XyZ--\r\n".len());
    body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"fetch-body\"\r\n\r\n");
    body.extend_from_slice(&vec![b'x'; 8 * 1024 * 1024]);
    body.extend_from_slice(b"\r\n--XyZ--\r\n");
    let mut stream = server.connect();
    stream
        .write_all(&head(&[("Content-Length", &body.len().to_string())]))
        .expect("a head");
    for chunk in body.chunks(64 * 1024) {
        stream.write_all(chunk).expect("the server reads on");
    }
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.error(), "Request payload is too large");
    assert_closed_cleanly(&mut stream);

    assert_hello(&render(&mut server.connect(), "hello"));
}

#[test]
fn a_chunked_body_is_refused_as_it_passes_the_limit() {
    let server = Server::start(integration(), config(), patient());

    let mut stream = server.connect();
    stream
        .write_all(&head(&[("Transfer-Encoding", "chunked")]))
        .expect("a head");
    let chunk = [b'x'; 16 * 1024];
    // Four times the limit; the server answers once it has seen past the limit.
    for _ in 0..(4 * BODY_LIMIT / chunk.len()) {
        stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .and_then(|()| stream.write_all(&chunk))
            .and_then(|()| stream.write_all(b"\r\n"))
            .expect("the server reads on");
    }
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 413);
    assert_eq!(reply.error(), "Request payload is too large");
    stream.write_all(b"0\r\n\r\n").expect("the last chunk");
    assert_closed_cleanly(&mut stream);
}

#[test]
fn bodies_wait_for_room_when_the_body_memory_is_taken() {
    // Room for one body at a time; each body takes three quarters of it.
    let config = ServerConfig {
        body_memory: BODY_LIMIT,
        ..config()
    };
    let server = Server::start(integration(), config, patient());
    let body = padded_body(BODY_LIMIT * 3 / 4);
    let length = body.len().to_string();

    // The first request's handler has reserved its body's room when it asks for the
    // body (100 Continue); the body then arrives all but its last bytes.
    let mut first = server.connect();
    first
        .write_all(&head(&[
            ("Content-Length", &length),
            ("Expect", "100-continue"),
        ]))
        .expect("a head");
    read_continue(&mut first);
    let split = body.len() - 100;
    first.write_all(&body[..split]).expect("most of the body");

    // The second arrives whole, and waits for room.
    let mut second = server.connect();
    second
        .write_all(&head(&[("Content-Length", &length)]))
        .and_then(|()| second.write_all(&body))
        .expect("a request");
    second
        .set_read_timeout(Some(Duration::from_millis(300)))
        .expect("timeout");
    let mut byte = [0u8; 1];
    let waited = second.read(&mut byte);
    assert!(
        matches!(&waited, Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)),
        "answered while the first body held the memory: {waited:?}"
    );
    second.set_read_timeout(Some(PATIENCE)).expect("timeout");

    first.write_all(&body[split..]).expect("the rest");
    assert_hello(&read_reply(&mut first));
    assert_hello(&read_reply(&mut second));
}

/// A `ui_render` of `hello` with a `padding` field, `size` bytes in all.
fn padded_body(size: usize) -> Vec<u8> {
    let mut body = render_body("hello");
    body.truncate(body.len() - b"--XyZ--\r\n".len());
    body.extend_from_slice(b"--XyZ\r\nContent-Disposition: form-data; name=\"padding\"\r\n\r\n");
    let end = b"\r\n--XyZ--\r\n";
    assert!(body.len() + end.len() < size, "room for the padding");
    body.resize(size - end.len(), b'p');
    body.extend_from_slice(end);
    body
}

#[test]
fn a_body_that_does_not_arrive_in_time_is_a_408() {
    let config = ServerConfig {
        body_read_timeout: SHORT,
        ..config()
    };
    let server = Server::start(integration(), config, patient());

    let mut stream = server.connect();
    stream
        .write_all(&head(&[("Content-Length", "1000")]))
        .and_then(|()| stream.write_all(b"--XyZ\r\n"))
        .expect("a head and ten bytes");
    let reply = read_reply(&mut stream);
    assert_eq!(reply.status, 408);
    assert_eq!(reply.error(), "The request body did not arrive in time");
    assert_eq!(reply.header("connection"), Some("close"));
    assert_closed(&mut stream);
}

#[test]
fn a_client_that_half_closes_after_its_request_gets_the_response() {
    let server = Server::start(integration(), config(), patient());

    let mut stream = server.connect();
    stream
        .write_all(&render_request("sleepy"))
        .expect("a request");
    stream.shutdown(Shutdown::Write).expect("half-close");
    assert_hello(&read_reply(&mut stream));
    assert_closed_cleanly(&mut stream);
}

#[test]
fn graceful_shutdown_finishes_the_request_under_way_and_closes_idle_connections() {
    // The slow component says when it has started, then takes its time.
    let (started_tx, started_rx) = mpsc::channel::<()>();
    let started_tx = Mutex::new(started_tx);
    let slow = Component::new("slow", move |_: &Input<'_>| {
        let _ = started_tx.lock().map(|tx| tx.send(()));
        std::thread::sleep(Duration::from_millis(500));
        Ok(Block::new([Text::new(["Slow"])]).into())
    });
    let mut server = Server::start(integration().component(slow), config(), patient());

    let mut idle = server.connect();
    let mut under_way = server.connect();
    under_way
        .write_all(&render_request("slow"))
        .expect("a request");
    started_rx
        .recv_timeout(PATIENCE)
        .expect("the handler started");

    let stopping = Instant::now();
    if let Some(stop) = server.stop.take() {
        stop.send(()).expect("the server listens for shutdown");
    }
    let reply = read_reply(&mut under_way);
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json()["element"]["children"][0]["children"][0],
        "Slow"
    );
    assert_eq!(reply.header("connection"), Some("close"));
    assert_closed_cleanly(&mut under_way);
    assert_closed(&mut idle);
    server.shut_down();
    assert!(stopping.elapsed() < PATIENCE);

    // Nothing listens any more.
    assert!(TcpStream::connect(server.addr).is_err());
}
