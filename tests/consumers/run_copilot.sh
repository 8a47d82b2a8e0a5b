#!/usr/bin/env bash
# Runs one copilot example against a fresh emulator's Copilot Studio agent and
# checks what every examples/*/copilot* prints: the greeting, at least three
# lines of a streamed answer growing, the final "echo:" message and the sign-in
# URL of the OAuth card.
# usage: run_copilot.sh EMULATOR COMMAND [ARGS...]
#   (the program gets the agent's token endpoint in DIRECTLINE_TOKEN_ENDPOINT)
set -euo pipefail
emulator=${DIRECTLINE_EMULATOR:-$1}; shift
here=$(cd "$(dirname "$0")" && pwd)
. "$here/emulator.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/dl-run-copilot.XXXXXX")
trap 'stop_emulator; rm -rf "$work"' EXIT
start_emulator "$emulator" "$work"
url="$emu_base/powervirtualagents/botsbyschema/emulator.agent/directline/token?api-version=2022-03-01-preview"

echo "--- $* (agent token endpoint at $emu_base)"
status=0
DIRECTLINE_TOKEN_ENDPOINT=$url timeout 120 "$@" >"$work/out" 2>&1 || status=$?
cat "$work/out"
fail() { echo "FAIL: $*"; exit 1; }
[ "$status" = 0 ] || fail "the example exited with $status"
grep -q '^bot: Hello' "$work/out" || fail "no greeting ('bot: Hello...')"
chunks=$(grep -c '^\.\.\. ' "$work/out" || true)
[ "$chunks" -ge 3 ] || fail "$chunks lines of streamed text, expected at least 3"
grep -qx 'bot: echo: What is Direct Line?' "$work/out" || fail "no final 'bot: echo: What is Direct Line?'"
grep -q "^sign in at: $emu_base/signin?" "$work/out" || fail "no 'sign in at: $emu_base/signin?...'"
echo "PASS: $(basename "$1") greeted, streamed $chunks updates and found the sign-in URL"
