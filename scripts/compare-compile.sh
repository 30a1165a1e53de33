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

NODE_DIR=benches/node
if [ ! -d "$NODE_DIR/node_modules/htm" ]; then
  echo "== installing the Node side (npm ci, from package-lock.json)" >&2
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund >&2)
fi

echo "== contentkit: cargo build --release --example bench_compile" >&2
cargo build --quiet --release --example bench_compile
peer="$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
  | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))')/release/examples/bench_compile"

echo "== node $(node --version): $NODE_DIR/compare-compile.mjs" >&2
exec node "$NODE_DIR/compare-compile.mjs" --rust "$peer"
