//! The Rust handlers of an integration's events: `async` functions of the event
//! and the [`RequestContext`], kept in [`Handlers`] inside
//! [`crate::component::Integration`].
//!
//! A handler owns what it is given (the event, a clone of the context), so its
//! future can await the GitBook API or anything else and is `'static`: the server
//! awaits it on its async runtime, [`crate::runtime::handle`] with [`block_on`].

use std::fmt;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Wake, Waker};

use super::context::RequestContext;
use super::dispatch::{FetchInput, FetchResponse};
use super::event::{Event, FetchPublishedScriptEvent, FetchVisitorAuthenticationEvent, TaskEvent};
use crate::component::ComponentError;

/// What a handler returns: a future of its answer, sendable between threads.
pub type HandlerFuture<T> = Pin<Box<dyn Future<Output = Result<T, ComponentError>> + Send>>;

/// A handler of events of one type.
pub type EventHandler = Arc<dyn Fn(Event, RequestContext) -> HandlerFuture<()> + Send + Sync>;

/// The handler of `fetch` events.
pub type FetchHandler =
    Arc<dyn Fn(FetchInput, RequestContext) -> HandlerFuture<FetchResponse> + Send + Sync>;

/// The handler of `fetch_published_script` events: the script to inject in
/// a published site, or `None` for none (a no-op script is sent).
pub type PublishedScriptHandler = Arc<
    dyn Fn(FetchPublishedScriptEvent, RequestContext) -> HandlerFuture<Option<FetchResponse>>
        + Send
        + Sync,
>;

/// The handler of `fetch_visitor_authentication` events: where to send a
/// visitor of a protected site to authenticate.
pub type VisitorAuthenticationHandler = Arc<
    dyn Fn(FetchVisitorAuthenticationEvent, RequestContext) -> HandlerFuture<FetchResponse>
        + Send
        + Sync,
>;

/// Boxes an `async` handler's future.
pub(crate) fn boxed<T, Fut>(future: Fut) -> HandlerFuture<T>
where
    Fut: Future<Output = Result<T, ComponentError>> + Send + 'static,
{
    Box::pin(future)
}

/// An integration's event and fetch handlers (kept inside
/// [`crate::component::Integration`]).
#[derive(Default)]
pub(crate) struct Handlers {
    /// `(event type, handler)`, in registration order.
    events: Vec<(String, EventHandler)>,
    pub(crate) fetch: Option<FetchHandler>,
    pub(crate) published_script: Option<PublishedScriptHandler>,
    pub(crate) visitor_authentication: Option<VisitorAuthenticationHandler>,
}

impl fmt::Debug for Handlers {
    // Closures have no Debug; the event types say what is handled.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let events: Vec<&str> = self.events.iter().map(|(t, _)| t.as_str()).collect();
        f.debug_struct("Handlers")
            .field("events", &events)
            .field("fetch", &self.fetch.is_some())
            .field("published_script", &self.published_script.is_some())
            .field(
                "visitor_authentication",
                &self.visitor_authentication.is_some(),
            )
            .finish()
    }
}

impl Handlers {
    pub(crate) fn add_event(&mut self, event_type: String, handler: EventHandler) {
        self.events.push((event_type, handler));
    }

    pub(crate) fn add_task<F, Fut>(&mut self, handler: F)
    where
        F: Fn(TaskEvent, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), ComponentError>> + Send + 'static,
    {
        // A task handler is an event handler of `task` that sees the typed
        // payload; keeping one list keeps the registration order.
        self.add_event(
            "task".to_owned(),
            Arc::new(move |event, context| match event {
                Event::Task(task) => boxed(handler(task, context)),
                _ => boxed(async { Ok(()) }),
            }),
        );
    }

    pub(crate) fn handles(&self, event_type: &str) -> bool {
        match event_type {
            "ui_render" => false,
            "fetch" => self.fetch.is_some(),
            "fetch_published_script" if self.published_script.is_some() => true,
            "fetch_visitor_authentication" if self.visitor_authentication.is_some() => true,
            _ => self.events.iter().any(|(t, _)| t == event_type),
        }
    }

