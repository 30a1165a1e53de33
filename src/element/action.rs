//! Actions: what a button press, a value change or a step sends.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::decode::{decode_plain_object, free_form, Decode, Decoder, Object};
use super::json::Json;

/// The actions GitBook itself handles, by name.
pub mod names {
    /// Opens a component as a modal.
    pub const MODAL_OPEN: &str = "@ui.modal.open";
    /// Closes the current modal, handing a value to the component underneath.
    pub const MODAL_CLOSE: &str = "@ui.modal.close";
    /// Opens a URL in a new tab.
    pub const URL_OPEN: &str = "@ui.url.open";
    /// Asks the integration to unfurl a link into a block.
    pub const LINK_UNFURL: &str = "@link.unfurl";
    /// Updates the props of the block's node in the editor.
    pub const UPDATE_PROPS: &str = "@editor.node.updateProps";
}

/// An action a ContentKit element sends.
///
/// The five actions GitBook handles itself are typed; any other name is a custom
/// action for the integration, kept with every field it carries.
///
/// ```
/// use contentkit::element::Action;
/// let a = Action::custom("save").with("id", 3);
/// assert_eq!(serde_json::to_string(&a).unwrap(), r#"{"action":"save","id":3}"#);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// `@ui.modal.open`: render `component_id` with `props` as a modal.
    ModalOpen {
        /// The component to open.
        component_id: String,
        /// Its props.
        props: Object,
    },
    /// `@ui.modal.close`: close the modal and hand `return_value` to the component underneath.
    ModalClose {
        /// The value handed back.
        return_value: Object,
    },
    /// `@ui.url.open`: open `url` in a new tab.
    UrlOpen {
        /// The URL.
        url: String,
    },
    /// `@link.unfurl`: unfurl `url`.
    LinkUnfurl {
        /// The URL.
        url: String,
    },
    /// `@editor.node.updateProps`: replace the props of the block's node.
    UpdateProps {
        /// The new props.
        props: Object,
    },
    /// Any other action, sent to the integration's action handler.
    Custom(CustomAction),
}

/// An action the integration handles: its name and every other field, in order.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomAction {
    /// The action's name (`"save"`, `"@webframe.resize"`, …).
    pub action: String,
    /// Every field besides `action`.
    pub fields: Map<String, Value>,
}

impl Action {
    /// A custom action with no fields.
    pub fn custom(name: impl Into<String>) -> Self {
        Action::Custom(CustomAction {
            action: name.into(),
            fields: Map::new(),
        })
    }

    /// Adds a field to a custom action (other actions are returned unchanged).
    #[must_use]
    pub fn with(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        if let Action::Custom(c) = &mut self {
            let mut value = value.into();
            super::number::normalize_numbers(&mut value);
            c.fields.insert(key.into(), value);
        }
        self
    }

    /// `@ui.url.open` for `url`.
    pub fn open_url(url: impl Into<String>) -> Self {
        Action::UrlOpen { url: url.into() }
    }

    /// `@ui.modal.open` for a component with props.
    pub fn open_modal(component_id: impl Into<String>, props: Object) -> Self {
        Action::ModalOpen {
            component_id: component_id.into(),
            props,
        }
    }

    /// `@ui.modal.close` with a return value.
    pub fn close_modal(return_value: Object) -> Self {
        Action::ModalClose { return_value }
    }

    /// Reads an action strictly (a default action carries its fields and no others);
    /// paths start at `action`.
    ///
    /// ```
    /// use contentkit::element::Action;
    /// let err = Action::from_value(&serde_json::json!({"id": 3})).unwrap_err();
    /// assert_eq!(err.to_string(), r#"action: missing required field "action""#);
    /// ```
    pub fn from_value(v: &Value) -> Result<Self, super::ValidationErrors> {
        let mut d = Decoder::new("action");
        let action = Action::decode(v, &mut d);
        d.finish(action)
    }

    /// The action's name.
    pub fn name(&self) -> &str {
        match self {
            Action::ModalOpen { .. } => names::MODAL_OPEN,
            Action::ModalClose { .. } => names::MODAL_CLOSE,
            Action::UrlOpen { .. } => names::URL_OPEN,
            Action::LinkUnfurl { .. } => names::LINK_UNFURL,
            Action::UpdateProps { .. } => names::UPDATE_PROPS,
            Action::Custom(c) => &c.action,
        }
    }
}

impl Serialize for Action {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(None)?;
        map.serialize_entry("action", self.name())?;
        match self {
            Action::ModalOpen {
                component_id,
                props,
            } => {
                map.serialize_entry("componentId", component_id)?;
                map.serialize_entry("props", props)?;
            }
            Action::ModalClose { return_value } => {
                map.serialize_entry("returnValue", return_value)?
            }
            Action::UrlOpen { url } | Action::LinkUnfurl { url } => {
                map.serialize_entry("url", url)?
            }
            Action::UpdateProps { props } => map.serialize_entry("props", props)?,
            Action::Custom(c) => {
                for (k, v) in &c.fields {
                    map.serialize_entry(k, v)?;
                }
            }
        }
        map.end()
    }
}

impl Decode for Action {
    fn decode<'a, J: Json<'a>>(v: J, d: &mut Decoder) -> Option<Self> {
        let obj = d.object(v)?;
        let name = d.required(obj, "action", String::decode)?;
        match name.as_str() {
            names::MODAL_OPEN => {
                d.unknown_keys(
                    obj,
                    &["action", "componentId", "props"],
                    false,
                    "@ui.modal.open",
                );
                let component_id = d.required(obj, "componentId", String::decode);
                let props = d.required(obj, "props", decode_plain_object);
                Some(Action::ModalOpen {
                    component_id: component_id?,
                    props: props?,
                })
            }
            names::MODAL_CLOSE => {
                d.unknown_keys(obj, &["action", "returnValue"], false, "@ui.modal.close");
                let return_value = d.required(obj, "returnValue", decode_plain_object)?;
                Some(Action::ModalClose { return_value })
            }
            names::URL_OPEN => {
                d.unknown_keys(obj, &["action", "url"], false, "@ui.url.open");
                let url = d.required(obj, "url", String::decode)?;
                Some(Action::UrlOpen { url })
            }
            names::LINK_UNFURL => {
                d.unknown_keys(obj, &["action", "url"], false, "@link.unfurl");
                let url = d.required(obj, "url", String::decode)?;
                Some(Action::LinkUnfurl { url })
            }
            names::UPDATE_PROPS => {
                d.unknown_keys(obj, &["action", "props"], false, "@editor.node.updateProps");
                let props = d.required(obj, "props", decode_plain_object)?;
                Some(Action::UpdateProps { props })
            }
            _ => {
                let mut fields = free_form(obj, d)?;
                fields.shift_remove("action");
                Some(Action::Custom(CustomAction {
                    action: name,
                    fields,
                }))
            }
        }
    }
}
