#!/usr/bin/env bash
# A soak of the runtime's server under wrk, on loopback, with its memory sampled.
#
# Starts `examples/serve_todo.rs` (release) and runs wrk (scripts/ui_render.lua, the
# 20-item to-do list) with CONNECTIONS connections for DURATION seconds, sampling the
# server's RSS, threads and descriptors every second. Reports the RSS at the start of
# the run, once warm (after a tenth of it), at its peak and at the end. Exits non-zero
# on any error, when the peak passes MAX_RSS_MB, or when memory is not flat: the end
# RSS more than GROWTH_PCT percent (and 4 MiB) above the warm RSS.
#
#   scripts/soak.sh                  # 64 connections, 300 s
#   DURATION=1800 scripts/soak.sh    # half an hour
#   QUICK=1 scripts/soak.sh          # 30 s
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-common.sh

CONNECTIONS="${CONNECTIONS:-64}"
if [ -n "${QUICK:-}" ]; then DURATION="${DURATION:-30}"; else DURATION="${DURATION:-300}"; fi
MAX_RSS_MB="${MAX_RSS_MB:-64}"
GROWTH_PCT="${GROWTH_PCT:-10}"

need_wrk
build_examples
write_events
start_server
start_sampler 1
status="$(post_event fixtures/http/todo_ui_render.json)"
[ "$status" = 200 ] || { echo "preflight answered $status, not 200" >&2; exit 1; }

echo "== wrk: $CONNECTIONS connections, ${DURATION} s"
out="$(wrk --latency -t 2 -c "$CONNECTIONS" -d "${DURATION}s" --timeout 5s \
  -s scripts/ui_render.lua "http://$HOST:$PORT/v1")"
echo "$out"
peak_kb="$(server_status VmHWM)"
stop_server

wrk_result "$out"

warm_ms=$((DURATION * 100)) # a tenth of the run, in ms
start_kb="$(awk 'NR == 1 {print $2}' "$SAMPLES")"
warm_kb="$(awk -v t="$warm_ms" '$1 >= t {print $2; exit}' "$SAMPLES")"
end_kb="$(awk '$2 > 0 {last = $2} END {print last}' "$SAMPLES")"
echo
echo "== RSS over time (MiB, one line every tenth of the run)"
awk -v step="$warm_ms" '$1 >= next_t {printf "  %6.0f s  %6.1f MiB  %s threads  %s fds\n", $1 / 1000, $2 / 1024, $3, $4; next_t += step}' "$SAMPLES"
echo
echo "== summary"
echo "requests/s:   $(wrk_value rps) (p50 $(wrk_value p50_ms) ms, p99 $(wrk_value p99_ms) ms, max $(wrk_value max_ms) ms)"
echo "requests:     $(wrk_value requests), socket errors $(wrk_errors), non-2xx $(wrk_value non2xx)"
echo "RSS:          start $(mib "$start_kb") MiB, warm $(mib "$warm_kb") MiB, peak $(mib "$peak_kb") MiB, end $(mib "$end_kb") MiB"
echo "threads:      at most $(sample_max 3)"

failed=0
wrk_passed soak "$peak_kb" || failed=1
allowed_kb=$((warm_kb + warm_kb * GROWTH_PCT / 100 + 4096))
if [ "$end_kb" -gt "$allowed_kb" ]; then
  echo "FAILED: RSS grew from $(mib "$warm_kb") MiB (warm) to $(mib "$end_kb") MiB (end)" >&2
  failed=1
fi
[ "$failed" -eq 0 ] || exit 1
echo "soak passed"
