//! Component files: modules of TypeScript with JSX, written as `@gitbook/runtime`
//! integrations are written, compiled once into [`Component`]s.
//!
//! ```text
//! import { createComponent } from '@gitbook/runtime';
//!
//! export const counter = createComponent<{ start?: number }, { count: number }>({
//!     componentId: 'counter',
//!     initialState: (props) => ({ count: props.start ?? 0 }),
//!     action: async (element, action) => {
//!         switch (action.action) {
//!             case 'inc':
//!                 return { state: { count: element.state.count + 1 } };
//!             default:
//!                 return {};
//!         }
//!     },
//!     render: async ({ state }) => (
//!         <block><text>{`Count: ${state.count}`}</text></block>
//!     ),
//! });
//! ```
//!
//! `.tsx`, `.ts`, `.jsx`, `.js` and `.ckx` files are one language ([`crate::lang`]):
//! imports of `@gitbook/runtime` and of files beside them, `createComponent`,
//! `createIntegration`, and JavaScript's statements and standard library. The
//! components a file serves are those of its default-exported `createIntegration`,
//! else every `createComponent` its files make. Two extensions of the official runtime
//! stay: `action` may map action names to handlers, and `.ckx` files may use the
//! runtime's names without importing them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{Component, ComponentError, RenderRequest, Rendered};
use crate::element::RenderOutput;
use crate::lang::diagnostic::{Diagnostic, DiagnosticKind, Diagnostics};
use crate::lang::eval::Limits;
use crate::lang::host::HostState;
use crate::lang::program::{NoSources, Program, Sources};
use crate::lang::run::{ui_render, Outcome};
use crate::markup::{Scope, Template};

/// The file extensions of component files.
pub const EXTENSIONS: &[&str] = &["tsx", "ts", "jsx", "js", "ckx"];

/// Whether a path names a component file (not a text file imports read, such as
/// `script.raw.js`: see [`crate::lang::program::is_text_module`]).
pub fn is_component_file(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.contains(&e))
        && !path
            .to_str()
            .is_some_and(crate::lang::program::is_text_module)
}

/// The extensions of files that are always modules: TypeScript or JavaScript, with
/// JSX. One that declares no component is a helper the others import, and its syntax
/// errors are a module's. A `.ckx` file is a component file when it declares
/// components, and bare markup otherwise.
pub const MODULE_EXTENSIONS: &[&str] = &["tsx", "ts", "jsx", "js"];

/// Whether a path names a module (see [`MODULE_EXTENSIONS`]).
///
/// ```
/// use contentkit::component::file::is_module_path;
/// use std::path::Path;
/// assert!(is_module_path(Path::new("src/format.ts")));
/// assert!(!is_module_path(Path::new("hello.ckx")));
/// ```
pub fn is_module_path(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| MODULE_EXTENSIONS.contains(&e))
}

/// Whether a file is read as bare markup before it is read as a module: not a
/// module by its extension ([`is_module_path`]) and declaring no component. Markup
/// that then fails to compile is read as a module after all, whose diagnostics name
/// what a component file lacks. The CLI, the playground and the worker all decide so.
///
/// ```
/// use contentkit::component::file::may_be_bare_markup;
/// assert!(may_be_bare_markup("hello.ckx", "<block><text>Hi</text></block>"));
/// assert!(!may_be_bare_markup("hello.tsx", "<block><text>Hi</text></block>"));
/// assert!(!may_be_bare_markup("hello.ckx", "createComponent({ componentId: 'x', render: () => <block/> })"));
/// ```
pub fn may_be_bare_markup(name: &str, text: &str) -> bool {
    !is_module_path(Path::new(name)) && !text.contains("createComponent")
}

/// The component of a bare-markup file: its id is the file's name without
/// extension, and it renders the markup with its props, state and context.
///
/// ```
/// use contentkit::component::file::markup_component;
/// use contentkit::markup::Template;
/// let template = Template::compile("<block><text>Hi</text></block>", "ui/hello.ckx").unwrap();
/// assert_eq!(markup_component("ui/hello.ckx", template).id(), "hello");
/// ```
pub fn markup_component(name: &str, template: Template) -> Component {
    Component::new(markup_id(name), move |input: &super::Input<'_>| {
        let scope = Scope::new()
            .props(input.props_json)
            .state(input.state_json)
            .context(input.context);
        template
            .render_element(&scope)
            .map_err(|e| ComponentError::Internal(e.to_string()))
    })
}

/// The id of a bare-markup file's component: its name without folder or
/// extension.
///
/// ```
/// assert_eq!(contentkit::component::file::markup_id("ui/hello.ckx"), "hello");
/// ```
pub fn markup_id(name: &str) -> String {
    Path::new(name)
        .file_stem()
        .map_or_else(|| name.to_owned(), |s| s.to_string_lossy().into_owned())
}

