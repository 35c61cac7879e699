#!/usr/bin/env bash
# Runs every cargo-fuzz target of fuzz/ for a bounded time and reports the executions.
#
#   bash tests/fuzz/run.sh [SECONDS_PER_TARGET]   # default 20 s each (CI: 15)
#   bash tests/fuzz/run.sh --hours H              # a long campaign: H hours over all targets
#
# Environment: FUZZ_TARGETS="a b" runs only those targets; FUZZ_SANITIZER=none|address
# (default address); CARGO_BUILD_JOBS limits the build as for any cargo command.
#
# Installs the pinned cargo-fuzz into ./.tools when it is missing (not ~/.cargo: a clean
# clone and CI do the same). cargo-fuzz needs nightly-only flags (-Zsanitizer, ...):
# RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
#
# The committed seed corpus fuzz/corpus/<target>/ (and fuzz/regressions/<target>/) is
# read, never written: libFuzzer adds what it finds to the first corpus directory, here
# target/fuzz-corpus/<target>/ (kept between local runs, so a later run starts from
# what earlier ones found). A crash leaves its input in fuzz/artifacts/<target>/
# (git-ignored) and makes the run fail.
set -euo pipefail
cd "$(dirname "$0")/../.."
exec </dev/null

CARGO_FUZZ_VERSION=0.13.2
TOOLS="$PWD/.tools"
FUZZ="$TOOLS/bin/cargo-fuzz"

seconds=20
if [ "${1:-}" = "--hours" ]; then
  hours=${2:?usage: run.sh --hours H}
  seconds=""
elif [ -n "${1:-}" ]; then
  seconds=$1
fi

if ! "$FUZZ" --version 2>/dev/null | grep -qx "cargo-fuzz $CARGO_FUZZ_VERSION"; then
  echo "==> installing cargo-fuzz $CARGO_FUZZ_VERSION into $TOOLS"
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked --root "$TOOLS" --quiet
fi

export RUSTC_BOOTSTRAP=1
sanitizer=${FUZZ_SANITIZER:-address}
targets=(${FUZZ_TARGETS:-$("$FUZZ" list)})
if [ -z "$seconds" ]; then
  seconds=$(python3 -c "import sys; print(max(1, int(float(sys.argv[1]) * 3600 / int(sys.argv[2]))))" "$hours" "${#targets[@]}")
fi

echo "==> building ${#targets[@]} fuzz targets (sanitizer: $sanitizer)"
build_start=$(date +%s)
"$FUZZ" build -s "$sanitizer"
echo "    built in $(( $(date +%s) - build_start )) s"

logs=target/fuzz-logs
mkdir -p "$logs"
declare -A executions rates status
failed=()
total=0
for t in "${targets[@]}"; do
  scratch="target/fuzz-corpus/$t"
  mkdir -p "$scratch" "fuzz/corpus/$t" "fuzz/artifacts/$t"
  flags=(-max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=30
         -print_final_stats=1)
  # The JSON targets get a dictionary of JSON tokens and the keys ferrule reads.
  if [ "$t" != item_structured ] && [ -f fuzz/dicts/json.dict ]; then
    flags+=(-dict=fuzz/dicts/json.dict)
  fi
  echo "==> fuzzing $t for $seconds s"
  log="$logs/$t.log"
  # Inputs that found problems before are read first too (fuzz/regressions/README.md).
  corpora=("$scratch" "fuzz/corpus/$t")
  if [ -d "fuzz/regressions/$t" ]; then
    corpora+=("fuzz/regressions/$t")
  fi
  if "$FUZZ" run -s "$sanitizer" "$t" "${corpora[@]}" -- "${flags[@]}" >"$log" 2>&1; then
    status[$t]=ok
  else
    status[$t]=CRASH
    failed+=("$t")
    echo "    $t FAILED (from $log):"
    # The panic (place and message), and where libFuzzer left the input.
    grep -E -A3 "panicked at" "$log" | head -12 | sed 's/^/    | /' || true
    grep -E "ERROR: |SUMMARY: |Test unit written to" "$log" | head -5 | sed 's/^/    | /' || true
  fi
  n=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  if [ -z "$n" ]; then
    n=$(sed -n 's/^#\([0-9]*\).*/\1/p' "$log" | tail -1)
  fi
  n=${n:-0}
  executions[$t]=$n
  rates[$t]=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  total=$(( total + n ))
done

echo "==> fuzzing summary ($seconds s per target, sanitizer: $sanitizer)"
printf '    %-24s %14s %10s  %s\n' target executions "exec/s" result
for t in "${targets[@]}"; do
  printf '    %-24s %14s %10s  %s\n' "$t" "${executions[$t]}" "${rates[$t]:-?}" "${status[$t]}"
done
printf '    %-24s %14s\n' total "$total"
# The plain closing line CI reads: one per target, passed when it ran without a crash.
echo "fuzz: $(( ${#targets[@]} - ${#failed[@]} )) passed, ${#failed[@]} failed"
if [ ${#failed[@]} -gt 0 ]; then
  echo "error: fuzzing found crashes in: ${failed[*]} (inputs under fuzz/artifacts/<target>/, logs under $logs/)" >&2
  echo "reproduce one with: RUSTC_BOOTSTRAP=1 $FUZZ run -s $sanitizer <target> fuzz/artifacts/<target>/<file>" >&2
  exit 1
fi
