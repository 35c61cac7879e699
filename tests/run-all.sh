#!/usr/bin/env bash
# Runs every test of ferrule. Needs only Rust, Python 3 and network access to the
# package registries: the Python tools the end-to-end tests use (cargo-lambda for a
# real Lambda Runtime API, moto for STS) go into ./.venv from tests/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
# Nothing here reads the terminal.
exec </dev/null

venv=.venv
stamp="$venv/.requirements.sha256"
want=$(sha256sum tests/requirements.txt | cut -d' ' -f1)
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "==> installing Python test tools into $venv (tests/requirements.txt)"
  "$venv/bin/pip" install --quiet --disable-pip-version-check -r tests/requirements.txt
  echo "$want" > "$stamp"
fi
export PATH="$PWD/$venv/bin:$PATH"
for tool in cargo-lambda moto_server cfn-lint checkov; do
  command -v "$tool" >/dev/null || { echo "error: $tool is missing from $venv after installing tests/requirements.txt" >&2; exit 1; }
done

# Headless Chromium renders the HTML scan report in its test.
if [ ! -x /usr/bin/chromium ] && ! command -v chromium >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Chromium (Debian package) for the HTML report test"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "error: the HTML report test needs Chromium: install the Debian package chromium (sudo apt-get install chromium)" >&2
    exit 1
  fi
fi

# cargo 1.95's rustc target probe sometimes fails here, feeding rustc text that is not
# its empty probe program ("failed to run `rustc` to learn about target-specific
# information"), and caches the failure in target/.rustc_info.json so that every later
# command fails too. Drop the cached probe and run the command again when that happens.
cargo_retrying_probe() {
  local log
  log=$(mktemp)
  for attempt in 1 2 3; do
    if cargo "$@" 2>&1 | tee "$log"; then
      rm -f "$log"
      return 0
    fi
    if ! grep -q "to learn about target-specific information" "$log"; then
      rm -f "$log"
      return 1
    fi
    echo "==> cargo's rustc probe failed (attempt $attempt); dropping target/.rustc_info.json and retrying" >&2
    rm -f target/.rustc_info.json
  done
  rm -f "$log"
  return 1
}

echo "==> lint gate: rustfmt, clippy (warnings are errors), rustdoc (warnings are errors), cargo-deny"
cargo fmt --all --check
cargo_retrying_probe clippy --workspace --all-targets -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo_retrying_probe doc --workspace --no-deps --quiet
# Licences this project can ship, and no second major version of a crate without a
# written reason (deny.toml). cargo-deny goes into ./.tools, pinned, like cargo-fuzz.
deny_version=0.20.2
if ! .tools/bin/cargo-deny --version 2>/dev/null | grep -qx "cargo-deny $deny_version"; then
  echo "==> installing cargo-deny $deny_version into .tools"
  cargo_retrying_probe install cargo-deny --version "$deny_version" --locked --root "$PWD/.tools" --quiet
fi
.tools/bin/cargo-deny check licenses bans

echo "==> building the workspace (functions included: the end-to-end tests run them)"
cargo_retrying_probe build --workspace --all-targets --exclude functions
# The function binaries are two lines each over rules_lib and hold no tests; clippy has
# already compiled all of them. Link only those the end-to-end tests invoke through
# `cargo lambda watch` (any other one it builds on its first invocation): a debug
# binary is ~45 MB, and linking all 90 filled the disk of a CI machine.
watch_tests=$(grep -l "lambda_watch(" tests/tests/*.rs || true)
[ -n "$watch_tests" ] || { echo "error: no test calls lambda_watch( in tests/tests/*.rs" >&2; exit 1; }
invoked=()
for f in functions/src/bin/*.rs; do
  name=$(basename "$f" .rs)
  if grep -qF "\"$name\"" $watch_tests; then invoked+=(--bin "$name"); fi
done
if [ ${#invoked[@]} -eq 0 ]; then
  echo "error: no function name found in the cargo lambda watch tests ($watch_tests); tests/run-all.sh looks for quoted binary names there" >&2
  exit 1
fi
echo "==> linking the $(( ${#invoked[@]} / 2 )) functions the end-to-end tests invoke"
cargo_retrying_probe build -p functions "${invoked[@]}"
echo "==> running every test"
cargo test --workspace --exclude functions "$@"   # the build above has probed rustc for the same flags
echo "==> fuzzing every target for a short bounded time (tests/fuzz/run.sh; the regressions first)"
bash tests/fuzz/run.sh 15
