//! Serves a to-do list component (the `todo.ckx` example written in Rust) and a
//! tiny counter over the runtime's HTTP interface, for trying the server and for
//! the load and fault scripts (`scripts/load.sh`, `scripts/soak.sh`,
//! `scripts/idle-flood.sh`, `scripts/oversized-uploads.sh`).
//!
//! ```text
//! cargo run --release --example serve_todo --features server -- 127.0.0.1:8787
//! ```
//!
//! It listens on the address given (loopback by default), prints
//! `listening on ADDR` once it accepts connections, and stops on Ctrl-C or
//! SIGTERM after finishing the requests under way. The server runs with its
//! defaults; `WORKERS` and `HANDLER_THREADS` set its thread counts and
//! `MAX_CONNECTIONS` overrides its connection cap.

use std::sync::Arc;

/// The allocator of the `contentkit` binary, so load runs measure what ships.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use contentkit::component::{ActionResult, Component, ComponentError, Input, Integration};
use contentkit::element::{
    Action, Align, Block, BoxElement, Button, ButtonStyle, Confirm, ConfirmStyle, Divider, Element,
    HStack, Icon, Object, Text, TextInput, TextStyle, VStack,
};
use contentkit::runtime::server::{
    router, runtime, serve_with, shutdown_signal, ConnectionLimits, ServerConfig,
};
use serde_json::{json, Value};

/// The items a fresh list starts with (20, a screenful).
fn default_items() -> Vec<Value> {
    (1..=20)
        .map(|i| Value::String(format!("Review section {i} of the handbook")))
        .collect()
}

fn items(state: &Object) -> Vec<String> {
    state
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

fn render(input: &Input<'_>) -> Result<Element, ComponentError> {
    let items = items(input.state);
    let mut children: Vec<Element> = vec![Text::new([format!("To do ({})", items.len())])
        .style(TextStyle::Bold)
        .into()];
    if items.is_empty() {
        children.push(Text::new(["Nothing left to do."]).into());
    }
    for (i, item) in items.iter().enumerate() {
        let done = Action::custom("remove").with("index", i);
        children.push(
            HStack::new([
                Element::from(BoxElement::new([Text::new([item.clone()])]).grow(1)),
                Button::new("Done", done).icon(Icon::Check).into(),
            ])
            .align(Align::Center)
            .into(),
        );
    }
    children.push(Divider::new().into());
    children.push(
        HStack::new([
            Element::from(
                BoxElement::new([TextInput::new("draft").placeholder("Something to do")]).grow(1),
            ),
            Button::new("Add", Action::custom("add"))
                .style(ButtonStyle::Primary)
                .into(),
        ])
        .into(),
    );
    children.push(
        Button::new("Clear all", Action::custom("clear"))
            .style(ButtonStyle::Danger)
            .icon(Icon::Delete)
            .confirm(
                Confirm::new("Clear the list?", "Every item is removed.", "Clear")
                    .style(ConfirmStyle::Danger),
            )
            .into(),
    );
    Ok(Block::new([VStack::new(children)]).into())
}

fn action(input: &Input<'_>) -> Result<ActionResult, ComponentError> {
    let mut items = items(input.state);
    match input.action.get("action").and_then(Value::as_str) {
        Some("add") => {
            let draft = input.state.get("draft").and_then(Value::as_str);
            if let Some(draft) = draft.map(str::trim).filter(|d| !d.is_empty()) {
                items.push(draft.to_owned());
            }
        }
        Some("remove") => {
            let index = input.action.get("index").and_then(Value::as_u64);
            if let Some(i) = index.and_then(|i| usize::try_from(i).ok()) {
                if i < items.len() {
                    items.remove(i);
                }
            }
        }
        Some("clear") => items.clear(),
        _ => return Ok(ActionResult::Nothing),
    }
    Ok(ActionResult::state(json!({"items": items, "draft": ""})))
}

/// A counter: one line of text and a button, the smallest realistic component.
fn counter() -> Component {
    Component::new("counter", |input: &Input<'_>| {
        let count = input
            .state
            .get("count")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        Ok(Block::new([HStack::new([
            Element::from(Text::new([format!("Count: {count}")])),
            Button::new("Increment", Action::custom("inc")).into(),
        ])])
        .into())
    })
    .initial_state_fn(|_: &Object, _: &Value| Ok(Object::from_iter([("count".into(), json!(0))])))
    .on_action(|input: &Input<'_>| {
        let count = input
            .state
            .get("count")
            .and_then(Value::as_i64)
            .unwrap_or(0);
        Ok(ActionResult::state(json!({ "count": count + 1 })))
    })
}

fn todo() -> Component {
    Component::new("todo", render)
        .initial_state_fn(|props: &Object, _: &Value| {
            let items = props
                .get("items")
                .cloned()
                .unwrap_or_else(|| Value::Array(default_items()));
            Ok(json!({"items": items, "draft": ""})
                .as_object()
                .cloned()
                .unwrap_or_default())
        })
        .on_action(action)
}

/// A count from the environment variable `name`, if set.
fn env_count(name: &str) -> std::io::Result<Option<usize>> {
    match std::env::var(name) {
        Ok(text) => text
            .parse()
            .map(Some)
            .map_err(|_| std::io::Error::other(format!("{name} must be a number, not {text:?}"))),
        Err(_) => Ok(None),
    }
}

fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8787".to_owned());
    let integration = Arc::new(Integration::new().component(todo()).component(counter()));
    let mut config = ServerConfig::default();
    if let Some(threads) = env_count("HANDLER_THREADS")? {
        config.handler_threads = threads;
    }
    let limits = ConnectionLimits {
        max_connections: env_count("MAX_CONNECTIONS")?,
        ..ConnectionLimits::default()
    };
    let app = router(integration, config);
    runtime(env_count("WORKERS")?)?.block_on(async {
        let listener = tokio::net::TcpListener::bind(&addr).await?;
        println!(
            "listening on {} (at most {} connections)",
            listener.local_addr()?,
            limits.connection_cap()
        );
        serve_with(listener, app, shutdown_signal(), limits).await
    })
}
