//! Components and their lifecycle: initial state, actions, re-rendering, `complete`.
//!
//! A [`Component`] is what GitBook renders: an id, an initial state, an action handler
//! and a render. An [`Integration`] holds components and answers `ui_render` requests
//! exactly as the official runtime does (see `fixtures/reference/`):
//!
//! ```
//! use contentkit::component::{ActionResult, Component, Input, Integration, RenderRequest};
//! use contentkit::element::{Action, Block, Button};
//! use serde_json::json;
//!
//! let hello = Component::new("hello", |input: &Input<'_>| {
//!     let label = input.state["message"].as_str().unwrap_or_default().to_owned();
//!     Ok(Block::new([Button::new(label, Action::custom("say"))]).into())
//! })
//! .initial_state(json!({"message": "Click me"}).as_object().unwrap().clone())
//! .on_action(|input: &Input<'_>| {
//!     Ok(match input.action["action"].as_str() {
//!         Some("say") => ActionResult::state(json!({"message": "Hello World"})),
//!         _ => ActionResult::Nothing,
//!     })
//! });
//! let integration = Integration::new().component(hello);
//!
//! let mut request = RenderRequest::new("hello", Default::default());
//! request.action = json!({"action": "say"}).as_object().cloned();
//! let out = integration.render(&request).unwrap();
//! assert_eq!(
//!     serde_json::to_string(&out.output).unwrap(),
//!     r#"{"type":"element","state":{"message":"Hello World"},"props":{},"element":{"type":"block","children":[{"type":"button","label":"Hello World","onPress":{"action":"say"}}]}}"#
//! );
//! ```

pub mod client;
mod error;
pub mod file;
mod request;

use std::cell::Cell;
use std::future::Future;
use std::sync::Arc;

use serde_json::Value;

pub use client::{Client, ClientEvent, Transport};
pub use error::ComponentError;
pub use request::{default_context, RenderRequest};

use crate::element::{CompleteOutput, Element, ElementOutput, Object, RenderOutput};
use crate::runtime::handler::boxed;

/// What an action handler and a render see.
///
/// ```
/// use contentkit::component::{Component, ComponentError, Input, Integration, RenderRequest};
/// use contentkit::element::{Block, Text};
/// use contentkit::runtime::IntegrationEnvironment;
///
/// let project = Component::new("project", |input: &Input<'_>| {
///     // `context.environment` of @gitbook/runtime: the installation's configuration.
///     let name = input
///         .environment
///         .and_then(|e| e.configuration_value("project"))
///         .and_then(|v| v.as_str())
///         .unwrap_or("none");
///     input.set_cache(60); // `element.setCache({ maxAge: 60 })`
///     Ok(Block::new([Text::new([format!("Project: {name}")])]).into())
/// });
/// let integration = Integration::new().component(project);
/// let rendered = integration.render(&RenderRequest::new("project", Default::default()))?;
/// assert_eq!(rendered.cache_max_age, Some(60));
/// # Ok::<(), ComponentError>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The props.
    pub props: &'a Object,
    /// The state.
    pub state: &'a Object,
    /// The props as a JSON value (the same object), for evaluators that read JSON.
    pub props_json: &'a Value,
    /// The state as a JSON value (the same object).
    pub state_json: &'a Value,
    /// The render context (JSON).
    pub context: &'a Value,
    /// The action being handled (an empty object during render).
    pub action: &'a Object,
    /// The environment of the runtime request (installation, configuration,
    /// secrets), when the render comes from one.
    pub environment: Option<&'a crate::runtime::IntegrationEnvironment>,
    /// What `set_cache` asked, for the response's `Cache-Control`.
    cache: &'a Cell<Option<u32>>,
}

impl Input<'_> {
    /// Asks that this render's answer be cached `max_age` seconds (`element.setCache`
    /// of @gitbook/runtime): the response carries `Cache-Control: max-age=N`, over the
    /// component's own [`Component::cache_max_age`].
    pub fn set_cache(&self, max_age: u32) {
        self.cache.set(Some(max_age));
    }
}

