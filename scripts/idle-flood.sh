#!/usr/bin/env bash
# Idle and slowloris connections against a server with 1,024 descriptors, on loopback.
#
# Starts `examples/serve_todo.rs` (release) under `ulimit -n 1024` (the server alone),
# then runs `examples/fault_client.rs flood`: IDLE connections that send nothing and
# SLOWLORIS connections that send a header line a second and never end their head,
# each reopened a second after the server closes it, for DURATION seconds; meanwhile a
# normal client sends RATE `ui_render` requests a second (every fifth on a new
# connection). Exits non-zero unless every normal request is answered 200 with p99
# under MAX_P99_MS, and the server still answers afterwards.
#
#   scripts/idle-flood.sh            # 2,000 idle + 500 slowloris, 60 s
#   QUICK=1 scripts/idle-flood.sh    # the same flood for 12 s (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-common.sh

IDLE="${IDLE:-2000}"
SLOWLORIS="${SLOWLORIS:-500}"
RATE="${RATE:-50}"
MAX_P99_MS="${MAX_P99_MS:-50}"
SERVER_NOFILE="${SERVER_NOFILE:-1024}"
if [ -n "${QUICK:-}" ]; then DURATION="${DURATION:-12}"; else DURATION="${DURATION:-60}"; fi

build_examples
write_events
echo "== server under ulimit -n $SERVER_NOFILE"
start_server
start_sampler 0.5

echo "== flood: $IDLE idle + $SLOWLORIS slowloris connections, a normal client at $RATE/s, ${DURATION} s"
# The client holds IDLE + SLOWLORIS sockets; its own limit must allow them.
verdict=0
(
  ulimit -n "$((IDLE + SLOWLORIS + 512))" 2>/dev/null || ulimit -n "$(ulimit -Hn)"
  exec "$CLIENT_BIN" flood "$HOST:$PORT" --idle "$IDLE" --slowloris "$SLOWLORIS" \
    --duration "$DURATION" --rate "$RATE" --max-p99-ms "$MAX_P99_MS" \
    --event fixtures/http/todo_ui_render.json --environment fixtures/events/environment.json
) || verdict=$?

still_serving flood
if [ "$verdict" -ne 0 ]; then
  echo "FAILED: the normal client's bound was not met" >&2
  exit 1
fi
echo "idle flood passed"
