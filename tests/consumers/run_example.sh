#!/usr/bin/env bash
# Runs one example program against a fresh emulator and checks what every
# example under examples/ prints: the bot's echo of "hello", the handled error
# of a wrong secret, and never the secret itself.
# usage: run_example.sh EMULATOR COMMAND [ARGS...]
#   (the program gets DIRECTLINE_SECRET and DIRECTLINE_ENDPOINT, Direct Line 3.0)
set -euo pipefail
emulator=${DIRECTLINE_EMULATOR:-$1}; shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/emulator.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/dl-run-example.XXXXXX")
trap 'stop_emulator; rm -rf "$work"' EXIT
start_emulator "$emulator" "$work"

echo "--- $* (emulator at $emu_base)"
status=0
DIRECTLINE_SECRET=$emu_secret DIRECTLINE_ENDPOINT=$emu_base/v3/directline \
  timeout 120 "$@" >"$work/out" 2>&1 || status=$?
cat "$work/out"
fail() { echo "FAIL: $*"; exit 1; }
[ "$status" = 0 ] || fail "the example exited with $status"
grep -qx 'bot: echo: hello' "$work/out" || fail "no 'bot: echo: hello' line"
grep -q '^wrong secret rejected: ' "$work/out" || fail "no 'wrong secret rejected: ...' line"
if grep -qF "$emu_secret" "$work/out"; then fail "the secret appeared in the output"; fi
echo "PASS: $(basename "$1") replied and handled the error"
