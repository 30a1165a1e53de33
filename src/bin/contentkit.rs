//! The `contentkit` command: check, render, format and serve ContentKit UI.
//!
//! Each command reads files, calls the library, and prints; the work is in the library.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use contentkit::component::{self, Integration, RenderRequest};
use contentkit::element::tape::Tape;
use contentkit::element::transcode::{OutputJson, TreeJson};
use contentkit::element::{
    self, Action, Element, Object, RenderContext, RenderOutput, Theme, ValidationErrors,
};
use contentkit::lang::eval::Limits;
use contentkit::markup::{self, Scope, Template};
use contentkit::render::html::{self, HtmlOptions};
use serde_json::Value;

/// The server renders many small trees per request; mimalloc serves those allocations
/// faster than the system allocator: a 1,000-item list render takes about 40% less CPU
/// (scripts/load.sh), for a peak RSS still under 64 MiB at 64 connections because its
/// arenas are built without transparent huge pages (the `no_thp` feature).
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "contentkit",
    version,
    about = "Build, check, preview and serve GitBook ContentKit UI"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render a file: a JSON tree or output, bare markup, or a component file (`.ckx`).
    Render {
        /// The file.
        file: PathBuf,
        /// The output format.
        #[arg(long, value_enum, default_value_t = Format::Json)]
        format: Format,
        /// Indent the JSON.
        #[arg(long)]
        pretty: bool,
        /// The component to render, in a component file that declares several.
        #[arg(long)]
        component: Option<String>,
        /// Props (a JSON object; `@FILE` reads it from a file, `@-` from standard input).
        #[arg(long)]
        props: Option<String>,
        /// State (a JSON object; `@FILE` or `@-` as for --props).
        #[arg(long)]
        state: Option<String>,
        /// An action to handle before rendering, for component files: a JSON object with
        /// an `action` key (`@FILE` or `@-` as for --props).
        #[arg(long)]
        action: Option<String>,
        /// The render context (a ContentKit context object; `@FILE` or `@-` as for
        /// --props); default: a light-theme, editable document.
        #[arg(long)]
        context: Option<String>,
        /// The integration's environment, for component files: the `environment`
        /// a runtime request carries (`@FILE` or `@-` as for --props); default: a
        /// test integration with its URLs, no installation.
        #[arg(long)]
        environment: Option<String>,
    },
    /// Report every error in each file; exit 1 on any.
    Check {
        /// JSON trees or outputs, markup or component files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print a JSON element tree (or static markup) as formatted markup.
    Fmt {
        /// A `.json` tree or a markup file (a component file is checked and printed as written).
        file: PathBuf,
    },
    /// Build DIR's component files into a worker bundle for workerd and Cloudflare Workers.
    Build {
        /// A folder of component files (read recursively, relative paths kept).
        dir: PathBuf,
        /// Build a WebAssembly worker (the only target there is).
        #[arg(long, required = true)]
        worker: bool,
        /// The folder to write the bundle into.
        #[arg(short, long)]
        out: PathBuf,
        /// Where `config.capnp` makes workerd listen.
        #[arg(long, default_value = contentkit::worker::bundle::DEFAULT_ADDR)]
        addr: String,
        /// The worker's name in wrangler.toml; default: from DIR's name.
        #[arg(long)]
        name: Option<String>,
        /// The largest request body answered, in bytes.
        #[arg(long, default_value_t = contentkit::worker::sources::DEFAULT_BODY_LIMIT)]
        body_limit: usize,
        /// The engine wasm; default: $CONTENTKIT_WORKER_ENGINE, then
        /// contentkit_worker.wasm beside this program, then the one cargo built
        /// in this program's target folder.
        #[arg(long)]
        engine: Option<PathBuf>,
    },
    /// Serve the playground (and the runtime's `POST /v1`) on the components in PATH.
    #[cfg(feature = "server")]
    Serve {
        /// A component file (`.tsx`, `.ts`, `.jsx`, `.js`, `.ckx`) or a folder of them;
        /// default: the built-in examples.
        path: Option<PathBuf>,
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:8787")]
        addr: String,
        /// The most connections open at once; default: below the descriptor limit.
        #[arg(long)]
        max_connections: Option<usize>,
        /// Drive an integration served at this URL (its `POST /v1`) instead of PATH's.
        #[arg(long)]
        proxy: Option<String>,
    },
    /// Replay every scenario (`*.scenario.json`) under PATH and compare each output
    /// with the recorded one; exit 1 on any change.
    #[cfg(feature = "server")]
    Test {
        /// A scenario file or a folder searched recursively; default: the current folder.
        path: Option<PathBuf>,
        /// Go through the changed scenarios: accept, reject or skip each.
        #[arg(long)]
        review: bool,
        /// Accept every change.
        #[arg(long)]
        accept: bool,
        /// Replay against an integration served at this URL instead of the component
        /// files beside each scenario.
        #[arg(long)]
        proxy: Option<String>,
    },
}

