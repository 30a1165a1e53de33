# Sourced (not run) by the side-by-side scripts (compare-node.sh, compare-compile.sh,
# compare-http.sh): the Node side's packages, and where cargo puts what it builds.

NODE_DIR=benches/node

# Installs benches/node's packages (npm ci, from package-lock.json) unless $1 (by
# default its node_modules) exists.
need_node_side() {
  if [ ! -e "${1:-$NODE_DIR/node_modules}" ]; then
    echo "== installing the Node side (npm ci, from package-lock.json)" >&2
    (cd "$NODE_DIR" && npm ci --no-audit --no-fund >&2)
  fi
}

# cargo's target folder: CARGO_TARGET_DIR's, or the workspace's.
cargo_target_dir() {
  cargo metadata --format-version 1 --no-deps 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).target_directory))'
}
