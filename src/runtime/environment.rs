//! The execution environment GitBook sends with every runtime request.
//!
//! [`IntegrationEnvironment`] is the `environment` part of the request: API
//! access, the integration itself, the installation(s) the event runs for,
//! and secrets. As with events, every struct keeps the fields it does not
//! model in a flattened `extra` map so the value round-trips unchanged.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::event::{InstallationStatus, JsonObject};

/// Tokens for calling the GitBook API.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ApiTokens {
    /// Token acting as the integration.
    pub integration: String,
    /// Token acting as the current installation, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// Secrets for signing and verifying requests at each level of installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SigningSecrets {
    /// The integration's signing secret.
    pub integration: String,
    /// The organization installation's signing secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation: Option<String>,
    /// The space installation's signing secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_installation: Option<String>,
    /// The site installation's signing secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_installation: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// Network settings of an integration or installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationNetwork {
    /// Whether outgoing requests go through GitBook's proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proxy: Option<bool>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// Public URLs of an integration.
///
/// All optional: only the endpoints matter to most integrations, and a
/// missing link should not make the whole environment unreadable.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationUrls {
    /// The integration's API URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The integration's page in the GitBook app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Base URL of the integration's static assets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<String>,
    /// The integration's icon.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Where the integration receives HTTP requests (OAuth callbacks, webhooks).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_endpoint: Option<String>,
    /// Where the integration serves public content.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_content_endpoint: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl IntegrationUrls {
    /// The URLs GitBook gives the integration `name`, as its environment carries
    /// them (the API, the app, the assets and icon, the public endpoints).
    ///
    /// ```
    /// use contentkit::runtime::environment::IntegrationUrls;
    /// let urls = IntegrationUrls::for_tests("acme");
    /// assert_eq!(
    ///     urls.public_endpoint.as_deref(),
    ///     Some("https://integrations.gitbook.com/v1/integrations/acme")
    /// );
    /// ```
    pub fn for_tests(name: &str) -> Self {
        let public = format!("https://integrations.gitbook.com/v1/integrations/{name}");
        IntegrationUrls {
            location: Some(format!("https://api.gitbook.com/v1/integrations/{name}")),
            app: Some(format!("https://app.gitbook.com/integrations/{name}")),
            assets: Some(format!("{public}/assets")),
            icon: Some(format!("{public}/icon.png")),
            public_content_endpoint: Some(format!("{public}/content")),
            public_endpoint: Some(public),
            extra: JsonObject::new(),
        }
    }
}

/// The integration itself, with the fields an integration author reads.
///
/// The API's `Integration` object is large (owner organization, blocks,
/// configurations, …); what is not modelled here stays in `extra`. Only the
/// name is required so a trimmed-down environment (tests, local development)
/// still parses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Integration {
    /// Unique name (slug) of the integration.
    pub name: String,
    /// Human-readable title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Published version number. Kept as a JSON number since the API does
    /// not promise an integer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<serde_json::Number>,
    /// Short description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Scopes granted to the integration (e.g. `space:content:read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scopes: Option<Vec<String>>,
    /// What it can be installed on: `all`, `site`, `space` or `organization`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Marketplace visibility: `public`, `private` or `unlisted`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visibility: Option<String>,
    /// Public URLs of the integration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<IntegrationUrls>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl Integration {
    /// An integration with only a name.
    pub fn named(name: impl Into<String>) -> Self {
        Integration {
            name: name.into(),
            title: None,
            version: None,
            summary: None,
            scopes: None,
            target: None,
            visibility: None,
            urls: None,
            extra: JsonObject::new(),
        }
    }

    /// Whether the integration was granted `scope`.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.scopes
            .as_ref()
            .is_some_and(|scopes| scopes.iter().any(|granted| granted == scope))
    }
}

/// Whether an installation covers all spaces (or sites) or a selection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Selection {
    /// Every space or site of the organization.
    All,
    /// Only the spaces or sites picked by the user.
    Selected,
    /// A value added after this version of the crate, kept verbatim.
    #[serde(untagged)]
    Other(String),
}

