//! A harness to test components the way GitBook's editor drives them, with
//! [insta](https://insta.rs) snapshots of what they render (feature `testing`).
//!
//! A [`Harness`] holds an [`Integration`] (built from `.ckx` component files or from
//! Rust components) and a [`Client`] that plays the editor: it opens a component,
//! types into bound inputs, presses buttons by their label, follows modals and
//! records opened URLs. After every step the top view's output is checked against
//! ContentKit's strict rules, so a component that renders something GitBook would
//! reject fails the test where it happens.
//!
//! ```
//! use contentkit::testing::Harness;
//! use serde_json::json;
//!
//! let source = r#"createComponent({
//!     componentId: 'greeter',
//!     initialState: { name: '', greeting: '' },
//!     action: { greet: ({ state }) => ({ state: { ...state, greeting: `Hello ${state.name}!` } }) },
//!     render: ({ state }) => (
//!         <block>
//!             <textinput state="name" placeholder="Your name" />
//!             <button label="Greet" onPress={{ action: 'greet' }} />
//!             <text>{state.greeting}</text>
//!         </block>
//!     ),
//! })"#;
//! let mut h = Harness::from_source(source, "greeter.ckx")?;
//! h.open("greeter", json!({}))?;
//! h.type_into("name", "Ada");
//! h.press("Greet")?;
//! assert_eq!(h.state().unwrap()["greeting"], "Hello Ada!");
//! assert!(h.html().unwrap().contains("Hello Ada!"));
//!
//! // A label that is not there lists the ones that are.
//! let error = h.press("Greet me").unwrap_err();
//! assert_eq!(
//!     error.to_string(),
//!     r#"no button labelled "Greet me" in the view of greeter; its buttons: "Greet""#
//! );
//! # Ok::<(), contentkit::testing::HarnessError>(())
//! ```
//!
//! # Snapshots
//!
//! [`Harness::assert_json_snapshot`] snapshots the top view's render output as JSON,
//! [`Harness::assert_html_snapshot`] its HTML preview (one tag per line, so that
//! diffs read). Both go through insta, so `INSTA_UPDATE`, `cargo insta review` and
//! `CI=true` work as usual; the snapshot's description lists the steps that led to it.
//!
//! ```no_run
//! # use contentkit::testing::Harness;
//! # use serde_json::json;
//! let mut h = Harness::from_file("components/todo.ckx")?.with_snapshot_dir("../snapshots");
//! h.open("todo", json!({}))?;
//! h.assert_json_snapshot("todo_initial");
//! h.type_into("draft", "Buy milk");
//! h.press("Add")?;
//! h.assert_html_snapshot("todo_after_add");
//! # Ok::<(), contentkit::testing::HarnessError>(())
//! ```
//!
//! Where the files go: insta's default is a `snapshots/` directory next to the test
//! file, and so is the harness's. Called from `tests/todo.rs`, the snapshots named
//! `todo_after_add` are `tests/snapshots/todo__todo_after_add.json.snap` and
//! `….html.snap`: the test file's name, two underscores, the name (as insta names
//! the snapshots of an integration test), then the kind, so that one name serves
//! both. [`Harness::with_snapshot_dir`] moves them (a relative directory is taken
//! from the test file's directory, as insta's `snapshot_path` is) and
//! [`Harness::with_snapshot_prefix`] changes the prefix.
//!
//! The snapshot assertions themselves run inside this crate, so insta reads its
//! settings file (`insta.yaml`) from this crate's workspace, not yours; set
//! `INSTA_WORKSPACE_ROOT` when you rely on one. Every other insta setting in scope
//! (`insta::with_settings!`, filters included) applies.
//!
//! # What the harness models
//!
//! It is the crate's [`Client`]: a modal opened as the root is one GitBook opened, so
//! `@ui.modal.close` from it ends the flow, its return value in
//! [`Harness::completed`]. Buttons are found by the client's own search
//! ([`crate::component::client::pressables`]); the harness adds that a disabled button
//! cannot be pressed. Confirmation dialogs are accepted: pressing a button that asks
//! for confirmation sends its action.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use serde_json::Value;