#[derive(Clone, Copy, PartialEq, ValueEnum)]
enum Format {
    /// GitBook's JSON.
    Json,
    /// A standalone HTML preview.
    Html,
}

#[cfg(feature = "server")]
#[path = "cli/scenarios.rs"]
mod scenarios;

/// A failure already formatted for the terminal.
struct Failure(String);

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map_err(|e| Failure(format!("{}: cannot read: {e}", path.display())))
}

fn json_failure(path: &Path, e: &serde_json::Error) -> Failure {
    Failure(format!(
        "{}:{}:{}: invalid JSON: {}",
        path.display(),
        e.line(),
        e.column(),
        json_error_message(e)
    ))
}

/// serde_json's message without the position it appends (we print it first), with
/// its nesting limit said plainly.
fn json_error_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    let message = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(m, _)| m);
    if message == "recursion limit exceeded" {
        // serde_json's parser stops there rather than exhaust the stack.
        format!("nested more than {JSON_NESTING_LIMIT} levels deep (arrays and objects)")
    } else {
        message.to_owned()
    }
}

/// How many levels of arrays and objects serde_json's parser reads (its recursion
/// limit, 128, is reached on entering the 128th).
const JSON_NESTING_LIMIT: usize = 127;

/// Where the JSON arguments come from: `@-` may be read once only.
#[derive(Default)]
struct ArgSource {
    stdin_taken_by: Option<&'static str>,
    /// The limits of the component run the arguments go to, when they go to one:
    /// each must fit in its memory budget.
    run: Option<Limits>,
}

impl ArgSource {
    /// The JSON of argument `--name`: the text itself, a file's for `@FILE`, standard
    /// input's for `@-`. Errors name the argument and, for files, the file and position.
    fn json(&mut self, name: &'static str, arg: &str) -> Result<Value, Failure> {
        let (origin, text) = match arg.strip_prefix('@') {
            None => (String::new(), arg.to_owned()),
            Some("-") => {
                if let Some(first) = self.stdin_taken_by.replace(name) {
                    return Err(Failure(format!(
                        "--{name}: standard input is already read by --{first}"
                    )));
                }
                let mut text = String::new();
                std::io::Read::read_to_string(&mut std::io::stdin(), &mut text)
                    .map_err(|e| Failure(format!("--{name}: cannot read standard input: {e}")))?;
                ("<stdin>:".to_owned(), text)
            }
            Some(file) => {
                let text = std::fs::read_to_string(file)
                    .map_err(|e| Failure(format!("--{name}: {file}: cannot read: {e}")))?;
                (format!("{file}:"), text)
            }
        };
        // Before a `Value` (several times the text) is built: a text the run cannot
        // hold is refused for what it is, with the argument it came in.
        if let Some(limits) = &self.run {
            if !contentkit::lang::run::json_fits_memory(text.as_bytes(), limits) {
                let origin = origin.strip_suffix(':').map(|o| format!("{o}: "));
                return Err(Failure(format!(
                    "--{name}: {}too large: reading it ran out of the component's memory budget ({} bytes)",
                    origin.unwrap_or_default(),
                    limits.max_memory
                )));
            }
        }
        serde_json::from_str(&text).map_err(|e| {
            Failure(format!(
                "--{name}: {origin}{}:{}: invalid JSON: {}",
                e.line(),
                e.column(),
                json_error_message(&e)
            ))
        })
    }

