#!/usr/bin/env bash
# Runs every test of ferrule. Needs only Rust, Python 3 and network access to the
# package registries: the Python tools the end-to-end tests use (cargo-lambda for a
# real Lambda Runtime API, moto for STS) go into ./.venv from tests/requirements.txt.
set -euo pipefail
cd "$(dirname "$0")/.."

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

echo "==> building the workspace (functions included: the end-to-end tests run them)"
cargo build --workspace --all-targets
echo "==> running every test"
cargo test --workspace "$@"