use crate::component::client::{pressables, View};
use crate::component::{
    default_context, file, Client, ClientEvent, ComponentError, Integration, RenderRequest,
    Transport,
};
use crate::element::{
    Action, Element, ElementOutput, Object, RenderOutput, Theme, ValidationErrors,
};
use crate::markup::Diagnostics;
use crate::render::html::{render_element, HtmlOptions};

/// Why a harness step failed.
///
/// Every message says what to fix; its `Debug` form is the same message, so a test
/// returning `Result<(), HarnessError>` prints it readably.
#[derive(thiserror::Error)]
pub enum HarnessError {
    /// A component file could not be read.
    #[error("cannot read component file {}: {message}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        message: String,
    },
    /// A component file does not compile; each diagnostic points at `FILE:LINE:COL`.
    #[error("{file} does not compile:\n{diagnostics}")]
    Compile {
        /// The file's name.
        file: String,
        /// What is wrong, and where.
        diagnostics: Diagnostics,
    },
    /// The integration has no component with that id.
    #[error(
        "no component {id:?} in the integration; its components: {}",
        list(available)
    )]
    NoComponent {
        /// The id asked for.
        id: String,
        /// The ids there are.
        available: Vec<String>,
    },
    /// Props (or a return value) that are not a JSON object.
    #[error("{what} must be a JSON object, not {found}")]
    NotAnObject {
        /// What was given.
        what: &'static str,
        /// The value given.
        found: Value,
    },
    /// A step needs a view, and nothing is open (or the flow has ended).
    #[error("{0}")]
    NothingOpen(String),
    /// No button or block control with that label in the top view.
    #[error(
        "no button labelled {label:?} in the view of {component}; its buttons: {}",
        list(available)
    )]
    NoButton {
        /// The label asked for.
        label: String,
        /// The top view's component.
        component: String,
        /// The labels there are, in document order.
        available: Vec<String>,
    },
    /// The button with that label is disabled.
    #[error("the button labelled {label:?} in the view of {component} is disabled")]
    Disabled {
        /// The label.
        label: String,
        /// The top view's component.
        component: String,
    },
    /// `close_modal` with no modal on top.
    #[error("no modal to close: the top view, {component}, is a {kind} opened as the root")]
    NoModal {
        /// The top view's component.
        component: String,
        /// Its root element.
        kind: String,
    },
    /// A component failed to render or to handle an action.
    #[error("component {component} failed (status {}): {error}", error.status())]
    Component {
        /// The component the failing request was for.
        component: String,
        /// Its error.
        error: ComponentError,
    },
    /// A component rendered an output GitBook would reject.
    #[error("component {component} rendered an output ContentKit rejects:\n{errors}")]
    InvalidOutput {
        /// The component.
        component: String,
        /// What is wrong, by path.
        errors: ValidationErrors,
    },
}