/// Compiles every component a file declares (a single file: no relative imports).
///
/// ```
/// use contentkit::component::{file, Integration, RenderRequest};
/// let source = r#"createComponent({
///     componentId: 'hello',
///     initialState: { message: 'Click me' },
///     render: ({ state }) => <block><button label={state.message} onPress={{ action: 'say' }} /></block>,
/// })"#;
/// let components = file::compile(source, "hello.ckx").unwrap();
/// let integration = Integration::new().component(components.into_iter().next().unwrap());
/// let out = integration.render(&RenderRequest::new("hello", Default::default())).unwrap();
/// assert_eq!(out.output.to_value()["element"]["children"][0]["label"], "Click me");
/// ```
pub fn compile(source: &str, file_name: &str) -> Result<Vec<Component>, Diagnostics> {
    compile_with(source, file_name, &NoSources)
}

/// Compiles every component a file declares, reading its relative imports from
/// `sources` (paths as the import resolves them, relative to the file's folder).
///
/// ```
/// use std::collections::HashMap;
/// use contentkit::component::file;
/// let mut sources = HashMap::new();
/// sources.insert("words.ts".to_owned(), "export const HELLO = 'Hello';".to_owned());
/// let source = r#"import { HELLO } from './words';
/// createComponent({ componentId: 'hi', render: () => <block><text>{HELLO}</text></block> })"#;
/// let components = file::compile_with(source, "hi.ckx", &sources).unwrap();
/// assert_eq!(components[0].id(), "hi");
/// ```
pub fn compile_with(
    source: &str,
    file_name: &str,
    sources: &dyn Sources,
) -> Result<Vec<Component>, Diagnostics> {
    let program = Program::load(file_name, source, sources)?;
    Ok(components(Arc::new(program)))
}

/// The components of a program, sharing it.
pub fn components(program: Arc<Program>) -> Vec<Component> {
    program
        .component_ids()
        .into_iter()
        .map(|id| Component::from_program(id, program.clone()))
        .collect()
}

/// One loaded component file: bare markup (one component named after the file), or
/// a program (the components it declares, and the handlers of its
/// `createIntegration`, which a file may define without any component).
#[derive(Debug)]
pub enum Loaded {
    /// A file of bare markup.
    Markup(Component),
    /// A module.
    Program(Arc<Program>),
}

impl Loaded {
    /// The ids of the components the file declares.
    pub fn component_ids(&self) -> Vec<String> {
        match self {
            Loaded::Markup(c) => vec![c.id().to_owned()],
            Loaded::Program(p) => p.component_ids().into_iter().map(str::to_owned).collect(),
        }
    }

    /// The components the file declares.
    pub fn into_components(self) -> Vec<Component> {
        match self {
            Loaded::Markup(c) => vec![c],
            Loaded::Program(p) => components(p),
        }
    }

    /// Adds the file to `integration` (see [`Integration::add_program`]).
    ///
    /// [`Integration::add_program`]: crate::component::Integration::add_program
    pub fn add_to(self, integration: &mut crate::component::Integration) {
        match self {
            Loaded::Markup(c) => integration.add(c),
            Loaded::Program(p) => integration.add_program(p),
        }
    }
}

/// Files read from a folder, by paths relative to it.
#[derive(Debug, Clone)]
pub struct FolderSources {
    root: PathBuf,
    parents: bool,
}

impl FolderSources {
    /// Sources under `root`, none above it: what a page may edit (the playground)
    /// cannot import `../../secret.raw.js`.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        FolderSources {
            root: root.into(),
            parents: false,
        }
    }

    /// Sources under `root` and above it (`../package.json`): for the file a user
    /// names on the command line, whose imports may leave its folder as they do
    /// in an integration's `src/`.
    pub fn with_parents(root: impl Into<PathBuf>) -> Self {
        FolderSources {
            root: root.into(),
            parents: true,
        }
    }
}

impl Sources for FolderSources {
    fn read(&self, path: &str) -> Option<String> {
        if !self.parents && path.split('/').any(|seg| seg == "..") {
            return None;
        }
        let full = self.root.join(path);
        if !full.is_file() {
            return None;
        }
        std::fs::read_to_string(full).ok()
    }
}

/// Loads the program whose entry is the file at `path` (its imports read beside it,
/// and above its folder: `../package.json`).
pub fn load_program(path: &Path) -> Result<Program, Diagnostics> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics::one(Diagnostic::unlocated(
            &name,
            DiagnosticKind::UnknownImport,
            format!("cannot read the file: {e}"),
        ))
    })?;
    let root = path.parent().unwrap_or(Path::new("."));
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or(&name)
        .to_owned();
    Program::load(&file_name, &text, &FolderSources::with_parents(root))
        .map_err(|d| rename(d, root))
}

/// Diagnostics name files relative to their folder while loading; put the folder back.
fn rename(d: Diagnostics, root: &Path) -> Diagnostics {
    let mut out = Diagnostics::new();
    for mut diag in d {
        if root != Path::new("") && root != Path::new(".") {
            diag.file = joined(root, &diag.file).display().to_string();
        }
        out.push(diag);
    }
    out
}

