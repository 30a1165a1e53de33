//! The client side of the lifecycle: what GitBook's editor (or a playground) does
//! between renders.
//!
//! The client keeps a local state per view, seeded from the last output's `state` and
//! from the `initialValue` of bound inputs. Inputs write into it; dispatching an action
//! first resolves every `{"$state": key}` inside it from the local state. Modals stack:
//! `@ui.modal.open` renders a component on top, `@ui.modal.close` (or a `complete`
//! output) pops it and hands the return value to the component underneath as a
//! `@ui.modal.close` action. `@ui.url.open` is recorded, nothing is sent.
//! `@editor.node.updateProps` renders the view again with the new props.

use serde_json::{Map, Value};

use super::{ComponentError, RenderRequest};
use crate::element::{
    action_names, Action, Block, Button, ControlEntry, Element, ElementOutput, Object,
    RenderOutput, SelectValue,
};

/// Sends `ui_render` requests: an [`super::Integration`] in-process, or an HTTP client.
pub trait Transport {
    /// One request, one output.
    fn send(&self, request: &RenderRequest) -> Result<RenderOutput, ComponentError>;
}

impl<T: Transport + ?Sized> Transport for &T {
    fn send(&self, request: &RenderRequest) -> Result<RenderOutput, ComponentError> {
        (**self).send(request)
    }
}

/// One rendered component on the client's stack.
#[derive(Debug, Clone, PartialEq)]
pub struct View {
    /// Which component.
    pub component_id: String,
    /// Its last output.
    pub output: ElementOutput,
    /// Its local state: the output's state plus what inputs wrote.
    pub local: Object,
}

/// What a dispatch did.
#[derive(Debug, Clone, PartialEq)]
pub enum ClientEvent {
    /// The top view was rendered again.
    Rendered,
    /// A URL was opened (recorded, not fetched).
    UrlOpened(String),
    /// A modal was opened on top.
    ModalOpened(String),
    /// The top modal closed, handing this value to the view underneath.
    ModalClosed(Object),
    /// The flow ended with this return value.
    Completed(Option<Object>),
}

/// A client driving components through a [`Transport`].
#[derive(Debug)]
pub struct Client<T> {
    transport: T,
    context: Value,
    stack: Vec<View>,
    opened_urls: Vec<String>,
    completed: Option<Option<Object>>,
}

impl<T: Transport> Client<T> {
    /// A client rendering in `context`.
    pub fn new(transport: T, context: Value) -> Self {
        Client {
            transport,
            context,
            stack: Vec::new(),
            opened_urls: Vec::new(),
            completed: None,
        }
    }

    /// Renders `component_id` with `props` as the root view (the stack starts over).
    pub fn open(&mut self, component_id: &str, props: Object) -> Result<(), ComponentError> {
        self.stack.clear();
        self.completed = None;
        match self.request(component_id, props, None, None)? {
            RenderOutput::Element(output) => {
                self.push(component_id, output);
                Ok(())
            }
            RenderOutput::Complete(c) => {
                self.completed = Some(c.return_value);
                Ok(())
            }
        }
    }

    /// The top view.
    pub fn view(&self) -> Option<&View> {
        self.stack.last()
    }

    /// Every view, bottom first.
    pub fn views(&self) -> &[View] {
        &self.stack
    }

    /// The top view's element.
    pub fn element(&self) -> Option<&Element> {
        self.view().map(|v| &v.output.element)
    }

    /// URLs opened with `@ui.url.open`, in order.
    pub fn opened_urls(&self) -> &[String] {
        &self.opened_urls
    }

    /// The return value of the flow, once it completed.
    pub fn completed(&self) -> Option<&Option<Object>> {
        self.completed.as_ref()
    }

    /// Writes `value` into the top view's local state, as typing into a bound input does.
    pub fn set_state(&mut self, key: &str, value: Value) {
        if let Some(view) = self.stack.last_mut() {
            view.local.insert(key.to_owned(), value);
        }
    }

    /// Adds `value` to, or removes it from, the array in `key`, as a checkbox does.
    pub fn toggle(&mut self, key: &str, value: Value) {
        if let Some(view) = self.stack.last_mut() {
            let entry = view
                .local
                .entry(key.to_owned())
                .or_insert_with(|| Value::Array(Vec::new()));
            if !entry.is_array() {
                *entry = Value::Array(Vec::new());
            }
            if let Value::Array(items) = entry {
                match items.iter().position(|v| *v == value) {
                    Some(i) => {
                        items.remove(i);
                    }
                    None => items.push(value),
                }
            }
        }
    }

    /// Presses the first button (or block control) labelled `label` in the top view.
    pub fn press(&mut self, label: &str) -> Result<ClientEvent, ComponentError> {
        let action = self
            .element()
            .and_then(|e| pressables(e).into_iter().find(|p| p.label == label))
            .map(|p| p.action.clone())
            .ok_or_else(|| {
                ComponentError::BadRequest(format!("no button labelled {label:?} in the view"))
            })?;
        self.dispatch(&action)
    }