// Tests print the `Debug` form of the error they return: make it the message, whose
// diagnostics and label lists are meant to be read.
impl fmt::Debug for HarnessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// `"a", "b"`, or `none`.
fn list(items: &[String]) -> String {
    if items.is_empty() {
        return "none".to_owned();
    }
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The integration as the client's transport, remembering the last request so that
/// an error names the component that failed (a step may render several: a modal, the
/// view underneath).
#[derive(Debug)]
struct Recorder {
    integration: Arc<Integration>,
    last: Arc<Mutex<Option<RenderRequest>>>,
}

impl Transport for Recorder {
    fn send(&self, request: &RenderRequest) -> Result<RenderOutput, ComponentError> {
        *self.last.lock().unwrap_or_else(PoisonError::into_inner) = Some(request.clone());
        self.integration.send(request)
    }
}

/// Drives an integration's components as GitBook's editor does, and snapshots what
/// they render. See the [module documentation](self).
#[derive(Debug)]
pub struct Harness {
    integration: Arc<Integration>,
    last_request: Arc<Mutex<Option<RenderRequest>>>,
    client: Client<Recorder>,
    context: Value,
    /// The component files, by component id (for the snapshots' `input_file`).
    files: Vec<(String, PathBuf)>,
    /// The steps taken since `open`, for the snapshots' descriptions.
    steps: Vec<String>,
    snapshot_dir: Option<PathBuf>,
    snapshot_prefix: Option<String>,
    theme: Option<Theme>,
    interactive_html: bool,
}

impl Harness {
    /// A harness for an integration's components (in the default, light, editable
    /// document context).
    pub fn new(integration: Integration) -> Self {
        let integration = Arc::new(integration);
        let last_request = Arc::new(Mutex::new(None));
        let context = default_context();
        Harness {
            client: Client::new(
                Recorder {
                    integration: integration.clone(),
                    last: last_request.clone(),
                },
                context.clone(),
            ),
            integration,
            last_request,
            context,
            files: Vec::new(),
            steps: Vec::new(),
            snapshot_dir: None,
            snapshot_prefix: None,
            theme: None,
            interactive_html: false,
        }
    }

    /// A harness for the components of `.ckx` source; `file_name` is what
    /// diagnostics point at.
    pub fn from_source(source: &str, file_name: &str) -> Result<Self, HarnessError> {
        let mut integration = Integration::new();
        for component in compile(source, file_name)? {
            integration.add(component);
        }
        Ok(Harness::new(integration))
    }

    /// A harness for the components of a `.ckx` file. A relative path is read from
    /// the current directory, which `cargo test` sets to the package's root.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, HarnessError> {
        Harness::from_files([path])
    }

    /// A harness for the components of several `.ckx` files (a later component with
    /// the same id replaces the earlier).
    pub fn from_files<P: AsRef<Path>>(
        paths: impl IntoIterator<Item = P>,
    ) -> Result<Self, HarnessError> {
        let mut integration = Integration::new();
        let mut files = Vec::new();
        for path in paths {
            let path = path.as_ref();
            let source = std::fs::read_to_string(path).map_err(|e| HarnessError::Read {
                path: path.to_owned(),
                message: e.to_string(),
            })?;
            for component in compile(&source, &path.display().to_string())? {
                files.push((component.id().to_owned(), path.to_owned()));
                integration.add(component);
            }
        }
        let mut harness = Harness::new(integration);
        harness.files = files;
        Ok(harness)
    }

    /// Renders in `context` (a `ContentKitContext` as JSON) instead of the default
    /// light, editable document. Nothing stays open: call [`Harness::open`] after.
    #[must_use]
    pub fn with_context(mut self, context: Value) -> Self {
        self.context = context;
        self.reset_client();
        self
    }

    /// Where the snapshots go. A relative directory is taken from the directory of
    /// the test file asserting the snapshot, as insta's `snapshot_path` is; the
    /// default is `snapshots`.
    #[must_use]
    pub fn with_snapshot_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.snapshot_dir = Some(dir.into());
        self
    }

    /// What the snapshot files' names start with, before `__` and the snapshot's
    /// name; the default is the asserting test file's name (`todo` for `tests/todo.rs`).
    #[must_use]
    pub fn with_snapshot_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.snapshot_prefix = Some(prefix.into());
        self
    }

    /// The theme of the HTML preview; by default the context's theme (light unless
    /// the context says `"theme": "dark"`).
    #[must_use]
    pub fn with_theme(mut self, theme: Theme) -> Self {
        self.theme = Some(theme);
        self
    }

    /// Whether the HTML preview carries the playground's `data-ck-*` hooks (actions,
    /// state keys, web frames' resolved `data`); off by default.
    #[must_use]
    pub fn with_interactive_html(mut self, interactive: bool) -> Self {
        self.interactive_html = interactive;
        self
    }

    /// The integration under test.
    pub fn integration(&self) -> &Integration {
        &self.integration
    }

    /// Renders `component_id` with `props` (a JSON object, or `null` for none) as
    /// the root view; whatever was open is closed.
    pub fn open(&mut self, component_id: &str, props: Value) -> Result<(), HarnessError> {
        let props = object("props", props)?;
        if self.integration.get(component_id).is_none() {
            return Err(HarnessError::NoComponent {
                id: component_id.to_owned(),
                available: self
                    .integration
                    .components()
                    .iter()
                    .map(|c| c.id().to_owned())
                    .collect(),
            });
        }
        self.steps.clear();
        let step = format!(
            "open {component_id} with props {}",
            Value::Object(props.clone())
        );
        let result = self.client.open(component_id, props);
        self.steps.push(step);
        if let Err(e) = result {
            self.append_to_last_step("failed");
            return Err(self.component_error(e));
        }
        if let Some(rv) = self.client.completed() {
            let ended = format!("completed with {}", return_value_json(rv.as_ref()));
            self.append_to_last_step(&ended);
        }
        self.check()
    }

    /// Writes `value` into the top view's state under `key`, as typing into the
    /// input bound to `key` does; the next action sends it.
    ///
    /// # Panics
    ///
    /// When nothing is open: there is no input to type into.
    #[track_caller]
    pub fn type_into(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        let value = value.into();
        self.expect_view("type into an input");
        self.steps.push(format!("set {key} to {value}"));
        self.client.set_state(key, value);
        self
    }

    /// Adds `value` to, or removes it from, the array under `key`, as ticking a
    /// checkbox does.
    ///
    /// # Panics
    ///
    /// When nothing is open.
    #[track_caller]
    pub fn toggle(&mut self, key: &str, value: impl Into<Value>) -> &mut Self {
        let value = value.into();
        self.expect_view("toggle a checkbox");
        self.steps.push(format!("toggle {value} in {key}"));
        self.client.toggle(key, value);
        self
    }

    /// Presses the first button (or block control, modal submit, card, code block or
    /// web frame button) labelled `label` in the top view, in document order.
    pub fn press(&mut self, label: &str) -> Result<ClientEvent, HarnessError> {
        let view = self.top("press a button")?;
        let targets = pressables(&view.output.element);
        let Some(target) = targets.iter().find(|p| p.label == label) else {
            let mut available: Vec<String> = Vec::new();
            for p in &targets {
                if !available.iter().any(|a| a == p.label) {
                    available.push(p.label.to_owned());
                }
            }
            return Err(HarnessError::NoButton {
                label: label.to_owned(),
                component: view.component_id.clone(),
                available,
            });
        };
        if target.disabled {
            return Err(HarnessError::Disabled {
                label: label.to_owned(),
                component: view.component_id.clone(),
            });
        }
        let step = match target.confirm {
            Some(title) => format!("press {label:?}, confirming {title:?}"),
            None => format!("press {label:?}"),
        };
        let action = target.action.clone();
        self.run(&action, step)
    }

    /// Dispatches `action` from the top view, its `{"$state": key}` bindings resolved
    /// from the view's state.
    pub fn dispatch(&mut self, action: &Action) -> Result<ClientEvent, HarnessError> {
        let step = format!(
            "dispatch {}",
            serde_json::to_string(action).unwrap_or_default()
        );
        self.run(action, step)
    }

    /// Closes the top modal with `return_value` (a JSON object, or `null` for an
    /// empty one), as its `@ui.modal.close` action does: the view underneath handles
    /// it, or the flow ends when the modal is the root.
    pub fn close_modal(&mut self, return_value: Value) -> Result<ClientEvent, HarnessError> {
        let return_value = object("a modal's return value", return_value)?;
        let view = self.top("close a modal")?;
        if self.client.views().len() == 1 && !matches!(view.output.element, Element::Modal(_)) {
            return Err(HarnessError::NoModal {
                component: view.component_id.clone(),
                kind: view.output.element.kind().to_string(),
            });
        }
        let step = format!(
            "close the modal with {}",
            Value::Object(return_value.clone())
        );
        self.run(&Action::close_modal(return_value), step)
    }

    /// The top view's local state: its last output's state plus what was typed since.
    pub fn state(&self) -> Option<&Object> {
        self.view().map(|v| &v.local)
    }

    /// The top view's last render output, or the `complete` output once the flow
    /// ended; `None` before [`Harness::open`].
    pub fn output(&self) -> Option<RenderOutput> {
        if let Some(view) = self.view() {
            return Some(RenderOutput::Element(view.output.clone()));
        }
        self.completed().map(|rv| {
            RenderOutput::Complete(crate::element::CompleteOutput {
                return_value: rv.clone(),
            })
        })
    }

    /// The top view's element.
    pub fn element(&self) -> Option<&Element> {
        self.view().map(|v| &v.output.element)
    }

    /// The top view.
    pub fn view(&self) -> Option<&View> {
        self.views().last()
    }

    /// Every view, bottom first (none once the flow ended).
    pub fn views(&self) -> &[View] {
        self.client.views()
    }

    /// The flow's return value, once it ended (`Some(None)`: ended without one).
    pub fn completed(&self) -> Option<&Option<Object>> {
        self.client.completed()
    }

    /// URLs opened with `@ui.url.open`, in order.
    pub fn opened_urls(&self) -> &[String] {
        self.client.opened_urls()
    }

    /// The last `ui_render` request sent to a component: its state is what the
    /// client sent, typed values included.
    pub fn last_request(&self) -> Option<RenderRequest> {
        self.last_request
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The steps taken since [`Harness::open`], one line each, with what each did.
    pub fn steps(&self) -> &[String] {
        &self.steps
    }

    /// The top view's HTML preview: [`render_element`] of its element with its local
    /// state, in the harness's theme, interactive hooks only when asked for.
    pub fn html(&self) -> Option<String> {
        let view = self.view()?;
        let options = HtmlOptions {
            theme: self.html_theme(),
            title: None,
            state: Some(&view.local),
            interactive: self.interactive_html,
        };
        Some(render_element(&view.output.element, &options))
    }

    /// Asserts an insta snapshot, named `name`, of the top view's render output as
    /// JSON (the `complete` output once the flow ended), in `PREFIX__NAME.json.snap`.
    /// See [Snapshots](self#snapshots) for where the file goes.
    ///
    /// # Panics
    ///
    /// When the snapshot does not match (insta's failure), or before [`Harness::open`].
    #[track_caller]
    pub fn assert_json_snapshot(&self, name: &str) {
        let Some(output) = self.output() else {
            panic!("nothing to snapshot as {name:?}: open a component first");
        };
        let location = std::panic::Location::caller();
        self.snapshot_settings(location).bind(|| {
            insta::assert_json_snapshot!(self.snapshot_name(location, name, "json"), output);
        });
    }

    /// Asserts an insta snapshot, named `name`, of the top view's HTML preview
    /// ([`Harness::html`]), one tag per line, in `PREFIX__NAME.html.snap`.
    ///
    /// # Panics
    ///
    /// When the snapshot does not match, or when no view is open (before
    /// [`Harness::open`], or after the flow ended).
    #[track_caller]
    pub fn assert_html_snapshot(&self, name: &str) {
        let Some(html) = self.html() else {
            match self.completed() {
                Some(rv) => panic!(
                    "no view to snapshot as {name:?}: the flow completed with {}",
                    return_value_json(rv.as_ref())
                ),
                None => panic!("nothing to snapshot as {name:?}: open a component first"),
            }
        };
        let location = std::panic::Location::caller();
        // One tag per line: a change to one element is a one-line diff.
        let html = html.replace("><", ">\n<");
        self.snapshot_settings(location).bind(|| {
            insta::assert_snapshot!(self.snapshot_name(location, name, "html"), html);
        });
    }

    // --- Steps -------------------------------------------------------------------------

    /// Sends `action` from the top view, and checks the new top view.
    fn run(&mut self, action: &Action, step: String) -> Result<ClientEvent, HarnessError> {
        self.top("send an action")?;
        self.steps.push(step);
        let event = match self.client.dispatch(action) {
            Ok(event) => event,
            Err(e) => {
                self.append_to_last_step("failed");
                return Err(self.component_error(e));
            }
        };
        self.append_to_last_step(&describe(&event));
        self.check()?;
        Ok(event)
    }

    /// The top view, or why there is none.
    fn top(&self, doing: &str) -> Result<&View, HarnessError> {
        self.view().ok_or_else(|| {
            HarnessError::NothingOpen(match self.completed() {
                Some(rv) => format!(
                    "cannot {doing}: the flow completed with {}",
                    return_value_json(rv.as_ref())
                ),
                None => format!("cannot {doing}: no component is open (call open first)"),
            })
        })
    }

    #[track_caller]
    fn expect_view(&self, doing: &str) {
        if let Err(e) = self.top(doing) {
            panic!("{e}");
        }
    }

    /// Checks the top view's output as GitBook would read it.
    fn check(&self) -> Result<(), HarnessError> {
        let Some(view) = self.view() else {
            return Ok(());
        };
        let output = RenderOutput::Element(ElementOutput::clone(&view.output));
        RenderOutput::from_value(&output.to_value())
            .map(|_| ())
            .map_err(|errors| HarnessError::InvalidOutput {
                component: view.component_id.clone(),
                errors,
            })
    }

    fn component_error(&self, error: ComponentError) -> HarnessError {
        let component = self
            .last_request()
            .map(|r| r.component_id)
            .unwrap_or_default();
        HarnessError::Component { component, error }
    }

    fn append_to_last_step(&mut self, what: &str) {
        if let Some(last) = self.steps.last_mut() {
            last.push_str(": ");
            last.push_str(what);
        }
    }

    fn reset_client(&mut self) {
        self.client = Client::new(
            Recorder {
                integration: self.integration.clone(),
                last: self.last_request.clone(),
            },
            self.context.clone(),
        );
        self.steps.clear();
    }

    fn html_theme(&self) -> Theme {
        self.theme
            .unwrap_or_else(|| match self.context.get("theme").and_then(Value::as_str) {
                Some("dark") => Theme::Dark,
                _ => Theme::Light,
            })
    }

    // --- Snapshots ---------------------------------------------------------------------

    /// insta's settings in scope, pointed at the harness's snapshot directory. The
    /// directory is absolute because insta would take a relative one from this file.
    fn snapshot_settings(&self, caller: &std::panic::Location<'_>) -> insta::Settings {
        let test_dir = source_dir(caller.file());
        let dir = match &self.snapshot_dir {
            Some(dir) if dir.is_absolute() => dir.clone(),
            Some(dir) => lexically_normal(&test_dir.join(dir)),
            None => test_dir.join("snapshots"),
        };
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_path(dir);
        // The harness names the file itself: insta's module prefix would be this module's.
        settings.set_prepend_module_to_snapshot(false);
        // The expression is always the harness's own; the steps say what was rendered.
        settings.set_omit_expression(true);
        settings.set_description(self.steps.join("\n"));
        // The component shown, or the last one rendered once the flow ended.
        let component = match self.view() {
            Some(v) => Some(v.component_id.clone()),
            None => self.last_request().map(|r| r.component_id),
        };
        if let Some((_, path)) = self
            .files
            .iter()
            .find(|(id, _)| Some(id) == component.as_ref())
        {
            let path = std::env::current_dir().map_or_else(|_| path.clone(), |cwd| cwd.join(path));
            settings.set_input_file(path);
        }
        settings
    }

    /// `prefix__name.kind`: the file is `prefix__name.kind.snap`.
    fn snapshot_name(&self, caller: &std::panic::Location<'_>, name: &str, kind: &str) -> String {
        let prefix = self.snapshot_prefix.clone().unwrap_or_else(|| {
            Path::new(caller.file())
                .file_stem()
                .map(|s| s.to_string_lossy().replace('-', "_"))
                .unwrap_or_default()
        });
        if prefix.is_empty() {
            format!("{name}.{kind}")
        } else {
            format!("{prefix}__{name}.{kind}")
        }
    }
}

