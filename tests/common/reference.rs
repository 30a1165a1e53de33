//! The reference components of `fixtures/reference/` (`hello.tsx`, `counter.tsx`,
//! `chooser.tsx`) written in Rust, shared by the lifecycle and HTTP runtime tests.

use contentkit::component::{ActionResult, Component, Integration};
use contentkit::element::*;
use serde_json::{json, Value};

fn obj(v: Value) -> Object {
    v.as_object().cloned().unwrap_or_default()
}

fn num(v: &Value) -> f64 {
    v.as_f64().unwrap_or(0.0)
}

/// The three reference components (`fixtures/reference/*.tsx`) written in Rust:
/// `hello`, `counter` and `chooser`.
pub fn reference_integration() -> Integration {
    let hello = Component::new("hello", |input: &contentkit::component::Input<'_>| {
        let label = input.state["message"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        Ok(Block::new([Button::new(label, Action::custom("say"))]).into())
    })
    .initial_state_fn(|_: &Object, _: &Value| Ok(obj(json!({"message": "Click me"}))))
    .on_action(|input: &contentkit::component::Input<'_>| {
        Ok(match input.action["action"].as_str() {
            Some("say") => ActionResult::state(json!({"message": "Hello World"})),
            _ => ActionResult::Nothing,
        })
    });

    let counter = Component::new("counter", |input: &contentkit::component::Input<'_>| {
        let count = num(&input.state["count"]);
        let start = input.props.get("start").map_or(0.0, num);
        let mut children: Vec<Element> = vec![HStack::new([
            Element::from(Button::new("-", Action::custom("dec")).style(ButtonStyle::Secondary)),
            Text::new([format!("Count: {count}")])
                .style(TextStyle::Bold)
                .into(),
            Button::new("+", Action::custom("inc"))
                .style(ButtonStyle::Primary)
                .into(),
        ])
        .align(Align::Center)
        .into()];
        if count != start {
            children.push(
                Button::new("Reset", Action::custom("reset"))
                    .style(ButtonStyle::Danger)
                    .icon(Icon::Close)
                    .confirm(
                        Confirm::new("Reset?", "The count goes back to its start.", "Reset")
                            .style(ConfirmStyle::Danger),
                    )
                    .into(),
            );
        }
        Ok(Block::new(children).into())
    })
    .initial_state_fn(|props: &Object, _: &Value| {
        Ok(obj(
            json!({"count": props.get("start").cloned().unwrap_or(json!(0))}),
        ))
    })
    .on_action(|input: &contentkit::component::Input<'_>| {
        let step = input.props.get("step").map_or(1.0, num);
        let count = num(&input.state["count"]);
        let state = |n: f64| ActionResult::state(json!({"count": js_number_value(n)}));
        Ok(match input.action["action"].as_str() {
            Some("inc") => state(count + step),
            Some("dec") => state(count - step),
            Some("reset") => state(input.props.get("start").map_or(0.0, num)),
            _ => ActionResult::Nothing,
        })
    });

    let chooser = Component::new("chooser", |input: &contentkit::component::Input<'_>| {
        let options: Vec<String> = input.props["options"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o.as_str().map(str::to_owned))
            .collect();
        let mut modal =
            Modal::new(
                "Pick a colour",
                [VStack::new(options.iter().map(|o| {
                    Button::new(o.clone(), Action::close_modal(obj(json!({"choice": o}))))
                }))
                .align(Align::Center)],
            )
            .size(ModalSize::Medium);
        modal.subtitle = Some(vec![Text::new([
            "One of ".to_owned(),
            options.len().to_string(),
            " options".to_owned(),
        ])
        .into()]);
        Ok(modal.into())
    });

    Integration::new()
        .component(hello)
        .component(counter)
        .component(chooser)
}
