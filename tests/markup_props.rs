//! Property tests: no input panics the parser, compiler or evaluator, and printed
//! markup reads back as the tree it was printed from.

use contentkit::markup::{print_markup, CompileOptions, Limits, Scope, Template};
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// `PROPTEST_CASES` from the environment, for longer runs.
fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn plain() -> CompileOptions {
    CompileOptions {
        check_elements: false,
        require_root_element: false,
    }
}

/// Compiles (checked and plain) and renders whatever compiles: nothing may panic, and a
/// rendered tree printed as markup must read back as the same tree.
fn exercise(source: &str, props: &Value) -> Result<(), TestCaseError> {
    let limits = Limits {
        max_steps: 20_000,
        max_bytes: 1 << 20,
    };
    for options in [CompileOptions::default(), plain()] {
        if let Ok(t) = Template::compile_with(source, "fuzz.ckx", &options) {
            if let Ok(out) = t.render_with(&Scope::new().props(props).state(props), &limits) {
                round_trip(&out, &plain())?;
            }
        }
    }
    let _ = contentkit::markup::parse(source, "fuzz.ckx");
    Ok(())
}

/// Pieces of markup and JavaScript, so that random strings reach deep into the grammar.
const TOKENS: &[&str] = &[
    "<",
    ">",
    "/",
    "/>",
    "</",
    "<>",
    "</>",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\"",
    "'",
    "`",
    "${",
    "=",
    "=>",
    "?",
    "?.",
    "??",
    ":",
    ".",
    "...",
    ",",
    "!",
    "-",
    "+",
    "*",
    "%",
    "&&",
    "||",
    "===",
    "<=",
    "&amp;",
    "/*",
    "*/",
    "//",
    "\n",
    " ",
    "\t",
    "\\",
    "0",
    "1.5",
    "1e3",
    "0x1f",
    "a",
    "x",
    "props",
    "state",
    "element",
    "dynamicState",
    "String",
    "JSON.stringify",
    "map",
    ".map((x) => x)",
    "block",
    "text",
    "button",
    "label",
    "onPress",
    "style",
    "children",
    "true",
    "null",
    "undefined",
    "typeof",
    "é",
    "😀",
    "\u{2028}",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|t| t.concat())
}

const SOURCES: &[&str] = &[
    include_str!("../fixtures/markup/reference_counter.ckx"),
    include_str!("../fixtures/markup/reference_chooser.ckx"),
    include_str!("../fixtures/markup/jsx_text.ckx"),
    include_str!("../fixtures/markup/expr_collections.ckx"),
    include_str!("../fixtures/markup/elements_block.ckx"),
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete(usize, usize),
    Insert(usize, &'static str),
    Duplicate(usize, usize),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0usize..20).prop_map(|(a, n)| Mutation::Delete(a, n)),
        (any::<usize>(), prop::sample::select(TOKENS)).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (any::<usize>(), 0usize..40).prop_map(|(a, n)| Mutation::Duplicate(a, n)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

/// The byte offset `i` (mod the length) moved back to a character boundary.
fn boundary(s: &str, i: usize) -> usize {
    let mut i = if s.is_empty() { 0 } else { i % (s.len() + 1) };
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn mutate(source: &str, mutations: &[Mutation]) -> String {
    let mut s = source.to_string();
    for m in mutations {
        match *m {
            Mutation::Delete(at, n) => {
                let a = boundary(&s, at);
                let b = boundary(&s, a + n);
                if b >= a {
                    s.replace_range(a..b, "");
                }
            }
            Mutation::Insert(at, t) => {
                let a = boundary(&s, at);
                s.insert_str(a, t);
            }
            Mutation::Duplicate(at, n) => {
                let a = boundary(&s, at);
                let b = boundary(&s, a + n).max(a);
                let piece = s[a..b].to_string();
                s.insert_str(b, &piece);
            }
            Mutation::Truncate(at) => {
                let a = boundary(&s, at);
                s.truncate(a);
            }
        }
    }
    s
}

fn scope() -> Value {
    json!({
        "start": 5, "step": 2, "count": 7, "options": ["red", "green"], "title": "T",
        "items": [{"id": "a", "label": "A", "name": "a", "done": true}], "tags": ["a", "b"],
        "base": {"x": 1}, "key": "k", "numbers": [1, 2], "matrix": [[1]], "url": "https://e.com",
        "image": "https://e.com/i.png", "code": "x", "message": "hi", "name": "Ada"
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(256), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_never_panic(s in any::<String>()) {
        exercise(&s, &scope())?;
    }

    #[test]
    fn token_soup_never_panics(s in token_soup()) {
        exercise(&s, &scope())?;
    }

    #[test]
    fn mutated_fixtures_never_panic(
        which in 0..SOURCES.len(),
        mutations in prop::collection::vec(mutation(), 1..6),
    ) {
        let s = mutate(SOURCES[which], &mutations);
        exercise(&s, &scope())?;
    }
}

// ---------------------------------------------------------------- printer round trips

/// JavaScript numbers as the renderer writes them: integral values are integers.
fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-1000i64..1000).prop_map(Value::from),
        prop::sample::select(vec![
            0.5,
            -2.25,
            1.7777777777777777,
            1e21,
            3.14e-9,
            123456.789
        ])
        .prop_map(Value::from),
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 ,.!?-]{0,12}",
        any::<String>().prop_map(|s| s.chars().take(12).collect()),
        prop::sample::select(vec![
            "a & b",
            "<tag>",
            "{x}",
            "  padded  ",
            "line\nbreak",
            "tab\there",
            "\"q\" 'q'",
            "&amp;"
        ])
        .prop_map(str::to_string),
    ]
}

fn action() -> impl Strategy<Value = Value> {
    (
        "[a-z.@]{1,10}",
        prop::option::of(number()),
        prop::option::of(text()),
    )
        .prop_map(|(a, n, t)| {
            let mut m = Map::new();
            m.insert("action".into(), Value::from(a));
            if let Some(n) = n {
                m.insert("n".into(), n);
            }
            if let Some(t) = t {
                m.insert(
                    "note".into(),
                    json!({"text": t, "list": [1, "two", null, true]}),
                );
            }
            Value::Object(m)
        })
}

fn element(kind: &str, attrs: Vec<(&str, Option<Value>)>, children: Option<Vec<Value>>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), Value::from(kind));
    for (k, v) in attrs {
        if let Some(v) = v {
            m.insert(k.into(), v);
        }
    }
    if let Some(c) = children {
        m.insert("children".into(), Value::Array(c));
    }
    Value::Object(m)
}

