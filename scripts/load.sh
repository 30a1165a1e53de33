#!/usr/bin/env bash
# HTTP throughput and peak memory of the runtime's server, on loopback only.
#
# Builds and starts `examples/serve_todo.rs` (release), then for each workload runs wrk
# (scripts/ui_render.lua: `ui_render` POSTs with a multipart body) with CONNECTIONS
# connections for DURATION against a fresh server:
#   tiny: the counter (one text and one button), incremented;
#   list: the to-do list with 1,000 items.
# Reports requests/s, latency percentiles, errors (socket errors and non-2xx answers),
# the server's peak RSS (VmHWM) and its most threads. Exits non-zero on any error, or
# when a peak RSS passes MAX_RSS_MB.
#
#   scripts/load.sh                      # 64 connections, 20 s a workload
#   QUICK=1 scripts/load.sh              # 5 s a workload
#   CONNECTIONS=16 DURATION=5s WORKLOADS=list scripts/load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-common.sh

CONNECTIONS="${CONNECTIONS:-64}"
if [ -n "${QUICK:-}" ]; then DURATION="${DURATION:-5s}"; else DURATION="${DURATION:-20s}"; fi
THREADS="${THREADS:-2}"
MAX_RSS_MB="${MAX_RSS_MB:-64}"
WORKLOADS="${WORKLOADS:-tiny list}"

need_wrk
build_examples
write_events

failed=0
summary=""
for workload in $WORKLOADS; do
  event="$WORK_DIR/$workload.json"
  [ -f "$event" ] || { echo "unknown workload $workload (tiny or list)" >&2; exit 2; }
  echo
  echo "== $workload: starting a fresh server"
  start_server
  start_sampler 0.5
  status="$(post_event "$event")"
  if [ "$status" != 200 ]; then
    echo "preflight answered $status, not 200: $(cat "$WORK_DIR/reply.json")" >&2
    exit 1
  fi

  echo "== $workload: wrk, $CONNECTIONS connections, $THREADS threads, $DURATION"
  out="$(EVENT_FILE="$event" wrk --latency -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION" \
    -s scripts/ui_render.lua "http://$HOST:$PORT/v1")"
  echo "$out"
  peak_kb="$(server_status VmHWM)"
  threads="$(sample_max 3)"
  stop_server

  wrk_result "$out"
  line="$(printf '%-5s %10s req/s  p50 %7s ms  p99 %7s ms  errors %s  non-2xx %s  peak RSS %6s MiB  threads %s  body %s B' \
    "$workload" "$(wrk_value rps)" "$(wrk_value p50_ms)" "$(wrk_value p99_ms)" "$(wrk_errors)" \
    "$(wrk_value non2xx)" "$(mib "$peak_kb")" "$threads" "$(wrk_value body_bytes)")"
  summary+="$line"$'\n'
  wrk_passed "$workload" "$peak_kb" || failed=1
done

echo
echo "== summary ($CONNECTIONS connections, $DURATION a workload)"
printf '%s' "$summary"
if [ "$failed" -ne 0 ]; then
  exit 1
fi
echo "load run passed"
