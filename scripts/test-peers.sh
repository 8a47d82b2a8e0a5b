#!/usr/bin/env bash
# Interop with the official peers: DirectLineJS (polling and WebSocket) against the emulator's
# echo bot, and a botbuilder bot behind the emulator. Needs Node >= 18 and a built emulator in
# ${BUILD_DIR:-build}. Prints one line per check and `N passed, N failed` last; exit 0 iff none failed.
set -uo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-build}"
case "$build_dir" in /*) ;; *) build_dir="$repo/$build_dir" ;; esac
export DIRECTLINE_EMULATOR="${DIRECTLINE_EMULATOR:-$build_dir/bin/directline-emulator}"
export NO_PROXY="127.0.0.1,localhost${NO_PROXY:+,$NO_PROXY}" no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
peers="$repo/tests/peers"

if [[ ! -x "$DIRECTLINE_EMULATOR" ]]; then
  echo "test-peers: no emulator at $DIRECTLINE_EMULATOR (build the directline-emulator target first)" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
if [[ ! -d "$peers/node_modules" ]]; then
  echo "test-peers: installing the peers (npm install)"
  if ! (cd "$peers" && npm install --no-audit --no-fund --loglevel=error >/dev/null); then
    echo "test-peers: npm install failed" >&2
    echo "0 passed, 1 failed"
    exit 1
  fi
fi

passed=0 failed=0
run() {
  local output status
  # Each script has its own deadline; `timeout` is the backstop if Node itself wedges.
  output="$(cd "$peers" && timeout 90 node "$@" 2>&1)"
  status=$?
  printf '%s\n' "$output" | grep -v '^#'
  local p f
  p=$(printf '%s\n' "$output" | grep -c '^PASS ' || true)
  f=$(printf '%s\n' "$output" | grep -c '^FAIL ' || true)
  if [[ $status -ne 0 && $f -eq 0 ]]; then
    echo "FAIL $*: exited with status $status"
    f=1
  fi
  passed=$((passed + p)) failed=$((failed + f))
}

run directlinejs.js polling
run directlinejs.js websocket
run botbuilder-echo.js

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