    /// A JSON object argument (`--props`, `--state`).
    fn object(&mut self, name: &'static str, arg: Option<&str>) -> Result<Option<Object>, Failure> {
        match arg.map(|a| self.json(name, a)).transpose()? {
            None => Ok(None),
            Some(Value::Object(o)) => Ok(Some(o)),
            Some(other) => Err(Failure(format!(
                "--{name} must be a JSON object, not {}",
                contentkit::element::decode::json_type_name(&other)
            ))),
        }
    }

    /// `--action`: an object with an `action` key, checked as ContentKit checks actions.
    fn action(&mut self, arg: Option<&str>) -> Result<Option<Object>, Failure> {
        let Some(action) = self.object("action", arg)? else {
            return Ok(None);
        };
        let value = Value::Object(action);
        Action::from_value(&value).map_err(|e| argument_errors("action", &e))?;
        let Value::Object(action) = value else {
            unreachable!("built as an object above")
        };
        Ok(Some(action))
    }

    /// `--environment`: an integration environment, checked as a runtime request's.
    fn environment(
        &mut self,
        arg: Option<&str>,
    ) -> Result<Option<std::sync::Arc<contentkit::runtime::IntegrationEnvironment>>, Failure> {
        let Some(environment) = arg.map(|a| self.json("environment", a)).transpose()? else {
            return Ok(None);
        };
        serde_json::from_value(environment)
            .map(|e| Some(std::sync::Arc::new(e)))
            .map_err(|e| Failure(format!("--environment: {e}")))
    }

    /// `--context`: a ContentKit context (`document`, `configuration_space`, …).
    fn context(&mut self, arg: Option<&str>) -> Result<Option<Value>, Failure> {
        let Some(context) = arg.map(|a| self.json("context", a)).transpose()? else {
            return Ok(None);
        };
        RenderContext::from_value(&context).map_err(|e| argument_errors("context", &e))?;
        Ok(Some(context))
    }
}