/// The directory of a test file named as `file!()` names it: relative to the
/// workspace root when compiled by cargo, which may be the package's root or one of
/// its ancestors. A test runs from its package's root.
fn source_dir(file: &str) -> PathBuf {
    let file = Path::new(file);
    let parent = |p: &Path| p.parent().map(Path::to_path_buf).unwrap_or_default();
    if file.is_absolute() {
        return parent(file);
    }
    let bases: Vec<PathBuf> = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .into_iter()
        .chain(std::env::current_dir().ok())
        .collect();
    for base in &bases {
        for ancestor in base.ancestors() {
            let candidate = ancestor.join(file);
            if candidate.is_file() {
                return parent(&candidate);
            }
        }
    }
    parent(&bases.first().cloned().unwrap_or_default().join(file))
}

/// `path` with its `.` and `..` components folded (`tests/../snapshots` is
/// `snapshots`), without touching the file system: insta prints the path it writes.
fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

fn compile(
    source: &str,
    file_name: &str,
) -> Result<Vec<crate::component::Component>, HarnessError> {
    file::compile(source, file_name).map_err(|diagnostics| HarnessError::Compile {
        file: file_name.to_owned(),
        diagnostics,
    })
}

fn object(what: &'static str, value: Value) -> Result<Object, HarnessError> {
    match value {
        Value::Null => Ok(Object::new()),
        Value::Object(o) => Ok(o),
        found => Err(HarnessError::NotAnObject { what, found }),
    }
}

