//! `contentkit::testing`: the harness drives every fixture component through an
//! interaction, snapshots each view as JSON and HTML, and checks every output against
//! GitBook's schema. Its errors say what to fix.
#![cfg(feature = "testing")]

mod common;

use contentkit::component::{ClientEvent, Component, Integration};
use contentkit::element::{Action, Block, Button};
use contentkit::testing::{Harness, HarnessError};
use serde_json::{json, Value};

/// A harness for component files, its snapshots in the crate's `snapshots/`.
fn harness(paths: &[&str]) -> Harness {
    Harness::from_files(paths)
        .unwrap_or_else(|e| panic!("{e}"))
        .with_snapshot_dir("../snapshots")
}

/// The top view's output, checked against `ContentKitRenderOutput`.
fn assert_valid(h: &Harness) {
    let output = h.output().expect("something was rendered").to_value();
    assert_eq!(
        common::schema_errors(common::validator("ContentKitRenderOutput"), &output),
        "",
        "{output:#}"
    );
}

/// Both snapshots of the top view, after checking its output.
fn snapshot(h: &Harness, name: &str) {
    assert_valid(h);
    h.assert_json_snapshot(name);
    h.assert_html_snapshot(name);
}

fn state(h: &Harness, key: &str) -> Value {
    h.state().expect("a view is open")[key].clone()
}

