//! Bounded on every input: hostile JSON (deep, large, long strings, many keys, many
//! errors) costs memory and work in proportion to its size, and fails with short,
//! clear errors, never a crash.
//!
//! Memory is measured with a counting global allocator (this binary's own), and work
//! with the bytes allocated in all; no test reads a clock. The tests take one lock, so
//! that each measures itself alone.

#[path = "support/counting.rs"]
mod counting;

use contentkit::element::tape::Tape;
use contentkit::element::{Element, RenderOutput};
use contentkit::render::html::{write_document_from_tape, HtmlOptions};
use counting::{alone, assert_linear_work, measure};
use serde_json::{json, Value};

/// A block of about `size` bytes of compact JSON: the children of the HTML fixtures
/// (every kind of element, with state, bindings, actions), repeated in vstacks.
fn big_tree(size: usize) -> String {
    let mut children = Vec::new();
    for name in ["buttons", "content", "form", "layout", "modal"] {
        let path = format!("{}/fixtures/html/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let root = if v.get("element").is_some() {
            &v["element"]
        } else {
            &v
        };
        children.extend(root["children"].as_array().unwrap().iter().cloned());
    }
    let group = serde_json::to_string(&json!({"type": "vstack", "children": children})).unwrap();
    let mut out = String::with_capacity(size + group.len() + 64);
    out.push_str(r#"{"type":"block","children":["#);
    while out.len() < size {
        out.push_str(&group);
        out.push(',');
    }
    out.pop();
    out.push_str("]}");
    out
}

const MB: usize = 1 << 20;

#[test]
fn a_big_tree_is_checked_in_memory_proportional_to_its_text() {
    let _alone = alone();
    let mut costs = Vec::new();
    for size in [MB, 8 * MB] {
        let text = big_tree(size);
        let (checked, cost) = measure(|| {
            let tape = Tape::parse(&text).expect("valid JSON");
            Element::check_root_json(tape.root())
        });
        assert_eq!(checked, Ok(()));
        // The text (1x) plus at most 2x more: `contentkit check` holds 3x its input.
        assert!(
            cost.peak <= 2 * text.len(),
            "checking {} bytes held {} bytes",
            text.len(),
            cost.peak
        );
        costs.push((text.len(), cost));
    }
    // Eight times the text, about eight times the work (allocations stand for it).
    assert_linear_work(&costs);
}

#[test]
fn a_big_tree_is_read_in_memory_proportional_to_its_text() {
    let _alone = alone();
    let text = big_tree(4 * MB);
    let (tree, cost) = measure(|| Element::from_json_str(&text).map(|e| e.kind()));
    assert_eq!(tree.unwrap().name(), "block");
    // The typed tree itself is about six times the text; reading it through a
    // `serde_json::Value` first held twenty times.
    assert!(
        cost.peak <= 10 * text.len(),
        "reading {} bytes held {} bytes",
        text.len(),
        cost.peak
    );
}

/// A writer that counts what it is given and keeps none of it.
struct CountingWriter(usize);

impl std::io::Write for CountingWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_big_tree_is_rendered_to_html_in_memory_proportional_to_its_text() {
    let _alone = alone();
    let text = big_tree(8 * MB);
    let mut page = CountingWriter(0);
    let (written, cost) = measure(|| {
        let tape = Tape::parse(&text).expect("valid JSON");
        write_document_from_tape(tape.root(), &HtmlOptions::default(), &mut page)
    });
    written.expect("a valid tree renders");
    // The page is about three times the text; the typed tree would be six. Neither is
    // held: the tape (under a byte of index per byte of text here) and one part at a time.
    assert!(page.0 > 2 * text.len(), "a page of {} bytes", page.0);
    assert!(
        cost.peak <= 2 * text.len(),
        "rendering {} bytes to a {}-byte page held {} bytes",
        text.len(),
        page.0,
        cost.peak
    );
}

#[test]
fn errors_are_capped_and_the_rest_counted() {
    let _alone = alone();
    let button = r#"{"type":"button","label":"x","style":"primry","onPress":{"action":"a"}}"#;
    let n = 100_000;
    let text = format!(
        r#"{{"type":"block","children":[{}]}}"#,
        vec![button; n].join(",")
    );
    let (errors, cost) = measure(|| {
        let tape = Tape::parse(&text).unwrap();
        Element::check_root_json(tape.root()).unwrap_err()
    });
    assert_eq!(errors.len(), 100);
    assert_eq!(errors.total(), n);
    let report = errors.to_string();
    assert_eq!(report.lines().count(), 101);
    assert!(report.ends_with("… and 99900 more errors"), "{report}");
    assert!(cost.peak <= 2 * text.len(), "{cost:?}");
}

#[test]
fn a_two_megabyte_string_is_read_whole_and_quoted_short() {
    let _alone = alone();
    let long = "word **bold** _it_ [link](https://x.test) `code`\n".repeat(2 * MB / 48);
    let tree = json!({"type": "block", "children": [
        {"type": "markdown", "content": long},
        {"type": "text", "children": [long]},
    ]});
    let text = serde_json::to_string(&tree).unwrap();
    let (element, cost) = measure(|| Element::from_json_str(&text).unwrap());
    assert!(cost.peak <= 3 * text.len(), "{cost:?}");
    let (html, cost) =
        measure(|| contentkit::render::html::render_document(&element, &Default::default()));
    assert!(html.len() > 2 * MB);
    assert!(cost.peak <= 20 * text.len(), "{cost:?}");

    // A long value in the wrong place is quoted by its start and its length.
    let wrong = json!({"type": "block", "children": [
        {"type": "divider", "size": "x".repeat(2 * MB)},
        {"type": "divider", &*"k".repeat(2 * MB): 1},
    ]});
    let errors = Element::from_root_value(&wrong).unwrap_err().to_string();
    assert!(errors.len() < 600, "{} bytes of errors", errors.len());
    assert!(
        errors.contains(&format!("\"{}… (2097152 characters)\"", "x".repeat(80))),
        "{errors}"
    );
}

#[test]
fn a_million_key_props_object_is_read_in_proportion() {
    let _alone = alone();
    let mut costs = Vec::new();
    for keys in [100_000, 1_000_000] {
        let props: serde_json::Map<String, Value> =
            (0..keys).map(|i| (format!("k{i}"), json!(i))).collect();
        let text = serde_json::to_string(&json!({
            "type": "element", "state": {}, "props": props,
            "element": {"type": "block", "children": []}
        }))
        .unwrap();
        drop(props);
        let (out, cost) = measure(|| RenderOutput::from_json_str(&text).map(|_| ()));
        out.unwrap();
        let (checked, check_cost) = measure(|| {
            let tape = Tape::parse(&text).unwrap();
            RenderOutput::check_json(tape.root())
        });
        checked.unwrap();
        // A tape takes 12 bytes a value, and here a value (`"k1234"` or `1234`) is
        // seven bytes of text: the densest JSON there is, so the most it can cost.
        assert!(
            check_cost.peak <= 3 * text.len(),
            "{} bytes: {check_cost:?}",
            text.len()
        );
        costs.push((text.len(), cost));
    }
    // Twice linear at most, as for big trees above.
    let ratio = costs[1].1.allocated as f64 / costs[0].1.allocated as f64;
    let size_ratio = costs[1].0 as f64 / costs[0].0 as f64;
    assert!(
        ratio <= size_ratio * 2.0,
        "{size_ratio:.1}x the text, {ratio:.1}x the allocations: {costs:?}"
    );
}

/// Takes a deep value apart level by level: dropping it whole would recurse once per level.
fn dismantle(v: Value) {
    let mut pending = vec![v];
    while let Some(mut v) = pending.pop() {
        match &mut v {
            Value::Array(items) => pending.append(items),
            Value::Object(map) => pending.extend(std::mem::take(map).into_iter().map(|(_, v)| v)),
            _ => {}
        }
    }
}

/// An object of `fields`, each value moved in (`json!` would copy an interpolated
/// value by serializing it, recursing once per level).
fn object(fields: Vec<(&str, Value)>) -> Value {
    Value::Object(fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect())
}

/// `levels` objects nested through `key`, around `leaf`.
fn nested(levels: usize, key: &str, leaf: Value) -> Value {
    (0..levels).fold(leaf, |v, _| object(vec![(key, v)]))
}

/// An element `levels` deep: `kind` inside `kind`, around `leaf`.
fn nested_elements(levels: usize, kind: &str, leaf: Value) -> Value {
    (0..levels).fold(leaf, |v, _| {
        object(vec![
            ("type", json!(kind)),
            ("children", Value::Array(vec![v])),
        ])
    })
}

fn block(children: Vec<Value>) -> Value {
    object(vec![
        ("type", json!("block")),
        ("children", Value::Array(children)),
    ])
}

#[test]
fn values_nested_ten_thousand_deep_are_errors_not_crashes() {
    let _alone = alone();
    // A 2 MiB stack, as threads get by default (tokio's workers too), in a debug build.
    std::thread::Builder::new()
        .stack_size(2 * MB)
        .spawn(|| {
            let levels = 10_000;
            let deep = || nested(levels, "a", json!(1));
            let trees = [
                block(vec![nested_elements(
                    levels,
                    "vstack",
                    json!({"type": "divider"}),
                )]),
                block(vec![nested_elements(levels, "text", json!("x"))]),
            ];
            let outputs = [
                object(vec![
                    ("state", deep()),
                    ("props", json!({})),
                    ("element", block(vec![])),
                ]),
                object(vec![
                    ("state", json!({})),
                    ("props", object(vec![("p", deep())])),
                    ("element", block(vec![])),
                ]),
                object(vec![
                    ("state", json!({})),
                    ("props", json!({})),
                    (
                        "element",
                        block(vec![object(vec![
                            ("type", json!("button")),
                            ("label", json!("b")),
                            (
                                "onPress",
                                object(vec![("action", json!("go")), ("payload", deep())]),
                            ),
                        ])]),
                    ),
                ]),
                object(vec![("type", json!("complete")), ("returnValue", deep())]),
            ];
            let too_deep = |errors: &contentkit::element::ValidationErrors| {
                errors.iter().all(|e| {
                    e.to_string()
                        .ends_with("nested too deeply: at most 512 levels")
                })
            };
            for (i, v) in trees.into_iter().enumerate() {
                let read = Element::from_root_value(&v).unwrap_err();
                assert_eq!(Element::check_root_json(&v).unwrap_err(), read);
                assert!(too_deep(&read), "tree {i}: {read}");
                dismantle(v);
            }
            for (i, v) in outputs.into_iter().enumerate() {
                let read = RenderOutput::from_value(&v).unwrap_err();
                assert_eq!(RenderOutput::check_json(&v).unwrap_err(), read);
                assert!(too_deep(&read), "output {i}: {read}");
                dismantle(v);
            }
        })
        .unwrap()
        .join()
        .expect("no stack overflow");
}

#[test]
fn text_nested_past_the_parser_limit_is_a_json_error() {
    let _alone = alone();
    let text = format!(
        r#"{{"type":"block","children":{}{}}}"#,
        "[".repeat(10_000),
        "]".repeat(10_000)
    );
    let err = Element::from_json_str(&text).unwrap_err().to_string();
    assert_eq!(
        err,
        "invalid JSON: recursion limit exceeded at line 1 column 154"
    );
    let err = RenderOutput::from_json_str(&text).unwrap_err().to_string();
    assert!(
        err.starts_with("invalid JSON: recursion limit exceeded"),
        "{err}"
    );
}
