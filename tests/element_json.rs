//! The element tree's JSON form: reference outputs round-trip, the schema accepts what we
//! write, and invalid trees get precise, located errors.

mod common;

use contentkit::element::*;
use proptest::prelude::*;
use serde_json::{json, Value};

#[test]
fn every_reference_output_round_trips_unchanged() {
    let reference = common::reference_outputs();
    let schema = common::validator("ContentKitRenderOutput");
    let mut count = 0;
    for (component, steps) in reference.as_object().unwrap() {
        for (i, step) in steps.as_array().unwrap().iter().enumerate() {
            let recorded = &step["output"];
            let out = RenderOutput::from_value(recorded)
                .unwrap_or_else(|e| panic!("{component}[{i}] rejected: {e}"));
            // Equal values, and the same text: key order and number forms match too.
            assert_eq!(&out.to_value(), recorded, "{component}[{i}]");
            assert_eq!(
                serde_json::to_string(&out).unwrap(),
                serde_json::to_string(recorded).unwrap()
            );
            assert_eq!(common::schema_errors(schema, &out.to_value()), "");
            count += 1;
        }
    }
    assert_eq!(count, 9, "all recorded outputs were checked");
}

fn errors_of(v: Value) -> Vec<String> {
    match Element::from_root_value(&v) {
        Ok(e) => panic!("accepted an invalid tree: {e:?}"),
        Err(errors) => errors.iter().map(|e| e.to_string()).collect(),
    }
}

#[test]
fn misspelled_button_style_names_path_and_allowed_values() {
    let errors = errors_of(json!({
        "type": "block",
        "children": [
            {"type": "text", "children": ["hi"]},
            {"type": "button", "label": "Go", "style": "primry", "onPress": {"action": "go"}}
        ]
    }));
    assert_eq!(
        errors,
        [
            r#"element.children[1].style: unknown value "primry", expected one of primary, secondary, danger"#
        ]
    );
}

#[test]
fn unknown_types_and_attributes_are_errors() {
    let errors = errors_of(json!({
        "type": "block",
        "children": [
            {"type": "buton", "label": "Go"},
            {"type": "divider", "colour": "red"},
        ]
    }));
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(errors[0].starts_with(
        r#"element.children[0].type: unknown element type "buton", expected one of block, modal"#
    ));
    assert_eq!(
        errors[1],
        r#"element.children[1].colour: unknown attribute "colour" on divider"#
    );
}

#[test]
fn missing_fields_and_wrong_types_are_all_reported() {
    let errors = errors_of(json!({
        "type": "block",
        "children": [
            {"type": "button", "label": 3},
            {"type": "image", "source": {"url": "https://x.test/a.png"}},
            {"type": "select", "state": "s", "options": [{"id": "a"}]},
        ]
    }));
    assert_eq!(
        errors,
        [
            "element.children[0].label: expected string, found number",
            r#"element.children[0]: missing required field "onPress""#,
            r#"element.children[1]: missing required field "aspectRatio""#,
            r#"element.children[2].options[0]: missing required field "label""#,
        ]
    );
}

#[test]
fn schema_limits_are_enforced() {
    let confirm = |title: usize, text: usize, label: usize| json!({"title": "t".repeat(title), "text": "x".repeat(text), "confirm": "c".repeat(label)});
    let tree = |c: Value| json!({"type": "block", "children": [{"type": "button", "onPress": {"action": "a"}, "confirm": c}]});
    assert!(Element::from_root_value(&tree(confirm(100, 300, 30))).is_ok());
    assert_eq!(
        errors_of(tree(confirm(101, 301, 31))),
        [
            "element.children[0].confirm.title: too long: 101 characters, at most 100 allowed",
            "element.children[0].confirm.text: too long: 301 characters, at most 300 allowed",
            "element.children[0].confirm.confirm: too long: 31 characters, at most 30 allowed",
        ]
    );
    // Characters, not bytes: 100 multi-byte characters are fine.
    assert!(Element::from_root_value(&tree(
        json!({"title": "é".repeat(100), "text": "", "confirm": "ok"})
    ))
    .is_ok());

    let stepper = |steps: Value| {
        json!({"type": "configuration", "children": [{
            "type": "stepper", "activeStep": "a",
            "onStepChange": {"action": "s"}, "onComplete": {"action": "c"}, "children": steps
        }]})
    };
    assert_eq!(
        errors_of(stepper(json!([]))),
        ["element.children[0].children: needs at least 1 item(s), found 0"]
    );
    assert_eq!(
        errors_of(stepper(
            json!([{"type": "step", "id": "a", "title": "t".repeat(51), "children": []}])
        )),
        [
            "element.children[0].children[0].title: too long: 51 characters, at most 50 allowed",
            "element.children[0].children[0].children: needs at least 1 item(s), found 0",
        ]
    );
}

