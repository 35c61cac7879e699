#!/usr/bin/env bash
# Organization-wide scan throughput: N generated aggregated items (default 1,000,000;
# the bundled sample account's items copied over 20 accounts x 3 regions, each with its
# own accountId, awsRegion and resourceId) served by the local AWS Config endpoint under
# the aggregator `bench`, scanned with `rdk scan --live --aggregator bench` (every rule,
# the sample account's parameters). Prints items/s, the API calls by operation (and per
# 100 items), and the scan's peak RSS.
# With `account` as the second argument it scans the same items as one account instead
# (`rdk scan --live`: ListDiscoveredResources and BatchGetResourceConfig).
# Usage: bash tests/bench/aggregator.sh [items] [account]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-1000000}
source_args=(--aggregator bench)
if [ "${2:-}" = account ]; then source_args=(); fi
cargo build --release -q -p rdk --bin rdk --example aggbench
target=${CARGO_TARGET_DIR:-target}
dir="$target/ferrule-bench"; mkdir -p "$dir"
url_file="$dir/aggbench-url"; rm -f "$url_file"
"$target/release/examples/aggbench" "$n" "$url_file" &
server=$!
trap 'kill "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 600); do
  [ -s "$url_file" ] && break
  kill -0 "$server" 2>/dev/null || { echo "aggbench stopped before serving" >&2; exit 1; }
  sleep 0.5
done
[ -s "$url_file" ] || { echo "aggbench did not start serving within 300 s" >&2; exit 1; }
url=$(cat "$url_file")
echo "endpoint: $url ($n items, 20 accounts x 3 regions)"
# The endpoint's CPU time while serving the scan (it shares the machine with the scan).
cpu() { awk -v t="$(getconf CLK_TCK)" '{printf "%.2f", ($14 + $15) / t}' "/proc/$server/stat"; }
served_from=$(cpu)
start=$(date +%s.%N)
AWS_ENDPOINT_URL_CONFIG_SERVICE="$url" AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=bench \
  AWS_SECRET_ACCESS_KEY=bench AWS_EC2_METADATA_DISABLED=true \
  /usr/bin/time -v -o "$dir/aggbench-time.txt" \
  "$target/release/rdk" scan --live "${source_args[@]}" \
    --parameters-file rdk/data/sample-parameters.json --output "$dir/aggbench-report.txt"
end=$(date +%s.%N)
served_cpu=$(awk -v a="$served_from" -v b="$(cpu)" 'BEGIN {printf "%.1f", b - a}')
counts=$(curl -sf "$url/_local/call-counts")
python3 - "$n" "$start" "$end" "$dir/aggbench-time.txt" "$dir/aggbench-report.txt" "$counts" "$served_cpu" <<'PY'
import json, re, sys
n, start, end, time_file, report, counts, served_cpu = sys.argv[1:]
n, seconds = int(n), float(end) - float(start)
timing = open(time_file).read()
rss_kb = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", timing).group(1))
cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", timing))
summary = open(report).read().splitlines()
line = next((l for l in summary if " items, " in l and "evaluations" in l), "")
print(line)
counts = json.loads(counts)
calls = sum(c["calls"] for c in counts.values())
for action, c in sorted(counts.items()):
    print(f"  {action}: {c['calls']} calls ({c['throttled']} throttled, {c['errors']} errors)")
print(f"items/s: {n / seconds:,.0f} ({n:,} items in {seconds:.1f} s, process start to exit)")
print(f"API calls: {calls:,} ({calls / n * 100:.2f} per 100 items)")
print(f"peak RSS of the scan: {rss_kb / 1024:.0f} MiB")
print(f"CPU time: scan {cpu:.1f} s, endpoint serving it {served_cpu} s")
PY
