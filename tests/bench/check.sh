#!/usr/bin/env bash
# `rdk check` against cfn-guard 3 and checkov on the same machine and the same tree of
# real templates (tests/fixtures/cfn-templates), judging the same three controls:
#   encrypted EBS volumes, no SSH from 0.0.0.0/0 or ::/0, no public-read S3 buckets.
#   ferrule   rdk check --rules encrypted-volumes,restricted-ssh,s3-bucket-public-read-prohibited
#             (and the whole catalog)
#   cfn-guard cfn-guard validate with the Guard rules in tests/bench/guard/
#   checkov   checkov --framework cloudformation --check CKV_AWS_3,CKV_AWS_24 (SSH),
#             CKV_AWS_20 (public-read ACL), CKV_AWS_53..56 (Block Public Access flags)
#             (and all its CloudFormation checks)
# One line per tool and mode: files offered, templates the tool judged, non-compliant
# findings, wall seconds (median, min, max of N runs), files/s, peak RSS; then the ratio
# ferrule files/s / cfn-guard files/s. Each tool first runs once untimed (warm-up: page
# cache, Python bytecode) and that run's report is parsed to check that the tool really
# judged the tree and to count its findings; the timed runs then write their reports to
# /dev/null.
#
# Usage: bash tests/bench/check.sh
#   N_FERRULE=5 N_GUARD=5 N_CHECKOV=3   runs per mode (median reported)
#   TOOLS="ferrule cfn-guard checkov"   which tools to run
#   RUN_TIMEOUT=300                     seconds one run may take before it counts as failed
#   BUILD_TIMEOUT=3600                  seconds for `cargo build --release -p rdk` (and for
#                                       installing cfn-guard the first time)
#   CFN_GUARD=/path/to/cfn-guard        use this cfn-guard 3.x instead of installing one
#   CFN_GUARD_VERSION=3.2.1             version installed into target/bench-tools when none is found
#   CHECKOV=.venv/bin/checkov           (bash tests/run-all.sh installs it from tests/requirements.txt)
#   RDK_BIN=target/debug/rdk            skip the release build and time this binary (smoke tests only)
# Takes about 5 minutes on 2 cores once rdk is built and cfn-guard installed (checkov is
# most of it). Figures are only comparable on an otherwise idle machine: the load average
# is printed before and after.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export LC_ALL=C

TREE=tests/fixtures/cfn-templates
RULES=encrypted-volumes,restricted-ssh,s3-bucket-public-read-prohibited
GUARD_RULES=tests/bench/guard
CKV_IDS=CKV_AWS_3,CKV_AWS_24,CKV_AWS_20,CKV_AWS_53,CKV_AWS_54,CKV_AWS_55,CKV_AWS_56
N_FERRULE=${N_FERRULE:-5}
N_GUARD=${N_GUARD:-5}
N_CHECKOV=${N_CHECKOV:-3}
TOOLS=${TOOLS:-ferrule cfn-guard checkov}
RUN_TIMEOUT=${RUN_TIMEOUT:-300}
BUILD_TIMEOUT=${BUILD_TIMEOUT:-3600}
CFN_GUARD_VERSION=${CFN_GUARD_VERSION:-3.2.1}
CHECKOV=${CHECKOV:-$ROOT/.venv/bin/checkov}
BENCH_TOOLS=$ROOT/target/bench-tools      # git-ignored (/target)
scratch=$ROOT/target/bench-check
mkdir -p "$scratch"

die() {
  echo "check.sh: $*" >&2
  exit 1
}
wants() { [[ " $TOOLS " == *" $1 "* ]]; }
for t in $TOOLS; do
  case $t in ferrule | cfn-guard | checkov) ;; *) die "unknown tool '$t' in TOOLS (ferrule, cfn-guard, checkov)" ;; esac
done
[ -n "${TOOLS// /}" ] || die "TOOLS is empty"

[ -d "$TREE" ] || die "$TREE is missing"
for n in "$N_FERRULE" "$N_GUARD" "$N_CHECKOV" "$RUN_TIMEOUT" "$BUILD_TIMEOUT"; do
  [[ "$n" =~ ^[1-9][0-9]*$ ]] || die "run counts and timeouts must be positive integers (got '$n')"
done
command -v timeout >/dev/null || die "timeout (coreutils) is missing"
PY=$(command -v python3 || true)
[ -n "$PY" ] || PY=$ROOT/.venv/bin/python
[ -x "$PY" ] || die "python3 is missing (it reads the tools' JSON reports)"

