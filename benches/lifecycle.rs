//! Lifecycle benchmarks: one step of a component (handle the action, render, serialize
//! the output to JSON) for the reference components and a 1,000-row list, in process
//! and through the runtime's entry point (`runtime::handle`: event JSON parse, dispatch,
//! render, serialization).
//!
//! `cargo bench --bench lifecycle`

/// The allocator of the shipped `contentkit` binary, so the figures are its figures.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use contentkit::component::{file, Integration, RenderRequest};
use contentkit::element::Object;
use contentkit::runtime::{handle, IncomingRequest, IntegrationEnvironment};
use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use serde_json::{json, Value};

/// A list of rows, each a label and a button that toggles the row: a component whose
/// every step re-renders and re-serializes a large tree.
const ROWS: &str = r#"
export const rows = createComponent({
    componentId: 'rows',
    initialState: (props) => ({ items: props.items ?? [] }),
    action: {
        toggle: ({ state }, action) => ({
            state: {
                ...state,
                items: state.items.map((item, i) => i === action.index ? { ...item, done: !item.done } : item),
            },
        }),
    },
    render: ({ state }) => (
        <block>
            <vstack>
                {state.items.map((item, i) => (
                    <hstack align="center">
                        <text style={item.done ? 'strikethrough' : 'bold'}>{`${item.label} (#${i + 1})`}</text>
                        <button label={item.done ? 'Undo' : 'Done'} onPress={{ action: 'toggle', index: i }} />
                    </hstack>
                ))}
            </vstack>
        </block>
    ),
});
"#;

/// How many rows the large component renders.
const ROW_COUNT: usize = 1_000;

fn integration() -> Integration {
    let mut integration = Integration::new();
    let files = [
        (include_str!("../fixtures/reference/hello.ckx"), "hello.ckx"),
        (
            include_str!("../fixtures/reference/counter.ckx"),
            "counter.ckx",
        ),
        (
            include_str!("../fixtures/reference/chooser.ckx"),
            "chooser.ckx",
        ),
        (ROWS, "rows.ckx"),
    ];
    for (source, name) in files {
        for component in file::compile(source, name).unwrap_or_else(|d| panic!("{d}")) {
            integration.add(component);
        }
    }
    integration
}

fn object(v: Value) -> Object {
    v.as_object().cloned().expect("an object")
}

/// The rows' state: every other row done.
fn rows_state() -> Value {
    let items: Vec<Value> = (0..ROW_COUNT)
        .map(|i| json!({"label": format!("Item {i}"), "done": i % 2 == 0}))
        .collect();
    json!({ "items": items })
}

/// One lifecycle step of a component: what the client sends.
struct Step {
    name: &'static str,
    component: &'static str,
    props: Value,
    state: Option<Value>,
    action: Option<Value>,
}

/// A step of each component.
fn steps() -> Vec<Step> {
    vec![
        Step {
            name: "hello_say",
            component: "hello",
            props: json!({}),
            state: Some(json!({"message": "Click me"})),
            action: Some(json!({"action": "say"})),
        },
        Step {
            name: "counter_inc",
            component: "counter",
            props: json!({"start": 5, "step": 2}),
            state: Some(json!({"count": 7})),
            action: Some(json!({"action": "inc"})),
        },
        Step {
            name: "chooser_render",
            component: "chooser",
            props: json!({"options": ["red", "green", "blue"]}),
            state: None,
            action: None,
        },
        Step {
            name: "rows_1000_toggle",
            component: "rows",
            props: json!({}),
            state: Some(rows_state()),
            action: Some(json!({"action": "toggle", "index": 500})),
        },
    ]
}

/// In process: the request is built once; each iteration renders and serializes.
fn in_process(c: &mut Criterion) {
    let integration = integration();
    let mut group = c.benchmark_group("lifecycle/step");
    for step in steps() {
        let (name, id) = (step.name, step.component);
        let request = RenderRequest {
            state: step.state.map(object),
            action: step.action.map(object),
            ..RenderRequest::new(id, object(step.props))
        };
        // The step does what it says before it is timed.
        let out = integration.render(&request).unwrap().output.to_value();
        if id == "rows" {
            assert_eq!(out["state"]["items"][500]["done"], false);
            let rows = out["element"]["children"][0]["children"]
                .as_array()
                .unwrap();
            assert_eq!(rows.len(), ROW_COUNT);
        }
        // One step per iteration; for the rows, the output's size says more.
        group.throughput(if id == "rows" {
            let bytes = serde_json::to_vec(&integration.render(&request).unwrap().output)
                .unwrap()
                .len();
            Throughput::Bytes(bytes as u64)
        } else {
            Throughput::Elements(1)
        });
        group.sample_size(if id == "rows" { 30 } else { 100 });
        group.bench_function(name, |b| {
            b.iter(|| {
                let out = integration.render(black_box(&request)).unwrap();
                serde_json::to_vec(&out.output).unwrap()
            })
        });
    }
    group.finish();
}

/// Through `runtime::handle`, as the HTTP server calls it once the multipart body is
/// split: the event and environment are parsed on every request.
fn through_runtime(c: &mut Criterion) {
    let integration = integration();
    let environment = serde_json::to_vec(&IntegrationEnvironment::for_tests()).unwrap();
    let mut group = c.benchmark_group("lifecycle/runtime");
    for step in steps() {
        let (name, id) = (step.name, step.component);
        let mut event = json!({
            "eventId": "e",
            "type": "ui_render",
            "installationId": "inst_1",
            "spaceId": "space_1",
            "componentId": id,
            "props": step.props,
            "context": {"type": "document", "theme": "light", "spaceId": "space_1", "editable": true},
        });
        if let Some(state) = step.state {
            event["state"] = state;
        }
        if let Some(action) = step.action {
            event["action"] = action;
        }
        let request = IncomingRequest::new(
            "/v1",
            serde_json::to_vec(&event).unwrap(),
            environment.clone(),
        );
        let check = handle(&integration, request.clone());
        assert_eq!(
            check.status,
            200,
            "{}",
            String::from_utf8_lossy(&check.body)
        );
        // Bytes in: the event is what the runtime parses.
        group.throughput(Throughput::Bytes(
            request.event.as_ref().map_or(0, Vec::len) as u64,
        ));
        group.sample_size(if id == "rows" { 30 } else { 100 });
        group.bench_function(name, |b| {
            // The handler takes the request by value: clone it outside the timing.
            b.iter_batched(
                || request.clone(),
                |request| handle(&integration, request),
                BatchSize::SmallInput,
            )
        });
    }
    group.finish();
}

criterion_group!(benches, in_process, through_runtime);
criterion_main!(benches);