/// `root` joined with `relative`, each `..` of it taking a folder off `root` where
/// `root` has one to take (`src` + `../package.json` is `package.json`).
fn joined(root: &Path, relative: &str) -> PathBuf {
    use std::path::Component as Part;
    let mut out = root.to_path_buf();
    for part in Path::new(relative).components() {
        match part {
            Part::ParentDir if matches!(out.components().next_back(), Some(Part::Normal(_))) => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Loads the components of the file at `path`.
pub fn load(path: &Path) -> Result<Vec<Component>, Diagnostics> {
    load_program(path).map(|p| components(Arc::new(p)))
}

/// The environment components see when they render outside a runtime request.
fn default_environment() -> Vec<u8> {
    serde_json::to_vec(&crate::runtime::IntegrationEnvironment::for_tests())
        .unwrap_or_else(|_| b"{}".to_vec())
}

/// The time components see: the system clock where there is one.
pub(crate) fn now_ms() -> f64 {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0.0, |d| d.as_millis() as f64)
    }
    #[cfg(target_arch = "wasm32")]
    {
        0.0
    }
}

/// The `ui_render` event of `request`, as JSON.
fn event_bytes(request: &RenderRequest) -> Vec<u8> {
    let mut event = serde_json::Map::new();
    event.insert("type".into(), "ui_render".into());
    event.insert("componentId".into(), request.component_id.clone().into());
    event.insert(
        "props".into(),
        serde_json::Value::Object(request.props.clone()),
    );
    event.insert("context".into(), request.context.clone());
    if let Some(state) = &request.state {
        event.insert("state".into(), serde_json::Value::Object(state.clone()));
    }
    if let Some(action) = &request.action {
        event.insert("action".into(), serde_json::Value::Object(action.clone()));
    }
    serde_json::to_vec(&serde_json::Value::Object(event)).unwrap_or_default()
}

/// Renders `request` with `program`, outside a runtime request (the client, the
/// harness, the CLI): the request becomes the `ui_render` event the runtime gets.
/// A component that awaits `fetch` or the GitBook API fails here; see
/// [`render_with_host`].
pub(crate) fn render(
    program: &Program,
    request: &RenderRequest,
) -> Result<Rendered, ComponentError> {
    let bytes = event_bytes(request);
    let host = HostState::new(now_ms(), 0x5eed);
    // The request's environment when it has one (a runtime request), else the test one.
    let environment = request
        .environment
        .as_ref()
        .and_then(|e| serde_json::to_vec(e.as_ref()).ok())
        .unwrap_or_else(default_environment);
    let response = match ui_render(program, &bytes, &environment, Limits::default(), host) {
        Outcome::Done(r) => r,
        Outcome::NeedsHost(ops) => {
            return Err(ComponentError::Internal(format!(
                "the component awaits {} host operation(s) (fetch, API calls), which only a runtime request can perform",
                ops.len()
            )))
        }
    };
    response_to_rendered(response)
}

/// Renders `request` with `program` as a runtime request would: what the component
/// asks of the outside world (`fetch`, the GitBook API) is performed by `driver`
/// (see [`crate::runtime::host`]), in `environment` (an `IntegrationEnvironment` as
/// JSON; the test environment when `None`).
pub fn render_with_host(
    program: &Arc<Program>,
    request: &RenderRequest,
    environment: Option<&[u8]>,
    driver: &Arc<dyn crate::runtime::host::HostDriver>,
) -> Result<Rendered, ComponentError> {
    let environment = environment.map_or_else(default_environment, <[u8]>::to_vec);
    let run = crate::runtime::host::ProgramRun::ui_render(
        program.clone(),
        event_bytes(request),
        environment,
        None,
    );
    let reply = crate::runtime::host::drive_to_reply(run, Some(driver));
    let cache_control = reply
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("cache-control"))
        .map(|(_, v)| v.clone());
    response_to_rendered(crate::lang::run::Response {
        status: reply.status,
        body: reply.body,
        cache_control,
        diagnostics: reply.diagnostics,
    })
}

/// A response of a program as a typed render result.
pub(crate) fn response_to_rendered(
    response: crate::lang::run::Response,
) -> Result<Rendered, ComponentError> {
    let message = || {
        serde_json::from_slice::<serde_json::Value>(&response.body)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_default()
    };
    match response.status {
        200 => {
            let value: serde_json::Value = serde_json::from_slice(&response.body)
                .map_err(|e| ComponentError::Internal(format!("the output is not JSON: {e}")))?;
            let output = RenderOutput::from_value(&value)
                .map_err(|e| ComponentError::Internal(e.to_string()))?;
            let cache_max_age = response
                .cache_control
                .as_deref()
                .and_then(|c| c.strip_prefix("max-age="))
                .and_then(|n| n.parse().ok());
            Ok(Rendered {
                output,
                cache_max_age,
            })
        }
        404 => Err(ComponentError::NotFound(
            message()
                .trim_start_matches("Component ")
                .trim_end_matches(" not found")
                .to_owned(),
        )),
        500 if !response.diagnostics.is_empty() => {
            let text: Vec<String> = response
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect();
            Err(ComponentError::Internal(text.join("\n\n")))
        }
        status => Err(ComponentError::exposed(status, message())),
    }
}
