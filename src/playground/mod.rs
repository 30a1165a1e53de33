//! The playground: component files in an editor, a live preview driven through the
//! integration runtime, the output JSON, and real interaction (feature `server`).
//!
//! The page's client keeps local state and a modal stack like GitBook's editor and
//! sends every render as a real `POST /v1` multipart request to the runtime mounted
//! beside it; the preview is the engine's own HTML serializer. Component files are
//! compiled on every edit in the page and whenever they change on disk.

mod files;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub use files::{ComponentFiles, SourceFile, BUILT_IN_EXAMPLES};

use crate::element::{Element, Object, Theme};
use crate::render::html::{self, HtmlOptions};
use crate::runtime::server::{self, ServerConfig};

const PAGE: &str = include_str!("page.html");
const SCRIPT: &str = include_str!("playground.js");
const STYLE: &str = include_str!("playground.css");

/// The playground's routes, with the integration runtime (`POST /v1`) mounted beside them.
pub fn router(files: Arc<ComponentFiles>) -> Router {
    let runtime = server::router_with(files.clone(), ServerConfig::default());
    Router::new()
        .route("/", get(page))
        .route("/playground/files", get(list_files))
        .route("/playground/files/{name}", put(update_file))
        .route("/playground/version", get(version))
        .route("/playground/html", post(preview_html))
        .with_state(files)
        .merge(runtime)
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

async fn page() -> Response {
    let env = minijinja::Environment::new();
    let rendered = env.render_str(
        PAGE,
        minijinja::context! {
            contentkit_css => minijinja::Value::from_safe_string(html::STYLESHEET.to_owned()),
            playground_css => minijinja::Value::from_safe_string(STYLE.to_owned()),
            playground_js => minijinja::Value::from_safe_string(SCRIPT.to_owned()),
        },
    );
    match rendered {
        Ok(page) => Html(page).into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

async fn list_files(State(files): State<Arc<ComponentFiles>>) -> Json<Value> {
    Json(files.listing())
}

async fn version(State(files): State<Arc<ComponentFiles>>) -> Json<Value> {
    Json(json!({ "version": files.version() }))
}

async fn update_file(
    State(files): State<Arc<ComponentFiles>>,
    Path(name): Path<String>,
    text: String,
) -> Response {
    match files.update(&name, text) {
        Some(error) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Json(json!({ "error": error })),
        )
            .into_response(),
        None if files.contains(&name) => Json(json!({ "ok": true })).into_response(),
        None => error(StatusCode::NOT_FOUND, &format!("no file named {name}")),
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
    /// A `.ckx` file, or a folder of them.
    Path(PathBuf),
}