/// Every error of an argument's value, one a line, prefixed by the argument.
fn argument_errors(name: &str, errors: &ValidationErrors) -> Failure {
    Failure(
        errors
            .to_string()
            .lines()
            .map(|line| format!("--{name}: {line}"))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// A `.ts`, `.tsx`, `.js` or `.jsx` file is always a module (one that declares no
/// component is a helper, and its syntax errors are a module's); a `.ckx` file is a
/// component file when it declares components, and bare markup otherwise.
fn is_component_file(path: &Path, text: &str) -> bool {
    contentkit::component::file::is_module_path(path) || text.contains("createComponent")
}

/// Whether a file's module diagnostics say it parsed as a module (its errors are past
/// the syntax: an import not found, an element misused), so they are the ones to
/// report rather than the markup's.
fn parsed_as_module(module: &contentkit::lang::diagnostic::Diagnostics) -> bool {
    module
        .iter()
        .all(|d| d.kind != contentkit::lang::diagnostic::DiagnosticKind::Syntax)
}

/// What a file renders to.
enum Rendered {
    Tree(Element),
    Output(RenderOutput),
}

struct RenderArgs<'a> {
    component: Option<&'a str>,
    props: Option<Object>,
    state: Option<Object>,
    action: Option<Object>,
    context: Option<Value>,
    environment: Option<std::sync::Arc<contentkit::runtime::IntegrationEnvironment>>,
}

fn is_json(path: &Path) -> bool {
    path.extension().is_some_and(|e| e == "json")
}

/// A JSON element tree or render output, read and checked; every error as
/// `FILE: path: message`. Read through a [`Tape`], which indexes the text instead of
/// building a `serde_json::Value` twenty times its size.
fn load_json(path: &Path, text: &str) -> Result<Rendered, Failure> {
    let tape = Tape::parse(text).map_err(|e| json_failure(path, &e))?;
    let root = tape.root();
    if RenderOutput::is_output_json(root) {
        RenderOutput::from_json(root)
            .map(Rendered::Output)
            .map_err(|e| located(path, &e))
    } else {
        Element::from_root_json(root)
            .map(Rendered::Tree)
            .map_err(|e| located(path, &e))
    }
}

/// Checks a JSON element tree or render output as [`load_json`] reads it, keeping
/// nothing: memory is the text, its index and the depth of the tree.
fn check_json(path: &Path, text: &str) -> Result<(), Failure> {
    let tape = Tape::parse(text).map_err(|e| json_failure(path, &e))?;
    let root = tape.root();
    if RenderOutput::is_output_json(root) {
        RenderOutput::check_json(root)
    } else {
        Element::check_root_json(root)
    }
    .map_err(|e| located(path, &e))
}

/// Every error of a file, one a line, prefixed by the file.
fn located(path: &Path, errors: &ValidationErrors) -> Failure {
    Failure(
        errors
            .to_string()
            .lines()
            .map(|line| format!("{}: {line}", path.display()))
            .collect::<Vec<_>>()
            .join("\n"),
    )
}

/// Prints a JSON element tree or render output as [`load_json`] reads it and
/// [`print`] writes it, straight from its text: the tree is checked (keeping nothing),
/// then written from the text's index (JSON), or rendered a part at a time as the page
/// is written (HTML), so memory is the text and its index rather than a typed tree
/// several times its size.
fn print_json_file(path: &Path, format: Format, pretty: bool) -> Result<(), Failure> {
    let text = read(path)?;
    let tape = Tape::parse(&text).map_err(|e| json_failure(path, &e))?;
    let root = tape.root();
    let is_output = RenderOutput::is_output_json(root);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let written = match format {
        Format::Json if is_output => {
            let checked = OutputJson::check(root).map_err(|e| located(path, &e))?;
            write_json(&mut out, &checked, pretty)
        }
        Format::Json => {
            let checked = TreeJson::check(root).map_err(|e| located(path, &e))?;
            write_json(&mut out, &checked, pretty)
        }
        Format::Html => {
            if is_output {
                RenderOutput::check_json(root)
            } else {
                Element::check_root_json(root)
            }
            .map_err(|e| located(path, &e))?;
            html::write_document_from_tape(root, &html_options(), &mut out)
        }
    };
    written
        .and_then(|()| {
            std::io::Write::write_all(&mut out, b"\n")?;
            std::io::Write::flush(&mut out)
        })
        .map_err(|e| Failure(format!("cannot write the output: {e}")))
}

/// Writes `value` as JSON to `out`, numbers as JavaScript prints them.
fn write_json(
    out: &mut impl std::io::Write,
    value: &impl serde::Serialize,
    pretty: bool,
) -> std::io::Result<()> {
    let written = if pretty {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            out,
            element::JsFormatter::pretty(),
        ))
    } else {
        value.serialize(&mut serde_json::Serializer::with_formatter(
            out,
            element::JsFormatter::new(),
        ))
    };
    written.map_err(std::io::Error::from)
}

/// Whether rendering the file `text` of `path` runs a component (whose run reads the
/// props, state and action within its limits).
fn runs_a_component(path: &Path, text: &str) -> bool {
    !is_json(path) && is_component_file(path, text)
}

