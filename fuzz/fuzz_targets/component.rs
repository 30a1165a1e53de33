//! Loads arbitrary text as a component file (TypeScript with JSX) and, when it
//! compiles, renders each of its components first and then after an action: nothing
//! may panic, overflow the stack or run unbounded (the evaluation budget and the
//! memory limit stop every render).
//!
//! Run with `scripts/fuzz.sh component SECONDS`.

#![no_main]

use contentkit::component::{file, RenderRequest};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Map, Value};

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    // `.tsx` and `.ckx` parse alike; a `.ckx` file has the runtime in scope without
    // an import. Compiling each input once, as the kind it is written as, doubles the
    // runs a second over compiling it as both.
    let name = if source.contains("@gitbook/runtime") {
        "fuzz.tsx"
    } else {
        "fuzz.ckx"
    };
    let Ok(components) = file::compile(source, name) else {
        return;
    };
    for component in components.iter().take(4) {
        let props = object(json!({"title": "T", "items": [1, "two", {"three": 3}], "n": 2.5}));
        let first = RenderRequest::new(component.id(), props.clone());
        let Ok(rendered) = component.render(&first) else {
            continue;
        };
        // The state the first render answered, then an action on it.
        let state = rendered.output.to_value().get("state").cloned().map(object);
        let mut again = RenderRequest::new(component.id(), props);
        again.state = state;
        again.action = Some(object(json!({"action": "go", "value": "x"})));
        let _ = component.render(&again);
    }
});