/// What an action handler returns.
#[derive(Debug, Clone, PartialEq)]
pub enum ActionResult {
    /// Replace the state and/or the props (each present one replaces, no deep merge), then re-render.
    Update {
        /// The new state.
        state: Option<Object>,
        /// The new props.
        props: Option<Object>,
    },
    /// End the flow: the response is `{"type": "complete", "returnValue": …}`, nothing is rendered.
    Complete {
        /// The value handed to whoever opened the component.
        return_value: Option<Object>,
    },
    /// Re-render unchanged (what the reference runtime does for `{}`).
    Nothing,
}

impl ActionResult {
    /// Replace the state with `state` (a JSON object; anything else leaves the state unchanged).
    pub fn state(state: Value) -> Self {
        ActionResult::Update {
            state: state.as_object().cloned(),
            props: None,
        }
    }

    /// Reads a handler result written as JavaScript would return it:
    /// `{state?, props?}`, `{type: "complete", returnValue?}`, or `{}`/`undefined`.
    pub fn from_value(v: &Value) -> Result<Self, ComponentError> {
        let obj = match v {
            Value::Null => return Ok(ActionResult::Nothing),
            Value::Object(o) => o,
            _ => {
                return Err(ComponentError::Internal(
                    "an action must return an object".into(),
                ))
            }
        };
        let object = |key: &str| match obj.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o.clone())),
            Some(_) => Err(ComponentError::Internal(format!(
                "an action result's \"{key}\" must be an object"
            ))),
        };
        if obj.get("type").and_then(Value::as_str) == Some("complete") {
            return Ok(ActionResult::Complete {
                return_value: object("returnValue")?,
            });
        }
        let state = object("state")?;
        let props = object("props")?;
        Ok(if state.is_none() && props.is_none() {
            ActionResult::Nothing
        } else {
            ActionResult::Update { state, props }
        })
    }
}

/// Computes a component's initial state from its props and context.
pub trait InitialState: Send + Sync {
    /// The initial state.
    fn initial_state(&self, props: &Object, context: &Value) -> Result<Object, ComponentError>;
}

/// Handles a component's actions.
pub trait ActionHandler: Send + Sync {
    /// What the action does.
    fn handle(&self, input: &Input<'_>) -> Result<ActionResult, ComponentError>;
}

/// Renders a component.
pub trait Renderer: Send + Sync {
    /// The root element (block, modal or configuration).
    fn render(&self, input: &Input<'_>) -> Result<Element, ComponentError>;
}

impl<F> InitialState for F
where
    F: Fn(&Object, &Value) -> Result<Object, ComponentError> + Send + Sync,
{
    fn initial_state(&self, props: &Object, context: &Value) -> Result<Object, ComponentError> {
        self(props, context)
    }
}

impl<F> ActionHandler for F
where
    F: Fn(&Input<'_>) -> Result<ActionResult, ComponentError> + Send + Sync,
{
    fn handle(&self, input: &Input<'_>) -> Result<ActionResult, ComponentError> {
        self(input)
    }
}

impl<F> Renderer for F
where
    F: Fn(&Input<'_>) -> Result<Element, ComponentError> + Send + Sync,
{
    fn render(&self, input: &Input<'_>) -> Result<Element, ComponentError> {
        self(input)
    }
}

enum Initial {
    Empty,
    Value(Object),
    Computed(Box<dyn InitialState>),
}

/// A ContentKit component: id, initial state, action handler, render, cache age; or
/// a component of a program written in the component language.
pub struct Component {
    id: String,
    initial: Initial,
    action: Option<Box<dyn ActionHandler>>,
    render: Box<dyn Renderer>,
    cache_max_age: Option<u32>,
    /// For a component of a component file: its program, which runs the whole
    /// lifecycle (the fields above are unused then).
    program: Option<Arc<crate::lang::program::Program>>,
}

impl std::fmt::Debug for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Component")
            .field("id", &self.id)
            .field("has_action", &self.action.is_some())
            .field("cache_max_age", &self.cache_max_age)
            .field("program", &self.program)
            .finish_non_exhaustive()
    }
}

/// A render of a component file never reaches this: its program renders.
fn no_render(_: &Input<'_>) -> Result<Element, ComponentError> {
    Err(ComponentError::Internal(
        "this component is rendered by its program".into(),
    ))
}

impl Component {
    /// A component rendered by `render`, with an empty initial state and no actions.
    pub fn new(id: impl Into<String>, render: impl Renderer + 'static) -> Self {
        Component {
            id: id.into(),
            initial: Initial::Empty,
            action: None,
            render: Box::new(render),
            cache_max_age: None,
            program: None,
        }
    }