#[test]
fn placement_rules_are_enforced() {
    // Only block, modal and configuration at the root.
    assert_eq!(
        errors_of(json!({"type": "divider"})),
        [
            r#"element: element "divider" is not allowed here, expected one of block, modal, configuration"#
        ]
    );
    // No root inside a tree.
    assert_eq!(
        errors_of(json!({"type": "block", "children": [{"type": "block", "children": []}]})),
        [
            r#"element.children[0]: element "block" is not allowed here, expected one of button, textinput, hstack, vstack, box, divider, webframe, codeblock, markdown, card, image, input, select, switch, checkbox, radio, text, hint, link, step"#
        ]
    );
    // Inline-only places take text, image and link.
    assert_eq!(
        errors_of(
            json!({"type": "modal", "subtitle": [{"type": "divider"}], "children": [
                {"type": "hint", "children": [{"type": "text", "children": ["ok"]}, {"type": "button", "onPress": {"action": "a"}}]}
            ]})
        ),
        [
            r#"element.subtitle[0]: element "divider" is not allowed here, expected one of text, image, link"#,
            r#"element.children[0].children[1]: element "button" is not allowed here, expected one of text, image, link"#,
        ]
    );
    // Text children: strings, text and link only.
    assert_eq!(
        errors_of(
            json!({"type": "block", "children": [{"type": "text", "children": ["a", {"type": "image", "source": {"url": "https://x.test"}, "aspectRatio": 1}]}]})
        ),
        [
            r#"element.children[0].children[1]: element "image" is not allowed here, expected one of text, link"#
        ]
    );
    // input.element takes the seven control kinds.
    assert_eq!(
        errors_of(
            json!({"type": "block", "children": [{"type": "input", "label": "L", "element": {"type": "markdown", "content": "x"}}]})
        ),
        [
            r#"element.children[0].element: element "markdown" is not allowed here, expected one of textinput, select, switch, radio, checkbox, button, codeblock"#
        ]
    );
    // A configuration holds one stepper, or descendants, never both, never none.
    let stepper = json!({"type": "stepper", "activeStep": "a", "onStepChange": {"action": "s"}, "onComplete": {"action": "c"},
        "children": [{"type": "step", "id": "a", "children": [{"type": "divider"}]}]});
    assert!(Element::from_root_value(
        &json!({"type": "configuration", "children": [stepper.clone()]})
    )
    .is_ok());
    assert_eq!(
        errors_of(json!({"type": "configuration", "children": [stepper, {"type": "divider"}]})),
        ["element.children: a configuration holds either one stepper or other elements, not both"]
    );
    assert_eq!(
        errors_of(json!({"type": "configuration", "children": []})),
        ["element.children: needs at least 1 item(s), found 0"]
    );
    // A stepper elsewhere is out of place.
    assert_eq!(
        errors_of(json!({"type": "block", "children": [{"type": "stepper"}]})).len(),
        1
    );
    // Card buttons are buttons.
    assert_eq!(
        errors_of(
            json!({"type": "block", "children": [{"type": "card", "buttons": [{"type": "text", "children": []}]}]})
        ),
        [
            r#"element.children[0].buttons[0].type: element "text" is not allowed here, expected one of button"#
        ]
    );
}

#[test]
fn default_actions_are_typed_and_custom_actions_keep_every_field() {
    let v = json!({"action": "@ui.modal.open", "componentId": "picker", "props": {"n": 1}});
    let mut d = decode::Decoder::new("onPress");
    let a = <Action as decode::Decode>::decode(&v, &mut d).unwrap();
    assert_eq!(
        a,
        Action::open_modal("picker", json!({"n": 1}).as_object().unwrap().clone())
    );

    let custom = json!({"action": "@webframe.resize", "size": {"aspectRatio": 1.5, "height": 300.0}, "k": [1, "x"]});
    let a = <Action as decode::Decode>::decode(&custom, &mut d).unwrap();
    assert_eq!(a.name(), "@webframe.resize");
    // 300.0 prints as JavaScript prints it.
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        r#"{"action":"@webframe.resize","size":{"aspectRatio":1.5,"height":300},"k":[1,"x"]}"#
    );

    // Default actions must carry their fields; props are plain objects.
    let errors = errors_of(json!({"type": "block", "children": [
        {"type": "button", "onPress": {"action": "@ui.modal.open", "props": {"x": null}}},
        {"type": "button", "onPress": {"action": "@ui.url.open"}},
    ]}));
    assert_eq!(
        errors,
        [
            r#"element.children[0].onPress: missing required field "componentId""#,
            "element.children[0].onPress.props.x: expected string, boolean, number, object or array, found null",
            r#"element.children[1].onPress: missing required field "url""#,
        ]
    );
}

