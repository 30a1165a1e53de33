#!/usr/bin/env bash
# Runs one cargo-fuzz target for SECONDS seconds on a corpus seeded from fixtures/,
# then prints how many inputs it ran.
#
#   scripts/fuzz.sh TARGET [SECONDS]     # targets: fuzz/fuzz_targets/*.rs; default 60 s
#
# Stable Rust runs cargo-fuzz with RUSTC_BOOTSTRAP=1. AddressSanitizer is used when the
# toolchain has its runtime, else the target runs without a sanitizer (`-s none`);
# FUZZ_SANITIZER=none skips the sanitizer (and its build) from the start.
# FUZZ_TRACE_COMPARES=0 builds without comparison tracing: about twice the inputs a
# second on the language targets (tracing took half their time), for long runs on a
# grown corpus; CI's minute keeps it.
# Inputs that fail land in fuzz/artifacts/TARGET/; each becomes a regression test.
set -euo pipefail
cd "$(dirname "$0")/.."

target=${1:?usage: scripts/fuzz.sh TARGET [SECONDS]}
seconds=${2:-60}
if [ ! -f "fuzz/fuzz_targets/$target.rs" ]; then
  echo "no fuzz target $target; there are: $(cd fuzz/fuzz_targets && ls ./*.rs | sed 's|^\./||; s|\.rs$||' | tr '\n' ' ')" >&2
  exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz"
  cargo install cargo-fuzz --locked
fi
export RUSTC_BOOTSTRAP=1

# Seeds: the fixtures each target reads (copied, so the corpus can grow freely).
corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
case "$target" in
  component)
    for f in fixtures/differential/*.tsx examples/components/*.ckx fixtures/components/*.ckx; do
      if [ -f "$f" ]; then cp "$f" "$corpus/seed-$(basename "$f")"; fi
    done
    ;;
  webhook)
    # `[secret length][secret][header]\n[body]`: each event fixture as a body, with a
    # header of each shape the parser meets.
    i=0
    for f in fixtures/events/*.json; do
      for header in 'sha256=00ff' 'sha1=zz' 'SHA256=' 'md5=1' ' ' 'sha256'; do
        { printf '\006secret%s\n' "$header"; cat "$f"; } > "$corpus/seed-$i"
        i=$((i + 1))
      done
    done
    ;;
  markup)
    for f in fixtures/markup/*.ckx fixtures/markup/errors/*.ckx fixtures/reference/*.ckx; do
      cp "$f" "$corpus/seed-$(basename "$f")"
    done
    ;;
  json_tree)
    # The trees of fixtures/trees and every element the differential suite recorded.
    for f in fixtures/trees/*.json; do
      cp "$f" "$corpus/seed-$(basename "$f")"
    done
    if command -v node >/dev/null; then
      node -e '
        const fs = require("fs");
        const recorded = JSON.parse(fs.readFileSync("fixtures/differential/expected.json", "utf8"));
        let i = 0;
        for (const steps of Object.values(recorded))
          for (const step of steps)
            if (step.json && step.json.element)
              fs.writeFileSync(process.argv[1] + "/seed-recorded-" + i++ + ".json", JSON.stringify(step.json.element));
      ' "$corpus"
    fi
    ;;
  dispatch)
    # Multipart bodies as GitBook sends them: each event fixture, and renders of the
    # reference components, with the fixture environment.
    part() { printf -- '--fuzz\r\nContent-Disposition: form-data; name="%s"\r\n\r\n' "$1"; cat; printf '\r\n'; }
    env=fixtures/events/environment.json
    renders=$(mktemp -d)
    context='"context":{"type":"document","theme":"light","spaceId":"s","editable":true}'
    printf '{"type":"ui_render","componentId":"counter","props":{},%s}' "$context" >"$renders/first.json"
    printf '{"type":"ui_render","componentId":"counter","props":{},"state":{"count":1},"action":{"action":"inc"},%s}' "$context" >"$renders/action.json"
    i=0
    for f in fixtures/events/*.json "$renders"/*.json; do
      [ "$f" = "$env" ] && continue
      { part event <"$f"; part environment <"$env"; printf -- '--fuzz--\r\n'; } > "$corpus/seed-$i"
      i=$((i + 1))
    done
    rm -rf "$renders"
    ;;
esac

build_flags=()
if [ "${FUZZ_TRACE_COMPARES:-1}" = 0 ]; then
  build_flags+=(--no-trace-compares)
fi
if [ "${FUZZ_SANITIZER:-}" = none ]; then
  build_flags+=(-s none)
  cargo fuzz build "${build_flags[@]}" "$target"
elif ! cargo fuzz build "${build_flags[@]}" "$target" >/dev/null 2>&1; then
  echo "== AddressSanitizer unavailable here: running without a sanitizer"
  build_flags+=(-s none)
  cargo fuzz build "${build_flags[@]}" "$target"
fi

# The language targets touch tens of thousands of coverage features per input, and
# libFuzzer's entropic scheduling updates a frequency for each of them on every run:
# that took 63% of the component target's time. Without it the target runs 3.5 times
# as many inputs a second (98 -> 349 on the development machine) and reaches as much
# coverage in the same time. FUZZ_ARGS adds libFuzzer options of your own.
extra=()
case "$target" in
  component|markup) extra=(-entropic=0) ;;
esac
# shellcheck disable=SC2206 # FUZZ_ARGS is a list of options, split on purpose
extra+=(${FUZZ_ARGS:-})

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# libFuzzer's progress lines are many; show the start, the end and any failure.
set +e
cargo fuzz run "${build_flags[@]}" "$target" "$corpus" -- \
  -max_total_time="$seconds" -print_final_stats=1 "${extra[@]}" 2>&1 | tee "$log" |
  grep -E '^(#[0-9]+[[:space:]]+(INITED|DONE)|==[0-9]+==|SUMMARY|thread|Failing input|Test unit written|artifact_prefix)'
status=${PIPESTATUS[0]}
set -e
runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
echo "$target: ${runs:-unknown} executions in ${seconds} s (exit ${status})"
exit "$status"
