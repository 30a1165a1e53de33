//! The playground: component files in an editor, a live preview driven through the
//! integration runtime, the output JSON, and real interaction (feature `server`).
//!
//! The page's client keeps local state and a modal stack like GitBook's editor and
//! sends every render as a real `POST /v1` multipart request to the runtime mounted
//! beside it, or, with [`Backend::Proxy`], to an integration running elsewhere (the
//! official runtime under `gitbook dev`, Node, a worker). The preview is the engine's
//! own HTML serializer. Component files are compiled on every edit in the page (and
//! saved to disk) and whenever they change on disk.
//!
//! | route | what |
//! | --- | --- |
//! | `GET /` | the page |
//! | `GET /playground/editor.js` | the editor (CodeMirror 6, bundled from `web/`) |
//! | `GET /playground/frames/echo.html` | a web frame that shows the state it is sent |
//! | `GET /playground/files` | the files, their errors and components |
//! | `PUT /playground/files/{name}` | a page edit: saved to disk, recompiled |
//! | `PUT /playground/scenarios/{name}` | a recorded scenario, saved beside the files |
//! | `GET /playground/version` | bumped on every change |
//! | `POST /playground/html` | the HTML preview of one view |
//! | `POST /v1` | the integration runtime |

mod debug;
mod files;
#[cfg(feature = "client")]
mod proxy;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, Request, State};
use axum::http::{header, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub use files::{
    compile_source, is_component_path, ComponentFiles, SourceFile, Update, BUILT_IN_EXAMPLES,
    COMPONENT_EXTENSIONS,
};

use crate::element::{Element, Object, Theme};
use crate::render::html::{self, HtmlOptions};
use crate::runtime::server::{self, ServerConfig};

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("playground.js");
const STYLE: &str = include_str!("playground.css");
/// CodeMirror 6 and its TypeScript/JSX mode, bundled by `web/build.mjs` (see `web/`).
const EDITOR: &str = include_str!("editor.bundle.js");
/// A web frame speaking GitBook's protocol, for the examples and for trying it out.
const ECHO_FRAME: &str = include_str!("frames/echo.html");

/// Where the page's `POST /v1` requests go.
#[derive(Debug, Clone)]
pub enum Backend {
    /// The runtime mounted beside the page, on the component files.
    Local,
    /// An integration served elsewhere: its base URL (`/v1` is appended).
    #[cfg(feature = "client")]
    Proxy(String),
}

#[derive(Clone)]
struct PageState {
    files: Arc<ComponentFiles>,
    backend: Backend,
}

/// The playground's routes, with the integration runtime (`POST /v1`) mounted beside them.
pub fn router(files: Arc<ComponentFiles>) -> Router {
    router_with(files, Backend::Local)
}

/// The playground's routes, its `POST /v1` answered by `backend`.
pub fn router_with(files: Arc<ComponentFiles>, backend: Backend) -> Router {
    let state = PageState {
        files: files.clone(),
        backend: backend.clone(),
    };
    let page = Router::new()
        .route("/", get(page))
        .route("/playground/editor.js", get(editor))
        .route("/playground/frames/echo.html", get(echo_frame))
        .route("/playground/files", get(list_files))
        .route("/playground/files/{name}", put(update_file))
        .route("/playground/scenarios/{name}", put(save_scenario))
        .route("/playground/version", get(version))
        .route("/playground/html", post(preview_html))
        .with_state(state);
    let runtime = match backend {
        Backend::Local => server::router_with(files.clone(), ServerConfig::default()).layer(
            axum::middleware::from_fn_with_state(files, debug::explain_internal_errors),
        ),
        #[cfg(feature = "client")]
        Backend::Proxy(url) => proxy::router(&url),
    };
    page.merge(runtime)
        .layer(axum::middleware::from_fn(unknown_pages_are_not_found))
}

/// A `GET` of a path nobody serves is a 404, not the runtime's 405 for `/{version}`.
async fn unknown_pages_are_not_found(request: Request, next: Next) -> Response {
    let get = matches!(*request.method(), Method::GET | Method::HEAD);
    let runtime_path = request.uri().path() == crate::runtime::dispatch::VERSION_PATH;
    let response = next.run(request).await;
    if get && !runtime_path && response.status() == StatusCode::METHOD_NOT_ALLOWED {
        return error(StatusCode::NOT_FOUND, "Not found");
    }
    response
}

/// Watches the files on disk every `interval` and recompiles the ones that changed.
pub fn spawn_watcher(files: Arc<ComponentFiles>, interval: std::time::Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(interval);
        loop {
            tick.tick().await;
            let files = files.clone();
            // Reading files is blocking I/O: keep it off the async workers.
            let _ = tokio::task::spawn_blocking(move || files.reload_changed()).await;
        }
    });
}