    /// The handlers of the event's type, started in the order added (each gets its
    /// own copy of the event); `None` when no handler is registered for the type.
    ///
    /// Awaiting the answer awaits every handler, even after one failed (as the
    /// official runtime's `Promise.all` does), and answers the first error.
    pub(crate) fn run_events(
        &self,
        event: &Event,
        context: &RequestContext,
    ) -> Option<HandlerFuture<()>> {
        let started: Vec<HandlerFuture<()>> = self
            .events
            .iter()
            .filter(|(t, _)| t == event.type_name())
            .map(|(_, handler)| handler(event.clone(), context.clone()))
            .collect();
        if started.is_empty() {
            return None;
        }
        Some(Box::pin(async move {
            let mut outcome = Ok(());
            for handler in started {
                let result = handler.await;
                if outcome.is_ok() {
                    outcome = result;
                }
            }
            outcome
        }))
    }
}

/// A future whose panic is caught and answered as an internal error, so a
/// panicking handler fails its request, not the connection or the thread.
pub(crate) struct CatchPanic<F>(pub(crate) F);

impl<T, F> Future for CatchPanic<F>
where
    F: Future<Output = Result<T, ComponentError>> + Unpin,
{
    type Output = Result<T, ComponentError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = &mut self.0;
        match catch_unwind(AssertUnwindSafe(|| Pin::new(inner).poll(cx))) {
            Ok(poll) => poll,
            Err(_) => Poll::Ready(Err(ComponentError::Internal(
                "a handler panicked".to_owned(),
            ))),
        }
    }
}

/// Wakes [`block_on`]: notes the wake-up, and unparks the waiting thread.
struct Wakeup {
    woken: AtomicBool,
    #[cfg(not(target_family = "wasm"))]
    thread: std::thread::Thread,
}

impl Wake for Wakeup {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.woken.store(true, Ordering::Release);
        #[cfg(not(target_family = "wasm"))]
        self.thread.unpark();
    }
}

/// Runs `future` to its end on the calling thread (what [`crate::runtime::handle`]
/// does with the Rust handlers' futures).
///
/// It drives no I/O of its own: a future that waits on an async runtime's sockets
/// or timers (the GitBook API client) must be awaited inside that runtime, through
/// [`crate::runtime::handle_async`]. On WebAssembly, where nothing else can wake the
/// only thread, a future still waiting after a poll that woke nothing is given up:
/// `None`.
pub fn block_on<F: Future>(future: F) -> Option<F::Output> {
    let wakeup = Arc::new(Wakeup {
        woken: AtomicBool::new(false),
        #[cfg(not(target_family = "wasm"))]
        thread: std::thread::current(),
    });
    let waker = Waker::from(wakeup.clone());
    let mut cx = Context::from_waker(&waker);
    let mut future = pin!(future);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
        if wakeup.woken.swap(false, Ordering::AcqRel) {
            continue;
        }
        #[cfg(target_family = "wasm")]
        return None;
        #[cfg(not(target_family = "wasm"))]
        while !wakeup.woken.swap(false, Ordering::AcqRel) {
            std::thread::park();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pending once, waking itself from another thread.
    struct WokenLater(bool);

    impl Future for WokenLater {
        type Output = u8;
        fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u8> {
            if self.0 {
                return Poll::Ready(7);
            }
            self.0 = true;
            let waker = cx.waker().clone();
            std::thread::spawn(move || {
                std::thread::sleep(std::time::Duration::from_millis(20));
                waker.wake();
            });
            Poll::Pending
        }
    }

    #[test]
    fn block_on_waits_for_a_wake_from_another_thread() {
        assert_eq!(block_on(WokenLater(false)), Some(7));
        assert_eq!(block_on(async { 3 }), Some(3));
    }

    #[test]
    fn a_panicking_future_is_an_internal_error() {
        let panics: HandlerFuture<()> = Box::pin(async { panic!("boom") });
        let outcome = block_on(CatchPanic(panics)).expect("ready");
        assert!(matches!(outcome, Err(ComponentError::Internal(m)) if m.contains("panicked")));
    }
}
