#!/usr/bin/env bash
# Side-by-side speed of contentkit and the official TypeScript runtime
# (@gitbook/runtime 0.23.3 on Node): the same ui_render workloads, the same
# multipart request bytes, on this machine, one after the other.
#
#   scripts/compare-node.sh                 # full run
#   BENCH_SCALE=0.1 scripts/compare-node.sh # a tenth of the iterations
#   BENCH_ONLY=counter_inc scripts/compare-node.sh
#
# Runs examples/bench_peer.rs (release) and benches/node/compare.mjs, each of
# which checks its first response against the expected output and prints one
# JSON line per workload; then checks that both sides were given the same
# request bytes and answered the same response bytes (sha256), and prints a
# table. Exits non-zero when either side fails its checks or the two disagree.
#
# The two sides run one after the other, never together, so neither slows the
# other down; still, on a shared machine, run it twice before trusting a
# difference of a few percent.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_DIR=benches/node
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

if [ ! -d "$NODE_DIR/node_modules" ]; then
  echo "== installing the Node side (npm ci, from package-lock.json)" >&2
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund >&2)
fi

echo "== contentkit: cargo run --release --example bench_peer" >&2
rust_status=0
cargo run --quiet --release --example bench_peer >"$OUT/rust.jsonl" || rust_status=$?

echo "== node $(node --version): node $NODE_DIR/compare.mjs" >&2
node_status=0
node "$NODE_DIR/compare.mjs" >"$OUT/node.jsonl" || node_status=$?

# Node reads both outputs: it is installed anyway and parses JSON natively.
table_status=0
node --input-type=module - "$OUT/rust.jsonl" "$OUT/node.jsonl" <<'EOF' || table_status=$?
import { readFileSync } from 'node:fs';

const read = (path) =>
    readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line));
const lines = [...read(process.argv[2]), ...read(process.argv[3])];
const find = (runtime, workload, entry) =>
    lines.find((l) => l.runtime === runtime && l.workload === workload && l.entry === entry);

const workloads = [...new Set(lines.map((l) => l.workload))];
let problems = 0;
const rows = [];
for (const workload of workloads) {
    const node = find('node', workload, 'multipart');
    const multipart = find('contentkit', workload, 'multipart');
    const fields = find('contentkit', workload, 'fields');
    if (!node || !multipart || !fields) {
        console.error(`${workload}: a side did not report it (node ${!!node}, contentkit ${!!multipart && !!fields})`);
        problems += 1;
        continue;
    }
    // Same request bytes in, same response bytes out, or the timings are
    // not of the same work.
    for (const other of [multipart, fields]) {
        for (const key of ['request_sha256', 'response_sha256']) {
            if (other[key] !== node[key]) {
                console.error(`${workload}: ${key} differs: node ${node[key]}, contentkit (${other.entry}) ${other[key]}`);
                problems += 1;
            }
        }
    }
    if (node.iterations !== multipart.iterations) {
        console.error(`${workload}: iteration counts differ (node ${node.iterations}, contentkit ${multipart.iterations})`);
        problems += 1;
    }
    const speedup = (n, c) => `${(n / c).toFixed(2)}x`;
    rows.push([
        workload,
        String(node.iterations),
        String(node.ns_per_op),
        String(multipart.ns_per_op),
        speedup(node.ns_per_op, multipart.ns_per_op),
        String(fields.ns_per_op),
        speedup(node.ns_per_op, fields.ns_per_op),
    ]);
}

const header = [
    'workload',
    'iterations',
    'node ns/op',
    'contentkit ns/op',
    'speed-up',
    'contentkit fields ns/op',
    'speed-up (fields)',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const format = (cells) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ') + ' |';
console.log('');
console.log(format(header));
console.log('|' + widths.map((w, i) => (i === 0 ? ':' + '-'.repeat(w + 1) : '-'.repeat(w + 1) + ':')).join('|') + '|');
for (const row of rows) {
    console.log(format(row));
}
console.log(`
ns/op: median of 5 rounds of <iterations> sequential requests, after a warm-up.
speed-up: node ns/op / contentkit ns/op (above 1: contentkit is faster).
node, contentkit: from the same multipart body bytes in memory to the response
  body bytes; both parse the multipart body, the event and environment JSON,
  run the action and render, and serialize. Node also builds a Request and a
  Response and two GitBookAPI clients (createContext), as the runtime does on
  every request; contentkit also checks the rendered tree against the element
  schema. Neither includes a network hop, an HTTP server or logging.
contentkit fields: the runtime alone (dispatch::handle) from the already split
  event and environment bytes; no multipart parse, no http::Request.`);
process.exit(problems > 0 ? 1 : 0);
EOF

status=0
if [ "$rust_status" -ne 0 ]; then
  echo "contentkit side failed (exit $rust_status)" >&2
  status=1
fi
if [ "$node_status" -ne 0 ]; then
  echo "node side failed (exit $node_status)" >&2
  status=1
fi
if [ "$table_status" -ne 0 ]; then
  echo "the two sides' results do not agree (exit $table_status)" >&2
  status=1
fi
exit "$status"
