#!/usr/bin/env bash
# Over HTTP, side by side: `contentkit serve FILE` (release build, mimalloc) against
# the official runtime `@gitbook/runtime` 0.23.3 behind Node's HTTP server
# (benches/node/http-peer.mjs), serving the same component file, loaded by wrk on
# loopback with the same request bytes.
#
#   scripts/compare-http.sh                        # 64 connections, 10 s a run, 3 runs a side
#   REPS=5 DURATION=20s scripts/compare-http.sh
#   WORKLOADS=list_1000 CONNECTIONS=16 scripts/compare-http.sh
#
# Workloads (their request bodies written by `benches/node/compare.mjs --write`):
#   counter    fixtures/reference/counter.tsx, its recorded `inc` step;
#   list_1000  benches/components/list.tsx, 1,000 rows, toggle one.
#
# For each workload, both servers first answer the body once (curl): both must
# answer 200 with byte-identical bodies. Then REPS rounds, the sides alternating
# which goes first; each run starts a fresh server, runs wrk (scripts/ui_render.lua
# with BODY_FILE) for DURATION with CONNECTIONS connections, and reads the server's
# peak RSS (VmHWM) and most threads before stopping it. Prints, per workload and
# side, the median and min–max of requests/s and of p99 latency, the largest peak
# RSS, and contentkit's requests/s ÷ Node's. Exits non-zero on a socket error, a
# non-2xx answer or a difference between the sides. wrk shares the machine's cores
# with the server under test.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/server-common.sh
. scripts/node-side.sh

CONNECTIONS="${CONNECTIONS:-64}"
DURATION="${DURATION:-10s}"
THREADS="${THREADS:-2}"
REPS="${REPS:-3}"
WORKLOADS="${WORKLOADS:-counter list_1000}"
BOUNDARY=contentkit-bench-boundary # compare.mjs writes its bodies with it

need_wrk
need_node_side
echo "== contentkit: cargo build --release (the contentkit binary)" >&2
cargo build --quiet --release --bin contentkit
contentkit="$(cargo_target_dir)/release/contentkit"

BENCH_ONLY="$(tr ' ' ',' <<<"$WORKLOADS")" node "$NODE_DIR/compare.mjs" --write "$WORK_DIR" >/dev/null

component_of() {
  case "$1" in
    counter) echo fixtures/reference/counter.tsx ;;
    list_*) echo benches/components/list.tsx ;;
    *) echo "unknown workload $1" >&2; exit 2 ;;
  esac
}

# Sets SERVER_ARGS and READY_TEXT for side $1 serving component file $2.
use_side() {
  case "$1" in
    contentkit)
      SERVER_ARGS=("$contentkit" serve "$2" --addr "$HOST:$PORT")
      READY_TEXT="contentkit playground on"
      ;;
    node)
      SERVER_ARGS=(node "$NODE_DIR/http-peer.mjs" --component "$2" --addr "$HOST:$PORT")
      READY_TEXT="listening on"
      ;;
  esac
}

post_body() { # the response body of one request with body file $1, into $2; prints the status
  curl -sS -o "$2" -w '%{http_code}' --max-time 30 \
    -H "Content-Type: multipart/form-data; boundary=$BOUNDARY" --data-binary "@$1" \
    "http://$HOST:$PORT/v1"
}

failed=0
report=""
for workload in $WORKLOADS; do
  component="$(component_of "$workload")"
  body="$WORK_DIR/$workload.body"
  echo
  echo "== $workload: $component, $(wc -c <"$body") request bytes"
  for side in contentkit node; do
    use_side "$side" "$component"
    start_server >/dev/null
    status="$(post_body "$body" "$WORK_DIR/$workload.$side.reply")"
    stop_server
    if [ "$status" != 200 ]; then
      echo "FAILED: $side answered $status: $(head -c 500 "$WORK_DIR/$workload.$side.reply")" >&2
      exit 1
    fi
  done
  if ! cmp -s "$WORK_DIR/$workload.contentkit.reply" "$WORK_DIR/$workload.node.reply"; then
    echo "FAILED: $workload: the two sides' responses differ" >&2
    exit 1
  fi
  echo "both answered 200, the same $(wc -c <"$WORK_DIR/$workload.node.reply") bytes (sha256 $(sha256sum <"$WORK_DIR/$workload.node.reply" | cut -c1-16)…)"

  declare -A rps=() p99=() peak=() threads=()
  for rep in $(seq 1 "$REPS"); do
    if [ $((rep % 2)) -eq 1 ]; then order="contentkit node"; else order="node contentkit"; fi
    for side in $order; do
      use_side "$side" "$component"
      start_server >/dev/null
      start_sampler 0.5
      # A 60 s timeout: a slow answer counts in the latency, not as an error.
      out="$(BODY_FILE="$body" BOUNDARY="$BOUNDARY" wrk --latency --timeout 60s -t "$THREADS" \
        -c "$CONNECTIONS" -d "$DURATION" -s scripts/ui_render.lua "http://$HOST:$PORT/v1")"
      peak_kb="$(server_status VmHWM)"
      most_threads="$(sample_max 3)"
      stop_server
      wrk_result "$out"
      if [ "$(wrk_errors)" -ne 0 ] || [ "$(wrk_value non2xx)" -ne 0 ] || [ "$(wrk_value requests)" -eq 0 ]; then
        echo "FAILED: $workload, $side: $(wrk_errors) socket errors, $(wrk_value non2xx) non-2xx answers" >&2
        failed=1
      fi
      rps[$side]+="$(wrk_value rps) "
      p99[$side]+="$(wrk_value p99_ms) "
      peak[$side]+="$peak_kb "
      threads[$side]+="$most_threads "
      echo "run $rep, $side: $(wrk_value rps) requests/s, p99 $(wrk_value p99_ms) ms, peak RSS $(mib "$peak_kb") MiB, $most_threads threads"
    done
  done
  summary() { # "median (min–max)" of the numbers in $1
    tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.0f (%.0f–%.0f)", m, v[1], v[NR]}'
  }
  summary_ms() {
    tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {
      m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
      printf "%.1f ms (%.1f–%.1f)", m, v[1], v[NR]}'
  }
  median_of() { tr ' ' '\n' <<<"$1" | grep . | sort -g | awk '{v[NR]=$1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
  max_of() { tr ' ' '\n' <<<"$1" | grep . | sort -g | tail -1; }
  ratio="$(awk -v a="$(median_of "${rps[contentkit]}")" -v b="$(median_of "${rps[node]}")" 'BEGIN {printf "%.1f", a / b}')"
  for side in node contentkit; do
    report+="| $workload | $side | $(summary "${rps[$side]}") | $(summary_ms "${p99[$side]}") | $(mib "$(max_of "${peak[$side]}")") MiB | $(max_of "${threads[$side]}") |"
    if [ "$side" = contentkit ]; then report+=" ${ratio}× |"; else report+=" |"; fi
    report+=$'\n'
  done
  unset rps p99 peak threads
done

echo
echo "== $CONNECTIONS connections, $THREADS wrk threads, $DURATION a run, $REPS runs a side (node $(node --version))"
echo "| workload | side | requests/s, median (min–max) | p99 latency, median (min–max) | peak RSS (largest) | threads | contentkit ÷ Node |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s' "$report"
exit "$failed"
