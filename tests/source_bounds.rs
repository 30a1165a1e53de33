//! Bounded on every source file: a component file's cost in memory and work follows
//! its size, and constructs nested past the limit are errors, never a crash.
//!
//! Memory is measured with a counting global allocator; no test reads a clock.

#[path = "support/counting.rs"]
mod counting;

use contentkit::component::file::compile;
use counting::{alone, measure};

/// A component file with an array literal of `n` small objects.
fn data_file(n: usize) -> String {
    let mut out =
        String::from("import { createComponent } from '@gitbook/runtime';\nconst data = [");
    for i in 0..n {
        out.push_str(&format!("{{a:{i},b:\"x\",c:[{i},true,null]}},"));
    }
    out.push_str("];\nexport default createComponent({ componentId: \"big\", render: () => <block><text>{String(data.length)}</text></block> });\n");
    out
}

#[test]
fn a_megabyte_data_literal_compiles_in_proportion_to_its_text() {
    let _alone = alone();
    let mut costs = Vec::new();
    for n in [4_000, 32_000] {
        let source = data_file(n);
        let (compiled, cost) = measure(|| compile(&source, "data.tsx").map(|c| c.len()));
        assert_eq!(compiled.map_err(|d| d.to_string()), Ok(1));
        // Parsing holds a pair per rule matched until the syntax tree is built: a
        // literal item read through `assign` held seven (180 times the text in all);
        // read directly, one (106 times).
        assert!(
            cost.peak <= 128 * source.len(),
            "compiling {} bytes held {} bytes ({:.0} times)",
            source.len(),
            cost.peak,
            cost.peak as f64 / source.len() as f64
        );
        costs.push((source.len(), cost));
    }
    // Eight times the text, about eight times the work (allocations stand for it).
    let (small, small_cost) = costs[0];
    let (large, large_cost) = costs[1];
    let ratio = large_cost.allocated as f64 / small_cost.allocated as f64;
    let size_ratio = large as f64 / small as f64;
    assert!(
        ratio <= size_ratio * 2.0,
        "{size_ratio:.1}x the text, {ratio:.1}x the allocations: {costs:?}"
    );
}