# Peak RSS: GNU time's %M (from wait4: the largest single process of the tree, in KiB).
# Without GNU time (and when it cannot be installed), a Python stand-in reads the same
# number from getrusage(RUSAGE_CHILDREN).
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "installing GNU time (apt-get install time) ..." >&2
  { apt-get install -y -qq time || { apt-get update -qq && apt-get install -y -qq time; }; } >/dev/null 2>&1 || true
fi
cat >"$scratch/maxrss.py" <<'EOF'
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as f:
    u = resource.getrusage(resource.RUSAGE_CHILDREN)
    f.write("%d %.2f %.2f\n" % (u.ru_maxrss, u.ru_utime, u.ru_stime))
sys.exit(rc if rc >= 0 else 128 - rc)
EOF

# measure OUT ERR CMD...: runs CMD under `timeout`; sets M_WALL (s), M_RSS (KiB), M_CPU
# (user + system s), M_RC.
measure() {
  local out=$1 err=$2 t0 t1
  shift 2
  M_RC=0
  rm -f "$scratch/rss"
  t0=$(date +%s%N)
  if [ -x /usr/bin/time ]; then
    /usr/bin/time -f '%M %U %S' -o "$scratch/rss" timeout -k 10 "$RUN_TIMEOUT" "$@" >"$out" 2>"$err" || M_RC=$?
  else
    "$PY" "$scratch/maxrss.py" "$scratch/rss" timeout -k 10 "$RUN_TIMEOUT" "$@" >"$out" 2>"$err" || M_RC=$?
  fi
  t1=$(date +%s%N)
  M_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", (b - a) / 1e9 }')
  local usage
  usage=$(tail -n 1 "$scratch/rss" 2>/dev/null || true)
  M_RSS=$(awk '{ print $1 }' <<<"$usage")
  M_CPU=$(awk '{ printf "%.2f", $2 + $3 }' <<<"$usage")
  [[ "$M_RSS" =~ ^[0-9]+$ ]] || M_RSS=0
}

# check_rc TOOL RC ERRFILE OK-CODES...: a run that timed out or crashed stops the benchmark.
check_rc() {
  local tool=$1 rc=$2 err=$3 ok
  shift 3
  for ok in "$@"; do [ "$rc" = "$ok" ] && return 0; done
  if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
    die "$tool timed out after ${RUN_TIMEOUT}s (RUN_TIMEOUT); last lines of its stderr:$(echo; tail -n 5 "$err")"
  fi
  die "$tool failed with exit code $rc (completed runs exit with $*); last lines of its stderr:$(echo; tail -n 15 "$err")"
}

