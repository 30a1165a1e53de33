//! Typed runtime events, as GitBook posts them to an integration.
//!
//! Every member of the API's `Event` union has its own struct here, and
//! [`Event`] dispatches on the JSON `type` field. Three rules keep the types
//! safe to use on data from a newer API version than this crate knows:
//!
//! - an event whose `type` is not known becomes [`Event::Unknown`] with its
//!   raw JSON, instead of failing the whole request;
//! - every struct keeps the fields it does not model in a flattened `extra`
//!   map, so an event serializes back to JSON equal to what was received;
//! - closed string sets (statuses, visibilities, …) have an `Other` variant
//!   that keeps values added after this version.
//!
//! The `type` discriminator belongs to [`Event`], not to the member structs:
//! serialize through [`Event`] to get it in the output.

use std::collections::BTreeMap;
use std::fmt;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

/// A JSON object, as used for free-form payloads (`props`, `state`, …).
pub type JsonObject = Map<String, Value>;

/// Status of an installation (`IntegrationInstallationStatus`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InstallationStatus {
    /// The installation is running.
    Active,
    /// The installation waits for configuration.
    Pending,
    /// The installation has been paused.
    Paused,
    /// A status added after this version of the crate, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

/// Visibility of a space (`ContentVisibility`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ContentVisibility {
    /// Visible to everyone and indexed.
    Public,
    /// Visible to anyone with the link.
    Unlisted,
    /// Visible through share links.
    ShareLink,
    /// Visible to authenticated visitors.
    VisitorAuth,
    /// Inherits the visibility of its collection.
    InCollection,
    /// Visible to members only.
    Private,
    /// A visibility added after this version of the crate, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

/// Outcome of a Git Sync operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GitSyncState {
    /// The sync succeeded.
    Success,
    /// The sync failed.
    Failure,
    /// A state added after this version of the crate, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

/// Rating given in page feedback (`PageFeedbackRating`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PageFeedbackRating {
    /// The page was not helpful.
    Bad,
    /// The page was somewhat helpful.
    Ok,
    /// The page was helpful.
    Good,
    /// A rating added after this version of the crate, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

/// HTTP method of a [`FetchRequest`]; GitBook sends it lowercase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FetchMethod {
    /// `post`
    Post,
    /// `get`
    Get,
    /// `put`
    Put,
    /// `delete`
    Delete,
    /// Any other method, kept exactly as received.
    #[serde(untagged)]
    Other(String),
}

impl FetchMethod {
    /// The method as it appears on the wire (lowercase for the known ones).
    pub fn as_str(&self) -> &str {
        match self {
            FetchMethod::Post => "post",
            FetchMethod::Get => "get",
            FetchMethod::Put => "put",
            FetchMethod::Delete => "delete",
            FetchMethod::Other(method) => method,
        }
    }
}

/// Action of a visitor-authentication fetch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VisitorAuthenticationAction {
    /// The visitor is logging out.
    Logout,
    /// An action added after this version of the crate, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

