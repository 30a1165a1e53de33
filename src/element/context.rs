//! The five contexts a component is rendered in.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::Value;

use super::decode::{Decode, Decoder};
use super::json::Json;
use super::ErrorKind;

string_enum! {
    /// The colour theme of the UI around the component.
    pub enum Theme {
        /// Light.
        Light = "light",
        /// Dark.
        Dark = "dark",
    }
}

/// Where a component is rendered: `context` in a `ui_render` request.
///
/// ```
/// use contentkit::element::{RenderContext, Theme};
/// let cx = RenderContext::document("space_1", Theme::Light, true);
/// assert_eq!(
///     serde_json::to_string(&cx).unwrap(),
///     r#"{"type":"document","theme":"light","spaceId":"space_1","editable":true}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum RenderContext {
    /// A block in a document.
    Document {
        /// The theme.
        theme: Theme,
        /// The space.
        space_id: String,
        /// Whether the document is being edited.
        editable: bool,
    },
    /// The organization-wide configuration screen.
    ConfigurationAccount {
        /// The theme.
        theme: Theme,
        /// The organization.
        organization_id: String,
    },
    /// A space's configuration screen.
    ConfigurationSpace {
        /// The theme.
        theme: Theme,
        /// The space.
        space_id: String,
    },
    /// A site's configuration screen.
    ConfigurationSite {
        /// The theme.
        theme: Theme,
        /// The site.
        site_id: String,
    },
    /// A content source's configuration screen.
    ConfigurationContentSource {
        /// The theme.
        theme: Theme,
        /// The organization.
        organization_id: String,
        /// The space, when there is one.
        space_id: Option<String>,
    },
}

impl RenderContext {
    /// A document context.
    pub fn document(space_id: impl Into<String>, theme: Theme, editable: bool) -> Self {
        RenderContext::Document {
            theme,
            space_id: space_id.into(),
            editable,
        }
    }

    /// The theme.
    pub fn theme(&self) -> Theme {
        match self {
            RenderContext::Document { theme, .. }
            | RenderContext::ConfigurationAccount { theme, .. }
            | RenderContext::ConfigurationSpace { theme, .. }
            | RenderContext::ConfigurationSite { theme, .. }
            | RenderContext::ConfigurationContentSource { theme, .. } => *theme,
        }
    }

    /// The `type` tag.
    pub fn type_name(&self) -> &'static str {
        match self {
            RenderContext::Document { .. } => "document",
            RenderContext::ConfigurationAccount { .. } => "configuration_account",
            RenderContext::ConfigurationSpace { .. } => "configuration_space",
            RenderContext::ConfigurationSite { .. } => "configuration_site",
            RenderContext::ConfigurationContentSource { .. } => "configuration_contentsource",
        }
    }

    /// The JSON form.
    pub fn to_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads a context strictly; paths start at `context`.
    pub fn from_value(v: &Value) -> Result<Self, super::ValidationErrors> {
        let mut d = Decoder::new("context");
        let cx = RenderContext::decode(v, &mut d);
        d.finish(cx)
    }
}

const CONTEXT_TYPES: &[&str] = &[
    "document",
    "configuration_account",
    "configuration_space",
    "configuration_site",
    "configuration_contentsource",
];

impl Serialize for RenderContext {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("type", self.type_name())?;
        m.serialize_entry("theme", &self.theme())?;
        match self {
            RenderContext::Document {
                space_id, editable, ..
            } => {
                m.serialize_entry("spaceId", space_id)?;
                m.serialize_entry("editable", editable)?;
            }
            RenderContext::ConfigurationAccount {
                organization_id, ..
            } => m.serialize_entry("organizationId", organization_id)?,
            RenderContext::ConfigurationSpace { space_id, .. } => {
                m.serialize_entry("spaceId", space_id)?
            }
            RenderContext::ConfigurationSite { site_id, .. } => {
                m.serialize_entry("siteId", site_id)?
            }
            RenderContext::ConfigurationContentSource {
                organization_id,
                space_id,
                ..
            } => {
                m.serialize_entry("organizationId", organization_id)?;
                if let Some(space_id) = space_id {
                    m.serialize_entry("spaceId", space_id)?;
                }
            }
        }
        m.end()
    }
}

impl Decode for RenderContext {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        let obj = d.object(v)?;
        let ty = d.required(obj, "type", String::decode)?;
        let theme = d.required(obj, "theme", Theme::decode);
        let s = |d: &mut Decoder, key| d.required(obj, key, String::decode);
        let cx = match ty.as_str() {
            "document" => {
                d.unknown_keys(
                    obj,
                    &["theme", "spaceId", "editable"],
                    true,
                    "document context",
                );
                let space_id = s(d, "spaceId");
                let editable = d.required(obj, "editable", bool::decode);
                RenderContext::Document {
                    theme: theme?,
                    space_id: space_id?,
                    editable: editable?,
                }
            }
            "configuration_account" => {
                d.unknown_keys(
                    obj,
                    &["theme", "organizationId"],
                    true,
                    "configuration context",
                );
                let organization_id = s(d, "organizationId");
                RenderContext::ConfigurationAccount {
                    theme: theme?,
                    organization_id: organization_id?,
                }
            }
            "configuration_space" => {
                d.unknown_keys(obj, &["theme", "spaceId"], true, "configuration context");
                let space_id = s(d, "spaceId");
                RenderContext::ConfigurationSpace {
                    theme: theme?,
                    space_id: space_id?,
                }
            }
            "configuration_site" => {
                d.unknown_keys(obj, &["theme", "siteId"], true, "configuration context");
                let site_id = s(d, "siteId");
                RenderContext::ConfigurationSite {
                    theme: theme?,
                    site_id: site_id?,
                }
            }
            "configuration_contentsource" => {
                d.unknown_keys(
                    obj,
                    &["theme", "organizationId", "spaceId"],
                    true,
                    "configuration context",
                );
                let organization_id = s(d, "organizationId");
                let space_id = d.optional(obj, "spaceId", String::decode);
                RenderContext::ConfigurationContentSource {
                    theme: theme?,
                    organization_id: organization_id?,
                    space_id: space_id?,
                }
            }
            _ => {
                d.at_key("type", |d| {
                    d.error(ErrorKind::UnknownValue {
                        found: super::decode::quoted(&ty),
                        expected: CONTEXT_TYPES,
                    })
                });
                return None;
            }
        };
        Some(cx)
    }
}