    /// Dispatches an action from the top view.
    pub fn dispatch(&mut self, action: &Action) -> Result<ClientEvent, ComponentError> {
        let view = self
            .stack
            .last()
            .ok_or_else(|| ComponentError::BadRequest("no component is open".into()))?;
        let resolved = resolve_bindings(
            &serde_json::to_value(action).unwrap_or_default(),
            &view.local,
        );
        let Value::Object(resolved) = resolved else {
            return Err(ComponentError::BadRequest(
                "an action must be an object".into(),
            ));
        };
        let name = resolved
            .get("action")
            .and_then(Value::as_str)
            .unwrap_or_default();
        match name {
            action_names::URL_OPEN => {
                let url = resolved
                    .get("url")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                self.opened_urls.push(url.clone());
                Ok(ClientEvent::UrlOpened(url))
            }
            action_names::MODAL_OPEN => {
                let id = resolved
                    .get("componentId")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned();
                let props = resolved
                    .get("props")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default();
                match self.request(&id, props, None, None)? {
                    RenderOutput::Element(output) => {
                        self.push(&id, output);
                        Ok(ClientEvent::ModalOpened(id))
                    }
                    RenderOutput::Complete(c) => self.hand_back(c.return_value, false),
                }
            }
            // A modal closes: it hands its value to the view underneath, or, when it is
            // the root, to whoever opened it, which ends the flow.
            action_names::MODAL_CLOSE
                if self.stack.len() > 1 || matches!(self.element(), Some(Element::Modal(_))) =>
            {
                let rv = resolved
                    .get("returnValue")
                    .and_then(Value::as_object)
                    .cloned();
                self.hand_back(rv, true)
            }
            _ => {
                let view = self.stack.last().expect("checked above");
                let mut state = view.output.state.clone();
                for (k, v) in &view.local {
                    state.insert(k.clone(), v.clone());
                }
                let id = view.component_id.clone();
                // `@editor.node.updateProps`: the editor stores the block's new props and
                // renders it again with them (the action goes along).
                let props = match (name, resolved.get("props")) {
                    (action_names::UPDATE_PROPS, Some(Value::Object(props))) => props.clone(),
                    _ => view.output.props.clone(),
                };
                match self.request(&id, props, Some(state), Some(resolved))? {
                    RenderOutput::Element(output) => {
                        self.stack.pop();
                        self.push(&id, output);
                        Ok(ClientEvent::Rendered)
                    }
                    RenderOutput::Complete(c) => self.hand_back(c.return_value, false),
                }
            }
        }
    }

    /// Pops the top view and hands `return_value` to the one underneath; with no view
    /// underneath, the flow is complete.
    fn hand_back(
        &mut self,
        return_value: Option<Object>,
        closed: bool,
    ) -> Result<ClientEvent, ComponentError> {
        self.stack.pop();
        if self.stack.is_empty() {
            self.completed = Some(return_value.clone());
            return Ok(ClientEvent::Completed(return_value));
        }
        let rv = return_value.unwrap_or_default();
        let mut action = Map::new();
        action.insert(
            "action".into(),
            Value::String(action_names::MODAL_CLOSE.into()),
        );
        action.insert("returnValue".into(), Value::Object(rv.clone()));
        let view = self.stack.last().expect("not empty");
        let (id, props) = (view.component_id.clone(), view.output.props.clone());
        let mut state = view.output.state.clone();
        for (k, v) in &view.local {
            state.insert(k.clone(), v.clone());
        }
        match self.request(&id, props, Some(state), Some(action))? {
            RenderOutput::Element(output) => {
                self.stack.pop();
                self.push(&id, output);
            }
            RenderOutput::Complete(c) => return self.hand_back(c.return_value, false),
        }
        Ok(if closed {
            ClientEvent::ModalClosed(rv)
        } else {
            ClientEvent::Completed(Some(rv))
        })
    }

    fn request(
        &self,
        component_id: &str,
        props: Object,
        state: Option<Object>,
        action: Option<Object>,
    ) -> Result<RenderOutput, ComponentError> {
        self.transport.send(&RenderRequest {
            component_id: component_id.to_owned(),
            props,
            state,
            context: self.context.clone(),
            action,
            environment: None,
        })
    }

    fn push(&mut self, component_id: &str, output: ElementOutput) {
        let mut local = output.state.clone();
        seed_initial_values(&output.element, &mut local);
        self.stack.push(View {
            component_id: component_id.to_owned(),
            output,
            local,
        });
    }
}

