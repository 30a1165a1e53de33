#!/usr/bin/env bash
# Side-by-side parse + compile of a 250 KB markup page of every element: contentkit's
# `Template::compile` (examples/bench_compile.rs, release, mimalloc as the binary)
# against htm's parse of the same text on Node (benches/node/compile-peer.mjs), each
# in its own process, their repetitions interleaved; median and min–max per side,
# throughput, the ratio and each side's peak RSS.
#
#   scripts/compare-compile.sh                 # the full run (about half a minute)
#   BENCH_REPS=9 scripts/compare-compile.sh    # more repetitions (default 5)
#   BENCH_BYTES=1000000 scripts/compare-compile.sh
#
# Exits non-zero when a side fails to parse the page or they read different texts.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/node-side.sh
need_node_side "$NODE_DIR/node_modules/htm"

echo "== contentkit: cargo build --release --example bench_compile" >&2
cargo build --quiet --release --example bench_compile
peer="$(cargo_target_dir)/release/examples/bench_compile"

echo "== node $(node --version): $NODE_DIR/compare-compile.mjs" >&2
exec node "$NODE_DIR/compare-compile.mjs" --rust "$peer"
