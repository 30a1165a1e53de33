//! Compiles and renders arbitrary markup: nothing may panic, overflow the stack or run
//! unbounded. When a render succeeds, its output printed as markup must read back as
//! the same tree.
//!
//! Run with `cargo fuzz run markup` from the crate root.

#![no_main]

use contentkit::markup::{print_markup, CompileOptions, Limits, Scope, Template};
use libfuzzer_sys::fuzz_target;
use serde_json::json;

fuzz_target!(|data: &[u8]| {
    let Ok(source) = std::str::from_utf8(data) else {
        return;
    };
    let props = json!({
        "title": "T", "count": 3, "items": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}],
        "tags": ["x", "y"], "nested": {"deep": {"value": 1.5}}, "flag": true, "none": null
    });
    let state = json!({"count": 7, "message": "hi"});
    let action = json!({"action": "go"});
    let scope = Scope::new().props(&props).state(&state).action(&action);
    let limits = Limits {
        max_steps: 100_000,
        max_bytes: 4 << 20,
    };
    let plain = CompileOptions {
        check_elements: false,
        require_root_element: false,
        ..CompileOptions::default()
    };
    for options in [CompileOptions::default(), plain.clone()] {
        let Ok(template) = Template::compile_with(source, "fuzz.ckx", &options) else {
            continue;
        };
        let Ok(output) = template.render_with(&scope, &limits) else {
            continue;
        };
        let printed = print_markup(&output);
        let back = Template::compile_with(&printed, "printed.ckx", &plain)
            .unwrap_or_else(|d| panic!("printed markup does not compile:\n{d}\n{printed}"))
            .render_with(
                &Scope::new(),
                &Limits {
                    max_steps: u64::MAX,
                    max_bytes: u64::MAX,
                },
            )
            .unwrap_or_else(|e| panic!("printed markup does not render:\n{e}\n{printed}"));
        assert_eq!(back, output, "round trip of:\n{printed}");
    }
});
