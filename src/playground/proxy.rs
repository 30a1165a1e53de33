//! `contentkit serve --proxy URL`: the page drives an integration that runs elsewhere
//! (the official runtime under `gitbook dev`, Node, a worker). Its `POST /v1` requests
//! are forwarded as they are, body and content type, and the answer comes back as the
//! integration gave it.

use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use serde_json::json;

use crate::runtime::dispatch::VERSION_PATH;
use crate::runtime::server::DEFAULT_BODY_LIMIT;

#[derive(Clone)]
struct Upstream {
    client: reqwest::Client,
    url: String,
}

/// `POST /v1`, forwarded to `base_url` + `/v1`.
pub(super) fn router(base_url: &str) -> Router {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap_or_default();
    let upstream = Upstream {
        client,
        url: format!("{}{VERSION_PATH}", base_url.trim_end_matches('/')),
    };
    Router::new()
        .route(VERSION_PATH, post(forward))
        .layer(axum::extract::DefaultBodyLimit::max(DEFAULT_BODY_LIMIT))
        .with_state(upstream)
}

async fn forward(State(upstream): State<Upstream>, headers: HeaderMap, body: Bytes) -> Response {
    let mut request = upstream.client.post(&upstream.url).body(body);
    if let Some(content_type) = headers.get(header::CONTENT_TYPE) {
        request = request.header(header::CONTENT_TYPE, content_type.clone());
    }
    let answer = match request.send().await {
        Ok(answer) => answer,
        Err(e) => return unreachable(&upstream.url, &e),
    };
    let status = StatusCode::from_u16(answer.status().as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let content_type = answer.headers().get(header::CONTENT_TYPE).cloned();
    let cache = answer.headers().get(header::CACHE_CONTROL).cloned();
    let body = match answer.bytes().await {
        Ok(b) => b,
        Err(e) => return unreachable(&upstream.url, &e),
    };
    let mut response = (status, body).into_response();
    if let Some(v) = content_type {
        response.headers_mut().insert(header::CONTENT_TYPE, v);
    }
    if let Some(v) = cache {
        response.headers_mut().insert(header::CACHE_CONTROL, v);
    }
    response
}

fn unreachable(url: &str, e: &reqwest::Error) -> Response {
    let message = format!("the integration at {url} did not answer: {e}");
    eprintln!("error: {message}");
    (
        StatusCode::BAD_GATEWAY,
        axum::Json(json!({ "error": message })),
    )
        .into_response()
}
