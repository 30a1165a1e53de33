#!/usr/bin/env bash
# Many oversized uploads at once, on loopback: every one must be answered 413.
#
# Starts `examples/serve_todo.rs` (release; body limit 2 MiB) and runs
# `examples/fault_client.rs uploads`: CLIENTS concurrent `POST /v1` of SIZE bytes each,
# every second one chunked and the others with a Content-Length; NAIVE of them write
# their whole body before reading (the others read while they write, as curl does).
# Exits non-zero unless every upload gets a 413 with a JSON error, and the server
# still answers afterwards.
#
#   scripts/oversized-uploads.sh           # 256 uploads of 60 MiB
#   QUICK=1 scripts/oversized-uploads.sh   # 64 uploads of 16 MiB (CI)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-common.sh

if [ -n "${QUICK:-}" ]; then
  CLIENTS="${CLIENTS:-64}"
  SIZE="${SIZE:-$((16 * 1024 * 1024))}"
  NAIVE="${NAIVE:-4}"
else
  CLIENTS="${CLIENTS:-256}"
  SIZE="${SIZE:-$((60 * 1024 * 1024))}"
  NAIVE="${NAIVE:-16}"
fi

build_examples
write_events
start_server
start_sampler 0.5

echo "== $CLIENTS uploads of $SIZE bytes"
verdict=0
"$CLIENT_BIN" uploads "$HOST:$PORT" --clients "$CLIENTS" --size "$SIZE" --naive "$NAIVE" || verdict=$?

still_serving uploads
if [ "$verdict" -ne 0 ]; then
  echo "FAILED: not every upload was answered 413" >&2
  exit 1
fi
echo "oversized uploads passed"