RESULTS=()
# bench TOOL MODE N FILES TEMPLATES FINDINGS OK-CODES -- CMD...: warm-up done by the caller;
# times N runs, keeps one result line.
bench() {
  local tool=$1 mode=$2 n=$3 files=$4 templates=$5 findings=$6 oks=$7 i walls=() cpus=() rss=0
  shift 8
  for ((i = 1; i <= n; i++)); do
    measure /dev/null "$scratch/timed.err" "$@"
    # shellcheck disable=SC2086
    check_rc "$tool" "$M_RC" "$scratch/timed.err" $oks
    walls+=("$M_WALL")
    cpus+=("$M_CPU")
    ((M_RSS > rss)) && rss=$M_RSS
  done
  local stats
  stats=$(printf '%s\n' "${walls[@]}" | sort -g | awk '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%.3f %.3f %.3f", m, v[1], v[NR] }')
  local median min max cpu
  read -r median min max <<<"$stats"
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -g | awk '
    { v[NR] = $1 }
    END { printf "%.2f", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  local rate mib
  rate=$(awk -v f="$files" -v s="$median" 'BEGIN { printf "%.1f", (s > 0) ? f / s : 0 }')
  mib=$(awk -v k="$rss" 'BEGIN { printf "%.1f", k / 1024 }')
  RESULTS+=("$(printf '%-9s %-26s %5s %9s %8s %9s %8s %8s %7s %9s %8s' \
    "$tool" "$mode" "$files" "$templates" "$findings" "$median" "$min" "$max" "$cpu" "$rate" "$mib")")
  printf '  %s %s: median %ss over %d runs\n' "$tool" "$mode" "$median" "$n" >&2
  local raw
  raw=$(awk -v f="$files" -v s="$median" 'BEGIN { printf "%.6f", (s > 0) ? f / s : 0 }')
  [ "$tool/$mode" = "ferrule/3 rules" ] && FERRULE_RATE=$raw
  [ "$tool/$mode" = "cfn-guard/3 rules" ] && GUARD_RATE=$raw
  return 0
}

# Files a directory walk offers (.yaml .yml .json .template; hidden dirs and node_modules
# left out, as `rdk check` and checkov do).
FILES=$(find "$TREE" \( -name '.?*' -o -name node_modules \) -prune -o -type f \
  \( -iname '*.yaml' -o -iname '*.yml' -o -iname '*.json' -o -iname '*.template' \) -print | wc -l)
FILES=${FILES// /}

# ---------------------------------------------------------------- tools
if wants ferrule; then
  if [ -n "${RDK_BIN:-}" ]; then
    RDK=$RDK_BIN
    echo "check.sh: RDK_BIN=$RDK: no release build, figures for a smoke test only" >&2
  else
    command -v cargo >/dev/null || die "cargo is missing (https://rustup.rs)"
    echo "building rdk (cargo build --release -p rdk) ..." >&2
    timeout "$BUILD_TIMEOUT" cargo build --release -q -p rdk || die "cargo build --release -p rdk failed"
    RDK=$ROOT/target/release/rdk
  fi
  [ -x "$RDK" ] || die "$RDK is missing"
fi

if wants cfn-guard; then
  GUARD=${CFN_GUARD:-}
  if [ -z "$GUARD" ]; then
    if [ -x "$BENCH_TOOLS/bin/cfn-guard" ]; then
      GUARD=$BENCH_TOOLS/bin/cfn-guard
    elif command -v cfn-guard >/dev/null && cfn-guard --version 2>/dev/null | grep -q ' 3\.'; then
      GUARD=$(command -v cfn-guard)
    else
      command -v cargo >/dev/null || die "cfn-guard is missing and cargo is not there to install it"
      echo "installing cfn-guard $CFN_GUARD_VERSION into $BENCH_TOOLS (once; a few minutes) ..." >&2
      timeout "$BUILD_TIMEOUT" cargo install cfn-guard --version "$CFN_GUARD_VERSION" --locked --root "$BENCH_TOOLS" \
        || die "could not install cfn-guard: cargo install cfn-guard --version $CFN_GUARD_VERSION --locked --root $BENCH_TOOLS"
      GUARD=$BENCH_TOOLS/bin/cfn-guard
    fi
  fi
  [ -x "$GUARD" ] || die "cfn-guard is missing ($GUARD)"
  "$GUARD" --version 2>/dev/null | grep -q ' 3\.' || die "cfn-guard 3.x is needed; $GUARD is $("$GUARD" --version 2>&1 | head -n 1)"
  ls "$GUARD_RULES"/*.guard >/dev/null 2>&1 || die "no Guard rules in $GUARD_RULES"
fi

if wants checkov; then
  [ -x "$CHECKOV" ] || die "checkov is missing ($CHECKOV): run bash tests/run-all.sh first (it installs tests/requirements.txt into .venv), or set CHECKOV"
  # Offline: no download of Bridgecrew/Prisma guidelines.
  export BC_SKIP_MAPPING=TRUE
  # checkov 3.3 crashes (TypeError: unhashable type: 'dict') on a template whose resource
  # Type is not a string: the Rain pre-processor templates (`Type: !Rain::Module`). Those
  # are left out of its run; ferrule and cfn-guard read them (ferrule lists them as
  # skipped: not deployable templates).
  CKV_SKIP=()
  while IFS= read -r f; do
    CKV_SKIP+=(--skip-path "$(printf '%s' "$f" | sed 's/[][\\.^$*+?(){}|]/\\&/g')")
  done < <(grep -rlE 'Rain::Module' "$TREE" | sort)
  CKV_SKIPPED=$((${#CKV_SKIP[@]} / 2))
  CKV_FILES=$((FILES - CKV_SKIPPED))
fi

echo "machine: $(nproc) cores, $(uname -sm); load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "tree: $TREE, $FILES template-like files" >&2

# ---------------------------------------------------------------- ferrule
if wants ferrule; then
  ferrule_counts() { # report.json -> "templates nonCompliant"
    "$PY" - "$1" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
assert s["templates"] > 0, "no template judged"
print(s["templates"], s["nonCompliant"])
EOF
  }
  catalog=$("$RDK" rules --format json | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)))')
  for mode in "3 rules" "catalog ($catalog rules)"; do
    args=()
    [ "$mode" = "3 rules" ] && args=(--rules "$RULES")
    cmd=("$RDK" check "$TREE" "${args[@]}" --format json)
    measure "$scratch/ferrule.log" "$scratch/ferrule.err" "${cmd[@]}" --output "$scratch/ferrule.json"
    check_rc ferrule "$M_RC" "$scratch/ferrule.err" 0 1 2
    counts=$(ferrule_counts "$scratch/ferrule.json") || die "ferrule's report $scratch/ferrule.json is not what rdk check writes"
    read -r templates findings <<<"$counts"
    bench ferrule "$mode" "$N_FERRULE" "$FILES" "$templates" "$findings" "0 1 2" -- "${cmd[@]}" --output /dev/null
  done
fi

# ---------------------------------------------------------------- cfn-guard
if wants cfn-guard; then
  # Exit 0: every file passes or skips; 19: a rule failed. A data file Guard cannot parse
  # aborts the whole run (exit 255, no report), which check_rc reports.
  cmd=("$GUARD" validate --data "$TREE" --rules "$GUARD_RULES" --output-format json --show-summary none --structured)
  measure "$scratch/guard.json" "$scratch/guard.err" "${cmd[@]}"
  check_rc cfn-guard "$M_RC" "$scratch/guard.err" 0 19
  counts=$("$PY" - "$scratch/guard.json" <<'EOF'
import json, re, sys
files = json.load(open(sys.argv[1]))
assert files, "no file judged"
bad = set()
for f in files:
    for nc in f.get("not_compliant", []):
        for res in re.findall(r'"/Resources/([^/"]+)', json.dumps(nc)):
            bad.add((f["name"], res))
print(len(files), len(bad))
EOF
) || die "cfn-guard's report $scratch/guard.json is not the JSON list cfn-guard --structured writes"
  read -r templates findings <<<"$counts"
  bench cfn-guard "3 rules" "$N_GUARD" "$FILES" "$templates" "$findings" "0 19" -- "${cmd[@]}"
fi

# ---------------------------------------------------------------- checkov
if wants checkov; then
  for mode in "3 controls (7 checks)" "all CloudFormation checks"; do
    args=()
    [ "$mode" = "3 controls (7 checks)" ] && args=(--check "$CKV_IDS")
    cmd=("$CHECKOV" -d "$TREE" --framework cloudformation "${args[@]}" "${CKV_SKIP[@]}" --skip-download -o json)
    measure "$scratch/checkov.json" "$scratch/checkov.err" "${cmd[@]}"
    check_rc checkov "$M_RC" "$scratch/checkov.err" 0 1
    # templates: files with at least one result (checkov does not list the others).
    counts=$("$PY" - "$scratch/checkov.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
reports = d if isinstance(d, list) else [d]
files, failed = set(), 0
for r in reports:
    if r.get("check_type") != "cloudformation":
        continue
    for kind in ("passed_checks", "failed_checks"):
        for c in r["results"][kind]:
            files.add(c["file_path"])
    failed += r["summary"]["failed"]
assert files, "no template judged"
print(len(files), failed)
EOF
) || die "checkov's report $scratch/checkov.json has no CloudFormation results"
    read -r templates findings <<<"$counts"
    bench checkov "$mode" "$N_CHECKOV" "$CKV_FILES" "$templates" "$findings" "0 1" -- "${cmd[@]}"
  done
fi

# ---------------------------------------------------------------- report
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
printf '%-9s %-26s %5s %9s %8s %9s %8s %8s %7s %9s %8s\n' \
  tool mode files templates findings median_s min_s max_s cpu_s files/s rss_MiB
printf '%s\n' "${RESULTS[@]}"
echo "files: template-like files offered$(wants checkov && echo " (checkov: less the $CKV_SKIPPED Rain pre-processor files it crashes on)")"
cat <<'EOF'
templates: what the tool judged (ferrule: files read as templates; cfn-guard: every data
  file; checkov: files with at least one check result)
findings: ferrule NON_COMPLIANT resources; cfn-guard non-compliant resources; checkov failed
  checks (one resource can fail several)
median_s, min_s, max_s: wall seconds; cpu_s: median user + system CPU seconds (ferrule judges
  on every core, cfn-guard on one); files/s: files / median wall seconds
rss_MiB: peak RSS of the largest single process over all runs (checkov's forked parser
  workers are each counted on their own)
EOF
if [ -n "${FERRULE_RATE:-}" ] && [ -n "${GUARD_RATE:-}" ]; then
  awk -v a="$FERRULE_RATE" -v b="$GUARD_RATE" \
    'BEGIN { printf "ferrule / cfn-guard (3 rules, files/s): %.2f\n", (b > 0) ? a / b : 0 }'
fi
