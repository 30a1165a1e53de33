//! Serves a to-do list component (the `todo.ckx` example written in Rust) over
//! the runtime's HTTP interface, for trying the server and for load runs
//! (`scripts/load.sh`).
//!
//! ```text
//! cargo run --release --example serve_todo --features server -- 127.0.0.1:8787
//! ```
//!
//! It listens on the address given (loopback by default), prints
//! `listening on ADDR` once it accepts connections, and stops on Ctrl-C or
//! SIGTERM.

use std::sync::Arc;

use contentkit::component::{ActionResult, Component, ComponentError, Input, Integration};
use contentkit::element::{
    Action, Align, Block, BoxElement, Button, ButtonStyle, Confirm, ConfirmStyle, Divider, Element,
    HStack, Icon, Object, Text, TextInput, TextStyle, VStack,
};
use contentkit::runtime::server::{router, serve, shutdown_signal, ServerConfig};
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

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:8787".to_owned());
    let integration = Arc::new(Integration::new().component(todo()));
    let app = router(integration, ServerConfig::default());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("listening on {}", listener.local_addr()?);
    serve(listener, app, shutdown_signal()).await
}
