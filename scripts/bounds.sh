#!/usr/bin/env bash
# Time and peak memory of the release CLI on big and hostile JSON, under /usr/bin/time:
#
#   scripts/bounds.sh [MB]      # default: a 50 MB tree
#
# Prints, for each input, its size, CPU seconds, wall seconds and peak RSS, and the
# peak as a multiple of the input. Needs python3 (to write the inputs) and GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-50}

cargo build --release --bin contentkit
bin=target/release/contentkit
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

python3 - "$dir" "$mb" <<'PY'
import glob, json, sys
out, mb = sys.argv[1], int(sys.argv[2])
# The children of the HTML fixtures (every kind of element), repeated in vstacks.
kids = []
for f in sorted(glob.glob("fixtures/html/*.json")):
    v = json.load(open(f))
    root = v.get("element", v)
    kids += [c for c in root["children"] if c.get("type") != "stepper"]
group = json.dumps({"type": "vstack", "children": kids}, separators=(",", ":"))
n = mb * 1_000_000 // len(group)
open(f"{out}/tree.json", "w").write('{"type":"block","children":[' + ",".join([group] * n) + "]}")
# The same size of errors: every style misspelled.
bad = group.replace('"style":"primary"', '"style":"primry"')
open(f"{out}/errors.json", "w").write('{"type":"block","children":[' + ",".join([bad] * n) + "]}")
# A million-key props object, and a 2 MB string.
props = {f"k{i}": i for i in range(1_000_000)}
props["start"] = 1
open(f"{out}/props.json", "w").write(json.dumps(props))
# The most a small input may be: 1 MB of props (about 60,000 keys), which render.
small = {f"k{i}": i for i in range(60_000)}
small["start"] = 1
open(f"{out}/props-1mb.json", "w").write(json.dumps(small))
long = "word **bold** [link](https://x.test)\n" * (2_000_000 // 36)
open(f"{out}/string.json", "w").write(json.dumps(
    {"type": "block", "children": [{"type": "markdown", "content": long}]}))
PY

measure() {
  local label=$1 input=$2
  shift 2
  # Exit status 1 (errors found) is expected for some inputs; GNU time notes it first.
  /usr/bin/time -f '%U %S %e %M' -o "$dir/time" "$bin" "$@" >/dev/null 2>&1 || true
  local user sys wall kb size
  read -r user sys wall kb < <(tail -n 1 "$dir/time")
  size=$(stat -c %s "$input")
  awk -v l="$label" -v s="$size" -v u="$user" -v y="$sys" -v w="$wall" -v k="$kb" 'BEGIN {
    printf "%-28s %6.1f MB  cpu %6.2f s  wall %6.2f s  peak %7.1f MB (%.1fx the input)\n",
      l, s / 1e6, u + y, w, k * 1024 / 1e6, k * 1024 / s }'
}

measure "check tree" "$dir/tree.json" check "$dir/tree.json"
measure "check tree of errors" "$dir/errors.json" check "$dir/errors.json"
measure "render tree (JSON)" "$dir/tree.json" render "$dir/tree.json"
measure "render tree (HTML)" "$dir/tree.json" render --format html "$dir/tree.json"
measure "check 2 MB string" "$dir/string.json" check "$dir/string.json"
measure "render 2 MB string (HTML)" "$dir/string.json" render --format html "$dir/string.json"
measure "render with 1 MB of props" "$dir/props-1mb.json" render fixtures/reference/counter.ckx --props "@$dir/props-1mb.json"
measure "render with 1M-key props" "$dir/props.json" render fixtures/reference/counter.ckx --props "@$dir/props.json"
echo "1M-key props: $("$bin" render fixtures/reference/counter.ckx --props "@$dir/props.json" 2>&1 >/dev/null | head -n 1)"
echo "errors printed for the tree of errors: $("$bin" check "$dir/errors.json" | wc -l) lines"
