//! The page of a JSON tree written straight from its tape is the page of the decoded
//! tree, byte for byte, whether or not its parts are streamed.

use contentkit::element::tape::Tape;
use contentkit::element::{Element, RenderOutput, Theme};
use contentkit::render::html::{render_document, write_document_from_tape, HtmlOptions};
use serde_json::{json, Value};

fn streamed(text: &str, options: &HtmlOptions<'_>) -> std::io::Result<String> {
    let tape = Tape::parse(text).expect("valid JSON");
    let mut page = Vec::new();
    write_document_from_tape(tape.root(), options, &mut page)?;
    Ok(String::from_utf8(page).expect("UTF-8"))
}

fn decoded(text: &str, options: &HtmlOptions<'_>) -> String {
    let tape = Tape::parse(text).expect("valid JSON");
    if RenderOutput::is_output_json(tape.root()) {
        render_document(
            &RenderOutput::from_json_str(text).expect("valid output"),
            options,
        )
    } else {
        render_document(&Element::from_json_str(text).expect("valid tree"), options)
    }
}

fn option_sets() -> [HtmlOptions<'static>; 2] {
    [
        HtmlOptions::default(),
        HtmlOptions {
            theme: Theme::Dark,
            title: Some("Big <tree>".into()),
            interactive: true,
            ..HtmlOptions::default()
        },
    ]
}

fn assert_same_page(name: &str, text: &str) {
    for options in option_sets() {
        let page = streamed(text, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            page == decoded(text, &options),
            "{name} (interactive: {}) renders differently from its tape",
            options.interactive
        );
    }
}

fn fixture_children() -> Vec<Value> {
    let mut children = Vec::new();
    for name in ["buttons", "content", "form", "layout", "modal"] {
        let path = format!("{}/fixtures/html/{name}.json", env!("CARGO_MANIFEST_DIR"));
        let v: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let root = v.get("element").unwrap_or(&v);
        children.extend(root["children"].as_array().unwrap().iter().cloned());
    }
    children
}

#[test]
fn every_fixture_renders_the_same_from_its_tape() {
    for dir in ["fixtures/html", "fixtures/trees"] {
        let dir = format!("{}/{dir}", env!("CARGO_MANIFEST_DIR"));
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let text = std::fs::read_to_string(&path).unwrap();
            if Tape::parse(&text).is_ok_and(|t| {
                let root = t.root();
                if RenderOutput::is_output_json(root) {
                    RenderOutput::check_json(root).is_ok()
                } else {
                    Element::check_root_json(root).is_ok()
                }
            }) {
                assert_same_page(&path.display().to_string(), &text);
            }
        }
    }
}

#[test]
fn big_trees_streamed_part_by_part_render_the_same() {
    let children = fixture_children();
    let group = json!({"type": "vstack", "children": children});
    // The root streams; so does a stack of many children inside it, and a box inside that.
    let wide_stack = json!({"type": "hstack", "children": vec![group.clone(); 40]});
    let wide_box = json!({"type": "box", "children": vec![json!({"type": "text", "children": ["x < y"]}); 3000]});
    let mut root_children = vec![group.clone(); 60];
    root_children.insert(7, wide_stack);
    root_children.push(json!({"type": "vstack", "children": [wide_box]}));
    let tree = json!({"type": "block", "children": root_children});
    assert_same_page("a big block", &tree.to_string());

    // A render output: its state fills the controls, streamed or not.
    let output = json!({
        "type": "element",
        "state": {"name": "Ada", "count": 3},
        "props": {},
        "element": tree,
    });
    assert_same_page("a big render output", &output.to_string());

    // A modal root, with its fields beside the streamed children.
    let modal = json!({
        "type": "modal", "title": "Many", "size": "xlarge",
        "children": vec![group; 60],
    });
    assert_same_page("a big modal", &modal.to_string());
}

#[test]
fn a_part_that_does_not_decode_is_an_error_not_a_page() {
    let mut children = vec![json!({"type": "vstack", "children": fixture_children()}); 60];
    children.push(json!({"type": "divider", "size": "huge"}));
    let tree = json!({"type": "block", "children": children});
    let error = streamed(&tree.to_string(), &HtmlOptions::default()).unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidData);
    assert!(error.to_string().contains("huge"), "{error}");
}
