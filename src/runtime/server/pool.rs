//! A fixed set of threads that run integration handlers: [`HandlerPool`].
//!
//! Handlers are synchronous code that may block (an API call through a blocking
//! client, which cannot even run on an async worker thread). They run here, on
//! [`ServerConfig::handler_threads`](super::ServerConfig::handler_threads) threads
//! started with the router, rather than on tokio's blocking pool, which starts a thread
//! per waiting call (up to 512) under load. A panicking handler answers a 500 and its
//! thread lives on.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, PoisonError};

use crate::runtime::OutgoingResponse;

type Job = Box<dyn FnOnce() + Send>;

/// Calls waiting for a handler thread past this many are answered 503.
const QUEUE: usize = 4096;

/// Runs handlers on a fixed number of threads, or in place when there are none.
#[derive(Debug)]
pub(super) struct HandlerPool {
    jobs: Option<SyncSender<Job>>,
}

impl HandlerPool {
    /// `threads` threads; with 0, every handler runs in place, on the async worker that
    /// serves its connection.
    pub(super) fn new(threads: usize) -> Self {
        if threads == 0 {
            return HandlerPool { jobs: None };
        }
        let (jobs, queue) = sync_channel::<Job>(QUEUE);
        let queue = Arc::new(Mutex::new(queue));
        for i in 0..threads {
            let queue = queue.clone();
            let spawned = std::thread::Builder::new()
                .name(format!("contentkit-handler-{i}"))
                .spawn(move || work(&queue));
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a handler thread");
            }
        }
        HandlerPool { jobs: Some(jobs) }
    }

    /// Runs `handler` and answers what it answers; a panic, a full queue or a lost
    /// thread is an error response (5xx), turned into `T`.
    pub(super) async fn run<F, T>(&self, handler: F) -> T
    where
        F: FnOnce() -> T + Send + 'static,
        T: From<OutgoingResponse> + Send + 'static,
    {
        let Some(jobs) = &self.jobs else {
            return guarded(handler);
        };
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move || {
            // The caller may be gone (its client hung up): nobody to tell.
            let _ = answer.send(guarded(handler));
        });
        match jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                return OutgoingResponse::error(503, "The server is busy, try again").into();
            }
            Err(TrySendError::Disconnected(_)) => {
                tracing::error!("no handler thread is running");
                return OutgoingResponse::error(500, "Internal server error").into();
            }
        }
        answered.await.unwrap_or_else(|_| {
            tracing::error!("a handler thread stopped");
            OutgoingResponse::error(500, "Internal server error").into()
        })
    }
}

/// A handler thread: takes jobs until the pool is dropped.
fn work(queue: &Mutex<Receiver<Job>>) {
    loop {
        // The lock is released at the end of the statement, before the job runs.
        let job = queue.lock().unwrap_or_else(PoisonError::into_inner).recv();
        match job {
            Ok(job) => job(),
            Err(_) => return,
        }
    }
}

/// Runs `handler`; a panic is logged and answered 500.
fn guarded<T: From<OutgoingResponse>>(handler: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(handler)).unwrap_or_else(|_| {
        tracing::error!("a handler panicked");
        OutgoingResponse::error(500, "Internal server error").into()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16) -> OutgoingResponse {
        OutgoingResponse::error(status, "test")
    }

    fn block_on<T>(future: impl std::future::Future<Output = T>) -> T {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("a runtime")
            .block_on(future)
    }

    #[test]
    fn handlers_run_on_the_pool_threads() {
        let pool = HandlerPool::new(2);
        let response = block_on(pool.run(|| {
            let name = std::thread::current().name().map(str::to_owned);
            assert_eq!(
                name.as_deref()
                    .map(|n| n.starts_with("contentkit-handler-")),
                Some(true)
            );
            answer(201)
        }));
        assert_eq!(response.status, 201);
    }

    #[test]
    fn a_panic_is_a_500_and_the_pool_keeps_working() {
        for threads in [0, 1] {
            let pool = HandlerPool::new(threads);
            let response = block_on(pool.run(|| -> OutgoingResponse { panic!("a bug") }));
            assert_eq!(response.status, 500);
            assert_eq!(block_on(pool.run(|| answer(200))).status, 200);
        }
    }
}
