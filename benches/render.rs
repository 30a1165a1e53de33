//! Renderer benchmarks on a 1,000-row tree (a block with a column of rows, each a text
//! and a button): the HTML preview, the JSON serialization, and the strict decoding of
//! that JSON back into a tree.
//!
//! `cargo bench --bench render`

/// The allocator of the shipped `contentkit` binary, so the figures are its figures.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::hint::black_box;

use contentkit::element::{
    Action, Align, Block, Button, ButtonStyle, Element, HStack, Object, Text, TextStyle, VStack,
};
use contentkit::render::html::{render_element, write_element, HtmlOptions};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use serde_json::{json, Value};

/// How many rows the tree has.
const ROW_COUNT: usize = 1_000;

/// The tree the `rows` component of the lifecycle bench renders, built directly.
fn rows() -> Element {
    let rows = (0..ROW_COUNT).map(|i| {
        let done = i % 2 == 0;
        HStack::new([
            Element::from(
                Text::new([format!("Item {i} (#{})", i + 1)]).style(if done {
                    TextStyle::Strikethrough
                } else {
                    TextStyle::Bold
                }),
            ),
            Button::new(
                if done { "Undo" } else { "Done" },
                Action::custom("toggle").with("index", i),
            )
            .style(ButtonStyle::Secondary)
            .into(),
        ])
        .align(Align::Center)
    });
    Block::new([VStack::new(rows)]).into()
}

fn html(c: &mut Criterion) {
    let tree = rows();
    let state: Object = json!({"filter": "all"}).as_object().cloned().unwrap();
    let mut group = c.benchmark_group("render/html_1000_rows");
    for interactive in [false, true] {
        let options = HtmlOptions {
            state: Some(&state),
            interactive,
            ..HtmlOptions::default()
        };
        let bytes = render_element(&tree, &options).len();
        group.throughput(Throughput::Bytes(bytes as u64));
        let name = if interactive { "interactive" } else { "static" };
        group.bench_function(name, |b| {
            b.iter(|| render_element(black_box(&tree), &options))
        });
        // A caller rendering often (the playground) reuses one buffer.
        let mut buffer = String::with_capacity(bytes);
        group.bench_function(format!("{name}_reused_buffer"), |b| {
            b.iter(|| {
                buffer.clear();
                write_element(&mut buffer, black_box(&tree), &options);
                buffer.len()
            })
        });
    }
    group.finish();
}

fn json(c: &mut Criterion) {
    let tree = rows();
    let text = serde_json::to_vec(&tree).unwrap();
    let value: Value = serde_json::from_slice(&text).unwrap();
    // The decoder reads back exactly the tree that was written.
    assert_eq!(Element::from_root_value(&value).unwrap(), tree);

    let mut group = c.benchmark_group("render/json_1000_rows");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("serialize", |b| {
        b.iter(|| serde_json::to_vec(black_box(&tree)).unwrap())
    });
    group.bench_function("from_value_strict", |b| {
        b.iter(|| Element::from_value(black_box(&value)).unwrap())
    });
    // From bytes: what receiving a tree over the wire costs, parse included.
    group.bench_function("parse_and_from_value_strict", |b| {
        b.iter(|| {
            let value: Value = serde_json::from_slice(black_box(&text)).unwrap();
            Element::from_value(&value).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, html, json);
criterion_main!(benches);