#[test]
fn hello_says_hello_world() {
    let mut h = harness(&["fixtures/reference/hello.ckx"]);
    h.open("hello", json!({})).unwrap();
    snapshot(&h, "hello_initial");
    assert_eq!(h.press("Click me").unwrap(), ClientEvent::Rendered);
    assert_eq!(state(&h, "message"), "Hello World");
    snapshot(&h, "hello_after_click");
    // The label changed with the state: the old one is gone.
    let error = h.press("Click me").unwrap_err();
    assert!(matches!(error, HarnessError::NoButton { .. }), "{error}");
    assert!(
        error.to_string().ends_with(r#"its buttons: "Hello World""#),
        "{error}"
    );
}

#[test]
fn counter_counts_by_its_step_and_resets() {
    let mut h = harness(&["fixtures/reference/counter.ckx"]);
    h.open("counter", json!({"start": 5, "step": 2})).unwrap();
    snapshot(&h, "counter_initial");
    // At its start the counter offers no reset.
    assert!(matches!(
        h.press("Reset"),
        Err(HarnessError::NoButton { ref available, .. }) if available == &["-", "+"]
    ));
    h.press("+").unwrap();
    h.press("+").unwrap();
    assert_eq!(state(&h, "count"), 9);
    snapshot(&h, "counter_after_two_increments");
    // What the client sent: the state it kept, the props it was opened with.
    let sent = h.last_request().unwrap();
    assert_eq!(Value::Object(sent.state.unwrap()), json!({"count": 7}));
    assert_eq!(Value::Object(sent.props), json!({"start": 5, "step": 2}));
    h.press("Reset").unwrap();
    assert_eq!(state(&h, "count"), 5);
    snapshot(&h, "counter_after_reset");
    assert_eq!(
        h.steps(),
        [
            r#"open counter with props {"start":5,"step":2}"#,
            r#"press "+": rendered"#,
            r#"press "+": rendered"#,
            r#"press "Reset", confirming "Reset?": rendered"#,
        ]
    );
}

#[test]
fn chooser_opened_as_the_root_completes_with_the_choice() {
    let mut h = harness(&["fixtures/reference/chooser.ckx"]);
    h.open("chooser", json!({"options": ["red", "green", "blue"]}))
        .unwrap();
    snapshot(&h, "chooser_initial");
    assert_eq!(
        h.press("green").unwrap(),
        ClientEvent::Completed(json!({"choice": "green"}).as_object().cloned())
    );
    assert_eq!(
        h.completed(),
        Some(&json!({"choice": "green"}).as_object().cloned())
    );
    assert!(h.views().is_empty() && h.element().is_none() && h.html().is_none());
    assert_eq!(
        h.output().unwrap().to_value(),
        json!({"type": "complete", "returnValue": {"choice": "green"}})
    );
    assert_valid(&h);
    h.assert_json_snapshot("chooser_completed");
    // Nothing is left to press.
    let error = h.press("red").unwrap_err();
    assert_eq!(
        error.to_string(),
        r#"cannot press a button: the flow completed with {"choice":"green"}"#
    );
}

#[test]
fn chooser_closed_from_the_harness_hands_back_any_value() {
    let mut h = harness(&["fixtures/reference/chooser.ckx"]);
    h.open("chooser", json!({"options": ["red"]})).unwrap();
    assert_eq!(
        h.close_modal(json!({"choice": "none"})).unwrap(),
        ClientEvent::Completed(json!({"choice": "none"}).as_object().cloned())
    );
}

#[test]
fn todo_adds_and_completes_items() {
    let mut h = harness(&["examples/components/todo.ckx"]);
    h.open("todo", json!({})).unwrap();
    snapshot(&h, "todo_initial");
    h.type_into("draft", "Buy milk");
    // Typing writes the local state: the HTML shows it in the field before any render.
    assert!(h.html().unwrap().contains(r#"value="Buy milk""#));
    h.press("Add").unwrap();
    assert_eq!(
        state(&h, "items"),
        json!(["Read the ContentKit docs", "Buy milk"])
    );
    assert_eq!(state(&h, "draft"), "");
    snapshot(&h, "todo_after_add");
    // The first "Done" is the first item's.
    h.press("Done").unwrap();
    assert_eq!(state(&h, "items"), json!(["Buy milk"]));
    snapshot(&h, "todo_after_done");
    h.press("Clear all").unwrap();
    assert_eq!(state(&h, "items"), json!([]));
    assert!(h.html().unwrap().contains("Nothing left to do."));
    assert_valid(&h);
}

#[test]
fn colour_picker_opens_the_chooser_and_shows_the_choice() {
    let mut h = harness(&["examples/components/colour-picker.ckx"]);
    h.open("colour-picker", json!({})).unwrap();
    snapshot(&h, "colour_picker_initial");
    assert_eq!(
        h.press("About colours").unwrap(),
        ClientEvent::UrlOpened("https://en.wikipedia.org/wiki/Colour".into())
    );
    assert_eq!(h.opened_urls(), ["https://en.wikipedia.org/wiki/Colour"]);
    assert_eq!(
        h.press("Choose a colour").unwrap(),
        ClientEvent::ModalOpened("chooser".into())
    );
    assert_eq!(h.views().len(), 2);
    snapshot(&h, "colour_picker_modal");
    assert_eq!(
        h.press("green").unwrap(),
        ClientEvent::ModalClosed(json!({"choice": "green"}).as_object().unwrap().clone())
    );
    assert_eq!(h.views().len(), 1);
    assert_eq!(state(&h, "choice"), "green");
    assert_eq!(h.completed(), None);
    snapshot(&h, "colour_picker_after_choice");
    // The modal can be closed from the harness too, with any value.
    h.press("Choose a colour").unwrap();
    h.close_modal(json!({"choice": "blue"})).unwrap();
    assert_eq!(state(&h, "choice"), "blue");
    // With the block on top, there is no modal to close.
    assert_eq!(
        h.close_modal(json!({})).unwrap_err().to_string(),
        "no modal to close: the top view, colour-picker, is a block opened as the root"
    );
}

#[test]
fn embed_feeds_the_typed_code_to_the_web_frame() {
    let mut h = harness(&["examples/components/embed.ckx"]).with_interactive_html(true);
    h.open("embed", json!({})).unwrap();
    snapshot(&h, "embed_initial");
    let code = r#"document.body.textContent = "<b>bye</b>""#;
    h.type_into("code", code);
    let html = h.html().unwrap();
    // The frame's `data` binding resolves from the typed state (escaped in the
    // attribute), and so does the code block's content.
    assert!(
        html.contains(r#"data-ck-webframe-data='{"code":"document.body.textContent = \"&lt;b&gt;bye&lt;/b&gt;\""}'"#),
        "{html}"
    );
    assert!(
        html.contains("\ndocument.body.textContent = \"&lt;b&gt;bye&lt;/b&gt;\"</textarea>"),
        "{html}"
    );
    assert!(!html.contains(r#"console.log"#), "{html}");
    h.assert_html_snapshot("embed_after_typing");
    // The switch writes `shown` and its action renders again: the frame goes, the
    // typed code goes with the state.
    h.type_into("shown", false);
    h.dispatch(&Action::custom("show")).unwrap();
    assert_eq!(state(&h, "shown"), false);
    assert_eq!(state(&h, "code"), code);
    assert!(!h.html().unwrap().contains("<iframe"));
    snapshot(&h, "embed_after_toggle");
}

#[test]
fn rust_components_and_contexts() {
    let integration = Integration::new().component(Component::new(
        "theme",
        |input: &contentkit::component::Input<'_>| {
            let theme = input.context["theme"].as_str().unwrap_or("none").to_owned();
            Ok(Block::new([
                Button::new(theme, Action::custom("noop")),
                Button::new("Off", Action::custom("noop")).disabled(true),
            ])
            .into())
        },
    ));
    let mut h = Harness::new(integration)
        .with_context(json!({"type": "document", "theme": "dark", "editable": false}));
    h.open("theme", Value::Null).unwrap();
    assert_eq!(h.press("dark").unwrap(), ClientEvent::Rendered);
    assert!(h
        .html()
        .unwrap()
        .starts_with(r#"<div class="contentkit contentkit-theme-dark">"#));
    assert_eq!(
        h.press("Off").unwrap_err().to_string(),
        r#"the button labelled "Off" in the view of theme is disabled"#
    );
}

#[test]
fn errors_say_what_to_fix() {
    let error = Harness::from_file("examples/components/missing.ckx").unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cannot read component file examples/components/missing.ckx: "),
        "{error}"
    );

    let source =
        "createComponent({\n    componentId: 'x',\n    render: () => <block><buton /></block>,\n})";
    let error = Harness::from_source(source, "broken.ckx").unwrap_err();
    let message = format!("{error:?}");
    assert!(
        message.starts_with("broken.ckx does not compile:\nbroken.ckx:3:"),
        "{message}"
    );
    assert!(message.contains("buton"), "{message}");

    let mut h = harness(&[
        "fixtures/reference/hello.ckx",
        "fixtures/reference/counter.ckx",
    ]);
    assert_eq!(
        h.open("hello-world", json!({})).unwrap_err().to_string(),
        r#"no component "hello-world" in the integration; its components: "hello", "counter""#
    );
    assert_eq!(
        h.open("hello", json!([1])).unwrap_err().to_string(),
        "props must be a JSON object, not [1]"
    );
    assert_eq!(
        h.press("Click me").unwrap_err().to_string(),
        "cannot press a button: no component is open (call open first)"
    );
    h.open("counter", json!({})).unwrap();
    assert_eq!(
        h.press("Increment").unwrap_err().to_string(),
        r#"no button labelled "Increment" in the view of counter; its buttons: "-", "+""#
    );

    let source = r#"createComponent({
        componentId: 'fragile',
        action: { break: ({ state }) => ({ state: { n: 'not an object' } }) },
        initialState: { n: { deep: ' 1 ' } },
        render: ({ state }) => <block><button label={`n: ${state.n.deep.trim()}`} onPress={{ action: 'break' }} /></block>,
    })"#;
    let mut h = Harness::from_source(source, "fragile.ckx").unwrap();
    h.open("fragile", json!({})).unwrap();
    let error = h.press("n: 1").unwrap_err();
    assert!(
        matches!(&error, HarnessError::Component { component, .. } if component == "fragile"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("component fragile failed (status 500): fragile.ckx:5:73: "),
        "{error}"
    );
    assert_eq!(h.steps().last().unwrap(), r#"press "n: 1": failed"#);
}

#[test]
fn outputs_gitbook_would_reject_fail_the_step() {
    use contentkit::element::{Modal, Text};
    let integration = Integration::new().component(Component::new(
        "nested",
        |_: &contentkit::component::Input<'_>| {
            // A modal is a root element: it cannot sit inside a block.
            Ok(Block::new([Modal::new("Inner", [Text::new(["hi"])])]).into())
        },
    ));
    let mut h = Harness::new(integration);
    let error = h.open("nested", json!({})).unwrap_err();
    assert!(
        matches!(&error, HarnessError::InvalidOutput { component, .. } if component == "nested"),
        "{error}"
    );
    assert!(
        error
            .to_string()
            .starts_with("component nested rendered an output ContentKit rejects:\n"),
        "{error}"
    );
    // The view is there to look at.
    assert!(h.element().is_some());
}

#[test]
#[should_panic(expected = "cannot type into an input: no component is open")]
fn typing_with_nothing_open_panics() {
    let mut h = harness(&["fixtures/reference/hello.ckx"]);
    h.type_into("message", "hi");
}
