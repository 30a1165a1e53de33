//! Component files (`.ckx`): the reference components ported to files reproduce every
//! recorded output, and bad files get located errors.

mod common;

use contentkit::component::{
    file, Client, ClientEvent, ComponentError, Integration, RenderRequest,
};
use serde_json::{json, Value};

fn load(paths: &[&str]) -> Integration {
    let mut integration = Integration::new();
    for path in paths {
        let full = format!("{}/{path}", env!("CARGO_MANIFEST_DIR"));
        let text = std::fs::read_to_string(&full).unwrap();
        for c in file::compile(&text, path).unwrap_or_else(|d| panic!("{d}")) {
            integration.add(c);
        }
    }
    integration
}

fn reference() -> Integration {
    load(&[
        "fixtures/reference/hello.ckx",
        "fixtures/reference/counter.ckx",
        "fixtures/reference/chooser.ckx",
    ])
}

#[test]
fn reference_component_files_reproduce_every_recorded_output() {
    let integration = reference();
    let schema = common::validator("ContentKitRenderOutput");
    let mut checked = 0;
    for (component, steps) in common::reference_outputs().as_object().unwrap() {
        for (i, step) in steps.as_array().unwrap().iter().enumerate() {
            let request = RenderRequest::from_event(&step["request"]).unwrap();
            let out = integration
                .render(&request)
                .unwrap_or_else(|e| panic!("{component}[{i}]: {e}"));
            assert_eq!(
                serde_json::to_string(&out.output).unwrap(),
                serde_json::to_string(&step["output"]).unwrap(),
                "{component}[{i}]"
            );
            assert_eq!(common::schema_errors(schema, &out.output.to_value()), "");
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
}

#[test]
fn built_in_examples_compile_render_and_validate() {
    let integration = load(&[
        "examples/components/todo.ckx",
        "examples/components/colour-picker.ckx",
        "examples/components/embed.ckx",
    ]);
    let schema = common::validator("ContentKitRenderOutput");
    for c in integration.components() {
        let props = if c.id() == "chooser" {
            json!({"options": ["a", "b"]})
        } else {
            json!({})
        };
        let out = integration
            .render(&RenderRequest::new(
                c.id(),
                props.as_object().unwrap().clone(),
            ))
            .unwrap_or_else(|e| panic!("{}: {e}", c.id()));
        assert_eq!(
            common::schema_errors(schema, &out.output.to_value()),
            "",
            "{}",
            c.id()
        );
    }
}

#[test]
fn the_todo_list_adds_and_removes_items_through_the_client() {
    let integration = load(&["examples/components/todo.ckx"]);
    let mut client = Client::new(&integration, contentkit::component::default_context());
    client.open("todo", Default::default()).unwrap();
    client.set_state("draft", json!("  Buy milk "));
    assert_eq!(client.press("Add").unwrap(), ClientEvent::Rendered);
    let items = client.view().unwrap().output.state["items"].clone();
    assert_eq!(items, json!(["Read the ContentKit docs", "Buy milk"]));
    client.press("Done").unwrap();
    assert_eq!(
        client.view().unwrap().output.state["items"],
        json!(["Buy milk"])
    );
}

#[test]
fn modal_flow_hands_the_choice_back() {
    let integration = load(&["examples/components/colour-picker.ckx"]);
    let mut client = Client::new(&integration, contentkit::component::default_context());
    client.open("colour-picker", Default::default()).unwrap();
    assert_eq!(
        client.press("Choose a colour").unwrap(),
        ClientEvent::ModalOpened("chooser".into())
    );
    client.press("green").unwrap();
    assert_eq!(
        client.view().unwrap().output.state["choice"],
        json!("green")
    );
}

#[test]
fn complete_results_and_cache_age() {
    let source = r#"createComponent({
        componentId: 'wizard',
        cache: { maxAge: 60 },
        action: { finish: ({ state }) => ({ type: 'complete', returnValue: { n: state.n } }) },
        initialState: (props) => ({ n: props.n ?? 1 }),
        render: ({ state }) => <block><button label="Finish" onPress={{ action: 'finish' }} /></block>,
    })"#;
    let integration =
        Integration::new().component(file::compile(source, "w.ckx").unwrap().remove(0));
    let out = integration
        .render(&RenderRequest::new("wizard", Default::default()))
        .unwrap();
    assert_eq!(out.cache_max_age, Some(60));
    let mut req = RenderRequest::new("wizard", Default::default());
    req.action = json!({"action": "finish"}).as_object().cloned();
    req.state = json!({"n": 4}).as_object().cloned();
    assert_eq!(
        integration.render(&req).unwrap().output.to_value(),
        json!({"type": "complete", "returnValue": {"n": 4}})
    );
}