/// Valid ContentKit trees of a few element kinds.
fn descendant() -> impl Strategy<Value = Value> {
    let text_el = (
        prop::option::of(prop::sample::select(vec!["bold", "italic", "code"])),
        prop::collection::vec(text().prop_filter("non-empty", |s| !s.is_empty()), 1..4),
    )
        .prop_map(|(style, parts)| {
            element(
                "text",
                vec![("style", style.map(Value::from))],
                Some(parts.into_iter().map(Value::from).collect()),
            )
        });
    let button = (
        text(),
        prop::option::of(prop::sample::select(vec!["primary", "secondary", "danger"])),
        prop::option::of(any::<bool>()),
        action(),
    )
        .prop_map(|(label, style, disabled, on_press)| {
            element(
                "button",
                vec![
                    ("label", Some(Value::from(label))),
                    ("style", style.map(Value::from)),
                    ("disabled", disabled.map(Value::from)),
                    ("onPress", Some(on_press)),
                ],
                None,
            )
        });
    let divider = prop::option::of(prop::sample::select(vec!["small", "medium", "large"]))
        .prop_map(|size| element("divider", vec![("size", size.map(Value::from))], None));
    let image = number().prop_map(|ratio| {
        let ratio = if ratio.as_f64().unwrap_or(1.0) > 0.0 {
            ratio
        } else {
            json!(1)
        };
        element(
            "image",
            vec![
                ("source", Some(json!({"url": "https://example.com/a.png"}))),
                ("aspectRatio", Some(ratio)),
            ],
            None,
        )
    });
    let leaf = prop_oneof![text_el, button, divider, image];
    leaf.prop_recursive(3, 24, 4, |inner| {
        (
            prop::sample::select(vec!["vstack", "hstack", "box"]),
            prop::option::of(prop::sample::select(vec!["start", "center", "end"])),
            prop::collection::vec(inner, 1..4),
        )
            .prop_map(|(kind, align, children)| {
                let attrs = match kind {
                    "box" => vec![("grow", align.map(|_| json!(1)))],
                    _ => vec![("align", align.map(Value::from))],
                };
                element(kind, attrs, Some(children))
            })
    })
}

fn block() -> impl Strategy<Value = Value> {
    prop::collection::vec(descendant(), 1..4).prop_map(|c| element("block", vec![], Some(c)))
}

/// Any JSON value (for attributes of unchecked trees).
fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        number(),
        text().prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::vec(("[a-zA-Z_ $-]{0,6}", inner), 0..4)
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
        ]
    })
}

