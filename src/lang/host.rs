//! What a run asks of its host, and what the host gave back.
//!
//! Handlers may call the outside world (`fetch`, the GitBook API, `queueTask`). Such a
//! call does not block: it records a [`HostOp`] and returns a promise pending on it.
//! When a handler awaits a pending promise the run suspends; the caller performs
//! every recorded operation (concurrently, if it can), then runs the handler again
//! from the start with the results. Handlers are deterministic given those results
//! (the clock and the random generator are fixed per request), so the second run
//! makes the same calls in the same order, finds their results recorded, and goes on.
//! A run may suspend at most [`MAX_OPS`] operations deep, so this costs at most a
//! bounded number of re-runs. An async function whose await suspends returns a
//! promise pending on the operation, as in JavaScript, so a caller that does not
//! await it goes on (its operations are performed after the answer, for
//! `waitUntil`); `crate::runtime::host` drives all this.

use crate::lang::compile::ir::Site;
use crate::lang::eval::{error_class, Vm, R};
use crate::lang::value::{HostData, HostKind, ObjKind, Object, Props, Value};

/// The most host operations one request may make.
pub const MAX_OPS: usize = 32;

/// An operation a handler asked the host to perform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostOp {
    /// An HTTP request (`fetch`, or a call of the GitBook API).
    Fetch {
        /// The method.
        method: String,
        /// The absolute URL.
        url: String,
        /// The headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
}

/// What the host answered to an operation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostResult {
    /// An HTTP response.
    Response {
        /// The status.
        status: u16,
        /// The headers.
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
    },
    /// The operation failed (network error, refused, timed out): the promise rejects
    /// with a `TypeError` of this message, as `fetch` does.
    Failed(String),
}

/// The host side of one request: the clock, the random generator, logs, the cache
/// age a render asked for, and the operations with their results.
#[derive(Debug, Clone, Default)]
pub struct HostState {
    /// Operations requested by this run, in order.
    pub requested: Vec<HostOp>,
    /// Results of earlier runs' operations, by index.
    pub results: Vec<HostResult>,
    /// Lines written by `console.log` and friends.
    pub logs: Vec<String>,
    /// The request's time (`Date.now()`), milliseconds since the epoch.
    pub now_ms: f64,
    random: u64,
    /// `element.setCache({ maxAge })`: the value given, as written.
    pub cache_max_age: Option<Value>,
    /// The environment JSON of the request, parsed when a handler first reads it.
    pub environment_json: Vec<u8>,
    /// Operations handed to `waitUntil`.
    pub wait_until: Vec<u32>,
    /// How each requested operation's result becomes a value, by index.
    kinds: Vec<OpKind>,
}

/// How the result of an operation becomes a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum OpKind {
    /// `fetch`: the response, whatever its status.
    #[default]
    Fetch,
    /// A GitBook API call: the response with its JSON as `data`, or a rejection
    /// with a `GitBookAPIError` when the status is not 2xx (as `@gitbook/api` does).
    Api,
    /// A GitBook API call whose promise resolves to `undefined` (`queueTask`).
    ApiVoid,
}

impl HostState {
    /// A host state for a request at `now_ms`, with a random seed.
    pub fn new(now_ms: f64, seed: u64) -> HostState {
        HostState {
            now_ms,
            random: seed | 1,
            ..HostState::default()
        }
    }

    /// The request's time.
    pub fn now(&self) -> f64 {
        self.now_ms
    }

    /// A number in `[0, 1)` from the request's generator (xorshift64*).
    pub fn random(&mut self) -> f64 {
        let mut x = self.random.max(1);
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.random = x;
        (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Records a log line (bounded: past 1,000 lines they are counted, not kept).
    pub fn log(&mut self, line: String) {
        if self.logs.len() < 1000 {
            self.logs.push(line.chars().take(2000).collect());
        }
    }
}

impl Vm<'_> {
    /// Records a host operation; the promise waiting for it.
    pub(crate) fn host_op(&mut self, op: HostOp, site: Site) -> R<Value> {
        self.host_op_as(op, OpKind::Fetch, site)
    }

    /// Records a host operation whose result becomes a value as `kind` says.
    pub(crate) fn host_op_as(&mut self, op: HostOp, kind: OpKind, site: Site) -> R<Value> {
        let n = self.host.requested.len();
        if n >= MAX_OPS {
            return Err(self.throw(
                error_class::RANGE_ERROR,
                format!("too many host operations: at most {MAX_OPS} per request"),
                site,
            ));
        }
        self.host.requested.push(op);
        self.host.kinds.resize(n, OpKind::Fetch);
        self.host.kinds.push(kind);
        self.promise(crate::lang::value::PromiseState::Pending(n as u32), site)
    }

    /// The result of operation `op`, as a value, when the host gave one.
    pub(crate) fn host_result(&mut self, op: u32, site: Site) -> R<Option<Value>> {
        let Some(result) = self.host.results.get(op as usize).cloned() else {
            return Ok(None);
        };
        match result {
            HostResult::Response {
                status,
                headers,
                body,
            } => {
                let kind = self
                    .host
                    .kinds
                    .get(op as usize)
                    .copied()
                    .unwrap_or_default();
                if kind != OpKind::Fetch {
                    return crate::lang::builtins::api::settle(
                        self, op, kind, status, headers, body, site,
                    )
                    .map(Some);
                }
                let r = self.heap.charge(body.len() + 256);
                self.mem(r, site)?;
                let v = self.alloc(
                    Object {
                        props: Props::new(),
                        kind: ObjKind::Host(
                            HostKind::Response,
                            Box::new(HostData::Response {
                                status,
                                headers,
                                body,
                            }),
                        ),
                        origin: 0,
                    },
                    site,
                )?;
                Ok(Some(v))
            }
            HostResult::Failed(message) => Err(self.type_error(message, site)),
        }
    }
}
