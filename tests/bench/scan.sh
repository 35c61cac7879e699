#!/usr/bin/env bash
# Scan throughput: a synthetic 100,000-item snapshot over the catalog's resource types,
# scanned with every rule, against a parse-only pass over the same file.
# Usage: bash tests/bench/scan.sh [items]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
cargo build --release -q -p ferrule-tests --bin scanbench
dir=target/ferrule-bench; mkdir -p "$dir"
file="$dir/snapshot-$n.json"
[ -f "$file" ] || target/release/scanbench generate "$n" "$file"
echo "snapshot: $file ($(du -m "$file" | cut -f1) MB, $n items)"
target/release/scanbench parse "$file"
target/release/scanbench scan "$file"
