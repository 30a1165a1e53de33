//! Integration tests of the markup language: the reference render bodies, the seed
//! snippets, snapshot fixtures and diagnostics.

use contentkit::markup::{Scope, Template};
use serde_json::Value;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/markup");

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every recorded render of the reference components, reproduced exactly (values and
/// key order).
#[test]
fn reference_components_render_the_recorded_elements() {
    let outputs: Value =
        serde_json::from_str(&read(&format!("{FIXTURES}/reference_outputs.json"))).unwrap();
    let mut checked = 0;
    for name in ["hello", "counter", "chooser"] {
        let file = format!("reference_{name}.ckx");
        let template = Template::compile(&read(&format!("{FIXTURES}/{file}")), &file)
            .unwrap_or_else(|d| panic!("{d}"));
        for case in outputs[name].as_array().unwrap() {
            let output = &case["output"];
            let request = &case["request"];
            let mut scope = Scope::new()
                .props(&output["props"])
                .state(&output["state"])
                .context(&request["context"]);
            if let Some(action) = request.get("action") {
                scope = scope.action(action);
            }
            let element = template.render(&scope).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(element, output["element"], "{name}");
            assert_eq!(
                serde_json::to_string(&element).unwrap(),
                serde_json::to_string(&output["element"]).unwrap(),
                "{name}: key order"
            );
            checked += 1;
        }
    }
    assert_eq!(checked, 9);
}

fn scope_file(path: &str) -> Value {
    std::fs::read_to_string(path)
        .map(|s| serde_json::from_str(&s).unwrap_or_else(|e| panic!("{path}: {e}")))
        .unwrap_or(Value::Null)
}

/// Renders a markup file with the scope in `NAME.scope.json` beside it.
fn render_file(dir: &str, name: &str) -> Result<Value, String> {
    let file = format!("{name}.ckx");
    let source = read(&format!("{dir}/{file}"));
    let template = Template::compile(&source, &file).map_err(|d| d.to_string())?;
    let s = scope_file(&format!("{dir}/{name}.scope.json"));
    let mut scope = Scope::new();
    if let Some(v) = s.get("props") {
        scope = scope.props(v);
    }
    if let Some(v) = s.get("state") {
        scope = scope.state(v);
    }
    if let Some(v) = s.get("context") {
        scope = scope.context(v);
    }
    if let Some(v) = s.get("action") {
        scope = scope.action(v);
    }
    template.render(&scope).map_err(|e| e.to_string())
}

/// The `.ckx` files of a directory, by name without extension.
fn markup_files(dir: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().into_string().unwrap();
            name.strip_suffix(".ckx").map(str::to_string)
        })
        .collect();
    names.sort();
    names
}

fn collect_types(v: &Value, out: &mut std::collections::BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(t)) = m.get("type") {
                out.insert(t.clone());
            }
            m.values().for_each(|v| collect_types(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| collect_types(v, out)),
        _ => {}
    }
}

/// Snapshots of every fixture's rendered JSON; together they use every element type.
#[test]
fn fixtures_render_to_their_snapshots() {
    let mut types = std::collections::BTreeSet::new();
    for name in markup_files(FIXTURES) {
        if name.starts_with("reference_") {
            continue;
        }
        let value = render_file(FIXTURES, &name).unwrap_or_else(|e| panic!("{name}:\n{e}"));
        collect_types(&value, &mut types);
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_json_snapshot!(format!("markup__fixture_{name}"), value);
        });
    }
    let missing: Vec<&&str> = contentkit::element::ElementKind::NAMES
        .iter()
        .filter(|n| !types.contains(**n))
        .collect();
    assert!(
        missing.is_empty(),
        "element types no fixture uses: {missing:?}"
    );
}

/// Snapshots of the diagnostics of bad markup: compile errors, then render errors.
#[test]
fn diagnostics_match_their_snapshots() {
    let dir = format!("{FIXTURES}/errors");
    for name in markup_files(&dir) {
        let file = format!("{name}.ckx");
        let err = match Template::compile(&read(&format!("{dir}/{file}")), &file) {
            Ok(_) => panic!("{name} should not compile"),
            Err(d) => d.to_string(),
        };
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("markup__error_{name}"), err);
        });
    }
    let dir = format!("{FIXTURES}/render_errors");
    for name in markup_files(&dir) {
        let err = match render_file(&dir, &name) {
            Ok(v) => panic!("{name} should not render: {v}"),
            Err(e) => e,
        };
        insta::with_settings!({snapshot_path => "../snapshots", prepend_module_to_snapshot => false}, {
            insta::assert_snapshot!(format!("markup__render_error_{name}"), err);
        });
    }
}

/// JSX snippets of a documentation text: in code fences, from a line that opens a tag
/// to the closing tag at the same indentation (or a self-closing line).
fn jsx_snippets(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let opens_tag = |l: &str| {
        let t = l.trim_start();
        t.starts_with('<') && t[1..].starts_with(|c: char| c.is_ascii_lowercase())
    };
    let mut out = Vec::new();
    let mut in_fence = false;
    let mut i = 0;
    while i < lines.len() {
        let l = lines[i];
        if l.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if in_fence && opens_tag(l) {
            let ind = indent(l);
            if l.trim_end().ends_with("/>") {
                out.push(l[ind..].to_string());
            } else {
                let mut j = i + 1;
                while j < lines.len()
                    && !(lines[j].trim_start().starts_with("</") && indent(lines[j]) == ind)
                {
                    j += 1;
                }
                let end = j.min(lines.len() - 1);
                let block: Vec<&str> = lines[i..=end]
                    .iter()
                    .map(|x| {
                        if indent(x) >= ind {
                            &x[ind..]
                        } else {
                            x.trim_start()
                        }
                    })
                    .collect();
                out.push(block.join("\n"));
                i = end;
            }
        }
        i += 1;
    }
    out
}

/// The JSX snippets of the seed documents parse, compile and render. The snippets are
/// vendored in `fixtures/markup/seeds/`; when the shared seeds are present beside the
/// repository, they are extracted again and must match the vendored copies.
#[test]
fn seed_snippets_parse_and_render() {
    let dir = format!("{FIXTURES}/seeds");
    let vendored = markup_files(&dir);
    assert!(!vendored.is_empty());
    let state = serde_json::json!({"message": "Click me"});
    for name in &vendored {
        let source = read(&format!("{dir}/{name}.ckx"));
        let template = Template::compile(&source, name).unwrap_or_else(|d| panic!("{d}"));
        let out = template
            .render(&Scope::new().state(&state))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(out["children"][0]["label"], "Click me");
    }
    let shared = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/seeds");
    let Ok(entries) = std::fs::read_dir(shared) else {
        return;
    };
    let mut paths: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    paths.sort();
    let mut found = Vec::new();
    for path in paths {
        let text = read(path.to_str().unwrap());
        let prefix = path.file_name().unwrap().to_str().unwrap()[..3].to_string();
        for (k, snippet) in jsx_snippets(&text).into_iter().enumerate() {
            contentkit::markup::parse(&snippet, &format!("{}", path.display()))
                .unwrap_or_else(|d| panic!("{d}"));
            found.push((format!("seed_{prefix}_{}", k + 1), snippet));
        }
    }
    for (name, snippet) in &found {
        let copy = read(&format!("{dir}/{name}.ckx"));
        assert_eq!(copy.trim_end(), snippet.trim_end(), "{name}");
    }
    assert_eq!(found.len(), vendored.len());
}
