//! The accept loop and each connection's life: HTTP/1 through hyper, with the bounds of
//! [`ConnectionLimits`].
//!
//! axum's own `serve` gives hyper no timer and no cap; this loop does what it cannot:
//! - before each `accept` it takes a socket permit, so the sockets open at once never
//!   pass the cap plus a few spare ones and descriptors never run out;
//! - the [`Registry`] admits a connection, evicting the one that waited longest for a
//!   request when full, or refuses it with a 503 when every connection is answering;
//! - hyper reads heads under `header_read_timeout` and keeps answering a client that
//!   half-closed after its request; a watchdog closes a connection idle for
//!   `idle_timeout`;
//! - a connection that ends with request bytes unread (a 413 sent before the body)
//!   lingers: its write side is shut and what the client still sends is discarded, so
//!   the client reads the 413 instead of a reset;
//! - on shutdown it stops accepting, lets each connection finish the request under
//!   way (keep-alive off), and waits at most `shutdown_timeout`.

use std::convert::Infallible;
use std::future::{poll_fn, Future};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::{timeout, timeout_at, Instant};

use super::limits::ConnectionLimits;
use super::registry::{now_ms, Admission, Registry, Tracker};

/// What a refused connection reads before it is closed.
const REFUSAL: &[u8] = b"HTTP/1.1 503 Service Unavailable\r\n\
content-type: application/json\r\n\
content-length: 32\r\n\
retry-after: 1\r\n\
connection: close\r\n\
\r\n\
{\"error\":\"Too many connections\"}";

/// How long a refused connection is given to take its 503.
const REFUSAL_TIME: Duration = Duration::from_millis(250);

/// The most a connection buffers of what it reads (hyper's default is 400 KiB): a head
/// must fit, and body bytes past it wait in the socket until the handler takes them.
const READ_BUFFER: usize = 64 * 1024;

/// How long to wait before accepting again after `accept` failed (out of descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);