/// The user on whose behalf an event runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventAuth {
    /// ID of the GitBook user.
    pub user_id: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// A visitor of a published site (`EventVisitor`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventVisitor {
    /// Anonymous, stable identifier of the visitor.
    pub anonymous_id: String,
    /// Cookies sent by the visitor's browser.
    pub cookies: BTreeMap<String, String>,
    /// The visitor's `User-Agent`.
    pub user_agent: String,
    /// The visitor's IP address.
    pub ip: String,
    /// The visitor's preferred language, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// Links of a [`User`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserUrls {
    /// The user's profile URL.
    pub location: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// A GitBook user, as listed in [`SpaceContentUpdatedEvent::updated_by`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    /// Always `"user"`; kept so the object round-trips.
    pub object: String,
    /// ID of the user.
    pub id: String,
    /// Name shown for the user.
    pub display_name: String,
    /// The user's email, when the integration may see it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// URL of the user's avatar.
    #[serde(default, rename = "photoURL", skip_serializing_if = "Option::is_none")]
    pub photo_url: Option<String>,
    /// Links of the user.
    pub urls: UserUrls,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The previous state of an installation that was set up again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviousSetup {
    /// Status before the update.
    pub status: InstallationStatus,
    /// Configuration before the update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<JsonObject>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The state of an installation before it was deleted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PreviousDeleted {
    /// Configuration before the deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configuration: Option<JsonObject>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `installation_setup`: the integration was installed or its installation updated.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationSetupEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// Status after the setup.
    pub status: InstallationStatus,
    /// State before the setup, absent on a first install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousSetup>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `installation_deleted`: the integration was uninstalled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationDeletedEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// State before the deletion.
    pub previous: PreviousDeleted,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `space_installation_setup`: the integration was installed or updated on a space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceInstallationSetupEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the space.
    pub space_id: String,
    /// Status after the setup.
    pub status: InstallationStatus,
    /// State before the setup, absent on a first install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousSetup>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `space_installation_deleted`: the integration was removed from a space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceInstallationDeletedEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the space.
    pub space_id: String,
    /// State before the deletion.
    pub previous: PreviousDeleted,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `site_installation_setup`: the integration was installed or updated on a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteInstallationSetupEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the site.
    pub site_id: String,
    /// Status after the setup.
    pub status: InstallationStatus,
    /// State before the setup, absent on a first install.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub previous: Option<PreviousSetup>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `site_installation_deleted`: the integration was removed from a site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteInstallationDeletedEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the site.
    pub site_id: String,
    /// State before the deletion.
    pub previous: PreviousDeleted,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `site_view`: a page of a published site was visited.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteViewEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the site.
    pub site_id: String,
    /// ID of the site space that was viewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_space_id: Option<String>,
    /// ID of the space that was viewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    /// ID of the page that was viewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// Who viewed the page.
    pub visitor: EventVisitor,
    /// URL that was viewed.
    pub url: String,
    /// Referrer of the view (may be empty).
    pub referrer: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `space_content_updated`: the primary content of a space changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceContentUpdatedEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the space.
    pub space_id: String,
    /// The new revision.
    pub revision_id: String,
    /// Users who authored the change.
    pub updated_by: Vec<User>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `space_gitsync_completed`: a Git Sync operation finished.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceGitSyncCompletedEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the space.
    pub space_id: String,
    /// Whether the sync succeeded.
    pub state: GitSyncState,
    /// Revision produced or exported.
    pub revision_id: String,
    /// Git commit involved.
    pub commit_id: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `space_gitsync_started`: a Git Sync operation began.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceGitSyncStartedEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the space.
    pub space_id: String,
    /// Revision being synced.
    pub revision_id: String,
    /// Git commit being synced.
    pub commit_id: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `space_visibility_updated`: the visibility of a space changed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceVisibilityUpdatedEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the space.
    pub space_id: String,
    /// Visibility before the change.
    pub previous_visibility: ContentVisibility,
    /// Visibility after the change.
    pub visibility: ContentVisibility,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `task`: a task the integration queued for itself has come due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskEvent {
    /// ID of the event.
    pub event_id: String,
    /// The payload given when the task was queued.
    pub task: JsonObject,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The HTTP request carried by a [`FetchEvent`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchRequest {
    /// HTTP method.
    pub method: FetchMethod,
    /// Full URL of the request.
    pub url: String,
    /// Request headers.
    pub headers: BTreeMap<String, String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl FetchRequest {
    /// Looks up a header by name, ignoring ASCII case as HTTP does.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// `fetch`: an HTTP request reached the integration's endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchEvent {
    /// ID of the event.
    pub event_id: String,
    /// The request.
    pub request: FetchRequest,
    /// Installation the request is scoped to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation_id: Option<String>,
    /// Space the request is scoped to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    /// Site the request is scoped to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// The authenticated GitBook user, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<EventAuth>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `fetch_published_script`: a published site asks for the integration's script.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchPublishedScriptEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the site.
    pub site_id: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `fetch_visitor_authentication`: a visitor of a protected site must authenticate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FetchVisitorAuthenticationEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the site.
    pub site_id: String,
    /// What the visitor is doing, when not a plain login.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<VisitorAuthenticationAction>,
    /// The visitor's cookies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cookies: Option<BTreeMap<String, String>>,
    /// Path the visitor wanted to reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Query parameters of the visitor's request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub search_params: Option<BTreeMap<String, String>>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `ui_render`: GitBook asks a component to render (possibly after an action).
///
/// The API types this as "a space, site *or* installation event plus render
/// fields", so `spaceId` and `siteId` are both optional here. (The JSON
/// schema's rendering of that union as `oneOf` rejects a render carrying
/// `spaceId` or `siteId`, since such an event also matches the installation
/// branch; this type deliberately accepts them.)
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UiRenderEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// Space the component renders in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    /// Site the component renders in, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_id: Option<String>,
    /// Which component of the integration to render.
    pub component_id: String,
    /// Props given by the parent.
    pub props: JsonObject,
    /// State from the previous render, absent on the first one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<JsonObject>,
    /// Where the component renders (`ContentKitContext`). Kept as raw JSON
    /// because the typed render context is owned by the component module.
    pub context: Value,
    /// The action that triggered this render, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<JsonObject>,
    /// The user interacting with the component, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth: Option<EventAuth>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// Kind of content a [`ContentRef`] points at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContentRefKind {
    /// A space (`space` field set).
    Space,
    /// An OpenAPI specification (`spec` field set).
    Openapi,
    /// A translation (`translation` field set).
    Translation,
    /// A kind added after this version of the crate, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

/// A reference to content a computed block depends on.
///
/// Modelled as one struct rather than an enum so references of kinds this
/// version does not know still parse and round-trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentRef {
    /// What the reference points at.
    pub kind: ContentRefKind,
    /// Space ID, for [`ContentRefKind::Space`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space: Option<String>,
    /// Specification slug, for [`ContentRefKind::Openapi`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<String>,
    /// Translation ID, for [`ContentRefKind::Translation`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translation: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// A resolved dependency of a computed content block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ComputedContentDependency {
    /// What was depended on.
    #[serde(rename = "ref")]
    pub reference: ContentRef,
    /// What it resolved to, or `null` when it could not be resolved. Its
    /// shape depends on the reference kind, so it stays raw JSON; it is
    /// always written out (as `null` when `None`) because the API requires it.
    pub value: Option<JsonObject>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `content_compute_document` / `content_compute_revision`: GitBook asks a
/// content source to compute a document or a whole revision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContentComputeEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the space the content is computed for.
    pub space_id: String,
    /// Which content source of the integration computes it.
    pub source_id: String,
    /// Props of the content source.
    pub props: JsonObject,
    /// Resolved dependencies, by the names the source gave them.
    pub dependencies: BTreeMap<String, ComputedContentDependency>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The feedback of a [`PageFeedbackEvent`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageFeedback {
    /// How helpful the page was.
    pub rating: PageFeedbackRating,
    /// Free-text comment, if the visitor left one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// `page_feedback`: a visitor rated a page of a published site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PageFeedbackEvent {
    /// ID of the event.
    pub event_id: String,
    /// ID of the installation.
    pub installation_id: String,
    /// ID of the site.
    pub site_id: String,
    /// ID of the space of the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_id: Option<String>,
    /// ID of the page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page_id: Option<String>,
    /// The feedback.
    pub feedback: PageFeedback,
    /// Who gave it.
    pub visitor: EventVisitor,
    /// URL of the page.
    pub url: String,
    /// Referrer of the visit (may be empty).
    pub referrer: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// Declares [`Event`] and its dispatch from one table, so a variant, its
/// struct and its `type` string cannot drift apart.
macro_rules! events {
    ($($(#[$doc:meta])* $variant:ident($payload:ty) = $type_name:literal,)+) => {
        /// Any event GitBook can send to an integration, keyed by its `type`.
        #[derive(Debug, Clone, PartialEq)]
        #[non_exhaustive]
        pub enum Event {
            $($(#[$doc])* $variant($payload),)+
            /// An event whose `type` this version does not know.
            Unknown {
                /// The `type` it was sent with.
                type_name: String,
                /// The whole event, exactly as received; serialized verbatim.
                raw: Value,
            },
        }

        impl Event {
            /// Every `type` this version parses into a typed variant.
            pub const KNOWN_TYPES: &'static [&'static str] = &[$($type_name),+];

            /// The event's `type` string, as sent on the wire.
            pub fn type_name(&self) -> &str {
                match self {
                    $(Event::$variant(_) => $type_name,)+
                    Event::Unknown { type_name, .. } => type_name,
                }
            }

            /// Parses the fields of an event whose `type` has already been
            /// taken out of them.
            fn parse_fields(
                type_name: String,
                mut fields: JsonObject,
            ) -> Result<Event, serde_json::Error> {
                match type_name.as_str() {
                    $($type_name => serde_json::from_value(Value::Object(fields)).map(Event::$variant),)+
                    _ => {
                        // Put the discriminator back: `raw` is the event as sent.
                        fields.insert("type".to_owned(), Value::String(type_name.clone()));
                        Ok(Event::Unknown { type_name, raw: Value::Object(fields) })
                    }
                }
            }

            /// Serializes a typed event with its `type` first.
            fn serialize_known<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Event::$variant(payload) => Tagged { type_name: $type_name, payload }.serialize(serializer),)+
                    Event::Unknown { raw, .. } => raw.serialize(serializer),
                }
            }
        }
    };
}

/// `From<Payload> for Event`, for payloads used by exactly one variant (the
/// two content-compute variants share [`ContentComputeEvent`], so it has none).
macro_rules! from_payload {
    ($($variant:ident($payload:ty),)+) => {
        $(
            impl From<$payload> for Event {
                fn from(payload: $payload) -> Self {
                    Event::$variant(payload)
                }
            }
        )+
    };
}

events! {
    /// `installation_setup`
    InstallationSetup(InstallationSetupEvent) = "installation_setup",
    /// `installation_deleted`
    InstallationDeleted(InstallationDeletedEvent) = "installation_deleted",
    /// `space_installation_setup`
    SpaceInstallationSetup(SpaceInstallationSetupEvent) = "space_installation_setup",
    /// `space_installation_deleted`
    SpaceInstallationDeleted(SpaceInstallationDeletedEvent) = "space_installation_deleted",
    /// `site_installation_setup`
    SiteInstallationSetup(SiteInstallationSetupEvent) = "site_installation_setup",
    /// `site_installation_deleted`
    SiteInstallationDeleted(SiteInstallationDeletedEvent) = "site_installation_deleted",
    /// `site_view`
    SiteView(SiteViewEvent) = "site_view",
    /// `space_content_updated`
    SpaceContentUpdated(SpaceContentUpdatedEvent) = "space_content_updated",
    /// `space_gitsync_completed`
    SpaceGitSyncCompleted(SpaceGitSyncCompletedEvent) = "space_gitsync_completed",
    /// `space_gitsync_started`
    SpaceGitSyncStarted(SpaceGitSyncStartedEvent) = "space_gitsync_started",
    /// `space_visibility_updated`
    SpaceVisibilityUpdated(SpaceVisibilityUpdatedEvent) = "space_visibility_updated",
    /// `task`
    Task(TaskEvent) = "task",
    /// `fetch`
    Fetch(FetchEvent) = "fetch",
    /// `fetch_published_script`
    FetchPublishedScript(FetchPublishedScriptEvent) = "fetch_published_script",
    /// `fetch_visitor_authentication`
    FetchVisitorAuthentication(FetchVisitorAuthenticationEvent) = "fetch_visitor_authentication",
    /// `ui_render`
    UiRender(UiRenderEvent) = "ui_render",
    /// `content_compute_document`
    ContentComputeDocument(ContentComputeEvent) = "content_compute_document",
    /// `content_compute_revision`
    ContentComputeRevision(ContentComputeEvent) = "content_compute_revision",
    /// `page_feedback`
    PageFeedback(PageFeedbackEvent) = "page_feedback",
}

from_payload! {
    InstallationSetup(InstallationSetupEvent),
    InstallationDeleted(InstallationDeletedEvent),
    SpaceInstallationSetup(SpaceInstallationSetupEvent),
    SpaceInstallationDeleted(SpaceInstallationDeletedEvent),
    SiteInstallationSetup(SiteInstallationSetupEvent),
    SiteInstallationDeleted(SiteInstallationDeletedEvent),
    SiteView(SiteViewEvent),
    SpaceContentUpdated(SpaceContentUpdatedEvent),
    SpaceGitSyncCompleted(SpaceGitSyncCompletedEvent),
    SpaceGitSyncStarted(SpaceGitSyncStartedEvent),
    SpaceVisibilityUpdated(SpaceVisibilityUpdatedEvent),
    Task(TaskEvent),
    Fetch(FetchEvent),
    FetchPublishedScript(FetchPublishedScriptEvent),
    FetchVisitorAuthentication(FetchVisitorAuthenticationEvent),
    UiRender(UiRenderEvent),
    PageFeedback(PageFeedbackEvent),
}

/// Writes `type` ahead of a payload struct's own fields.
#[derive(Serialize)]
struct Tagged<'a, T: Serialize> {
    #[serde(rename = "type")]
    type_name: &'static str,
    #[serde(flatten)]
    payload: &'a T,
}

impl Event {
    /// Parses an event from JSON already decoded into a [`Value`].
    ///
    /// Fails only when the value is not an object, has no string `type`, or
    /// is a known type whose fields do not match the API.
    pub fn from_value(value: Value) -> Result<Event, EventError> {
        let Value::Object(mut fields) = value else {
            return Err(EventError::NotAnObject);
        };
        let type_name = match fields.get("type") {
            Some(Value::String(type_name)) => type_name.clone(),
            Some(_) => return Err(EventError::TypeNotAString),
            None => return Err(EventError::MissingType),
        };
        if !Event::KNOWN_TYPES.contains(&type_name.as_str()) {
            // Kept untouched (with its `type`) so it is written back verbatim.
            return Ok(Event::Unknown {
                type_name,
                raw: Value::Object(fields),
            });
        }
        // The discriminator is re-added on output by `Tagged`; left in place
        // it would land in the payload's `extra` map and be written twice.
        fields.remove("type");
        Event::parse_fields(type_name.clone(), fields).map_err(|source| EventError::InvalidFields {
            type_name,
            message: source.to_string(),
        })
    }

    /// Parses an event from JSON bytes (the `event` part of a runtime request).
    pub fn from_slice(bytes: &[u8]) -> Result<Event, EventError> {
        let value: Value =
            serde_json::from_slice(bytes).map_err(|e| EventError::InvalidJson(e.to_string()))?;
        Event::from_value(value)
    }

    /// The event as JSON, with its `type`.
    pub fn to_value(&self) -> Result<Value, serde_json::Error> {
        serde_json::to_value(self)
    }

    /// Whether this version knows the event's type.
    pub fn is_known(&self) -> bool {
        !matches!(self, Event::Unknown { .. })
    }

    /// ID of the event (`eventId`), for every type including unknown ones.
    pub fn event_id(&self) -> Option<&str> {
        let id = match self {
            Event::InstallationSetup(e) => &e.event_id,
            Event::InstallationDeleted(e) => &e.event_id,
            Event::SpaceInstallationSetup(e) => &e.event_id,
            Event::SpaceInstallationDeleted(e) => &e.event_id,
            Event::SiteInstallationSetup(e) => &e.event_id,
            Event::SiteInstallationDeleted(e) => &e.event_id,
            Event::SiteView(e) => &e.event_id,
            Event::SpaceContentUpdated(e) => &e.event_id,
            Event::SpaceGitSyncCompleted(e) => &e.event_id,
            Event::SpaceGitSyncStarted(e) => &e.event_id,
            Event::SpaceVisibilityUpdated(e) => &e.event_id,
            Event::Task(e) => &e.event_id,
            Event::Fetch(e) => &e.event_id,
            Event::FetchPublishedScript(e) => &e.event_id,
            Event::FetchVisitorAuthentication(e) => &e.event_id,
            Event::UiRender(e) => &e.event_id,
            Event::ContentComputeDocument(e) | Event::ContentComputeRevision(e) => &e.event_id,
            Event::PageFeedback(e) => &e.event_id,
            Event::Unknown { raw, .. } => return raw.get("eventId").and_then(Value::as_str),
        };
        Some(id)
    }

    /// Top-level fields of a known event that this version does not model;
    /// `None` for [`Event::Unknown`], whose fields are all in `raw`.
    pub fn extra(&self) -> Option<&JsonObject> {
        let extra = match self {
            Event::InstallationSetup(e) => &e.extra,
            Event::InstallationDeleted(e) => &e.extra,
            Event::SpaceInstallationSetup(e) => &e.extra,
            Event::SpaceInstallationDeleted(e) => &e.extra,
            Event::SiteInstallationSetup(e) => &e.extra,
            Event::SiteInstallationDeleted(e) => &e.extra,
            Event::SiteView(e) => &e.extra,
            Event::SpaceContentUpdated(e) => &e.extra,
            Event::SpaceGitSyncCompleted(e) => &e.extra,
            Event::SpaceGitSyncStarted(e) => &e.extra,
            Event::SpaceVisibilityUpdated(e) => &e.extra,
            Event::Task(e) => &e.extra,
            Event::Fetch(e) => &e.extra,
            Event::FetchPublishedScript(e) => &e.extra,
            Event::FetchVisitorAuthentication(e) => &e.extra,
            Event::UiRender(e) => &e.extra,
            Event::ContentComputeDocument(e) | Event::ContentComputeRevision(e) => &e.extra,
            Event::PageFeedback(e) => &e.extra,
            Event::Unknown { .. } => return None,
        };
        Some(extra)
    }

    /// ID of the installation the event belongs to, when it has one.
    pub fn installation_id(&self) -> Option<&str> {
        match self {
            Event::InstallationSetup(e) => Some(&e.installation_id),
            Event::InstallationDeleted(e) => Some(&e.installation_id),
            Event::SpaceInstallationSetup(e) => Some(&e.installation_id),
            Event::SpaceInstallationDeleted(e) => Some(&e.installation_id),
            Event::SiteInstallationSetup(e) => Some(&e.installation_id),
            Event::SiteInstallationDeleted(e) => Some(&e.installation_id),
            Event::SiteView(e) => Some(&e.installation_id),
            Event::SpaceContentUpdated(e) => Some(&e.installation_id),
            Event::SpaceGitSyncCompleted(e) => Some(&e.installation_id),
            Event::SpaceGitSyncStarted(e) => Some(&e.installation_id),
            Event::SpaceVisibilityUpdated(e) => Some(&e.installation_id),
            Event::Task(_) => None,
            Event::Fetch(e) => e.installation_id.as_deref(),
            Event::FetchPublishedScript(e) => Some(&e.installation_id),
            Event::FetchVisitorAuthentication(e) => Some(&e.installation_id),
            Event::UiRender(e) => Some(&e.installation_id),
            Event::ContentComputeDocument(e) | Event::ContentComputeRevision(e) => {
                Some(&e.installation_id)
            }
            Event::PageFeedback(e) => Some(&e.installation_id),
            Event::Unknown { raw, .. } => raw.get("installationId").and_then(Value::as_str),
        }
    }
}

impl Serialize for Event {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.serialize_known(serializer)
    }
}

impl<'de> Deserialize<'de> for Event {
    // By hand rather than `#[serde(tag = "type")]`: an internally tagged enum
    // cannot keep an unknown tag together with the raw event.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = Value::deserialize(deserializer)?;
        Event::from_value(value).map_err(D::Error::custom)
    }
}

/// Why an event could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The bytes were not JSON.
    #[error("event is not valid JSON: {0}")]
    InvalidJson(String),
    /// The JSON was not an object.
    #[error("event must be a JSON object")]
    NotAnObject,
    /// The object has no `type`.
    #[error("event has no `type` field")]
    MissingType,
    /// The `type` is not a string.
    #[error("event `type` must be a string")]
    TypeNotAString,
    /// A known event type whose fields do not match the API.
    #[error("invalid `{type_name}` event: {message}")]
    InvalidFields {
        /// The event's `type`.
        type_name: String,
        /// What serde reported.
        message: String,
    },
}

impl fmt::Display for Event {
    /// A short label for logs: the type and, when present, the event ID.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.event_id() {
            Some(id) => write!(f, "{} ({id})", self.type_name()),
            None => f.write_str(self.type_name()),
        }
    }
}