fn render_file(path: &Path, text: &str, args: RenderArgs<'_>) -> Result<Rendered, Failure> {
    let name = path.display().to_string();
    if is_json(path) {
        return load_json(path, text);
    }
    let context = args.context.unwrap_or_else(component::default_context);
    if is_component_file(path, text) {
        let components = component::file::load(path).map_err(|d| Failure(d.to_string()))?;
        let ids: Vec<String> = components.iter().map(|c| c.id().to_owned()).collect();
        let id = match (args.component, ids.as_slice()) {
            (Some(id), _) => id.to_owned(),
            (None, [only]) => only.clone(),
            (None, []) => {
                return Err(Failure(format!(
                    "{name} declares no component (createComponent): nothing to render"
                )))
            }
            (None, _) => {
                return Err(Failure(format!(
                    "{name} declares {}: choose one with --component",
                    ids.join(", ")
                )))
            }
        };
        let mut integration = Integration::new();
        for c in components {
            integration.add(c);
        }
        let request = RenderRequest {
            component_id: id,
            props: args.props.unwrap_or_default(),
            state: args.state,
            context,
            action: args.action,
            environment: args.environment,
        };
        // What the component asks of the outside world (fetch, the GitBook API) is
        // performed over HTTP.
        let driver: std::sync::Arc<dyn contentkit::runtime::host::HostDriver> =
            std::sync::Arc::new(contentkit::runtime::host::HttpDriver::default());
        let environment = request
            .environment
            .as_ref()
            .map(|e| serde_json::to_vec(&**e))
            .transpose()
            .map_err(|e| Failure(e.to_string()))?;
        let out = match integration
            .get(&request.component_id)
            .and_then(|c| c.program())
        {
            Some(program) => component::file::render_with_host(
                program,
                &request,
                environment.as_deref(),
                &driver,
            ),
            None => integration.render(&request),
        }
        .map_err(|e| Failure(format!("{name}: {e}")))?;
        return Ok(Rendered::Output(out.output));
    }
    let template = Template::compile(text, &name).map_err(|d| Failure(d.to_string()))?;
    let props = Value::Object(args.props.unwrap_or_default());
    let state = Value::Object(args.state.unwrap_or_default());
    let scope = Scope::new().props(&props).state(&state).context(&context);
    let element = template
        .render_element(&scope)
        .map_err(|e| Failure(e.to_string()))?;
    Ok(Rendered::Tree(element))
}

/// How `render --format html` renders: a standalone page, light theme.
fn html_options() -> HtmlOptions<'static> {
    HtmlOptions {
        theme: Theme::Light,
        ..HtmlOptions::default()
    }
}

fn print(rendered: &Rendered, format: Format, pretty: bool) -> Result<(), Failure> {
    let text = match format {
        Format::Json => {
            // Numbers as JavaScript prints them, so the output is what GitBook would get;
            // written from the typed tree, without a `Value` copy of it.
            let r = match (rendered, pretty) {
                (Rendered::Tree(e), false) => element::to_json_string(e),
                (Rendered::Tree(e), true) => element::to_json_string_pretty(e),
                (Rendered::Output(o), false) => element::to_json_string(o),
                (Rendered::Output(o), true) => element::to_json_string_pretty(o),
            };
            r.map_err(|e| Failure(e.to_string()))?
        }
        Format::Html => match rendered {
            Rendered::Tree(e) => html::render_document(e, &html_options()),
            Rendered::Output(o) => html::render_document(o, &html_options()),
        },
    };
    println!("{text}");
    Ok(())
}

fn check_file(path: &Path) -> Result<(), Failure> {
    let name = path.display().to_string();
    let text = read(path)?;
    if is_json(path) {
        return check_json(path, &text);
    }
    if is_component_file(path, &text) {
        return component::file::load(path)
            .map(|_| ())
            .map_err(|d| Failure(d.to_string()));
    }
    // Bare markup, or a module of helpers that declares no component: either compiles.
    match Template::compile(&text, &name) {
        Ok(_) => Ok(()),
        Err(markup) => match component::file::load(path) {
            Ok(_) => Ok(()),
            Err(module) if parsed_as_module(&module) => Err(Failure(module.to_string())),
            Err(_) => Err(Failure(markup.to_string())),
        },
    }
}

fn fmt_file(path: &Path) -> Result<(), Failure> {
    let text = read(path)?;
    // A component file's code is not markup: printing its render would lose the code.
    // It is checked and printed as written.
    if runs_a_component(path, &text) {
        component::file::load(path).map_err(|d| Failure(d.to_string()))?;
        eprintln!(
            "{}: a component file, printed as written (fmt reformats JSON trees and bare markup)",
            path.display()
        );
        print!("{text}");
        return Ok(());
    }
    let rendered = render_file(
        path,
        &text,
        RenderArgs {
            component: None,
            props: None,
            state: None,
            action: None,
            context: None,
            environment: None,
        },
    )?;
    let value = match rendered {
        Rendered::Tree(e) => e.to_value(),
        Rendered::Output(RenderOutput::Element(o)) => o.element.to_value(),
        Rendered::Output(RenderOutput::Complete(_)) => {
            return Err(Failure(format!(
                "{}: a complete output has no element",
                path.display()
            )))
        }
    };
    print!("{}", markup::print_markup(&value));
    Ok(())
}

