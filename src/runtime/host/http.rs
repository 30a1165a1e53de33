//! [`HttpDriver`]: host operations performed over HTTP with a blocking client
//! (feature `client`; HTTPS needs the TLS of feature `api`).

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant};

use super::{HostDriver, HostOp, HostResult};

/// The bounds of an [`HttpDriver`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HttpLimits {
    /// The longest one request may take, connecting and reading included.
    pub request_timeout: Duration,
    /// The longest connecting may take.
    pub connect_timeout: Duration,
    /// The largest response body read; a larger one fails the operation.
    pub max_response_bytes: usize,
    /// How many requests' after-response work (`waitUntil`) may run at once; past
    /// it, the work runs before the response instead, so nothing is dropped.
    pub max_background: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            request_timeout: Duration::from_secs(20),
            connect_timeout: Duration::from_secs(5),
            max_response_bytes: 8 * 1024 * 1024,
            max_background: 16,
        }
    }
}

/// Performs host operations over HTTP: each operation of a batch on a thread of its
/// own (so they run concurrently, and never on an async runtime's thread, where a
/// blocking client cannot run), within [`HttpLimits`].
///
/// ```
/// use std::sync::Arc;
/// use contentkit::runtime::host::{HostDriver, HttpDriver, HttpLimits};
///
/// let driver: Arc<dyn HostDriver> = Arc::new(HttpDriver::new(HttpLimits::default()));
/// ```
#[derive(Debug)]
pub struct HttpDriver {
    limits: HttpLimits,
    client: OnceLock<Result<reqwest::blocking::Client, String>>,
    background: Arc<AtomicUsize>,
}

impl Default for HttpDriver {
    fn default() -> Self {
        HttpDriver::new(HttpLimits::default())
    }
}

impl HttpDriver {
    /// A driver within `limits` (the client is made on first use).
    pub fn new(limits: HttpLimits) -> Self {
        HttpDriver {
            limits,
            client: OnceLock::new(),
            background: Arc::new(AtomicUsize::new(0)),
        }
    }

    fn client(&self) -> Result<&reqwest::blocking::Client, String> {
        self.client
            .get_or_init(|| {
                reqwest::blocking::Client::builder()
                    .connect_timeout(self.limits.connect_timeout)
                    .timeout(self.limits.request_timeout)
                    .build()
                    .map_err(|e| format!("cannot make an HTTP client: {e}"))
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    fn one(&self, op: &HostOp, deadline: Instant) -> HostResult {
        let HostOp::Fetch {
            method,
            url,
            headers,
            body,
        } = op;
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return HostResult::Failed("fetch failed: the request's time ran out".into());
        }
        if url.starts_with("https:") && !cfg!(feature = "api") {
            return HostResult::Failed(
                "fetch failed: HTTPS needs contentkit built with the `api` feature (TLS)".into(),
            );
        }
        let client = match self.client() {
            Ok(c) => c,
            Err(e) => return HostResult::Failed(e),
        };
        let Ok(method) = reqwest::Method::from_bytes(method.as_bytes()) else {
            return HostResult::Failed(format!("fetch failed: invalid method {method:?}"));
        };
        let mut request = client
            .request(method, url.as_str())
            .timeout(left.min(self.limits.request_timeout));
        for (name, value) in headers {
            request = request.header(name.as_str(), value.as_str());
        }
        if !body.is_empty() {
            request = request.body(body.clone());
        }
        let response = match request.send() {
            Ok(r) => r,
            Err(e) => return HostResult::Failed(format!("fetch failed: {e}")),
        };
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| {
                (
                    k.as_str().to_owned(),
                    String::from_utf8_lossy(v.as_bytes()).into_owned(),
                )
            })
            .collect();
        let max = self.limits.max_response_bytes;
        let mut body = Vec::new();
        match response.take(max as u64 + 1).read_to_end(&mut body) {
            Ok(n) if n > max => HostResult::Failed(format!(
                "fetch failed: the response is larger than {max} bytes"
            )),
            Ok(_) => HostResult::Response {
                status,
                headers,
                body,
            },
            Err(e) => HostResult::Failed(format!("fetch failed: {e}")),
        }
    }
}

impl HostDriver for HttpDriver {
    fn perform(&self, ops: &[HostOp], deadline: Instant) -> Vec<HostResult> {
        std::thread::scope(|scope| {
            let running: Vec<_> = ops
                .iter()
                .map(|op| {
                    std::thread::Builder::new()
                        .name("contentkit-fetch".into())
                        .spawn_scoped(scope, move || self.one(op, deadline))
                })
                .collect();
            running
                .into_iter()
                .map(|r| match r {
                    Ok(handle) => handle.join().unwrap_or_else(|_| {
                        HostResult::Failed("fetch failed: the request's thread panicked".into())
                    }),
                    Err(e) => HostResult::Failed(format!("fetch failed: no thread: {e}")),
                })
                .collect()
        })
    }

    fn defer(&self, work: Box<dyn FnOnce() + Send>) {
        if self.background.fetch_add(1, Ordering::SeqCst) >= self.limits.max_background {
            self.background.fetch_sub(1, Ordering::SeqCst);
            work();
            return;
        }
        // Held where both the new thread and this one can take it, so that a thread
        // that cannot start leaves the work here to run.
        let slot = Arc::new(Mutex::new(Some(work)));
        let (taken, count) = (slot.clone(), self.background.clone());
        let spawned = std::thread::Builder::new()
            .name("contentkit-wait-until".into())
            .spawn(move || {
                let work = taken.lock().unwrap_or_else(PoisonError::into_inner).take();
                if let Some(work) = work {
                    work();
                }
                count.fetch_sub(1, Ordering::SeqCst);
            });
        if let Err(e) = spawned {
            self.background.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!(error = %e, "no thread for the work after a response: it runs before it");
            let work = slot.lock().unwrap_or_else(PoisonError::into_inner).take();
            if let Some(work) = work {
                work();
            }
        }
    }
}