#[test]
fn errors_point_at_the_file_line_and_column() {
    let source = "// a broken component\nexport const x = createComponent({\n    componentId: 'x',\n    render: ({ state }) => (\n        <block>\n            <buton label=\"Go\" onPress={{ action: 'go' }} />\n        </block>\n    ),\n});\n";
    let err = file::compile(source, "broken.ckx").unwrap_err().to_string();
    assert!(
        err.starts_with("broken.ckx:6:14: error: unknown element"),
        "{err}"
    );
    assert!(
        err.contains("            <buton label"),
        "the file's own line is quoted: {err}"
    );
    assert!(err.contains("did you mean \"button\"?"), "{err}");

    // Parameters are positional, as in the official runtime: any name works.
    let source = "createComponent({\n  componentId: 'x',\n  initialState: (el) => ({}),\n  render: () => <block><divider /></block>,\n})";
    assert!(file::compile(source, "p.ckx").is_ok());

    let source = "createComponent({ componentId: 'x', rendr: () => <block></block> })";
    let err = file::compile(source, "f.ckx").unwrap_err().to_string();
    assert!(
        err.contains("f.ckx:1:37: error: unknown component field \"rendr\""),
        "{err}"
    );
    assert!(err.contains("createComponent is missing render"), "{err}");
    assert!(err.contains("did you mean \"render\"?"), "{err}");
}

#[test]
fn failing_expressions_are_errors_with_locations_never_panics() {
    let source = "createComponent({\n  componentId: 'x',\n  action: { go: ({ state }) => ({ state: { n: state.missing.deep } }) },\n  render: ({ state }) => <block><text>{String(state.items.length)}</text></block>,\n})";
    let integration =
        Integration::new().component(file::compile(source, "x.ckx").unwrap().remove(0));
    let err = integration
        .render(&RenderRequest::new("x", Default::default()))
        .unwrap_err();
    assert_eq!(err.status(), 500);
    assert!(
        matches!(&err, ComponentError::Internal(m) if m.contains("x.ckx:4:")),
        "{err:?}"
    );
    let mut req = RenderRequest::new("x", Default::default());
    req.state = json!({"items": []}).as_object().cloned();
    req.action = json!({"action": "go"}).as_object().cloned();
    let err = integration.render(&req).unwrap_err();
    assert!(
        matches!(&err, ComponentError::Internal(m) if m.contains("x.ckx:3:")),
        "{err:?}"
    );
    // An unknown action re-renders unchanged.
    req.action = json!({"action": "nope"}).as_object().cloned();
    let out = integration.render(&req).unwrap();
    assert_eq!(out.output.to_value()["state"], json!({"items": []}));
    let _: Value = out.output.to_value();
}

/// A `ui_render` whose text repeats `componentId` is the component the last one
/// names (as `JSON.parse` reads it), even when the first names a component of
/// another file.
#[test]
fn a_repeated_component_id_renders_the_last_one_named_across_files() {
    use contentkit::runtime::{handle, IncomingRequest, IntegrationEnvironment};

    let file_of = |id: &str, text: &str| {
        let source = format!(
            "createComponent({{ componentId: '{id}', render: () => <block><text>{text}</text></block> }})"
        );
        file::compile(&source, &format!("{id}.ckx"))
            .unwrap_or_else(|d| panic!("{d}"))
            .remove(0)
    };
    let integration = Integration::new()
        .component(file_of("first", "from the first file"))
        .component(file_of("second", "from the second file"));
    let environment = serde_json::to_vec(&IntegrationEnvironment::for_tests()).unwrap();
    let event = br#"{"eventId":"e","type":"ui_render","installationId":"i","componentId":"first","props":{},
        "context":{"type":"document","theme":"light"},"componentId":"second"}"#;
    let response = handle(
        &integration,
        IncomingRequest::new("/v1", event.to_vec(), environment),
    );
    assert_eq!(
        response.status,
        200,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body: Value = serde_json::from_slice(&response.body).unwrap();
    assert_eq!(
        body["element"]["children"][0]["children"][0],
        json!("from the second file"),
        "{body}"
    );
}
