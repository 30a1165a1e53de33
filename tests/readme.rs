//! The README's component example runs as the README says, with the output the
//! official runtime gives for it (recorded from `@gitbook/runtime` 0.23.3 on Node).

use contentkit::component::{file, Integration, RenderRequest};
use serde_json::{json, Map, Value};

/// The first ```tsx block of the README.
fn readme_component() -> String {
    let readme = include_str!("../README.md");
    let start = readme
        .find("```tsx\n")
        .expect("a ```tsx block in README.md")
        + "```tsx\n".len();
    let len = readme[start..].find("```").expect("the block's end");
    readme[start..start + len].to_owned()
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => panic!("not an object"),
    }
}

#[test]
fn the_readme_counter_answers_as_the_official_runtime() {
    let components =
        file::compile(&readme_component(), "counter.tsx").unwrap_or_else(|d| panic!("{d}"));
    let mut integration = Integration::new();
    for c in components {
        integration.add(c);
    }
    let mut request = RenderRequest::new("counter", object(json!({"step": 2})));
    request.state = Some(object(json!({"count": 1})));
    request.action = Some(object(json!({"action": "inc"})));
    let out = integration.render(&request).unwrap();
    // What `@gitbook/runtime` answers for the same request.
    let node = r#"{"type":"element","state":{"count":3},"props":{"step":2},"element":{"type":"block","children":[{"type":"text","style":"bold","children":["Count: 3"]},{"type":"button","label":"+","style":"primary","onPress":{"action":"inc"}}]}}"#;
    assert_eq!(serde_json::to_string(&out.output.to_value()).unwrap(), node);
    assert_eq!(out.cache_max_age, Some(60));
}