#[test]
fn dynamic_bindings_are_accepted_where_the_schema_allows_them() {
    let tree = json!({"type": "block", "children": [
        {"type": "codeblock", "content": {"$state": "code"}, "state": "code"},
        {"type": "markdown", "content": {"$state": "md"}},
        {"type": "webframe", "source": {"url": "https://x.test"}, "data": {"a": "s", "b": {"$state": "k"}}},
        {"type": "select", "state": "s", "options": {"url": {"host": "x.test", "pathname": "/o", "query": {"q": {"$state": "q"}}}}},
    ]});
    let e = Element::from_root_value(&tree).unwrap();
    assert_eq!(e.to_value(), tree);
    // …and not elsewhere.
    assert_eq!(
        errors_of(
            json!({"type": "block", "children": [{"type": "button", "label": {"$state": "l"}, "onPress": {"action": "a"}}]})
        ),
        ["element.children[0].label: expected string, found object"]
    );
}

#[test]
fn builders_make_valid_trees() {
    let tree: Element = Block::new([Element::from(
        HStack::new([
            Element::from(Button::new("-", Action::custom("dec")).style(ButtonStyle::Secondary)),
            Text::new(["Count: 5"]).style(TextStyle::Bold).into(),
            Button::new("+", Action::custom("inc"))
                .style(ButtonStyle::Primary)
                .into(),
        ])
        .align(Align::Center),
    )])
    .into();
    tree.validate().unwrap();
    let recorded = &common::reference_outputs()["counter"][0]["output"]["element"];
    assert_eq!(&tree.to_value(), recorded);
}

#[test]
fn numbers_print_as_javascript_prints_them() {
    let img = Image::new("https://x.test/a.png", 16.0 / 9.0);
    assert_eq!(
        serde_json::to_string(&img).unwrap(),
        r#"{"type":"image","source":{"url":"https://x.test/a.png"},"aspectRatio":1.7777777777777777}"#
    );
    let out = RenderOutput::from_json_str(
        r#"{"type":"element","state":{"count":7.0},"props":{},"element":{"type":"block","children":[{"type":"image","source":{"url":"https://x.test"},"aspectRatio":2.0}]}}"#,
    )
    .unwrap();
    assert_eq!(
        serde_json::to_string(&out).unwrap(),
        r#"{"type":"element","state":{"count":7},"props":{},"element":{"type":"block","children":[{"type":"image","source":{"url":"https://x.test"},"aspectRatio":2}]}}"#
    );
}

#[test]
fn contexts_round_trip() {
    for cx in [
        json!({"type": "document", "theme": "light", "spaceId": "s", "editable": true}),
        json!({"type": "configuration_account", "theme": "dark", "organizationId": "o"}),
        json!({"type": "configuration_space", "theme": "dark", "spaceId": "s"}),
        json!({"type": "configuration_site", "theme": "light", "siteId": "x"}),
        json!({"type": "configuration_contentsource", "theme": "light", "organizationId": "o", "spaceId": "s"}),
    ] {
        let parsed = RenderContext::from_value(&cx).unwrap();
        assert_eq!(parsed.to_value(), cx);
        assert_eq!(
            common::schema_errors(common::validator("ContentKitContext"), &cx),
            ""
        );
    }
    let err = RenderContext::from_value(
        &json!({"type": "document", "theme": "blue", "spaceId": "s", "editable": true}),
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"context.theme: unknown value "blue", expected one of light, dark"#
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn generated_outputs_round_trip_and_match_the_schema(out in common::strategy::render_output()) {
        let value = out.to_value();
        let back = RenderOutput::from_value(&value).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&back, &out);
        prop_assert_eq!(back.to_value(), value.clone());
        let errors = common::schema_errors(common::validator("ContentKitRenderOutput"), &value);
        prop_assert!(errors.is_empty(), "{}\n{}", errors, value);
    }

    #[test]
    fn decoding_arbitrary_json_never_panics(s in "\\PC{0,200}") {
        if let Ok(v) = serde_json::from_str::<Value>(&s) {
            let _ = RenderOutput::from_value(&v);
            let _ = Element::from_value(&v);
        }
    }
}

#[test]
fn hostile_depth_is_an_error_not_a_crash() {
    let mut v = json!({"type": "divider"});
    for _ in 0..2000 {
        v = json!({"type": "vstack", "children": [v]});
    }
    let tree = json!({"type": "block", "children": [v]});
    let errors = Element::from_root_value(&tree).unwrap_err();
    assert!(errors.to_string().contains("nested too deeply"), "{errors}");
}