    /// The component `id` of a program (see [`file`]).
    pub fn from_program(
        id: impl Into<String>,
        program: Arc<crate::lang::program::Program>,
    ) -> Self {
        Component {
            program: Some(program),
            ..Component::new(id, no_render)
        }
    }

    /// The program of a component written in a component file.
    pub fn program(&self) -> Option<&Arc<crate::lang::program::Program>> {
        self.program.as_ref()
    }

    /// The component's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// A fixed initial state.
    #[must_use]
    pub fn initial_state(mut self, state: Object) -> Self {
        self.initial = Initial::Value(state);
        self
    }

    /// An initial state computed from props and context.
    #[must_use]
    pub fn initial_state_fn(mut self, f: impl InitialState + 'static) -> Self {
        self.initial = Initial::Computed(Box::new(f));
        self
    }

    /// The action handler.
    #[must_use]
    pub fn on_action(mut self, handler: impl ActionHandler + 'static) -> Self {
        self.action = Some(Box::new(handler));
        self
    }

    /// Ask GitBook to cache renders for `seconds` (`Cache-Control: max-age`).
    #[must_use]
    pub fn cache_max_age(mut self, seconds: u32) -> Self {
        self.cache_max_age = Some(seconds);
        self
    }

    /// Runs one lifecycle step for `request` (whose component id is not checked here).
    pub fn render(&self, request: &RenderRequest) -> Result<Rendered, ComponentError> {
        self.render_owned(request.clone())
    }

