//! Reading JSON text through a tape gives what reading it into a `serde_json::Value`
//! gives: the same tree, or the same errors in the same order; checking (which keeps
//! nothing) finds exactly the errors that reading finds; and the JSON written straight
//! from a checked tape (`element::transcode`) is the JSON of the decoded tree.

mod common;

use contentkit::element::tape::Tape;
use contentkit::element::transcode::{OutputJson, TreeJson};
use contentkit::element::{to_json_string, to_json_string_pretty, Element, RenderOutput};
use proptest::prelude::*;
use serde::Serialize;
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
    prop_assert_eq!(checked.err(), from_value.clone().err(), "{}", text);
    let written = OutputJson::check(tape.root());
    prop_assert_eq!(
        written.as_ref().err(),
        from_value.as_ref().err(),
        "{}",
        text
    );
    if let (Ok(out), Ok(written)) = (&from_value, written) {
        same_json(out, &written, text)?;
    }

    let element = &value["element"];
    let from_value = Element::from_root_value(element);
    if let Some(node) = contentkit::element::json::Json::get(tape.root(), "element") {
        prop_assert_eq!(&Element::from_root_json(node), &from_value, "{}", text);
        prop_assert_eq!(
            Element::check_root_json(node).err(),
            from_value.clone().err(),
            "{}",
            text
        );
        let written = TreeJson::check(node);
        prop_assert_eq!(
            written.as_ref().err(),
            from_value.as_ref().err(),
            "{}",
            text
        );
        if let (Ok(tree), Ok(written)) = (&from_value, written) {
            same_json(tree, &written, text)?;
        }
    }
    Ok(())
}

/// The JSON written straight from the text is the JSON of the decoded value, compact
/// and pretty, byte for byte.
fn same_json(
    decoded: &impl Serialize,
    written: &impl Serialize,
    text: &str,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(
        to_json_string(written).unwrap(),
        to_json_string(decoded).unwrap(),
        "{}",
        text
    );
    prop_assert_eq!(
        to_json_string_pretty(written).unwrap(),
        to_json_string_pretty(decoded).unwrap(),
        "{}",
        text
    );
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

#[test]
fn every_fixture_tree_is_written_from_its_text_as_decoded() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let mut seen = 0;
    for sub in ["html", "trees"] {
        for entry in std::fs::read_dir(format!("{dir}/{sub}")).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "json") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            agree(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            // The same tree with its keys in reverse order: written in schema order.
            let value: Value = serde_json::from_str(&text).unwrap();
            agree(&serde_json::to_string(&reversed(value)).unwrap())
                .unwrap_or_else(|e| panic!("{} reversed: {e}", path.display()));
            seen += 1;
        }
    }
    assert!(seen >= 6, "{seen} fixtures");
}

/// `v` with the keys of every object in reverse order.
fn reversed(v: Value) -> Value {
    match v {
        Value::Array(items) => Value::Array(items.into_iter().map(reversed).collect()),
        Value::Object(m) => {
            let mut fields: Vec<(String, Value)> = m.into_iter().collect();
            fields.reverse();
            Value::Object(fields.into_iter().map(|(k, v)| (k, reversed(v))).collect())
        }
        other => other,
    }
}
