//! The three reference components, unchanged, answer byte for byte what the official
//! runtime answered (`fixtures/reference/runtime-outputs.json`).

use contentkit::lang::eval::Limits;
use contentkit::lang::host::HostState;
use contentkit::lang::program::{NoSources, Program};
use contentkit::lang::run::{ui_render, Outcome};

fn run(name: &str) {
    let source = std::fs::read_to_string(format!("fixtures/reference/{name}.tsx")).unwrap();
    let program = Program::load(&format!("{name}.tsx"), &source, &NoSources)
        .unwrap_or_else(|d| panic!("{d}"));
    let recorded: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("fixtures/reference/runtime-outputs.json").unwrap(),
    )
    .unwrap();
    for step in recorded[name].as_array().unwrap() {
        let event = serde_json::to_vec(&step["request"]).unwrap();
        let Outcome::Done(r) = ui_render(
            &program,
            &event,
            b"{}",
            Limits::default(),
            HostState::default(),
        ) else {
            panic!("suspended")
        };
        for d in &r.diagnostics {
            eprintln!("{d}");
        }
        assert_eq!(u64::from(r.status), step["status"].as_u64().unwrap());
        let expected = serde_json::to_string(&step["output"]).unwrap();
        assert_eq!(
            String::from_utf8(r.body).unwrap(),
            expected,
            "{name}: {}",
            step["request"]
        );
    }
}

#[test]
fn hello() {
    run("hello");
}

#[test]
fn counter() {
    run("counter");
}

#[test]
fn chooser() {
    run("chooser");
}