    /// [`Component::render`] for a request the caller no longer needs: its props and
    /// state become the output's without being copied.
    pub fn render_owned(&self, request: RenderRequest) -> Result<Rendered, ComponentError> {
        if let Some(program) = &self.program {
            return file::render(program, &request);
        }
        // Props and state are held as JSON values (always objects) so that handlers
        // and renders can read them as either without copying them again.
        let mut props = Value::Object(request.props);
        let mut state = Value::Object(match (request.state, &self.initial) {
            (Some(s), _) => s,
            (None, Initial::Empty) => Object::new(),
            (None, Initial::Value(v)) => v.clone(),
            (None, Initial::Computed(f)) => f.initial_state(as_object(&props), &request.context)?,
        });
        let empty = Object::new();
        let cache = Cell::new(None);
        let environment = request.environment.as_deref();
        if let (Some(action), Some(handler)) = (&request.action, &self.action) {
            let input = Input {
                props: as_object(&props),
                state: as_object(&state),
                props_json: &props,
                state_json: &state,
                context: &request.context,
                action,
                environment,
                cache: &cache,
            };
            match handler.handle(&input)? {
                ActionResult::Complete { return_value } => {
                    return Ok(Rendered {
                        output: RenderOutput::Complete(CompleteOutput { return_value }),
                        cache_max_age: None,
                    })
                }
                ActionResult::Update {
                    state: new_state,
                    props: new_props,
                } => {
                    if let Some(s) = new_state {
                        state = Value::Object(s);
                    }
                    if let Some(p) = new_props {
                        props = Value::Object(p);
                    }
                }
                ActionResult::Nothing => {}
            }
        }
        let element = self.render.render(&Input {
            props: as_object(&props),
            state: as_object(&state),
            props_json: &props,
            state_json: &state,
            context: &request.context,
            action: request.action.as_ref().unwrap_or(&empty),
            environment,
            cache: &cache,
        })?;
        if !element.kind().is_root() {
            return Err(ComponentError::Internal(format!(
                "component {} rendered a {}, not a block, modal or configuration",
                self.id,
                element.kind()
            )));
        }
        Ok(Rendered {
            output: RenderOutput::Element(ElementOutput {
                state: into_object(state),
                props: into_object(props),
                element,
                can_access_visitor_claims: None,
            }),
            cache_max_age: cache.get().or(self.cache_max_age),
        })
    }
}

/// The map of a value built as an object (an empty one otherwise, which cannot happen).
fn as_object(v: &Value) -> &Object {
    static EMPTY: std::sync::OnceLock<Object> = std::sync::OnceLock::new();
    v.as_object()
        .unwrap_or_else(|| EMPTY.get_or_init(Object::new))
}

fn into_object(v: Value) -> Object {
    match v {
        Value::Object(m) => m,
        _ => Object::new(),
    }
}

/// A render output and how long GitBook may cache it.
#[derive(Debug, Clone, PartialEq)]
pub struct Rendered {
    /// The output.
    pub output: RenderOutput,
    /// `Cache-Control: max-age` in seconds, when the component asked for caching.
    pub cache_max_age: Option<u32>,
}

/// An integration's components, and its handlers of runtime events
/// (answered through [`crate::runtime::handle`]).
#[derive(Debug, Default)]
pub struct Integration {
    components: Vec<Arc<Component>>,
    handlers: crate::runtime::handler::Handlers,
    /// The component file whose `createIntegration` answers the events no Rust
    /// handler takes; it may declare no component at all (a site's tracking script).
    program: Option<Arc<crate::lang::program::Program>>,
}

impl Integration {
    /// An integration with no components.
    pub fn new() -> Self {
        Integration::default()
    }

    /// Adds a component (a later one with the same id replaces the earlier).
    #[must_use]
    pub fn component(mut self, component: Component) -> Self {
        self.add(component);
        self
    }

    /// Adds a component in place.
    pub fn add(&mut self, component: Component) {
        self.add_shared(&Arc::new(component));
    }

    /// Adds a component shared with another integration (a playground keeps the last
    /// good build of a file that stopped compiling this way).
    pub fn add_shared(&mut self, component: &Arc<Component>) {
        let component = component.clone();
        self.components.retain(|c| c.id != component.id);
        self.components.push(component);
    }

    /// Adds what a compiled component file defines: each of its components (sharing
    /// the program), and, when it calls `createIntegration`, its handlers of the
    /// other events (`fetch`, `fetch_published_script`, `events`…). A file with
    /// handlers and no component is served too. Of several files with handlers, the
    /// first added answers.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use contentkit::component::Integration;
    /// use contentkit::lang::program::{NoSources, Program};
    ///
    /// let source = r#"import { createIntegration } from '@gitbook/runtime';
    /// export default createIntegration({
    ///     fetch_published_script: async () => new Response('track();'),
    /// });"#;
    /// let program = Program::load("index.ts", source, &NoSources).unwrap();
    /// let mut integration = Integration::new();
    /// integration.add_program(Arc::new(program));
    /// assert!(integration.components().is_empty());
    /// assert!(integration.integration_program().is_some());
    /// ```
    pub fn add_program(&mut self, program: Arc<crate::lang::program::Program>) {
        for id in program.component_ids() {
            self.add(Component::from_program(id, program.clone()));
        }
        if self.program.is_none() && crate::lang::handlers::has_integration(&program) {
            self.program = Some(program);
        }
    }