async fn page(State(state): State<PageState>) -> Response {
    let env = minijinja::Environment::new();
    let proxy = match &state.backend {
        Backend::Local => None,
        #[cfg(feature = "client")]
        Backend::Proxy(url) => Some(url.clone()),
    };
    let rendered = env.render_str(
        PAGE,
        minijinja::context! {
            contentkit_css => minijinja::Value::from_safe_string(html::STYLESHEET.to_owned()),
            playground_css => minijinja::Value::from_safe_string(STYLE.to_owned()),
            playground_js => minijinja::Value::from_safe_string(SCRIPT.to_owned()),
            proxy => proxy,
        },
    );
    match rendered {
        Ok(page) => Html(page).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn editor() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        EDITOR,
    )
        .into_response()
}

async fn echo_frame() -> Html<&'static str> {
    Html(ECHO_FRAME)
}

async fn list_files(State(state): State<PageState>) -> Json<Value> {
    let mut listing = state.files.listing();
    if let Backend::Local = state.backend {
        listing["proxy"] = Value::Null;
    }
    #[cfg(feature = "client")]
    if let Backend::Proxy(url) = &state.backend {
        listing["proxy"] = Value::String(url.clone());
    }
    Json(listing)
}

async fn version(State(state): State<PageState>) -> Json<Value> {
    Json(json!({ "version": state.files.version() }))
}

async fn update_file(
    State(state): State<PageState>,
    Path(name): Path<String>,
    text: String,
) -> Response {
    let files = state.files.clone();
    let outcome = tokio::task::spawn_blocking(move || files.update(&name, text)).await;
    match outcome {
        Ok(Some(update)) => {
            let status = if update.error.is_some() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::OK
            };
            let body = json!({
                "ok": update.error.is_none(),
                "error": update.error,
                "saved": update.saved,
                "saveError": update.save_error,
            });
            (status, Json(body)).into_response()
        }
        Ok(None) => error(StatusCode::NOT_FOUND, "no file with that name"),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// Saves a recorded scenario as `NAME.scenario.json` in the served folder.
async fn save_scenario(
    State(state): State<PageState>,
    Path(name): Path<String>,
    body: String,
) -> Response {
    let Some(folder) = state.files.folder() else {
        return error(
            StatusCode::CONFLICT,
            "the built-in examples are not on disk: download the scenario instead",
        );
    };
    let valid_name = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        && !name.starts_with('.');
    if !valid_name {
        return error(
            StatusCode::BAD_REQUEST,
            "a scenario's name is letters, digits, '-', '_' and '.'",
        );
    }
    if let Err(e) = crate::scenario::Scenario::from_json(&body) {
        return error(StatusCode::BAD_REQUEST, &e.to_string());
    }
    let path = folder.join(format!("{name}.scenario.json"));
    let result =
        tokio::task::spawn_blocking(move || files::write_atomically(&path, &body).map(|()| path))
            .await;
    match result {
        Ok(Ok(path)) => Json(json!({"saved": path.display().to_string()})).into_response(),
        Ok(Err(e)) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

#[derive(Deserialize)]
struct PreviewRequest {
    element: Value,
    #[serde(default)]
    state: Option<Object>,
    #[serde(default)]
    theme: Option<String>,
}

/// The HTML of one view, and its local state seeded from the inputs' initial values.
async fn preview_html(
    body: Result<Json<PreviewRequest>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Json(request) = match body {
        Ok(b) => b,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.body_text()),
    };
    let element = match Element::from_root_value(&request.element) {
        Ok(e) => e,
        Err(errors) => return error(StatusCode::BAD_REQUEST, &errors.to_string()),
    };
    let mut state = request.state.unwrap_or_default();
    crate::component::client::seed_initial_values(&element, &mut state);
    let theme = match request.theme.as_deref() {
        Some("dark") => Theme::Dark,
        _ => Theme::Light,
    };
    let options = HtmlOptions {
        theme,
        title: None,
        state: Some(&state),
        interactive: true,
    };
    let html = html::render_element(&element, &options);
    Json(json!({ "html": html, "state": state })).into_response()
}

fn error(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        json!({ "error": message }).to_string(),
    )
        .into_response()
}

/// Where the playground's component files come from.
#[derive(Debug, Clone)]
pub enum Source {
    /// The examples bundled in the binary.
    BuiltIn,
    /// A component file, or a folder of them.
    Path(PathBuf),
}
