//! What a Rust handler gets besides its event: [`RequestContext`], the runtime
//! context of `@gitbook/runtime` (`context.environment`, `context.api`,
//! `context.integration.api`, `context.integration.queueTask`,
//! `context.waitUntil`).
//!
//! A context is cheap to clone (its parts are shared), so an `async move` block
//! can own one. The GitBook API clients ([`RequestContext::api`],
//! [`RequestContext::integration_api`], [`RequestContext::queue_task`]) need the
//! `api` feature; the rest is in the pure core.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use super::environment::IntegrationEnvironment;

/// Work a handler left to go on after the response (`waitUntil`).
pub type BackgroundWork = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// The most `wait_until` calls one request may make; past it, the work is
/// dropped and the log says so (each one is also bounded in time by whoever
/// runs it: the server gives all of them `WAIT_UNTIL_TIMEOUT`).
pub const MAX_BACKGROUND_WORK: usize = 256;

/// Where a request runs: its environment, and what its handlers may ask of the
/// runtime.
///
/// ```
/// use contentkit::runtime::{IntegrationEnvironment, RequestContext};
///
/// let context = RequestContext::new(IntegrationEnvironment::for_tests());
/// assert_eq!(context.environment.integration.name, "test-integration");
///
/// // Work that goes on after the response: the runtime runs it once the
/// // handler has answered.
/// let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
/// let flag = done.clone();
/// context.wait_until(async move { flag.store(true, std::sync::atomic::Ordering::SeqCst) });
/// assert_eq!(context.pending_work(), 1);
/// ```
#[derive(Clone)]
pub struct RequestContext {
    /// The `environment` part of the request (installation, configuration,
    /// secrets, API endpoint and tokens, the integration).
    pub environment: Arc<IntegrationEnvironment>,
    background: Arc<Mutex<Vec<BackgroundWork>>>,
    /// The connection pool of this request's API clients, built at the first call.
    #[cfg(feature = "api")]
    http: Arc<std::sync::OnceLock<reqwest::Client>>,
}

impl fmt::Debug for RequestContext {
    // The environment holds tokens and secrets: only the integration is shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestContext")
            .field("integration", &self.environment.integration.name)
            .field("pending_work", &self.pending_work())
            .finish_non_exhaustive()
    }
}

impl RequestContext {
    /// A context for `environment` (for calling handlers in tests).
    pub fn new(environment: IntegrationEnvironment) -> Self {
        RequestContext {
            environment: Arc::new(environment),
            background: Arc::default(),
            #[cfg(feature = "api")]
            http: Arc::default(),
        }
    }

    /// Keeps `work` alive after the response is sent, as `context.waitUntil`
    /// does: the runtime runs it to its end, bounded in time (the server gives
    /// a request's work `WAIT_UNTIL_TIMEOUT` in all; [`crate::runtime::handle`]
    /// runs it before returning).
    pub fn wait_until(&self, work: impl Future<Output = ()> + Send + 'static) {
        let mut background = self
            .background
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if background.len() >= MAX_BACKGROUND_WORK {
            tracing::error!(
                integration = %self.environment.integration.name,
                "more than {MAX_BACKGROUND_WORK} wait_until calls in one request; this one is dropped"
            );
            return;
        }
        background.push(Box::pin(work));
    }

    /// How many `wait_until` works are waiting to run.
    pub fn pending_work(&self) -> usize {
        self.background
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Takes the work left by `wait_until`, in the order it was given.
    pub(crate) fn take_background(&self) -> Vec<BackgroundWork> {
        std::mem::take(
            &mut *self
                .background
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }
}

#[cfg(feature = "api")]
mod api_access {
    use serde_json::{Map, Value};

    use super::RequestContext;
    use crate::api::{self, types, Client};

    impl RequestContext {
        /// The request's connection pool, shared by its clients. Not shared between
        /// requests: a pooled connection belongs to the async runtime that opened it,
        /// and a request's handlers may run on another.
        fn http(&self) -> reqwest::Client {
            self.http.get_or_init(reqwest::Client::new).clone()
        }

        /// `context.api`: the GitBook API as the installation the request runs
        /// for when it carries an installation token, else as the integration.
        ///
        /// ```
        /// use contentkit::runtime::{IntegrationEnvironment, RequestContext};
        ///
        /// let mut environment = IntegrationEnvironment::for_tests();
        /// environment.api_tokens.installation = Some("installation-token".into());
        /// let context = RequestContext::new(environment);
        /// assert!(context.api()?.authenticates_as("installation-token"));
        /// assert!(context.integration_api()?.authenticates_as("test-integration-token"));
        /// # Ok::<(), contentkit::api::Error>(())
        /// ```
        pub fn api(&self) -> Result<Client, api::Error> {
            Ok(Client::for_installation(&self.environment)?.with_http_client(self.http()))
        }

        /// `context.integration.api`: the GitBook API as the integration itself.
        pub fn integration_api(&self) -> Result<Client, api::Error> {
            Ok(Client::for_integration(&self.environment)?.with_http_client(self.http()))
        }

        /// `context.integration.queueTask({ task, schedule })`: asks GitBook to
        /// send this integration a `task` event carrying `task`, after `schedule`
        /// seconds (at once when `None`). The task arrives as a request of its
        /// own, to the handlers of `Integration::on_task`.
        pub async fn queue_task(
            &self,
            task: Map<String, Value>,
            schedule: Option<f64>,
        ) -> Result<(), api::Error> {
            let body = types::QueueIntegrationTaskBody { schedule, task };
            self.integration_api()?
                .queue_integration_task(&self.environment.integration.name, &body)
                .await
        }
    }
}