#[cfg(feature = "server")]
fn serve(
    path: Option<PathBuf>,
    addr: &str,
    proxy: Option<String>,
    max_connections: Option<usize>,
) -> Result<(), Failure> {
    use contentkit::playground::{self, Backend, ComponentFiles};
    use contentkit::runtime::server::{self, ConnectionLimits};
    use std::sync::Arc;
    let files = match (&path, &proxy) {
        (None, None) => ComponentFiles::built_in(),
        (None, Some(_)) => ComponentFiles::empty(),
        (Some(p), _) => {
            ComponentFiles::load(p).map_err(|e| Failure(format!("{}: {e}", p.display())))?
        }
    };
    let backend = match proxy {
        None => Backend::Local,
        Some(url) => Backend::Proxy(url),
    };
    let files = Arc::new(files);
    let limits = ConnectionLimits {
        max_connections,
        ..ConnectionLimits::default()
    };
    let runtime = server::runtime(None).map_err(|e| Failure(e.to_string()))?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| Failure(format!("cannot listen on {addr}: {e}")))?;
        let local = listener.local_addr().map_err(|e| Failure(e.to_string()))?;
        if path.is_some() {
            playground::spawn_watcher(files.clone(), std::time::Duration::from_millis(500));
        }
        eprintln!("contentkit playground on http://{local}/ (runtime: POST http://{local}/v1); Ctrl-C stops it");
        let app = playground::router_with(files, backend);
        server::serve_with(listener, app, server::shutdown_signal(), limits)
            .await
            .map_err(|e| Failure(e.to_string()))
    })
}

/// The engine's file name, as cargo names the `contentkit-worker` cdylib.
const ENGINE_FILE: &str = "contentkit_worker.wasm";

/// Where the engine wasm is looked for, in order; see `Command::Build::engine`.
fn engine_candidates(flag: Option<PathBuf>) -> Vec<PathBuf> {
    if let Some(path) = flag {
        return vec![path];
    }
    let mut candidates = Vec::new();
    if let Some(path) = std::env::var_os("CONTENTKIT_WORKER_ENGINE") {
        return vec![PathBuf::from(path)];
    }
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_owned))
    {
        // A release archive ships the engine beside the program.
        candidates.push(dir.join(ENGINE_FILE));
        // A program cargo built in this repository: target/{debug,release}/contentkit,
        // and the engine in target/wasm32-unknown-unknown/worker/.
        if let Some(target) = dir.parent() {
            candidates.push(
                target
                    .join("wasm32-unknown-unknown/worker")
                    .join(ENGINE_FILE),
            );
        }
    }
    candidates
}

/// Every file under `dir`, as `/`-separated paths relative to it, sorted.
fn read_folder(dir: &Path) -> Result<Vec<(String, String)>, Failure> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_owned()];
    while let Some(folder) = pending.pop() {
        let entries = std::fs::read_dir(&folder)
            .map_err(|e| Failure(format!("{}: cannot read: {e}", folder.display())))?;
        for entry in entries {
            let path = entry
                .map_err(|e| Failure(format!("{}: cannot read: {e}", folder.display())))?
                .path();
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default();
            if name.starts_with('.') || name == "node_modules" {
                continue;
            }
            if path.is_dir() {
                pending.push(path);
            } else if contentkit::worker::WorkerInit::is_source_file(name) {
                let relative = path
                    .strip_prefix(dir)
                    .unwrap_or(&path)
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                files.push((relative, read(&path)?));
            }
        }
    }
    files.sort();
    Ok(files)
}

struct BuildArgs {
    dir: PathBuf,
    out: PathBuf,
    addr: String,
    name: Option<String>,
    body_limit: usize,
    engine: Option<PathBuf>,
}

