#!/usr/bin/env bash
# The differential suite: every case of fixtures/differential/ sent to the
# official runtime (@gitbook/runtime 0.23.3 on Node) and to `contentkit serve
# fixtures/differential`, the same request bytes to both, the answers compared
# (status, content-type, cache-control, body bytes). Also checks that Node
# still answers what fixtures/differential/expected.json records, and that
# every output is valid ContentKit.
#
#   scripts/differential.sh                       # every case
#   scripts/differential.sh --only value-numbers  # one case (repeatable)
#   scripts/differential.sh --verbose             # with the runtime's log of failing steps
#
# Arguments go to the runner, benches/node/differential.mjs. Steps: npm ci in
# benches/node when its packages are missing or older than its lock file;
# cargo build --release; the server on a free loopback port, in the
# background; the runner against it; the server stopped. Exits with the
# runner's status: 0 when every case matches, 1 when any differs, 2 when the
# cases or the harness are broken.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE_DIR=benches/node
CASES=fixtures/differential

needs_install() {
  local pkg
  [ -d "$NODE_DIR/node_modules" ] || return 0
  [ "$NODE_DIR/package-lock.json" -nt "$NODE_DIR/node_modules/.package-lock.json" ] && return 0
  for pkg in @gitbook/runtime esbuild ajv; do
    [ -d "$NODE_DIR/node_modules/$pkg" ] || return 0
  done
  return 1
}
if needs_install; then
  echo "== installing the Node side (npm ci in $NODE_DIR, from its package-lock.json)" >&2
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund >&2)
fi

echo "== building contentkit (cargo build --release)" >&2
cargo build --release --quiet --bin contentkit
BIN=target/release/contentkit

LOG="$(mktemp)"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -f "$LOG"
}
trap cleanup EXIT

# A free port: bind port 0, read what the system gave, release it.
PORT="$(node -e "const s = require('net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
ADDR="127.0.0.1:$PORT"

echo "== starting: $BIN serve $CASES --addr $ADDR" >&2
"$BIN" serve "$CASES" --addr "$ADDR" >"$LOG" 2>&1 &
SERVER_PID=$!

# Wait until it answers HTTP (any status), up to 30 s; stop early if it died.
ready=0
for _ in $(seq 1 300); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    break
  fi
  if node -e "fetch('http://$ADDR/').then(() => process.exit(0), () => process.exit(1))" 2>/dev/null; then
    ready=1
    break
  fi
  sleep 0.1
done
if [ "$ready" != 1 ]; then
  echo "ERROR: contentkit serve did not answer on http://$ADDR/; its output:" >&2
  sed 's/^/    /' "$LOG" >&2
  exit 2
fi

echo "== node $(node --version) and @gitbook/runtime vs contentkit on http://$ADDR/v1" >&2
status=0
node "$NODE_DIR/differential.mjs" --cases "$CASES" --contentkit "http://$ADDR/v1" "$@" || status=$?

if [ "$status" != 0 ]; then
  echo "" >&2
  echo "== differential suite FAILED (exit $status): the cases above marked FAIL say what differs." >&2
  echo "   contentkit's server log (last 20 lines):" >&2
  tail -n 20 "$LOG" | sed 's/^/    /' >&2
fi
exit "$status"