    /// Keeps `program`'s handlers, not its components (a playground keeps the last
    /// good build of a file that stopped compiling this way).
    #[cfg(feature = "server")]
    pub(crate) fn keep_program(&mut self, program: &Arc<crate::lang::program::Program>) {
        if self.program.is_none() {
            self.program = Some(program.clone());
        }
    }

    /// The program whose `createIntegration` answers events no Rust handler takes:
    /// the first added with [`Integration::add_program`], else the first among the
    /// components' programs that defines one.
    pub fn integration_program(&self) -> Option<&Arc<crate::lang::program::Program>> {
        self.program.as_ref().or_else(|| {
            self.components
                .iter()
                .filter_map(|c| c.program())
                .find(|p| crate::lang::handlers::has_integration(p))
        })
    }

    /// The components, in the order added.
    pub fn components(&self) -> &[Arc<Component>] {
        &self.components
    }

    /// The component with `id`.
    pub fn get(&self, id: &str) -> Option<&Arc<Component>> {
        self.components.iter().find(|c| c.id == id)
    }

    /// Adds a handler of events of type `event_type` (e.g. `space_view`,
    /// `installation_setup`, or a type this version does not know). Several
    /// handlers of one type all run, in the order added.
    ///
    /// Handlers are `async`: they own their event and a clone of the
    /// [`RequestContext`](crate::runtime::RequestContext), and may await the GitBook
    /// API (`context.api()`, feature `api`) or anything else.
    ///
    /// ```
    /// use contentkit::component::{ComponentError, Integration};
    /// use contentkit::runtime::Event;
    ///
    /// let integration = Integration::new().on_event("space_view", |event, _context| async move {
    ///     match event {
    ///         Event::Unknown { raw, .. } if raw["spaceId"].is_string() => Ok(()),
    ///         _ => Err(ComponentError::exposed(422, "a space view needs a space")),
    ///     }
    /// });
    /// assert!(integration.handles_event("space_view"));
    /// ```
    #[must_use]
    pub fn on_event<F, Fut>(mut self, event_type: impl Into<String>, handler: F) -> Self
    where
        F: Fn(crate::runtime::Event, crate::runtime::RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<(), ComponentError>> + Send + 'static,
    {
        self.handlers.add_event(
            event_type.into(),
            Arc::new(move |event, context| boxed(handler(event, context))),
        );
        self
    }

    /// Sets the handler of `fetch` events: the HTTP requests that reached the
    /// integration's endpoint (a later one replaces the earlier).
    ///
    /// ```
    /// use contentkit::component::Integration;
    /// use contentkit::runtime::FetchResponse;
    ///
    /// let integration = Integration::new().on_fetch(|request, _context| async move {
    ///     Ok(FetchResponse::text(200, format!("{} {} ({} bytes)", request.method(), request.url(), request.body.len())))
    /// });
    /// assert!(integration.handles_event("fetch"));
    /// ```
    #[must_use]
    pub fn on_fetch<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(crate::runtime::FetchInput, crate::runtime::RequestContext) -> Fut
            + Send
            + Sync
            + 'static,
        Fut:
            Future<Output = Result<crate::runtime::FetchResponse, ComponentError>> + Send + 'static,
    {
        self.handlers.fetch = Some(Arc::new(move |input, context| {
            boxed(handler(input, context))
        }));
        self
    }

    /// Sets the handler of `fetch_published_script` events: the script a
    /// published site injects (`FetchResponse::script`), or `None` for none,
    /// answered with a no-op script as the official runtime does.
    ///
    /// ```
    /// use contentkit::component::Integration;
    /// use contentkit::runtime::FetchResponse;
    ///
    /// let integration = Integration::new().on_fetch_published_script(|event, context| async move {
    ///     let tracking_id = context.environment.configuration_value("tracking_id");
    ///     Ok(tracking_id.and_then(|id| id.as_str()).map(|id| {
    ///         FetchResponse::script(format!("track({id:?}, {:?});", event.site_id))
    ///             .header("Cache-Control", "max-age=604800")
    ///     }))
    /// });
    /// assert!(integration.handles_event("fetch_published_script"));
    /// ```
    #[must_use]
    pub fn on_fetch_published_script<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(crate::runtime::FetchPublishedScriptEvent, crate::runtime::RequestContext) -> Fut
            + Send
            + Sync
            + 'static,
        Fut: Future<Output = Result<Option<crate::runtime::FetchResponse>, ComponentError>>
            + Send
            + 'static,
    {
        self.handlers.published_script = Some(Arc::new(move |event, context| {
            boxed(handler(event, context))
        }));
        self
    }

    /// Sets the handler of `fetch_visitor_authentication` events: where a
    /// visitor of a protected site goes to authenticate, usually
    /// `FetchResponse::redirect` to the identity provider.
    ///
    /// ```
    /// use contentkit::component::Integration;
    /// use contentkit::runtime::FetchResponse;
    ///
    /// let integration = Integration::new().on_fetch_visitor_authentication(|event, _context| async move {
    ///     let back_to = event.location.as_deref().unwrap_or("/");
    ///     Ok(FetchResponse::redirect(format!("https://idp.example/authorize?state={back_to}")))
    /// });
    /// assert!(integration.handles_event("fetch_visitor_authentication"));
    /// ```
    #[must_use]
    pub fn on_fetch_visitor_authentication<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(
                crate::runtime::FetchVisitorAuthenticationEvent,
                crate::runtime::RequestContext,
            ) -> Fut
            + Send
            + Sync
            + 'static,
        Fut:
            Future<Output = Result<crate::runtime::FetchResponse, ComponentError>> + Send + 'static,
    {
        self.handlers.visitor_authentication = Some(Arc::new(move |event, context| {
            boxed(handler(event, context))
        }));
        self
    }

    /// Adds a handler of `task` events (queued with
    /// `RequestContext::queue_task`), which sees the typed task; it runs with the
    /// `on_event("task", …)` handlers, in the order added.
    ///
    /// ```
    /// use contentkit::component::Integration;
    ///
    /// let integration = Integration::new().on_task(|task, _context| async move {
    ///     let _kind = task.task.get("type");
    ///     Ok(())
    /// });
    /// assert!(integration.handles_event("task"));
    /// ```
    #[must_use]
    pub fn on_task<F, Fut>(mut self, handler: F) -> Self
    where
        F: Fn(crate::runtime::TaskEvent, crate::runtime::RequestContext) -> Fut
            + Send
            + Sync
            + 'static,
        Fut: Future<Output = Result<(), ComponentError>> + Send + 'static,
    {
        self.handlers.add_task(handler);
        self
    }

    /// Whether a handler is registered for events of `event_type` (`fetch`
    /// included; `ui_render` goes to the components instead).
    pub fn handles_event(&self, event_type: &str) -> bool {
        self.handlers.handles(event_type)
    }

    pub(crate) fn handlers(&self) -> &crate::runtime::handler::Handlers {
        &self.handlers
    }

    /// Answers a `ui_render` request as the reference runtime does.
    pub fn render(&self, request: &RenderRequest) -> Result<Rendered, ComponentError> {
        self.found(&request.component_id)?.render(request)
    }

    /// [`Integration::render`] for a request the caller no longer needs (no copy of its
    /// props and state).
    pub fn render_owned(&self, request: RenderRequest) -> Result<Rendered, ComponentError> {
        self.found(&request.component_id)?.render_owned(request)
    }

    fn found(&self, id: &str) -> Result<&Arc<Component>, ComponentError> {
        self.get(id)
            .ok_or_else(|| ComponentError::NotFound(id.to_owned()))
    }
}

impl Transport for Integration {
    fn send(&self, request: &RenderRequest) -> Result<RenderOutput, ComponentError> {
        self.render(request).map(|r| r.output)
    }
}