fn build_worker(args: BuildArgs) -> Result<(), Failure> {
    use contentkit::worker::bundle::{worker_name, Bundle};
    use contentkit::worker::WorkerInit;
    let mut init = WorkerInit {
        body_limit: args.body_limit,
        ..WorkerInit::default()
    };
    let files = read_folder(&args.dir)?;
    if files.is_empty() {
        eprintln!(
            "warning: {} holds no component files; the worker serves no components",
            args.dir.display()
        );
    }
    for (path, text) in files {
        init.add_file(path, text)
            .map_err(|e| Failure(e.to_string()))?;
    }
    // The files' own errors first: they need no engine to be found. Compiled once:
    // the bundle takes the image.
    let image = init.image().map_err(|e| Failure(e.to_string()))?;
    let candidates = engine_candidates(args.engine);
    let Some(engine_path) = candidates.iter().find(|p| p.is_file()) else {
        let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        return Err(Failure(format!(
            "no worker engine found (looked at {}); build it in the contentkit repository with\n  \
             cargo build -p contentkit-worker --target wasm32-unknown-unknown --profile worker\n\
             and pass --engine target/wasm32-unknown-unknown/worker/{ENGINE_FILE}",
            tried.join(", ")
        )));
    };
    let engine = std::fs::read(engine_path)
        .map_err(|e| Failure(format!("{}: cannot read: {e}", engine_path.display())))?;
    let count = init.files.len();
    let name = args.name.unwrap_or_else(|| {
        let folder = args
            .dir
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_default();
        worker_name(&folder)
    });
    let bundle = Bundle::with_image(engine, image)
        .name(name)
        .addr(&args.addr);
    let written = bundle
        .write_to(&args.out)
        .map_err(|e| Failure(e.to_string()))?;
    for path in &written {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        eprintln!("wrote {} ({size} bytes)", path.display());
    }
    eprintln!(
        "{count} component file(s), engine {}; run it with\n  workerd serve {}  (listens on {})",
        engine_path.display(),
        args.out
            .join(contentkit::worker::bundle::CAPNP_FILE)
            .display(),
        args.addr
    );
    Ok(())
}

fn run(cli: Cli) -> Result<(), Failure> {
    match cli.command {
        Command::Render {
            file,
            format,
            pretty,
            component,
            props,
            state,
            action,
            context,
            environment,
        } => {
            if is_json(&file) {
                // The arguments are for components and markup; a tree takes none, but
                // they are read and checked all the same.
                let mut source = ArgSource::default();
                source.object("props", props.as_deref())?;
                source.object("state", state.as_deref())?;
                source.action(action.as_deref())?;
                source.context(context.as_deref())?;
                source.environment(environment.as_deref())?;
                return print_json_file(&file, format, pretty);
            }
            let text = read(&file)?;
            let mut source = ArgSource {
                run: runs_a_component(&file, &text).then(Limits::default),
                ..ArgSource::default()
            };
            let args = RenderArgs {
                component: component.as_deref(),
                props: source.object("props", props.as_deref())?,
                state: source.object("state", state.as_deref())?,
                action: source.action(action.as_deref())?,
                context: source.context(context.as_deref())?,
                environment: source.environment(environment.as_deref())?,
            };
            let rendered = render_file(&file, &text, args)?;
            print(&rendered, format, pretty)
        }
        Command::Check { files } => {
            let mut failed = 0;
            for file in &files {
                if let Err(Failure(message)) = check_file(file) {
                    failed += 1;
                    println!("{message}");
                }
            }
            eprintln!("checked {} file(s): {failed} with errors", files.len());
            if failed == 0 {
                Ok(())
            } else {
                Err(Failure(String::new()))
            }
        }
        Command::Fmt { file } => fmt_file(&file),
        Command::Build {
            dir,
            worker: _,
            out,
            addr,
            name,
            body_limit,
            engine,
        } => build_worker(BuildArgs {
            dir,
            out,
            addr,
            name,
            body_limit,
            engine,
        }),
        #[cfg(feature = "server")]
        Command::Serve {
            path,
            addr,
            proxy,
            max_connections,
        } => serve(path, &addr, proxy, max_connections),
        #[cfg(feature = "server")]
        Command::Test {
            path,
            review,
            accept,
            proxy,
        } => scenarios::run(&scenarios::TestArgs {
            path: path.unwrap_or_else(|| PathBuf::from(".")),
            review,
            accept,
            proxy,
        }),
    }
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message)) => {
            if !message.is_empty() {
                eprintln!("{message}");
            }
            ExitCode::FAILURE
        }
    }
}
