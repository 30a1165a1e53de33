#!/usr/bin/env bash
# Side-by-side speed of contentkit and the official TypeScript runtime
# (@gitbook/runtime 0.23.3 on Node): the same component files, the same multipart
# request bytes, byte-identical answers, timed in turns on this machine.
#
#   scripts/compare-node.sh                          # the full run (about a minute)
#   BENCH_SCALE=0.1 scripts/compare-node.sh          # a tenth of the iterations
#   BENCH_REPS=9 scripts/compare-node.sh             # more repetitions (default 5)
#   BENCH_ONLY=counter,list_1000 scripts/compare-node.sh
#   BENCH_JSON=out.json scripts/compare-node.sh      # also every run as JSON
#
# Workloads: the reference counter (fixtures/reference/counter.tsx) and a list of
# N rows, toggle one (benches/components/list.tsx), N = 10, 100, 1,000, 10,000.
# benches/node/compare.mjs drives one process per side and workload
# (examples/bench_peer.rs, benches/node/peer.mjs), checks that both read the same
# request bytes and wrote the same response bytes (sha256), alternates their timed
# repetitions, and prints median and min–max ns/op per side, the ratio, and each
# process's peak RSS. Exits non-zero when a side fails its checks or they disagree.
#
# On a shared machine, others' builds land on one side or the other: the
# interleaving spreads them, the min–max shows them; rerun before trusting a
# difference of a few percent.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/node-side.sh
need_node_side

echo "== contentkit: cargo build --release --example bench_peer" >&2
cargo build --quiet --release --example bench_peer
peer="$(cargo_target_dir)/release/examples/bench_peer"

echo "== node $(node --version): $NODE_DIR/compare.mjs" >&2
exec node "$NODE_DIR/compare.mjs" --rust "$peer" ${BENCH_JSON:+--json "$BENCH_JSON"}
