//! Reading JSON text through a tape gives what reading it into a `serde_json::Value`
//! gives: the same tree, or the same errors in the same order; and checking (which keeps
//! nothing) finds exactly the errors that reading finds.

mod common;

use contentkit::element::tape::Tape;
use contentkit::element::{to_json_string, Element, RenderOutput};
use proptest::prelude::*;
use serde_json::{json, Value};

/// Changes the `pick`-th value of `v` (in document order) in one of seven ways, so that
/// valid outputs become every kind of invalid one.
fn mutate(v: &mut Value, pick: &mut usize, how: u8) -> bool {
    if *pick == 0 {
        match how % 7 {
            0 => *v = json!("x"),
            1 => *v = json!(7.5),
            2 => *v = Value::Null,
            3 => *v = json!([]),
            4 => *v = json!({}),
            5 => {
                if let Value::Object(m) = v {
                    m.insert("zz\"unknown".to_owned(), json!(1));
                } else {
                    *v = json!({"type": "divider"});
                }
            }
            _ => {
                if let Value::Object(m) = v {
                    let first = m.keys().next().cloned();
                    if let Some(k) = first {
                        m.shift_remove(&k);
                    }
                } else {
                    *v = json!(true);
                }
            }
        }
        return true;
    }
    *pick -= 1;
    match v {
        Value::Array(items) => items.iter_mut().any(|i| mutate(i, pick, how)),
        Value::Object(m) => m.values_mut().any(|i| mutate(i, pick, how)),
        _ => false,
    }
}

fn count_values(v: &Value) -> usize {
    1 + match v {
        Value::Array(items) => items.iter().map(count_values).sum(),
        Value::Object(m) => m.values().map(count_values).sum(),
        _ => 0,
    }
}

/// Reads `text` every way there is and checks that they agree.
fn agree(text: &str) -> Result<(), TestCaseError> {
    let value: Value = serde_json::from_str(text).unwrap();
    let tape = Tape::parse(text).unwrap();

    let from_value = RenderOutput::from_value(&value);
    let from_tape = RenderOutput::from_json(tape.root());
    prop_assert_eq!(&from_tape, &from_value, "{}", text);
    let checked = RenderOutput::check_json(tape.root());
    prop_assert_eq!(checked.err(), from_value.err(), "{}", text);

    let element = &value["element"];
    let from_value = Element::from_root_value(element);
    if let Some(node) = contentkit::element::json::Json::get(tape.root(), "element") {
        prop_assert_eq!(&Element::from_root_json(node), &from_value, "{}", text);
        prop_assert_eq!(
            Element::check_root_json(node).err(),
            from_value.err(),
            "{}",
            text
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn valid_outputs_read_the_same_from_text(out in common::strategy::render_output()) {
        let text = to_json_string(&out).unwrap();
        agree(&text)?;
        prop_assert_eq!(RenderOutput::from_json_str(&text).unwrap(), out);
    }

    #[test]
    fn invalid_outputs_give_the_same_errors_from_text(
        out in common::strategy::render_output(),
        pick in any::<prop::sample::Index>(),
        how in any::<u8>(),
        pretty in any::<bool>(),
    ) {
        let mut value = out.to_value();
        let mut at = pick.index(count_values(&value));
        mutate(&mut value, &mut at, how);
        let text = if pretty {
            serde_json::to_string_pretty(&value).unwrap()
        } else {
            serde_json::to_string(&value).unwrap()
        };
        agree(&text)?;
    }

    #[test]
    fn arbitrary_text_reads_the_same_or_fails_the_same(s in "\\PC{0,200}") {
        match (serde_json::from_str::<Value>(&s), Tape::parse(&s)) {
            (Ok(_), Ok(_)) => agree(&s)?,
            (Err(a), Err(b)) => prop_assert_eq!(a.to_string(), b.to_string()),
            (a, b) => prop_assert!(false, "{:?} vs {:?} for {}", a.err(), b.err(), s),
        }
    }
}

#[test]
fn escaped_and_repeated_keys_read_as_serde_json_reads_them() {
    let text = r#"{"type":"element","state":{},"props":{"a":1,"a":2},
        "element":{"type":"block","children":[
            {"type":"text","children":"x","chil\u0064ren":["y\n"]},
            {"\u0074ype":"divider","size":"small","size":"huge"}]}}"#;
    let value: Value = serde_json::from_str(text).unwrap();
    let from_value = RenderOutput::from_value(&value);
    assert_eq!(
        from_value.clone().unwrap_err().to_string(),
        r#"element.children[1].size: unknown value "huge", expected one of small, medium, large"#
    );
    let tape = Tape::parse(text).unwrap();
    assert_eq!(RenderOutput::from_json(tape.root()), from_value);
}
