#!/usr/bin/env bash
# Size, cold start and speed of the contentkit worker under workerd, side by
# side with the official runtime (@gitbook/runtime 0.23.3, bundled with esbuild)
# serving the same reference counter (fixtures/reference/counter.ckx and
# counter.tsx) under the same workerd.
#
#   scripts/worker-bench.sh
#   BENCH_ROUNDS=5 BENCH_OPS=500 BENCH_STARTS=3 scripts/worker-bench.sh   # shorter
#
# Builds the engine with the `worker` profile, checks its size (at most 2.5
# MiB; the goal is 1.5 MiB), builds a bundle with `contentkit build --worker`, then runs
# worker/node/worker-bench.mjs, which explains what is timed and checks that
# both sides answer byte-identical responses equal to the recorded output.
# Exits non-zero when a check fails.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_DIR=worker/node
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

if [ ! -x "$NODE_DIR/node_modules/.bin/workerd" ] || [ ! -d "$NODE_DIR/node_modules/esbuild" ]; then
  echo "== installing workerd, esbuild and @gitbook/runtime (npm ci, from package-lock.json)" >&2
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund >&2)
fi

echo "== engine: cargo build -p contentkit-worker --target wasm32-unknown-unknown --profile worker" >&2
cargo build --quiet -p contentkit-worker --target wasm32-unknown-unknown --profile worker
ENGINE=target/wasm32-unknown-unknown/worker/contentkit_worker.wasm
SIZE=$(wc -c <"$ENGINE")
echo "engine: $ENGINE, $SIZE bytes ($(awk "BEGIN {printf \"%.2f\", $SIZE / 1048576}") MiB)"
if [ "$SIZE" -gt $((5 * 512 * 1024)) ]; then
  echo "ERROR: the engine is over 2.5 MiB (the goal is 1.5 MiB)" >&2
  exit 1
fi

echo "== bundle: contentkit build --worker of fixtures/reference/counter.ckx" >&2
mkdir -p "$WORK/src"
cp fixtures/reference/counter.ckx "$WORK/src/"
cargo run --quiet -- build "$WORK/src" --worker -o "$WORK/bundle" --engine "$ENGINE" >&2

WORKERD_VERSION="$("$NODE_DIR/node_modules/.bin/workerd" --version)" \
  node "$NODE_DIR/worker-bench.mjs" "$WORK/bundle" "$WORK/run"
