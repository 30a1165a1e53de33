//! What a developer needs when a component fails: the runtime answers GitBook with a
//! bare "Internal server error", as the official runtime does, but the terminal running
//! `contentkit serve` logs the located error the CLI shows, and a request that asks for
//! it with the [`DEBUG_HEADER`] (the playground's page does) gets it in the answer.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{json, Value};

use super::ComponentFiles;
use crate::component::RenderRequest;
use crate::runtime::server::DEFAULT_BODY_LIMIT;

/// The request header that asks for a failing render's located error in the answer
/// (`"detail"`). Without it the answer is byte for byte the official runtime's.
pub const DEBUG_HEADER: &str = "x-contentkit-debug";

/// Passes the request to the runtime; when it answers 500 to a `ui_render`, renders the
/// same request again in-process to learn why (components are pure: the same request
/// fails the same way), logs it, and adds it to the answer as `detail` when the request
/// carries the [`DEBUG_HEADER`].
pub(super) async fn explain_internal_errors(
    State(files): State<Arc<ComponentFiles>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let content_type = parts.headers.get(header::CONTENT_TYPE).cloned();
    let wants_detail = parts.headers.contains_key(DEBUG_HEADER);
    let bytes = match axum::body::to_bytes(body, DEFAULT_BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                axum::Json(json!({"error": "Request body too large"})),
            )
                .into_response()
        }
    };
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes.clone())))
        .await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let Some(event) = event_field(content_type, bytes).await else {
        return response;
    };
    let Ok(request) = RenderRequest::from_event(&event) else {
        return response;
    };
    let component = request.component_id.clone();
    let integration = files.current();
    let detail = tokio::task::spawn_blocking(move || integration.render_owned(request).err())
        .await
        .ok()
        .flatten();
    let Some(detail) = detail else {
        return response;
    };
    eprintln!("error: component {component} failed: {detail}");
    if !wants_detail {
        return response;
    }
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        axum::Json(json!({
            "error": "Internal server error",
            "detail": format!("component {component} failed: {detail}"),
        })),
    )
        .into_response()
}

/// The `event` field of a multipart body, as JSON.
async fn event_field(content_type: Option<header::HeaderValue>, bytes: Bytes) -> Option<Value> {
    let mut request = Request::new(Body::from(bytes));
    request
        .headers_mut()
        .insert(header::CONTENT_TYPE, content_type?);
    let mut multipart = Multipart::from_request(request, &()).await.ok()?;
    while let Ok(Some(field)) = multipart.next_field().await {
        if field.name() == Some("event") {
            let bytes = field.bytes().await.ok()?;
            return serde_json::from_slice(&bytes).ok();
        }
    }
    None
}
