//! Performing what component files ask of the outside world: the HTTP requests of
//! `fetch` and of the GitBook API client, for the runs of `runtime::dispatch`.
//!
//! A handler that awaits a host operation suspends its run
//! ([`crate::lang::host`]); [`drive`] performs the operations with a [`HostDriver`],
//! records their results, and runs the handler again until it answers. The core stays
//! pure: the driver is given by whoever serves the runtime (the server's
//! [`HttpDriver`] performs them over HTTP, feature `client`); without one, a handler
//! that awaits an operation answers 500 and the log says why.
//!
//! Bounds: at most [`MAX_OPS`] operations per request (the run throws a `RangeError`
//! past them), so at most `MAX_OPS + 1` runs; operations a response waits for get
//! [`FOREGROUND_TIMEOUT`] in all, and each of them the driver's own timeout; their
//! responses hold at most [`MAX_RESULT_BYTES`] in all.
//!
//! Operations a handler did not await when it answered (`waitUntil(fetch(…))`, an
//! async function still waiting) are performed after the response, through
//! [`HostDriver::defer`]: the handler runs again with their results, and so on until
//! nothing is left to perform or [`WAIT_UNTIL_TIMEOUT`] has passed (as a Worker's
//! `waitUntil` work is bounded by the platform).

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::lang::eval::Limits;
use crate::lang::handlers::{integration_event, HandlerOutcome, Reply};
use crate::lang::host::HostState;
pub use crate::lang::host::{HostOp, HostResult, MAX_OPS};
use crate::lang::program::Program;
use crate::lang::run::{ui_render_host, Outcome};

#[cfg(feature = "client")]
mod http;
#[cfg(feature = "client")]
pub use http::{HttpDriver, HttpLimits};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_past_the_total_bound_fail() {
        let response = |n: usize| HostResult::Response {
            status: 200,
            headers: Vec::new(),
            body: vec![b'x'; n],
        };
        let mut results = vec![response(MAX_RESULT_BYTES - 10)];
        extend_within(
            &mut results,
            vec![response(10), response(1), HostResult::Failed("x".into())],
        );
        assert!(matches!(results[1], HostResult::Response { .. }));
        assert!(matches!(&results[2], HostResult::Failed(m) if m.contains("in all")));
        assert_eq!(results[3], HostResult::Failed("x".into()));
    }
}

/// The longest the operations a response waits for may take, in all.
pub const FOREGROUND_TIMEOUT: Duration = Duration::from_secs(30);
/// The longest work that goes on after the response may take.
pub const WAIT_UNTIL_TIMEOUT: Duration = Duration::from_secs(30);
/// The most bytes of response bodies one request's operations may bring in all;
/// past it, an operation fails instead (each run's memory budget bounds what a
/// handler holds; this bounds what the results of up to [`MAX_OPS`] operations hold).
pub const MAX_RESULT_BYTES: usize = 32 * 1024 * 1024;

/// Performs the host operations of handler runs.
///
/// ```
/// use std::time::Instant;
/// use contentkit::runtime::host::{HostDriver, HostOp, HostResult};
///
/// /// Answers every request with 204, as a test double.
/// #[derive(Debug)]
/// struct NoContent;
///
/// impl HostDriver for NoContent {
///     fn perform(&self, ops: &[HostOp], _deadline: Instant) -> Vec<HostResult> {
///         ops.iter()
///             .map(|_| HostResult::Response { status: 204, headers: Vec::new(), body: Vec::new() })
///             .collect()
///     }
/// }
/// ```
pub trait HostDriver: Send + Sync + fmt::Debug {
    /// Performs `ops` (concurrently, if it can) and answers one result each, in
    /// order; an operation not done by `deadline` is [`HostResult::Failed`].
    fn perform(&self, ops: &[HostOp], deadline: Instant) -> Vec<HostResult>;

    /// Runs `work` after the response is sent. The default runs it at once, so the
    /// response waits for it: nothing is lost, only time.
    fn defer(&self, work: Box<dyn FnOnce() + Send>) {
        work();
    }
}

