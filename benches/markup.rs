//! Markup benchmarks: parse + compile throughput on a large generated file, and
//! rendering of compiled templates.
//!
//! `cargo bench --bench markup`

/// The allocator of the shipped `contentkit` binary, so the figures are its figures.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::fmt::Write as _;
use std::hint::black_box;

use contentkit::markup::{CompileOptions, Scope, Template};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};

/// A large, realistic markup file: `sections` sections of layout, text, templates,
/// conditionals, mapped lists and actions.
fn large_markup(sections: usize) -> String {
    let mut s = String::from("<block>\n");
    for i in 0..sections {
        let _ = write!(
            s,
            r#"    <vstack align="start">
        <hstack align="center">
            <text style="bold">{{`Section {i}: ${{props.title}} (${{state.count + {i}}})`}}</text>
            <button label="Open" style="primary" icon="link-external" onPress={{{{ action: 'open', section: {i}, query: element.dynamicState('q') }}}} />
            {{state.count > {i} ? <text style="italic">past</text> : <text>ahead</text>}}
        </hstack>
        <text>
            Plain text for section {i} with an {{'expression'}} and
            a <link target={{{{ url: props.url + '/{i}' }}}}>link</link>.
        </text>
        {{props.items.filter((it) => it.enabled).map((it, n) => (
            <button label={{`${{it.label}} #${{n + 1}}`}} onPress={{{{ action: 'pick', id: it.id, section: {i} }}}} />
        ))}}
        <divider size="small" />
    </vstack>
"#
        );
    }
    s.push_str("</block>\n");
    s
}

fn props() -> Value {
    json!({
        "title": "Benchmark",
        "url": "https://example.com",
        "items": (0..8).map(|i| json!({"id": format!("item{i}"), "label": format!("Item {i}"), "enabled": i % 2 == 0})).collect::<Vec<_>>()
    })
}

fn parse_compile(c: &mut Criterion) {
    let source = large_markup(400);
    let mut group = c.benchmark_group("markup/compile");
    group.throughput(Throughput::Bytes(source.len() as u64));
    group.sample_size(20);
    group.bench_function("large_file", |b| {
        b.iter(|| Template::compile(black_box(&source), "large.ckx").unwrap())
    });
    let counter = include_str!("../fixtures/markup/reference_counter.ckx");
    group.throughput(Throughput::Bytes(counter.len() as u64));
    group.sample_size(100);
    group.bench_function("reference_counter", |b| {
        b.iter(|| Template::compile(black_box(counter), "counter.ckx").unwrap())
    });
    group.finish();
}

fn render(c: &mut Criterion) {
    let props = props();
    let state = json!({"count": 10});
    let scope = Scope::new().props(&props).state(&state);

    let source = large_markup(400);
    let checked = Template::compile(&source, "large.ckx").unwrap();
    let plain = Template::compile_with(
        &source,
        "large.ckx",
        &CompileOptions {
            check_elements: false,
            ..CompileOptions::default()
        },
    )
    .unwrap();
    let bytes = serde_json::to_string(&checked.render(&scope).unwrap())
        .unwrap()
        .len();

    let mut group = c.benchmark_group("markup/render");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("large_validated", |b| {
        b.iter(|| checked.render(black_box(&scope)).unwrap())
    });
    group.bench_function("large_unchecked", |b| {
        b.iter(|| plain.render(black_box(&scope)).unwrap())
    });

    let counter = Template::compile(
        include_str!("../fixtures/markup/reference_counter.ckx"),
        "counter.ckx",
    )
    .unwrap();
    let counter_props = json!({"start": 5, "step": 2});
    let counter_state = json!({"count": 7});
    let counter_scope = Scope::new().props(&counter_props).state(&counter_state);
    group.throughput(Throughput::Elements(1));
    group.sample_size(100);
    group.bench_function("reference_counter", |b| {
        b.iter(|| counter.render(black_box(&counter_scope)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, parse_compile, render);
criterion_main!(benches);
