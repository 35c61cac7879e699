#!/usr/bin/env bash
# Release-profile trade-off (issue 13, part 8): for each LTO / codegen-units variant, in
# its own cold target directory, prints
#   - the cold build of `rdk` (what the README's first command waits for): wall and CPU s,
#   - the added build of one rule function, then of four more (the per-function cost of
#     a release build of every function),
#   - the scan throughput (tests/bench's scanbench, 100,000 items, three runs),
#   - the function's bootstrap size and cold start (median of 15, local Config endpoint).
# Usage: bash tests/bench/profiles.sh [variant ...]   variants: fat1 (lto=fat,
# codegen-units=1), thin16 (lto=thin, codegen-units=16), off16 (no LTO, 16 units),
# off16sdk1 (off16 with the AWS SDK, smithy and HTTP crates at opt-level 1).
# Each variant takes 10-20 minutes on 2 cores; targets go to $BENCH_DIR (default
# target/profiles), about 2 GB each. RDK_ONLY=1 skips the functions (rdk's build and
# scan only); SCAN_RUNS (default 3) sets the number of scans.
set -euo pipefail
cd "$(dirname "$0")/../.."
export PATH="$PWD/.venv/bin:$PATH"
variants=("${@:-fat1 thin16}")
read -r -a variants <<<"${variants[*]}"
base=${BENCH_DIR:-$PWD/target/profiles}
n=100000
timed() { # label, command...
  local label=$1; shift
  /usr/bin/time -f "%e %U %S" -o /tmp/profiles-time "$@" >/dev/null 2>&1
  read -r wall user sys </tmp/profiles-time
  printf '  %-44s wall %7.1f s   cpu %7.1f s\n' "$label" "$wall" "$(echo "$user + $sys" | bc)"
}
for v in "${variants[@]}"; do
  case $v in
    fat1) lto=fat; cgu=1 ;;
    thin16) lto=thin; cgu=16 ;;
    off16|off16sdk1) lto=off; cgu=16 ;;
    *) echo "unknown variant $v (fat1, thin16, off16, off16sdk1)" >&2; exit 2 ;;
  esac
  extra=()
  if [ "$v" = off16sdk1 ]; then
    for p in aws-sdk-config aws-sdk-iam aws-sdk-sts aws-sdk-s3 aws-sdk-cloudformation \
      aws-sdk-cloudwatchlogs aws-config aws-runtime aws-sigv4 aws-types aws-credential-types \
      aws-smithy-runtime aws-smithy-runtime-api aws-smithy-types aws-smithy-http \
      aws-smithy-http-client aws-smithy-json aws-smithy-query aws-smithy-xml aws-smithy-async \
      aws-smithy-eventstream aws-smithy-checksums aws-smithy-observability aws-smithy-schema \
      hyper h2 tower hyper-util; do
      extra+=(--config "profile.release.package.\"$p\".opt-level=1")
    done
  fi
  export CARGO_TARGET_DIR="$base/$v" CARGO_PROFILE_RELEASE_LTO=$lto CARGO_PROFILE_RELEASE_CODEGEN_UNITS=$cgu
  echo "== $v: lto=$lto codegen-units=$cgu (opt-level 3)"
  rm -rf "$CARGO_TARGET_DIR"
  timed "cold build of rdk (release)" cargo build --release -p rdk "${extra[@]}"
  if [ -z "${RDK_ONLY:-}" ]; then
    timed "+ one function (encrypted-volumes)" cargo build --release -p functions --bin encrypted-volumes "${extra[@]}"
    timed "+ four more functions" cargo build --release -p functions --bin s3-bucket-versioning-enabled \
      --bin restricted-ssh --bin required-tags --bin rds-storage-encrypted "${extra[@]}"
  fi
  cargo build --release -q -p ferrule-tests --bin scanbench --bin coldstart "${extra[@]}"
  bench=$CARGO_TARGET_DIR/release/scanbench
  file=${SNAPSHOT:-$base/snapshot-$n.json}
  [ -f "$file" ] || "$bench" generate "$n" "$file" >/dev/null
  for _ in $(seq 1 "${SCAN_RUNS:-3}"); do echo -n "  scan: "; "$bench" scan "$file" | tail -1; done
  [ -n "${RDK_ONLY:-}" ] && continue
  boot=$CARGO_TARGET_DIR/release/encrypted-volumes
  awk -v b="$(stat -c %s "$boot")" 'BEGIN { printf "  encrypted-volumes binary: %.2f MiB\n", b / 1048576 }'
  echo -n "  cold start: "; "$CARGO_TARGET_DIR/release/coldstart" "$boot" 15 | tail -2 | tr '\n' ' '; echo
done
