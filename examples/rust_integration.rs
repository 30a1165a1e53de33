//! An integration written in Rust, with the runtime context: async handlers that
//! call the GitBook API, queue a task, leave work to `wait_until`, and run the OAuth
//! flow of `createOAuthHandler`.
//!
//! ```text
//! cargo run --example rust_integration --features server,api -- 127.0.0.1:8788
//! ```
//!
//! With `examples/oauth_mocks.rs` running (a provider on :8790, GitBook's API on
//! :8791), point the `environment` of your requests at `http://127.0.0.1:8791`: an
//! `installation_setup` event then updates the installation and queues a `sync`
//! task; the task records the sync after the response; `fetch` events run the OAuth
//! flow with the provider.

use std::sync::Arc;

use contentkit::api::types;
use contentkit::component::{ComponentError, Integration};
use contentkit::runtime::oauth::{OAuthConfig, OAuthHandler};
use contentkit::runtime::server::{router, runtime, serve, shutdown_signal, ServerConfig};
use contentkit::runtime::{Event, RequestContext};
use serde_json::{json, Map, Value};

/// An API failure as the handler's error (logged; GitBook sees a 500).
fn api_error(error: contentkit::api::Error) -> ComponentError {
    ComponentError::Internal(format!("GitBook API: {error}"))
}

/// A configuration update of an installation.
fn configuration(values: Map<String, Value>) -> types::UpdateIntegrationInstallation {
    types::UpdateIntegrationInstallation {
        configuration: Some(values.into()),
        ..Default::default()
    }
}

/// On setup: mark the installation as not synced yet, and queue its first sync.
async fn setup(event: Event, context: RequestContext) -> Result<(), ComponentError> {
    let Event::InstallationSetup(setup) = event else {
        return Ok(());
    };
    let name = &context.environment.integration.name;
    let mut values = Map::new();
    values.insert("synced".into(), json!(false));
    context
        .api()
        .map_err(api_error)?
        .update_integration_installation(name, &setup.installation_id, &configuration(values))
        .await
        .map_err(api_error)?;
    let mut task = Map::new();
    task.insert("type".into(), json!("sync"));
    task.insert("installationId".into(), json!(setup.installation_id));
    context.queue_task(task, Some(5.0)).await.map_err(api_error)
}

/// The sync task: answered at once; the sync is recorded after the response.
async fn sync(
    task: contentkit::runtime::TaskEvent,
    context: RequestContext,
) -> Result<(), ComponentError> {
    let Some(installation) = task.task.get("installationId").and_then(Value::as_str) else {
        return Err(ComponentError::exposed(
            400,
            "a sync task names its installation",
        ));
    };
    let installation = installation.to_owned();
    let api = context.integration_api().map_err(api_error)?;
    let name = context.environment.integration.name.clone();
    context.wait_until(async move {
        let mut values = Map::new();
        values.insert("synced".into(), json!(true));
        if let Err(error) = api
            .update_integration_installation(&name, &installation, &configuration(values))
            .await
        {
            eprintln!("the sync of {installation} was not recorded: {error}");
        }
    });
    Ok(())
}

fn integration() -> Integration {
    let oauth = OAuthConfig::new(
        "example-client",
        "example-secret",
        "http://127.0.0.1:8790/authorize",
        "http://127.0.0.1:8790/token",
    )
    .scopes(["read"]);
    Integration::new()
        .on_event("installation_setup", setup)
        .on_task(sync)
        .on_fetch(OAuthHandler::new(oauth).into_fetch_handler())
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8788".to_owned());
    let app = router(Arc::new(integration()), ServerConfig::default());
    runtime(None)?.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!("listening on {}", listener.local_addr()?);
        serve(listener, app, shutdown_signal()).await
    })
}