/// Which handler a [`ProgramRun`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handler {
    /// A component, for a `ui_render` event.
    UiRender,
    /// The integration's handler of any other event.
    Event,
}

/// One request to a program, repeatable with more results: every run of it sees the
/// same time and random seed, so it takes the same path as far as its results go.
#[derive(Debug, Clone)]
pub(crate) struct ProgramRun {
    program: Arc<Program>,
    handler: Handler,
    /// For a `ui_render` routed by a look at the text: the component it must name
    /// once parsed.
    expect: Option<String>,
    event: Vec<u8>,
    fetch_body: Vec<u8>,
    environment: Vec<u8>,
    now_ms: f64,
    seed: u64,
}

/// Makes seeds of runs differ between requests of the same size at the same time.
static RUNS: AtomicU64 = AtomicU64::new(0);

impl ProgramRun {
    /// A `ui_render` of one of the program's components; with `expect`, only if the
    /// parsed event names that component ([`drive`] gives the event back otherwise).
    pub(crate) fn ui_render(
        program: Arc<Program>,
        event: Vec<u8>,
        environment: Vec<u8>,
        expect: Option<String>,
    ) -> Self {
        // The seed the runtime has always given renders.
        let seed = event.len() as u64 ^ 0x9e37_79b9;
        ProgramRun {
            program,
            handler: Handler::UiRender,
            expect,
            event,
            fetch_body: Vec::new(),
            environment,
            now_ms: crate::component::file::now_ms(),
            seed,
        }
    }

    /// Any other event, answered by the program's integration.
    pub(crate) fn event(
        program: Arc<Program>,
        event: Vec<u8>,
        fetch_body: Vec<u8>,
        environment: Vec<u8>,
    ) -> Self {
        let now_ms = crate::component::file::now_ms();
        let seed = now_ms.to_bits()
            ^ (event.len() as u64).rotate_left(32)
            ^ RUNS
                .fetch_add(1, Ordering::Relaxed)
                .wrapping_mul(0x9e37_79b9_7f4a_7c15);
        ProgramRun {
            program,
            handler: Handler::Event,
            expect: None,
            event,
            fetch_body,
            environment,
            now_ms,
            seed,
        }
    }

    /// Runs once with `results`: the reply, or the operations it waits for.
    fn once(&self, results: Vec<HostResult>) -> (Step, HostState) {
        let mut host = HostState::new(self.now_ms, self.seed);
        host.results = results;
        let limits = Limits::default();
        match self.handler {
            Handler::UiRender => {
                let (outcome, host) = ui_render_host(
                    &self.program,
                    &self.event,
                    &self.environment,
                    limits,
                    host,
                    self.expect.as_deref(),
                );
                let step = match outcome {
                    Some(Outcome::Done(r)) => Step::Reply(Reply::from_render(r)),
                    Some(Outcome::NeedsHost(ops)) => Step::Needs(ops),
                    None => Step::Elsewhere,
                };
                (step, host)
            }
            Handler::Event => {
                let (outcome, host) = integration_event(
                    &self.program,
                    &self.event,
                    &self.fetch_body,
                    &self.environment,
                    limits,
                    host,
                );
                let step = match outcome {
                    HandlerOutcome::Done(r) => Step::Reply(r),
                    HandlerOutcome::NeedsHost(ops) => Step::Needs(ops),
                };
                (step, host)
            }
        }
    }
}

/// What one run of a handler came to.
enum Step {
    Reply(Reply),
    /// It waits for these operations.
    Needs(Vec<HostOp>),
    /// The event is not for this program after all (see [`ProgramRun::ui_render`]).
    Elsewhere,
}