/// Serves `app` on `listener` under `limits` until `shutdown` resolves, then lets the
/// requests under way finish (for at most [`ConnectionLimits::shutdown_timeout`]).
///
/// HTTP/1.1 only (GitBook and browsers speak it to an integration).
pub async fn serve_with(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) -> io::Result<()> {
    let limits = Arc::new(limits);
    let cap = limits.connection_cap();
    let registry = Arc::new(Registry::new(cap));
    let sockets = Arc::new(Semaphore::new(cap + limits.spare_sockets()));
    let (stop, stopping) = watch::channel(false);
    let mut tasks = JoinSet::new();
    tokio::pin!(shutdown);

    loop {
        let permit = tokio::select! {
            biased;
            () = &mut shutdown => break,
            Some(_) = tasks.join_next(), if !tasks.is_empty() => continue,
            permit = sockets.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break, // never closed; nothing to serve without permits
            },
        };
        let stream = tokio::select! {
            biased;
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                Err(error) => {
                    // Out of descriptors, or the client gave up before `accept`: never
                    // a reason to stop serving.
                    tracing::warn!(%error, "accepting a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let tracker = Tracker::new();
        match registry.admit(tracker.clone()) {
            Admission::Admitted(id) => {
                let connection = Connection {
                    app: app.clone(),
                    tracker,
                    limits: limits.clone(),
                    _permit: permit,
                };
                let registry = registry.clone();
                let stopping = stopping.clone();
                tasks.spawn(async move {
                    connection.run(stream, stopping).await;
                    registry.remove(id);
                });
            }
            Admission::Refused => {
                tasks.spawn(refuse(stream, permit));
            }
        }
    }

    drop(listener);
    let _ = stop.send(true);
    let drained = timeout(limits.shutdown_timeout, async {
        while tasks.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        tracing::warn!(
            left = tasks.len(),
            "connections still open at the shutdown timeout"
        );
        tasks.shutdown().await;
    }
    Ok(())
}

/// Tells a connection over the cap so, then closes it; its permit keeps the socket
/// counted until then.
async fn refuse(mut stream: TcpStream, _permit: OwnedSemaphorePermit) {
    let _ = timeout(REFUSAL_TIME, async {
        stream.write_all(REFUSAL).await?;
        stream.shutdown().await?;
        // Read what the client sent, so the close is not a reset that loses the 503.
        let mut sink = [0u8; 4096];
        while stream.read(&mut sink).await? > 0 {}
        Ok::<(), io::Error>(())
    })
    .await;
}

/// One admitted connection.
struct Connection {
    app: Router,
    tracker: Arc<Tracker>,
    limits: Arc<ConnectionLimits>,
    /// Held until the socket is closed.
    _permit: OwnedSemaphorePermit,
}

impl Connection {
    async fn run(self, stream: TcpStream, mut stopping: watch::Receiver<bool>) {
        let tracker = self.tracker.clone();
        let io = TokioIo::new(Tracked {
            stream,
            tracker: tracker.clone(),
        });
        let service = Service {
            app: self.app.clone(),
            tracker: tracker.clone(),
        };
        let mut http = http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(self.limits.header_read_timeout)
            // A client may shut its side after the request and still read the answer.
            .half_close(true)
            .max_buf_size(READ_BUFFER)
            .serve_connection(io, service);
        let idle = self.limits.idle_timeout;
        let idle_deadline = |last_progress: u64| {
            let since = Duration::from_millis(now_ms().saturating_sub(last_progress));
            Instant::now() + idle.saturating_sub(since)
        };
        let watchdog = tokio::time::sleep(idle);
        tokio::pin!(watchdog);
        let mut closing = *stopping.borrow();
        if closing {
            Pin::new(&mut http).graceful_shutdown();
        }
        let ended = loop {
            tokio::select! {
                ended = poll_fn(|cx| http.poll_without_shutdown(cx)) => break ended,
                () = tracker.evicted() => return,
                changed = stopping.changed(), if !closing => {
                    closing = true;
                    if changed.is_ok() {
                        // Idle: closes now; answering: finishes, then closes.
                        Pin::new(&mut http).graceful_shutdown();
                    }
                }
                () = &mut watchdog => {
                    let last = tracker.last_progress();
                    let stalled = now_ms().saturating_sub(last) >= millis(idle);
                    if stalled && !tracker.is_busy() {
                        return; // closes the socket
                    }
                    watchdog.as_mut().reset(if tracker.is_busy() {
                        Instant::now() + idle
                    } else {
                        idle_deadline(last)
                    });
                }
            }
        };
        match ended {
            Ok(()) => {
                let stream = http.into_parts().io.into_inner().stream;
                tracker.lingering();
                tokio::select! {
                    () = linger(stream, self.limits.linger_timeout) => {}
                    () = tracker.evicted() => {}
                }
            }
            Err(error) => tracing::debug!(%error, "connection ended"),
        }
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// Closes `stream` without losing the response just written: the write side is shut,
/// then what the client still sends is read and dropped until it closes its side, or
/// `limit` has passed.
async fn linger(mut stream: TcpStream, limit: Duration) {
    if stream.shutdown().await.is_err() {
        return;
    }
    let deadline = Instant::now() + limit;
    let mut sink = vec![0u8; 8 * 1024];
    while let Ok(Ok(read)) = timeout_at(deadline, stream.read(&mut sink)).await {
        if read == 0 {
            return;
        }
    }
}

/// A connection's socket, noting every byte moved for the idle watchdog.
struct Tracked {
    stream: TcpStream,
    tracker: Arc<Tracker>,
}

impl AsyncRead for Tracked {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.stream).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.tracker.progressed();
        }
        polled
    }
}

impl AsyncWrite for Tracked {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.tracker.progressed();
        }
        polled
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let polled = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            self.tracker.progressed();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}

/// The router as hyper calls it, marking the connection busy while a handler runs.
#[derive(Clone)]
struct Service {
    app: Router,
    tracker: Arc<Tracker>,
}

type Answer = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

impl hyper::service::Service<hyper::Request<Incoming>> for Service {
    type Response = Response;
    type Error = Infallible;
    type Future = Answer;

    fn call(&self, request: hyper::Request<Incoming>) -> Answer {
        let busy = Busy(self.tracker.clone());
        busy.0.begin_request();
        let mut app = self.app.clone();
        let request: Request = request.map(Body::new);
        Box::pin(async move {
            // A router is always ready (axum documents it), so no `poll_ready` wait.
            poll_fn(|cx| tower_service::Service::<Request>::poll_ready(&mut app, cx)).await?;
            let response = tower_service::Service::call(&mut app, request).await;
            drop(busy);
            response
        })
    }
}

/// Marks the end of a request, even when hyper drops the answer half-way.
struct Busy(Arc<Tracker>);

impl Drop for Busy {
    fn drop(&mut self) {
        self.0.end_request();
    }
}
