//! The lifecycle against the reference runtime's recorded request sequences, with the
//! reference components written in Rust, and the client driving them.

mod common;

use common::reference::reference_integration;
use contentkit::component::{
    ActionResult, Client, ClientEvent, Component, ComponentError, Integration, RenderRequest,
};
use contentkit::element::*;
use serde_json::{json, Value};

fn obj(v: Value) -> Object {
    v.as_object().cloned().unwrap()
}

#[test]
fn rust_components_reproduce_every_recorded_output() {
    let integration = reference_integration();
    let reference = common::reference_outputs();
    let mut checked = 0;
    for (component, steps) in reference.as_object().unwrap() {
        for (i, step) in steps.as_array().unwrap().iter().enumerate() {
            let request = RenderRequest::from_event(&step["request"]).unwrap();
            let out = integration.render(&request).unwrap();
            assert_eq!(step["status"], 200);
            assert_eq!(
                serde_json::to_string(&out.output).unwrap(),
                serde_json::to_string(&step["output"]).unwrap(),
                "{component}[{i}]"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
}

#[test]
fn unknown_component_is_404_with_the_reference_message() {
    let err = reference_integration()
        .render(&RenderRequest::new("nope", Object::new()))
        .unwrap_err();
    assert_eq!(err.status(), 404);
    assert_eq!(err.public_message(), "Component nope not found");
}

#[test]
fn errors_map_to_reference_statuses() {
    let failing = Component::new("fail", |_: &contentkit::component::Input<'_>| {
        Err(ComponentError::Internal("db exploded at 10.0.0.1".into()))
    });
    let exposed = Component::new("exposed", |_: &contentkit::component::Input<'_>| {
        Err(ComponentError::exposed(403, "Not allowed"))
    });
    let not_root = Component::new("leaf", |_: &contentkit::component::Input<'_>| {
        Ok(Divider::new().into())
    });
    let i = Integration::new()
        .component(failing)
        .component(exposed)
        .component(not_root);
    let e = i
        .render(&RenderRequest::new("fail", Object::new()))
        .unwrap_err();
    assert_eq!(
        (e.status(), e.public_message().as_str()),
        (500, "Internal server error")
    );
    let e = i
        .render(&RenderRequest::new("exposed", Object::new()))
        .unwrap_err();
    assert_eq!(
        (e.status(), e.public_message().as_str()),
        (403, "Not allowed")
    );
    let e = i
        .render(&RenderRequest::new("leaf", Object::new()))
        .unwrap_err();
    assert_eq!(e.status(), 500);
}

#[test]
fn complete_results_end_the_flow_without_rendering() {
    let c = Component::new(
        "done",
        |_: &contentkit::component::Input<'_>| -> Result<Element, ComponentError> {
            panic!("a complete result must not render")
        },
    )
    .on_action(|_: &contentkit::component::Input<'_>| {
        ActionResult::from_value(&json!({"type": "complete", "returnValue": {"ok": true}}))
    });
    let i = Integration::new().component(c);
    let mut req = RenderRequest::new("done", Object::new());
    req.action = Some(obj(json!({"action": "finish"})));
    let out = i.render(&req).unwrap();
    assert_eq!(
        out.output.to_value(),
        json!({"type": "complete", "returnValue": {"ok": true}})
    );
}

#[test]
fn action_results_replace_state_and_props_without_merging() {
    assert_eq!(
        ActionResult::from_value(&json!({})).unwrap(),
        ActionResult::Nothing
    );
    assert_eq!(
        ActionResult::from_value(&json!({"props": {"a": 1}})).unwrap(),
        ActionResult::Update {
            state: None,
            props: Some(obj(json!({"a": 1})))
        }
    );
    assert!(ActionResult::from_value(&json!({"state": 3})).is_err());
}

#[test]
fn client_counts_opens_a_modal_and_receives_its_return_value() {
    let integration = reference_integration();
    let mut client = Client::new(&integration, contentkit::component::default_context());
    client
        .open("counter", obj(json!({"start": 5, "step": 2})))
        .unwrap();
    assert_eq!(client.press("+").unwrap(), ClientEvent::Rendered);
    assert_eq!(client.press("+").unwrap(), ClientEvent::Rendered);
    assert_eq!(client.view().unwrap().output.state["count"], json!(9));
    client.press("Reset").unwrap();
    assert_eq!(client.view().unwrap().output.state["count"], json!(5));

    // A modal on top of the hello block; closing it hands the choice underneath.
    let picker = Component::new("picker-host", |input: &contentkit::component::Input<'_>| {
        let chosen = input
            .state
            .get("choice")
            .and_then(Value::as_str)
            .unwrap_or("none")
            .to_owned();
        Ok(Block::new([
            Element::from(Text::new([chosen])),
            Button::new(
                "Pick",
                Action::open_modal("chooser", obj(json!({"options": ["red", "blue"]}))),
            )
            .into(),
            Button::new("Docs", Action::open_url("https://example.com/docs")).into(),
        ])
        .into())
    })
    .on_action(|input: &contentkit::component::Input<'_>| {
        Ok(match input.action["action"].as_str() {
            Some("@ui.modal.close") => ActionResult::state(input.action["returnValue"].clone()),
            _ => ActionResult::Nothing,
        })
    });
    let integration = reference_integration().component(picker);
    let mut client = Client::new(&integration, contentkit::component::default_context());
    client.open("picker-host", Object::new()).unwrap();
    assert_eq!(
        client.press("Docs").unwrap(),
        ClientEvent::UrlOpened("https://example.com/docs".into())
    );
    assert_eq!(
        client.press("Pick").unwrap(),
        ClientEvent::ModalOpened("chooser".into())
    );
    assert_eq!(client.views().len(), 2);
    assert_eq!(
        client.press("blue").unwrap(),
        ClientEvent::ModalClosed(obj(json!({"choice": "blue"})))
    );
    assert_eq!(client.views().len(), 1);
    assert_eq!(client.view().unwrap().output.state["choice"], json!("blue"));
    assert_eq!(client.opened_urls(), ["https://example.com/docs"]);
}

