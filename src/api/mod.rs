//! A client of the GitBook API (feature `api`).
//!
//! [`Client`] calls `{apiEndpoint}/v1` with a bearer token: the typed
//! operations integrations use (installations, space and site installations,
//! installation tokens, tasks, revisions, pages, Git import and export; the
//! list is `api/operations.txt`), and [`Client::request`] for any other
//! operation of the API. Errors are typed ([`Error`]): GitBook's error body
//! becomes [`Error::Api`] with its status and message. 429 answers are
//! retried after their `Retry-After`, within a bounded [`RetryPolicy`].
//!
//! The [`types`] and the typed operations are generated from the OpenAPI
//! document that `@gitbook/api` ships (`api/openapi.json`) by
//! `tools/api-codegen` (typify for the types); the generated file is
//! committed and CI checks it is up to date.
//!
//! # Example
//!
//! ```no_run
//! use contentkit::api::{types, Client, Method};
//! use contentkit::runtime::IntegrationEnvironment;
//!
//! # async fn example(environment: IntegrationEnvironment) -> Result<(), contentkit::api::Error> {
//! let api = Client::for_installation(&environment)?;
//! let name = &environment.integration.name;
//! let installation = api.get_integration_installation_by_id(name, "inst_1").await?;
//! println!("{:?}", installation.configuration.get("oauth_credentials"));
//!
//! // Store a value in the installation's configuration.
//! let mut configuration = installation.configuration.0.clone();
//! configuration.insert("synced".into(), true.into());
//! let update = types::UpdateIntegrationInstallation {
//!     configuration: Some(configuration.into()),
//!     ..Default::default()
//! };
//! api.update_integration_installation(name, "inst_1", &update).await?;
//!
//! // Any other operation, typed by the caller.
//! let spaces: serde_json::Value = api
//!     .request(Method::GET, "/orgs/org_1/spaces", None::<&()>)
//!     .await?;
//! # Ok(()) }
//! ```

mod client;
mod error;
#[allow(
    clippy::all,
    clippy::pedantic,
    dead_code,
    missing_docs,
    rustdoc::all,
    unused_imports
)]
mod generated;

pub(crate) use client::path_param;
pub use client::{Client, Method, RetryPolicy};
pub use error::Error;
pub use generated::types;
