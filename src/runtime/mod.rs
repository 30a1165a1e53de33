//! The integration runtime: what GitBook sends an integration, and webhooks.
//!
//! A runtime request carries an `event` ([`Event`]), the `environment` it runs
//! in ([`IntegrationEnvironment`]) and, for `fetch` events, the raw body.
//! [`webhook`] verifies and routes signed webhook deliveries.
//!
//! [`handle`] answers a runtime request with the integration's components and
//! handlers, without I/O ([`dispatch`] lists every status); [`handle_with`] also
//! performs, with a [`host::HostDriver`], what component files ask of the outside
//! world (`fetch`, the GitBook API), and goes on with their `waitUntil` work after
//! the answer. The `server`
//! feature serves it over HTTP with axum (`runtime::server`); the `client`
//! feature drives components over HTTP (`runtime::http::HttpTransport`).
//!
//! All types here keep the fields they do not model, so data from a newer
//! API version parses and serializes back unchanged, and an event of a type
//! this version does not know arrives as [`Event::Unknown`] instead of an
//! error.
//!
//! # Example
//!
//! Parse an event and dispatch on its type:
//!
//! ```
//! use contentkit::runtime::Event;
//!
//! let event = Event::from_slice(br#"{
//!     "eventId": "evt_1",
//!     "type": "space_gitsync_started",
//!     "installationId": "inst_1",
//!     "spaceId": "space_1",
//!     "revisionId": "rev_9",
//!     "commitId": "3f2a1c0"
//! }"#)?;
//! match &event {
//!     Event::SpaceGitSyncStarted(started) => assert_eq!(started.commit_id, "3f2a1c0"),
//!     other => panic!("unexpected {}", other.type_name()),
//! }
//!
//! // Types from a newer API are kept, not rejected.
//! let future = Event::from_slice(br#"{"eventId": "evt_2", "type": "space_view"}"#)?;
//! assert_eq!(future.type_name(), "space_view");
//! assert!(!future.is_known());
//! # Ok::<(), contentkit::runtime::EventError>(())
//! ```
//!
//! Sign and verify a webhook body, then receive it:
//!
//! ```
//! use contentkit::runtime::{sign, verify_signature, Algorithm, SignatureError, WebhookReceiver};
//!
//! let body = br#"{"payload": {"book": "acme/handbook"}}"#;
//! let header = sign(b"hook-secret", body, Algorithm::Sha256);
//! assert!(header.starts_with("sha256="));
//! assert_eq!(verify_signature(b"hook-secret", body, &header), Ok(()));
//! assert_eq!(
//!     verify_signature(b"other-secret", body, &header),
//!     Err(SignatureError::Mismatch)
//! );
//!
//! let receiver = WebhookReceiver::new()
//!     .with_secret("hook-secret")
//!     .on("publish", |delivery| {
//!         println!("published: {}", delivery.payload["payload"]["book"]);
//!         Ok(())
//!     });
//! let headers = [
//!     ("X-GitBook-Event", "publish"),
//!     ("X-GitBook-Delivery", "72d3162e81ab4c9367dc0958"),
//!     ("X-GitBook-Signature", header.as_str()),
//! ];
//! let delivery = receiver.receive(&headers, body)?;
//! assert_eq!(delivery.event, "publish");
//!
//! // A wrong signature maps to HTTP 401 with a JSON error body.
//! let forged = [("x-gitbook-event", "publish"), ("x-gitbook-signature", "sha1=00")];
//! let error = receiver.receive(&forged, body).unwrap_err();
//! assert_eq!(error.status(), 401);
//! assert!(error.to_json_body().starts_with(r#"{"error":"#));
//! # Ok::<(), contentkit::runtime::WebhookError>(())
//! ```

pub mod context;
pub mod dispatch;
pub mod environment;
pub mod event;
pub mod handler;
pub mod host;
#[cfg(feature = "client")]
pub mod http;
pub mod multipart;
#[cfg(feature = "api")]
pub mod oauth;
pub mod peek;
#[cfg(feature = "server")]
pub mod server;
pub mod webhook;

pub use context::RequestContext;
pub use dispatch::{
    handle, handle_async, handle_with, FetchInput, FetchResponse, Handled, IncomingRequest,
    OutgoingResponse,
};
pub use handler::{block_on, HandlerFuture};

pub use environment::{
    ApiTokens, InstallationTarget, InstallationUrls, Integration, IntegrationEnvironment,
    IntegrationInstallation, IntegrationNetwork, IntegrationUrls, Selection, SigningSecrets,
    SiteInstallation, SpaceInstallation,
};
pub use event::{
    ComputedContentDependency, ContentComputeEvent, ContentRef, ContentRefKind, ContentVisibility,
    Event, EventAuth, EventError, EventVisitor, FetchEvent, FetchMethod, FetchPublishedScriptEvent,
    FetchRequest, FetchVisitorAuthenticationEvent, GitSyncState, InstallationDeletedEvent,
    InstallationSetupEvent, InstallationStatus, JsonObject, PageFeedback, PageFeedbackEvent,
    PageFeedbackRating, PreviousDeleted, PreviousSetup, SiteInstallationDeletedEvent,
    SiteInstallationSetupEvent, SiteViewEvent, SpaceContentUpdatedEvent,
    SpaceGitSyncCompletedEvent, SpaceGitSyncStartedEvent, SpaceInstallationDeletedEvent,
    SpaceInstallationSetupEvent, SpaceVisibilityUpdatedEvent, TaskEvent, UiRenderEvent, User,
    UserUrls, VisitorAuthenticationAction,
};
pub use webhook::{
    sign, sign_timestamped, verify_signature, verify_timestamped_signature, Algorithm, Headers,
    SignatureError, WebhookDelivery, WebhookError, WebhookHandler, WebhookReceiver,
};
