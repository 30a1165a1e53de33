#!/usr/bin/env bash
# A bounded load run of the runtime's HTTP server, on loopback only.
#
# Builds and starts `examples/serve_todo.rs` (a 20-item to-do component) on
# 127.0.0.1, sends `ui_render` POSTs with a multipart body through wrk
# (scripts/ui_render.lua) for DURATION with CONNECTIONS connections, then
# reports requests/s, latency percentiles, errors (socket errors and non-2xx
# answers) and the server's peak RSS (VmHWM). Exits non-zero on any error.
#
#   scripts/load.sh                      # 64 connections, 20 s
#   CONNECTIONS=16 DURATION=5s scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."

HOST=127.0.0.1 # never anything but loopback
PORT="${PORT:-18787}"
CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-20s}"
THREADS="${THREADS:-2}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"

if ! command -v wrk >/dev/null 2>&1; then
  echo "== installing wrk"
  apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
fi

echo "== building the example (release)"
cargo build --release --example serve_todo --features server
SERVER_BIN="$TARGET_DIR/release/examples/serve_todo"

LOG="$(mktemp)"
"$SERVER_BIN" "$HOST:$PORT" >"$LOG" 2>&1 &
SERVER_PID=$!
cleanup() {
  # Only the server this script started.
  if kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -f "$LOG"
}
trap cleanup EXIT

for _ in $(seq 1 100); do
  grep -q "listening on" "$LOG" && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$LOG"; echo "the server exited" >&2; exit 1; }
  sleep 0.1
done
grep -q "listening on" "$LOG" || { echo "the server did not start" >&2; exit 1; }

echo "== preflight: one request"
STATUS="$(curl -sS -o /dev/null -w '%{http_code}' \
  -F "event=<fixtures/http/todo_ui_render.json" \
  -F "environment=<fixtures/events/environment.json" \
  "http://$HOST:$PORT/v1")"
if [ "$STATUS" != 200 ]; then
  echo "preflight answered $STATUS, not 200" >&2
  exit 1
fi

echo "== wrk: $CONNECTIONS connections, $THREADS threads, $DURATION"
OUT="$(wrk --latency -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" \
  -s scripts/ui_render.lua "http://$HOST:$PORT/v1")"
echo "$OUT"

PEAK_RSS="$(awk '/^VmHWM/ {print $2, $3}' "/proc/$SERVER_PID/status")"
RESULT="$(grep '^RESULT ' <<<"$OUT")"
value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$RESULT"; }

echo
echo "== summary"
echo "requests/s:       $(value rps)"
echo "requests:         $(value requests)"
echo "latency p50:      $(value p50_ms) ms"
echo "latency p99:      $(value p99_ms) ms"
echo "latency max:      $(value max_ms) ms"
echo "request body:     $(value body_bytes) bytes"
ERRORS=$(($(value connect_errors) + $(value read_errors) + $(value write_errors) + $(value timeouts)))
echo "socket errors:    $ERRORS"
echo "non-2xx answers:  $(value non2xx)"
echo "server peak RSS:  $PEAK_RSS"

if [ "$ERRORS" -ne 0 ] || [ "$(value non2xx)" -ne 0 ] || [ "$(value requests)" -eq 0 ]; then
  echo "FAILED: errors during the load run" >&2
  exit 1
fi
echo "load run passed"
