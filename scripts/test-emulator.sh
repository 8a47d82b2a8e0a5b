#!/usr/bin/env bash
# Runs the emulator conformance suite (tests/emulator, pytest) against a built emulator.
# Usage: BUILD_DIR=build scripts/test-emulator.sh [extra pytest args]
# Exits with pytest's status.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-build}"
case "$build_dir" in /*) ;; *) build_dir="$repo/$build_dir" ;; esac
export DIRECTLINE_EMULATOR="${DIRECTLINE_EMULATOR:-$build_dir/bin/directline-emulator}"
if [[ ! -x "$DIRECTLINE_EMULATOR" ]]; then
  echo "test-emulator: no emulator at $DIRECTLINE_EMULATOR (build the directline-emulator target first)" >&2
  exit 2
fi
python="${PYTHON:-$repo/.venv/bin/python}"
[[ -x "$python" ]] || python=python3
cd "$repo/tests/emulator" || exit 2
exec "$python" -m pytest -p no:cacheprovider "$@"
