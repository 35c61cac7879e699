#!/usr/bin/env bash
# Scan throughput: a synthetic 100,000-item snapshot over the catalog's resource types,
# scanned with every rule, beside a serde_json::Value parse and a ConfigurationItem read
# of the same file; then the same items as one file each (a directory), as Config history
# delivery and `rdk sample-ci` users have them.
# Usage: bash tests/bench/scan.sh [items]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
cargo build --release -q -p ferrule-tests --bin scanbench
bin=${CARGO_TARGET_DIR:-target}/release/scanbench
dir=${CARGO_TARGET_DIR:-target}/ferrule-bench; mkdir -p "$dir"
file="$dir/snapshot-$n.json"
[ -f "$file" ] || "$bin" generate "$n" "$file"
[ -d "$dir/items-$n" ] || "$bin" split "$file" "$dir/items-$n" >/dev/null
echo "snapshot: $file ($(du -m "$file" | cut -f1) MB, $n items)"
"$bin" value "$file"
"$bin" parse "$file"
for _ in 1 2 3; do "$bin" scan "$file"; done
echo "directory: $dir/items-$n ($n files)"
"$bin" parse "$dir/items-$n"
for _ in 1 2 3; do "$bin" scan "$dir/items-$n"; done
