//! The `ui_render` request a component answers.

use serde_json::{Map, Value};

use super::ComponentError;
use crate::element::{normalize_numbers, Object};

/// What GitBook sends to render a component: the `ui_render` event's payload.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RenderRequest {
    /// Which component.
    pub component_id: String,
    /// Its props.
    pub props: Object,
    /// Its state, when the client has one; else the component's initial state is used.
    pub state: Option<Object>,
    /// Where it is rendered (a `ContentKitContext`, kept as JSON).
    pub context: Value,
    /// The action that triggered this render, if any.
    pub action: Option<Object>,
    /// The environment of the runtime request it comes from (what Rust components
    /// read as [`super::Input::environment`]); `None` outside one.
    pub environment: Option<std::sync::Arc<crate::runtime::IntegrationEnvironment>>,
}

impl RenderRequest {
    /// A first render of `component_id` with `props`, in a light-theme document.
    pub fn new(component_id: impl Into<String>, props: Object) -> Self {
        RenderRequest {
            component_id: component_id.into(),
            props,
            state: None,
            context: default_context(),
            action: None,
            environment: None,
        }
    }

    /// Reads the fields of a `ui_render` event (`componentId`, `props`, `state`, `context`, `action`).
    pub fn from_event(event: &Value) -> Result<Self, ComponentError> {
        let bad = |m: String| ComponentError::BadRequest(m);
        let component_id = event
            .get("componentId")
            .and_then(Value::as_str)
            .ok_or_else(|| bad("ui_render: \"componentId\" must be a string".into()))?
            .to_owned();
        let object = |key: &str, required: bool| -> Result<Option<Object>, ComponentError> {
            match event.get(key) {
                None | Some(Value::Null) if !required => Ok(None),
                None | Some(Value::Null) => Ok(Some(Map::new())),
                Some(Value::Object(m)) => {
                    let mut v = Value::Object(m.clone());
                    normalize_numbers(&mut v);
                    Ok(v.as_object().cloned())
                }
                Some(_) => Err(bad(format!("ui_render: \"{key}\" must be an object"))),
            }
        };
        Ok(RenderRequest {
            component_id,
            props: object("props", true)?.unwrap_or_default(),
            state: object("state", false)?,
            context: event
                .get("context")
                .cloned()
                .unwrap_or_else(default_context),
            action: object("action", false)?,
            environment: None,
        })
    }
}

/// A light-theme, editable document: the context used when none is given.
pub fn default_context() -> Value {
    serde_json::json!({"type": "document", "theme": "light", "spaceId": "space", "editable": true})
}