#[test]
fn client_resolves_bindings_and_keeps_input_values() {
    let form = Component::new("form", |input: &contentkit::component::Input<'_>| {
        let saved = input
            .state
            .get("saved")
            .cloned()
            .unwrap_or(Value::Null)
            .to_string();
        Ok(Block::new([
            Element::from(TextInput::new("title").initial_value("Untitled")),
            Checkbox::new("tags", "a").into(),
            Text::new([saved]).into(),
            Button::new(
                "Save",
                Action::custom("save")
                    .with("title", json!({"$state": "title"}))
                    .with("tags", json!({"$state": "tags"}))
                    .with("missing", json!({"$state": "nope"})),
            )
            .into(),
        ])
        .into())
    })
    .on_action(|input: &contentkit::component::Input<'_>| {
        let mut action = input.action.clone();
        action.remove("action");
        Ok(ActionResult::state(json!({"saved": action})))
    });
    let integration = Integration::new().component(form);
    let mut client = Client::new(&integration, contentkit::component::default_context());
    client.open("form", Object::new()).unwrap();
    assert_eq!(client.view().unwrap().local["title"], json!("Untitled"));
    client.set_state("title", json!("Hello"));
    client.toggle("tags", json!("a"));
    client.toggle("tags", json!("b"));
    client.toggle("tags", json!("a"));
    client.press("Save").unwrap();
    assert_eq!(
        client.view().unwrap().output.state["saved"],
        json!({"title": "Hello", "tags": ["b"]})
    );
}

#[test]
fn closing_a_root_modal_completes_the_flow() {
    let integration = reference_integration();
    let mut client = Client::new(&integration, contentkit::component::default_context());
    client
        .open(
            "chooser",
            json!({"options": ["red", "blue"]})
                .as_object()
                .cloned()
                .unwrap(),
        )
        .unwrap();
    assert_eq!(
        client.press("blue").unwrap(),
        ClientEvent::Completed(json!({"choice": "blue"}).as_object().cloned())
    );
    assert!(client.views().is_empty());
    assert_eq!(
        client.completed(),
        Some(&json!({"choice": "blue"}).as_object().cloned())
    );
}

/// A Rust component in a runtime request reads the request's environment (the space
/// installation's configuration here) and asks for caching per render, as
/// `context.environment` and `element.setCache` do in @gitbook/runtime.
#[test]
fn rust_components_read_the_environment_and_set_the_cache_per_render() {
    use contentkit::component::Input;
    use contentkit::runtime::{handle, IncomingRequest};

    let project = Component::new("project", |input: &Input<'_>| {
        let project = input
            .environment
            .and_then(|e| e.configuration_value("project"))
            .and_then(Value::as_str)
            .unwrap_or("none");
        if project != "none" {
            input.set_cache(120);
        }
        Ok(Block::new([Text::new([format!("Project {project}")])]).into())
    })
    .cache_max_age(5);
    let integration = Integration::new().component(project);
    let environment = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/events/environment.json"
    ))
    .unwrap();
    let event = json!({
        "eventId": "e", "type": "ui_render", "installationId": "inst_7TbqNQCKw3XUmPx9gA2d",
        "componentId": "project", "props": {}, "context": {"type": "document", "theme": "light"}
    });
    let response = handle(
        &integration,
        IncomingRequest::new("/v1", event.to_string().into_bytes(), environment),
    );
    assert_eq!(response.status, 200);
    assert_eq!(response.header("cache-control"), Some("max-age=120"));
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body["element"]["children"][0]["children"][0],
        "Project PLAT"
    );

    // Outside a runtime request: no environment, the component's own cache age.
    let rendered = integration
        .render(&RenderRequest::new("project", Default::default()))
        .unwrap();
    assert_eq!(rendered.cache_max_age, Some(5));
    assert_eq!(
        rendered.output.to_value()["element"]["children"][0]["children"][0],
        "Project none"
    );
}
