#!/usr/bin/env bash
# The README's main job, end to end on this machine: install what is needed,
# build the library, the emulator and the CLI, start a local Direct Line
# server (the emulator, loopback only, random secret), then with the CLI:
# generate a token, start a conversation with it, send "hello" and print the
# bot's reply. Exits 0 only if the reply is "echo: hello".
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=${BUILD_DIR:-build}
PY=.venv/bin/python

step() { printf '\n==> %s\n' "$*"; }
die() { printf 'demo: %s\n' "$*" >&2; exit 1; }

step "Installing dependencies (scripts/install-deps.sh)"
bash scripts/install-deps.sh

step "Building the library, the emulator and the CLI into $BUILD/"
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$BUILD" --target directline directline-emulator directline_cli
CLI=$BUILD/bin/directline
EMULATOR=$BUILD/bin/directline-emulator

# Secrets live in a private temp dir (mode 600), never in argv.
umask 077
work=$(mktemp -d "${TMPDIR:-/tmp}/directline-demo.XXXXXX")
emulator_pid=
cleanup() {
  if [ -n "$emulator_pid" ] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill "$emulator_pid" && wait "$emulator_pid" 2>/dev/null || true
    echo "emulator stopped"
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "Starting the emulator on 127.0.0.1 with a random secret"
od -An -N24 -tx1 /dev/urandom | tr -d ' \n' >"$work/secret"
"$EMULATOR" --port 0 --secret-file "$work/secret" >"$work/emulator.out" 2>"$work/emulator.err" &
emulator_pid=$!
line=
for _ in $(seq 100); do
  line=$(head -n1 "$work/emulator.out" 2>/dev/null || true)
  [ -n "$line" ] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$work/emulator.err" >&2; die "the emulator exited"; }
  sleep 0.1
done
[[ $line == "listening on "* ]] || die "the emulator did not start: $line"
base=${line#listening on }
export DIRECTLINE_ENDPOINT=$base/v3/directline
echo "$line (endpoint $DIRECTLINE_ENDPOINT)"

# field JSON NAME: one field of a JSON object (the venv's Python; no jq needed).
field() { "$PY" -c 'import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$1" "$2"; }
# Tokens are credentials too: show only their length (also the stream URL's t=).
show() {
  "$PY" - "$1" <<'PYEOF'
import json, re, sys
o = json.loads(sys.argv[1])
if "token" in o:
    o["token"] = "<%d chars>" % len(o["token"])
if "streamUrl" in o:
    o["streamUrl"] = re.sub(r"([?&]t=)[^&]*", r"\1<redacted>", o["streamUrl"])
print(json.dumps(o))
PYEOF
}

step "directline generate-token --secret-file SECRET"
token_json=$("$CLI" generate-token --secret-file "$work/secret")
show "$token_json"
DIRECTLINE_TOKEN=$(field "$token_json" token)
export DIRECTLINE_TOKEN   # the CLI reads the token from the environment, not argv

step "directline start-conversation   (with the token)"
conversation_json=$("$CLI" start-conversation)
show "$conversation_json"
conversation=$(field "$conversation_json" conversationId)
[ "$conversation" = "$(field "$token_json" conversationId)" ] || die "the token's conversation was not started"

step "directline send --conversation $conversation --text hello"
"$CLI" send --conversation "$conversation" --text hello

step "directline listen --conversation $conversation --from-start --skip-own --type message --max 1 --wait 15"
reply_json=$("$CLI" listen --conversation "$conversation" --from-start --skip-own --type message --max 1 --wait 15)
echo "$reply_json"
reply=$(field "$reply_json" text)

step "Result"
if [ "$reply" = "echo: hello" ]; then
  echo "OK: the bot replied \"$reply\""
  exit 0
fi
die "expected the reply \"echo: hello\", got \"$reply\""