/// Replaces every `{"$state": key}` in `v` with the local value; unset keys become
/// `undefined` (left out of objects, `null` in arrays), as in JavaScript's JSON.
pub fn resolve_bindings(v: &Value, local: &Object) -> Value {
    match v {
        Value::Object(m) => {
            if let (1, Some(Value::String(key))) = (m.len(), m.get("$state")) {
                return local.get(key).cloned().unwrap_or(Value::Null);
            }
            let mut out = Map::with_capacity(m.len());
            for (k, item) in m {
                let is_unset_binding =
                    item.get("$state")
                        .and_then(Value::as_str)
                        .is_some_and(|key| {
                            item.as_object().is_some_and(|o| o.len() == 1)
                                && !local.contains_key(key)
                        });
                if !is_unset_binding {
                    out.insert(k.clone(), resolve_bindings(item, local));
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| resolve_bindings(i, local)).collect())
        }
        other => other.clone(),
    }
}

/// Seeds unset state keys from the `initialValue` of bound inputs, as the client does
/// when an output arrives.
pub fn seed_initial_values(element: &Element, local: &mut Object) {
    let mut seed = |key: &str, value: Value| {
        if !local.contains_key(key) {
            local.insert(key.to_owned(), value);
        }
    };
    match element {
        Element::TextInput(t) => {
            if let Some(v) = &t.initial_value {
                seed(&t.state, Value::String(v.clone()));
            }
        }
        Element::Select(s) => match &s.initial_value {
            Some(SelectValue::One(v)) => seed(&s.state, Value::String(v.clone())),
            Some(SelectValue::Many(vs)) => seed(
                &s.state,
                Value::Array(vs.iter().cloned().map(Value::String).collect()),
            ),
            None => {}
        },
        Element::Switch(s) => {
            if let Some(v) = s.initial_value {
                seed(&s.state, Value::Bool(v));
            }
        }
        _ => {}
    }
    for child in children(element) {
        seed_initial_values(child, local);
    }
}

/// The element children of an element, in document order (controls of inputs included).
pub fn children(element: &Element) -> Vec<&Element> {
    match element {
        Element::Block(Block { children, .. })
        | Element::Modal(crate::element::Modal { children, .. })
        | Element::Configuration(crate::element::Configuration { children })
        | Element::HStack(crate::element::HStack { children, .. })
        | Element::VStack(crate::element::VStack { children, .. })
        | Element::Box(crate::element::BoxElement { children, .. })
        | Element::Step(crate::element::Step { children, .. })
        | Element::Hint(crate::element::Hint { children }) => children.iter().collect(),
        Element::Card(c) => c.children.iter().flatten().collect(),
        Element::Input(i) => vec![&*i.element],
        Element::Stepper(s) => s
            .children
            .iter()
            .flat_map(|step| step.children.iter())
            .collect(),
        Element::CodeBlock(c) => c
            .header
            .iter()
            .flatten()
            .chain(c.footer.iter().flatten())
            .collect(),
        _ => Vec::new(),
    }
}

/// Something a press reaches: its label, its action, whether it is disabled.
pub struct Pressable<'e> {
    /// Its label.
    pub label: &'e str,
    /// What a press sends.
    pub action: &'e Action,
    /// Whether it is disabled.
    pub disabled: bool,
    /// The title of the confirmation it asks for.
    pub confirm: Option<&'e str>,
}

/// Every labelled pressable of `element`, in the order the client searches them: an
/// element's own buttons before its children's.
pub fn pressables(element: &Element) -> Vec<Pressable<'_>> {
    fn walk<'e>(element: &'e Element, out: &mut Vec<Pressable<'e>>) {
        let mut button = |b: &'e Button| {
            if let Some(label) = &b.label {
                out.push(Pressable {
                    label,
                    action: &b.on_press,
                    disabled: b.disabled == Some(true),
                    confirm: b.confirm.as_ref().map(|c| c.title.as_str()),
                });
            }
        };
        match element {
            Element::Button(b) => button(b),
            Element::Modal(m) => m.submit.iter().for_each(button),
            Element::Card(c) => c.buttons.iter().flatten().for_each(button),
            Element::CodeBlock(c) => c.buttons.iter().flatten().for_each(button),
            Element::WebFrame(w) => w.buttons.iter().flatten().for_each(button),
            Element::Block(b) => {
                for entry in b.controls.iter().flatten() {
                    let group = match entry {
                        ControlEntry::Control(c) => std::slice::from_ref(c),
                        ControlEntry::Group(g) => g.as_slice(),
                    };
                    out.extend(group.iter().map(|c| Pressable {
                        label: &c.label,
                        action: &c.on_press,
                        disabled: false,
                        confirm: c.confirm.as_ref().map(|c| c.title.as_str()),
                    }));
                }
            }
            _ => {}
        }
        for child in children(element) {
            walk(child, out);
        }
    }
    let mut out = Vec::new();
    walk(element, &mut out);
    out
}
