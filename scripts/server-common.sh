# Shared by the server's load and fault scripts (sourced, not run): build the release
# examples, start examples/serve_todo.rs on loopback, read its memory and threads,
# and stop it (only the server the script started).
#
# BUILD_FLAGS adds cargo flags to the build (e.g. `--no-default-features --features
# server` for the system allocator). Set before `start_server`: SERVER_NOFILE (a descriptor
# limit for the server alone, `ulimit -n`), and any of WORKERS, HANDLER_THREADS,
# MAX_CONNECTIONS (passed to the server); or SERVER_ARGS (an array: another server's
# whole command line) with READY_TEXT (what it prints once it listens).

HOST=127.0.0.1 # never anything but loopback
PORT="${PORT:-18787}"
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
SERVER_BIN="$TARGET_DIR/release/examples/serve_todo"
CLIENT_BIN="$TARGET_DIR/release/examples/fault_client"
SERVER_ARGS=()
READY_TEXT="listening on"
SERVER_PID=""
SERVER_LOG="$(mktemp)"
SAMPLER_PID=""
SAMPLES="$(mktemp)"
WORK_DIR="$(mktemp -d)"

stop_server() {
  if [ -n "$SAMPLER_PID" ] && kill -0 "$SAMPLER_PID" 2>/dev/null; then
    kill "$SAMPLER_PID" 2>/dev/null || true
    wait "$SAMPLER_PID" 2>/dev/null || true
  fi
  SAMPLER_PID=""
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}

cleanup() {
  stop_server
  rm -rf "$SERVER_LOG" "$SAMPLES" "$WORK_DIR"
}
trap cleanup EXIT

need_wrk() {
  if ! command -v wrk >/dev/null 2>&1; then
    echo "== installing wrk (Debian's package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq wrk >/dev/null 2>&1 || {
      apt-get update -qq >/dev/null && apt-get install -y -qq wrk >/dev/null
    }
  fi
}

build_examples() {
  echo "== building the server and the fault client (release)"
  # shellcheck disable=SC2086 # BUILD_FLAGS is a list of flags
  cargo build --release --features server ${BUILD_FLAGS:-} --example serve_todo --example fault_client
}

# Starts the server (under SERVER_NOFILE descriptors when set) and waits until it
# listens. The subshell execs the server, so SERVER_PID is the server's own.
start_server() {
  : >"$SERVER_LOG"
  : >"$SAMPLES"
  local command=("$SERVER_BIN" "$HOST:$PORT")
  if [ "${#SERVER_ARGS[@]}" -gt 0 ]; then
    command=("${SERVER_ARGS[@]}")
  fi
  if [ -n "${SERVER_NOFILE:-}" ]; then
    (ulimit -n "$SERVER_NOFILE" && exec "${command[@]}") >"$SERVER_LOG" 2>&1 &
  else
    (exec "${command[@]}") >"$SERVER_LOG" 2>&1 &
  fi
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    grep -q "$READY_TEXT" "$SERVER_LOG" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$SERVER_LOG"; echo "the server exited" >&2; exit 1; }
    sleep 0.1
  done
  grep -q "$READY_TEXT" "$SERVER_LOG" || { echo "the server did not start" >&2; exit 1; }
  echo "server: $(cat "$SERVER_LOG")"
}

# A field of the server's /proc status, in its unit (kB for memory).
server_status() {
  awk -v key="$1:" '$1 == key {print $2}' "/proc/$SERVER_PID/status"
}

# Samples the server every INTERVAL seconds into $SAMPLES: "ms rss_kb threads fds".
start_sampler() {
  local interval="$1"
  (
    start=$(date +%s%N)
    while kill -0 "$SERVER_PID" 2>/dev/null; do
      now=$(date +%s%N)
      rss=$(awk '$1 == "VmRSS:" {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
      threads=$(awk '$1 == "Threads:" {print $2}' "/proc/$SERVER_PID/status" 2>/dev/null || echo 0)
      fds=$(ls "/proc/$SERVER_PID/fd" 2>/dev/null | wc -l)
      echo "$(((now - start) / 1000000)) $rss $threads $fds" >>"$SAMPLES"
      sleep "$interval"
    done
  ) &
  SAMPLER_PID=$!
}

# The largest value of column N (2 rss, 3 threads, 4 fds) among the samples.
sample_max() {
  awk -v col="$1" 'BEGIN {m = 0} $col > m {m = $col} END {print m}' "$SAMPLES"
}

# The ui_render events of the workloads, written into $WORK_DIR:
#   tiny.json: the counter (one text, one button), incremented;
#   list.json: the to-do list with 1,000 items.
write_events() {
  jq -c '.componentId = "counter" | .state = {"count": 41} | .action = {"action": "inc"}' \
    fixtures/http/todo_ui_render.json >"$WORK_DIR/tiny.json"
  jq -c '.state.items = [range(1; 1001) | "Review section \(.) of the handbook"]' \
    fixtures/http/todo_ui_render.json >"$WORK_DIR/list.json"
}

# POSTs the ui_render event in FILE; prints the status code.
post_event() {
  curl -sS -o "$WORK_DIR/reply.json" -w '%{http_code}' --max-time 10 \
    -F "event=<$1" \
    -F "environment=<fixtures/events/environment.json" \
    "http://$HOST:$PORT/v1"
}

mib() { awk -v kb="$1" 'BEGIN {printf "%.1f", kb / 1024}'; }

# Reads wrk's output (scripts/ui_render.lua's RESULT line) for `wrk_value`.
wrk_result() { WRK_RESULT="$(grep '^RESULT ' <<<"$1")"; }
wrk_value() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$WRK_RESULT"; }
wrk_errors() {
  echo $(($(wrk_value connect_errors) + $(wrk_value read_errors) + $(wrk_value write_errors) + $(wrk_value timeouts)))
}

# Checks a wrk run and a peak RSS (kB) against MAX_RSS_MB; prints why it fails.
wrk_passed() {
  local label="$1" peak_kb="$2" passed=0
  if [ "$(wrk_errors)" -ne 0 ] || [ "$(wrk_value non2xx)" -ne 0 ] || [ "$(wrk_value requests)" -eq 0 ]; then
    echo "FAILED: $label: errors during the run" >&2
    passed=1
  fi
  if [ "$peak_kb" -gt $((MAX_RSS_MB * 1024)) ]; then
    echo "FAILED: $label: peak RSS $(mib "$peak_kb") MiB is over $MAX_RSS_MB MiB" >&2
    passed=1
  fi
  return "$passed"
}

# After a hostile run: prints the server's peak RSS, threads and descriptors, and
# fails unless it still answers a new request.
still_serving() {
  local status
  echo "== after the $1"
  status="$(post_event "$WORK_DIR/tiny.json")" || status="no answer"
  echo "a new request: $status"
  echo "server: peak RSS $(mib "$(server_status VmHWM)") MiB, at most $(sample_max 3) threads and $(sample_max 4) descriptors open${SERVER_NOFILE:+ (limit $SERVER_NOFILE)}"
  if [ "$status" != 200 ]; then
    echo "FAILED: the server does not answer after the $1" >&2
    return 1
  fi
}
