#!/usr/bin/env bash
# Prints, per rule function: the bootstrap's size (the `lambda` profile Lambda packages use) and zipped size, then the
# cold start of one function (process start → first evaluation stored by the local
# Config endpoint, median of N runs) and its peak RSS.
# Usage: bash tests/bench/coldstart.sh [runs] [function]   (ALL=1 builds every function
# first; fat LTO makes that about 20 minutes on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-15}
fn=${2:-encrypted-volumes}
export PATH="$PWD/.venv/bin:$PATH"
command -v cargo-lambda >/dev/null || { echo "cargo-lambda missing: run bash tests/run-all.sh first (it installs tests/requirements.txt into .venv)" >&2; exit 1; }

which=(--bin "$fn")
[ "${ALL:-}" = 1 ] && which=()
(cd functions && cargo lambda build --profile lambda --compiler cargo --output-format zip "${which[@]}" >/dev/null 2>&1 \
  && cargo lambda build --profile lambda --compiler cargo "${which[@]}" >/dev/null 2>&1)
printf '%-40s %12s %12s\n' function "bootstrap" "zipped"
dirs=(target/lambda/"$fn"/)
[ "${ALL:-}" = 1 ] && dirs=(target/lambda/*/)
for dir in "${dirs[@]}"; do
  name=$(basename "$dir")
  [ -f "$dir/bootstrap" ] || continue
  awk -v n="$name" -v b="$(stat -c %s "$dir/bootstrap")" -v z="$(stat -c %s "$dir/bootstrap.zip")" \
    'BEGIN { printf "%-40s %9.2f MiB %9.2f MiB\n", n, b / 1048576, z / 1048576 }'
done
echo "(built for $(rustc -vV | sed -n 's/^host: //p'); Lambda runs arm64 builds of the same code)"
echo
cargo build --release -q -p ferrule-tests --bin coldstart
target/release/coldstart "target/lambda/$fn/bootstrap" "$runs"