/// URLs of an installation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationUrls {
    /// The installation's API URL.
    pub location: String,
    /// Where the installation receives HTTP requests.
    pub public_endpoint: String,
    /// Where the installation serves public content.
    pub public_content_endpoint: String,
    /// The installation's page in the GitBook app (organization installations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// What an organization installation is attached to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InstallationTarget {
    /// ID of the organization.
    pub organization: String,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The installation of the integration in an organization.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationInstallation {
    /// ID of the installation.
    pub id: String,
    /// Current status.
    pub status: InstallationStatus,
    /// Configuration entered by the user. Absent reads as empty, as the official runtime
    /// reads it.
    #[serde(default)]
    pub configuration: JsonObject,
    /// External identifiers the integration attached (at most five).
    pub external_ids: Vec<String>,
    /// URLs of the installation.
    pub urls: InstallationUrls,
    /// Which spaces the installation covers.
    #[serde(
        default,
        rename = "space_selection",
        skip_serializing_if = "Option::is_none"
    )]
    pub space_selection: Option<Selection>,
    /// Which sites the installation covers.
    #[serde(
        default,
        rename = "site_selection",
        skip_serializing_if = "Option::is_none"
    )]
    pub site_selection: Option<Selection>,
    /// Number of spaces the installation covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spaces: Option<serde_json::Number>,
    /// The organization the installation belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<InstallationTarget>,
    /// Creation time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Last update time (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The installation of the integration on one space.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpaceInstallation {
    /// ID of the space.
    pub space: String,
    /// Name of the integration.
    pub integration: String,
    /// ID of the organization installation this belongs to.
    pub installation: String,
    /// Current status.
    pub status: InstallationStatus,
    /// Configuration entered for this space. Absent reads as empty, as the official runtime
    /// reads it.
    #[serde(default)]
    pub configuration: JsonObject,
    /// External identifiers the integration attached (at most five).
    pub external_ids: Vec<String>,
    /// URLs of the space installation.
    pub urls: InstallationUrls,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The installation of the integration on one site.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SiteInstallation {
    /// ID of the site.
    pub site: String,
    /// Name of the integration.
    pub integration: String,
    /// ID of the organization installation this belongs to.
    pub installation: String,
    /// Current status.
    pub status: InstallationStatus,
    /// Configuration entered for this site. Absent reads as empty, as the official runtime
    /// reads it.
    #[serde(default)]
    pub configuration: JsonObject,
    /// External identifiers the integration attached (at most five).
    pub external_ids: Vec<String>,
    /// URLs of the site installation.
    pub urls: InstallationUrls,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

/// The `environment` of a runtime request (`IntegrationEnvironment`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IntegrationEnvironment {
    /// Base URL of the GitBook HTTP API.
    pub api_endpoint: String,
    /// Tokens for the API.
    pub api_tokens: ApiTokens,
    /// Token of the user who triggered the request, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_token: Option<String>,
    /// The integration.
    pub integration: Integration,
    /// The organization installation, when the event runs for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub installation: Option<IntegrationInstallation>,
    /// The space installation, when the event runs for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub space_installation: Option<SpaceInstallation>,
    /// The site installation, when the event runs for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_installation: Option<SiteInstallation>,
    /// Network settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<IntegrationNetwork>,
    /// Secrets configured on the integration, by name. Absent reads as none, as the
    /// official runtime reads it.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    /// Legacy single signing secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing_secret: Option<String>,
    /// Signing secrets at each level of installation.
    pub signing_secrets: SigningSecrets,
    /// Fields this version does not model.
    #[serde(flatten)]
    pub extra: JsonObject,
}

impl IntegrationEnvironment {
    /// A minimal valid environment for tests and examples: fixed fake
    /// endpoint, tokens and signing secret, the integration's URLs (components
    /// read `environment.integration.urls.icon` and `.publicEndpoint`), no
    /// installation, no secrets. Renders outside a runtime request (the CLI,
    /// the playground, the harness) see it.
    ///
    /// ```
    /// use contentkit::runtime::IntegrationEnvironment;
    ///
    /// let mut environment = IntegrationEnvironment::for_tests();
    /// environment.secrets.insert("CLIENT_ID".into(), "my-client".into());
    /// assert_eq!(environment.secret("CLIENT_ID"), Some("my-client"));
    /// assert_eq!(environment.configuration(), None);
    /// ```
    pub fn for_tests() -> Self {
        IntegrationEnvironment {
            api_endpoint: "https://api.gitbook.com".to_owned(),
            api_tokens: ApiTokens {
                integration: "test-integration-token".to_owned(),
                installation: None,
                extra: JsonObject::new(),
            },
            auth_token: None,
            integration: Integration {
                urls: Some(IntegrationUrls::for_tests("test-integration")),
                ..Integration::named("test-integration")
            },
            installation: None,
            space_installation: None,
            site_installation: None,
            network: None,
            secrets: BTreeMap::new(),
            signing_secret: None,
            signing_secrets: SigningSecrets {
                integration: "test-signing-secret".to_owned(),
                installation: None,
                space_installation: None,
                site_installation: None,
                extra: JsonObject::new(),
            },
            extra: JsonObject::new(),
        }
    }

    /// Parses an environment from JSON bytes (the `environment` part of a
    /// runtime request).
    pub fn from_slice(bytes: &[u8]) -> Result<Self, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Looks up a secret configured on the integration.
    pub fn secret(&self, name: &str) -> Option<&str> {
        self.secrets.get(name).map(String::as_str)
    }

    /// The configuration of the most specific installation present (site,
    /// then space, then organization), which is the one that applies to
    /// the current event.
    pub fn configuration(&self) -> Option<&JsonObject> {
        if let Some(site) = &self.site_installation {
            return Some(&site.configuration);
        }
        if let Some(space) = &self.space_installation {
            return Some(&space.configuration);
        }
        self.installation
            .as_ref()
            .map(|installation| &installation.configuration)
    }

    /// One value of [`configuration`](Self::configuration).
    pub fn configuration_value(&self, key: &str) -> Option<&Value> {
        self.configuration()?.get(key)
    }
}