fn return_value_json(rv: Option<&Object>) -> String {
    rv.map_or_else(
        || "no return value".to_owned(),
        |o| Value::Object(o.clone()).to_string(),
    )
}

/// A step's outcome, for the snapshots' descriptions.
fn describe(event: &ClientEvent) -> String {
    match event {
        ClientEvent::Rendered => "rendered".to_owned(),
        ClientEvent::UrlOpened(url) => format!("opened URL {url}"),
        ClientEvent::ModalOpened(id) => format!("opened modal {id}"),
        ClientEvent::ModalClosed(rv) => format!("modal closed with {}", Value::Object(rv.clone())),
        ClientEvent::Completed(rv) => format!("completed with {}", return_value_json(rv.as_ref())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_test_file_is_found_from_the_package_root() {
        let dir = source_dir("tests/testing_harness.rs");
        assert_eq!(dir, Path::new(env!("CARGO_MANIFEST_DIR")).join("tests"));
        // Absolute paths (a path dependency outside the workspace) are taken as they are.
        assert_eq!(
            source_dir("/elsewhere/tests/x.rs"),
            Path::new("/elsewhere/tests")
        );
        assert_eq!(
            lexically_normal(Path::new("/a/tests/./../snapshots")),
            Path::new("/a/snapshots")
        );
        assert_eq!(lexically_normal(Path::new("../../x")), Path::new("../../x"));
    }

    #[test]
    fn snapshot_names_carry_the_test_file_and_the_kind() {
        let h = Harness::new(Integration::new());
        let here = std::panic::Location::caller();
        let stem = Path::new(here.file())
            .file_stem()
            .unwrap()
            .to_string_lossy();
        assert_eq!(
            h.snapshot_name(here, "after_add", "json"),
            format!("{stem}__after_add.json")
        );
        let h = h.with_snapshot_prefix("");
        assert_eq!(h.snapshot_name(here, "after_add", "html"), "after_add.html");
    }
}