/// Unchecked trees: any tag, any attribute names and values, mixed children.
fn attrs() -> impl Strategy<Value = Vec<(String, Value)>> {
    prop::collection::vec(
        ("[a-zA-Z_$][a-zA-Z0-9_$-]{0,6}|[ -~]{1,5}", json_value()),
        0..4,
    )
}

fn any_tree() -> impl Strategy<Value = Value> {
    let leaf =
        ("[a-z][a-z0-9-]{0,6}", attrs()).prop_map(|(tag, attrs)| tree_node(tag, attrs, None));
    leaf.prop_recursive(3, 24, 4, |inner| {
        let child = prop_oneof![
            inner.clone(),
            text().prop_map(Value::from),
            number(),
            Just(Value::Bool(true)),
            json_value().prop_filter("objects only", Value::is_object),
        ];
        (
            "[a-z][a-z0-9-]{0,6}",
            attrs(),
            prop::collection::vec(child, 0..4),
        )
            .prop_map(|(tag, attrs, children)| tree_node(tag, attrs, Some(children)))
    })
}

fn tree_node(tag: String, attrs: Vec<(String, Value)>, children: Option<Vec<Value>>) -> Value {
    let mut m = Map::new();
    m.insert("type".into(), Value::from(tag));
    for (k, v) in attrs {
        if k != "type" && k != "children" {
            m.insert(k, v);
        }
    }
    if let Some(c) = children {
        m.insert("children".into(), Value::Array(c));
    }
    Value::Object(m)
}

fn round_trip(tree: &Value, options: &CompileOptions) -> Result<(), TestCaseError> {
    let markup = print_markup(tree);
    let t = Template::compile_with(&markup, "printed.ckx", options)
        .map_err(|d| TestCaseError::fail(format!("{d}\n--- markup:\n{markup}")))?;
    let back = t
        .render(&Scope::new())
        .map_err(|e| TestCaseError::fail(format!("{e}\n--- markup:\n{markup}")))?;
    prop_assert_eq!(&back, tree, "markup:\n{}", markup);
    // Keys come back in JavaScript's order: array indices first, ascending.
    prop_assert_eq!(
        serde_json::to_string(&back).unwrap(),
        serde_json::to_string(&js_key_order(tree)).unwrap()
    );
    Ok(())
}

/// `value` with every object's keys in the order a JavaScript object keeps them.
fn js_key_order(value: &Value) -> Value {
    fn index(k: &str) -> Option<u32> {
        let n: u32 = k.parse().ok()?;
        (n.to_string() == k && n != u32::MAX).then_some(n)
    }
    match value {
        Value::Array(items) => Value::Array(items.iter().map(js_key_order).collect()),
        Value::Object(m) => {
            let mut indices: Vec<(u32, &String)> =
                m.keys().filter_map(|k| index(k).map(|n| (n, k))).collect();
            indices.sort();
            let mut out = Map::new();
            for (_, k) in indices {
                out.insert(k.clone(), js_key_order(&m[k]));
            }
            for (k, v) in m {
                if index(k).is_none() {
                    out.insert(k.clone(), js_key_order(v));
                }
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(128), ..ProptestConfig::default() })]

    #[test]
    fn printed_content_kit_trees_read_back(tree in block()) {
        round_trip(&tree, &CompileOptions::default())?;
    }

    #[test]
    fn printed_plain_trees_read_back(tree in any_tree()) {
        round_trip(&tree, &plain())?;
    }
}

#[test]
fn printed_reference_outputs_read_back() {
    let outputs: Value =
        serde_json::from_str(include_str!("../fixtures/markup/reference_outputs.json")).unwrap();
    for runs in outputs.as_object().unwrap().values() {
        for run in runs.as_array().unwrap() {
            round_trip(&run["output"]["element"], &CompileOptions::default()).unwrap();
        }
    }
    let tree = json!({
        "type": "block",
        "children": [
            {"type": "text", "children": ["a", "b", " ", "&lt;", "{", "x\ny", "\ttab"]},
            {"type": "card", "title": "T", "icon": {"type": "image", "source": {"url": "https://e.com/i.png"}, "aspectRatio": 1},
             "buttons": [{"type": "button", "label": "B", "onPress": {"action": "b"}}],
             "hint": [{"type": "text", "children": ["hint"]}], "children": []},
            {"type": "markdown", "content": {"$state": "md"}},
            {"type": "input", "label": "L", "element": {"type": "textinput", "state": "s", "placeholder": "say \"hi\""}}
        ]
    });
    round_trip(&tree, &CompileOptions::default()).unwrap();
}
