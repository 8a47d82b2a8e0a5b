#!/usr/bin/env bash
# Emulator benchmark with wrk (not a test; CI does not run it). Builds a Release emulator in
# ${BUILD_DIR:-build-release} when missing, then measures:
#   1. token generation (POST tokens/generate), target >= 20,000 req/s on 2 cores
#   2. start + post + GET round trips (3 requests each)
#   3. 1,000 concurrent connections on GET activities, with zero errors expected
# Env: DURATION (default 10s), THREADS (wrk threads, default 2), EMULATOR_THREADS (default: the
# emulator's own default). Prints a table; exits non-zero if any run saw errors.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-build-release}"
case "$build_dir" in /*) ;; *) build_dir="$repo/$build_dir" ;; esac
emulator="${DIRECTLINE_EMULATOR:-$build_dir/bin/directline-emulator}"
duration="${DURATION:-10s}"
wrk_threads="${THREADS:-2}"
export DL_BENCH_DIR="$repo/bench/emulator"
export DL_SECRET="bench-secret-0123456789"

command -v wrk >/dev/null || { echo "bench-emulator: wrk not installed (apt-get install wrk)" >&2; exit 2; }
if [[ ! -x "$emulator" ]]; then
  echo "bench-emulator: building a Release emulator in $build_dir" >&2
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDL_BUILD_TESTS=OFF \
        -DDL_BUILD_CLI=OFF -DDL_BUILD_BENCH=OFF -DDL_BUILD_SWIG=OFF >/dev/null
  cmake --build "$build_dir" --target directline-emulator
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

workdir="$(mktemp -d)"
emulator_pid=""
cleanup() {
  if [[ -n "$emulator_pid" ]] && kill -0 "$emulator_pid" 2>/dev/null; then
    kill -TERM "$emulator_pid"; wait "$emulator_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap cleanup EXIT

emulator_args=(--port 0 --secret "$DL_SECRET" --log-level error --keepalive 0)
[[ -n "${EMULATOR_THREADS:-}" ]] && emulator_args+=(--threads "$EMULATOR_THREADS")
"$emulator" "${emulator_args[@]}" >"$workdir/stdout" 2>"$workdir/stderr" &
emulator_pid=$!
for _ in $(seq 100); do
  grep -q '^listening on ' "$workdir/stdout" 2>/dev/null && break
  sleep 0.1
done
base="$(sed -n 's/^listening on //p' "$workdir/stdout" | head -1)"
[[ -n "$base" ]] || { echo "bench-emulator: emulator did not start: $(cat "$workdir/stderr")" >&2; exit 1; }

conversation="$(curl -sf -X POST -H "Authorization: Bearer $DL_SECRET" "$base/v3/directline/conversations" |
                sed -n 's/.*"conversationId" *: *"\([^"]*\)".*/\1/p')"
[[ -n "$conversation" ]] || { echo "bench-emulator: could not start a conversation" >&2; exit 1; }
curl -sf -X POST -H "Authorization: Bearer $DL_SECRET" -H "Content-Type: application/json" \
     -d '{"type":"message","from":{"id":"u1"},"text":"seed"}' \
     "$base/v3/directline/conversations/$conversation/activities" >/dev/null
export DL_CONVERSATION="$conversation"

load_before="$(cut -d' ' -f1 /proc/loadavg)"
results=()
run() {  # label connections script
  local label="$1" connections="$2" script="$3" line
  wrk -t"$wrk_threads" -c"$connections" -d1s -s "$DL_BENCH_DIR/$script" "$base" >/dev/null 2>&1 || true  # warm-up
  line="$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" --timeout 5s --latency \
              -s "$DL_BENCH_DIR/$script" "$base" | grep '^RESULT ')"
  results+=("$label|$connections|$line")
}

run "tokens/generate" 64 tokens.lua
run "start+post+get (3 requests)" 32 roundtrip.lua
run "GET activities, 1000 connections" 1000 activities.lua

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$2"; }
echo
echo "directline-emulator benchmark: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, load average before: $load_before, wrk -t$wrk_threads -d$duration, $emulator"
printf '%-34s %6s %10s %9s %9s %9s %9s %8s %8s\n' workload conns req/s p50_ms p90_ms p99_ms max_ms non2xx sockerr
status=0
for entry in "${results[@]}"; do
  IFS='|' read -r label connections line <<<"$entry"
  printf '%-34s %6s %10s %9s %9s %9s %9s %8s %8s\n' "$label" "$connections" "$(field rps "$line")" \
    "$(field p50_ms "$line")" "$(field p90_ms "$line")" "$(field p99_ms "$line")" "$(field max_ms "$line")" \
    "$(field non2xx "$line")" "$(field socket_errors "$line")"
  if [[ "$(field non2xx "$line")" != 0 || "$(field socket_errors "$line")" != 0 ]]; then
    status=1
    echo "  -> errors: non-2xx $(field non2xx "$line"), connect $(field connect "$line"), read $(field read "$line"), write $(field write "$line"), timeout (> 5 s) $(field timeout "$line")"
  fi
  if [[ "$label" == start* ]]; then
    echo "  -> $(awk -v r="$(field rps "$line")" 'BEGIN { printf "%.0f", r / 3 }') round trips/s"
  fi
done
exit $status