/// Runs `run` to its reply, performing its operations with `driver`; the operations
/// it did not await go on after the reply (see the [module documentation](self)).
/// The event's bytes come back when it is not for this program after all.
pub(crate) fn drive(
    run: ProgramRun,
    driver: Option<&Arc<dyn HostDriver>>,
) -> Result<Reply, Vec<u8>> {
    let mut results = Vec::new();
    let mut deadline = None;
    loop {
        let (step, host) = run.once(results);
        match step {
            // The event is the same on every run: only the first can find this.
            Step::Elsewhere => return Err(run.event),
            Step::Reply(reply) => {
                log_run(&host);
                let pending =
                    host.requested[host.results.len().min(host.requested.len())..].to_vec();
                if !pending.is_empty() {
                    match driver {
                        Some(driver) => after_response(run, host.results, pending, driver.clone()),
                        None => tracing::warn!(
                            operations = pending.len(),
                            "a handler left operations that no host driver performs"
                        ),
                    }
                }
                return Ok(reply);
            }
            Step::Needs(ops) => {
                let Some(driver) = driver else {
                    tracing::error!(
                        operations = ops.len(),
                        "a handler awaits host operations (fetch, API calls), and this runtime has no host driver to perform them"
                    );
                    return Ok(internal_error());
                };
                if ops.is_empty() {
                    tracing::error!("a handler suspended without an operation to wait for");
                    return Ok(internal_error());
                }
                let deadline = *deadline.get_or_insert_with(|| Instant::now() + FOREGROUND_TIMEOUT);
                results = host.results;
                let new = perform(driver.as_ref(), &ops, deadline);
                extend_within(&mut results, new);
            }
        }
    }
}

/// [`drive`] of a run that expects no component, which always replies.
pub(crate) fn drive_to_reply(run: ProgramRun, driver: Option<&Arc<dyn HostDriver>>) -> Reply {
    drive(run, driver).unwrap_or_else(|_| internal_error())
}

/// The operations' results from `driver`, one each whatever it answers; all failed
/// once `deadline` has passed.
fn perform(driver: &dyn HostDriver, ops: &[HostOp], deadline: Instant) -> Vec<HostResult> {
    let mut results = if Instant::now() >= deadline {
        Vec::new()
    } else {
        driver.perform(ops, deadline)
    };
    results.truncate(ops.len());
    while results.len() < ops.len() {
        results.push(HostResult::Failed("the operation timed out".into()));
    }
    results
}

/// Appends `new` to `results`, failing the responses past [`MAX_RESULT_BYTES`] in all.
fn extend_within(results: &mut Vec<HostResult>, new: Vec<HostResult>) {
    let body = |r: &HostResult| match r {
        HostResult::Response { body, .. } => body.len(),
        HostResult::Failed(_) => 0,
    };
    let mut total: usize = results.iter().map(body).sum();
    for r in new {
        total = total.saturating_add(body(&r));
        let over = total > MAX_RESULT_BYTES && matches!(r, HostResult::Response { .. });
        results.push(if over {
            HostResult::Failed(format!(
                "fetch failed: the request's responses exceed {MAX_RESULT_BYTES} bytes in all"
            ))
        } else {
            r
        });
    }
}

/// Performs `pending` after the response, runs again, and so on (see the module).
fn after_response(
    run: ProgramRun,
    mut results: Vec<HostResult>,
    mut pending: Vec<HostOp>,
    driver: Arc<dyn HostDriver>,
) {
    let performer = driver.clone();
    driver.defer(Box::new(move || {
        let deadline = Instant::now() + WAIT_UNTIL_TIMEOUT;
        while !pending.is_empty() && Instant::now() < deadline {
            let new = perform(performer.as_ref(), &pending, deadline);
            extend_within(&mut results, new);
            let (step, host) = run.once(results);
            pending = match step {
                Step::Needs(ops) => ops,
                Step::Reply(_) | Step::Elsewhere => {
                    log_run(&host);
                    host.requested[host.results.len().min(host.requested.len())..].to_vec()
                }
            };
            results = host.results;
        }
        if !pending.is_empty() {
            tracing::warn!(
                operations = pending.len(),
                "work after the response stopped at its time limit"
            );
        }
    }));
}

/// The logs of a finished run (`console.log`), to the server's log.
fn log_run(host: &HostState) {
    for line in &host.logs {
        tracing::info!(target: "contentkit::console", "{line}");
    }
}

fn internal_error() -> Reply {
    Reply {
        status: 500,
        headers: vec![("content-type".into(), "application/json".into())],
        body: crate::lang::run::error_body("Internal server error"),
        diagnostics: Vec::new(),
    }
}
