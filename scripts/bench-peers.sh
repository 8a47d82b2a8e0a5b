#!/usr/bin/env bash
# Benchmarks our clients (C API, Python package) against their peers (DirectLineJS
# 0.15.8 in WebSocket and polling mode, Node http keep-alive, Python requests) in
# the same run against one Release emulator. Not part of CI; about 1-2 minutes.
# See bench/peers/README.md. Environment overrides:
#   LIB_DIR            directory holding libdirectline.so.1 (default: first built build*/lib)
#   DIRECTLINE_EMULATOR a Release emulator binary (default: build-emutests-release, else
#                      build-benchpeers is configured as Release and built)
#   DIRECTLINE_PYTHON  a python with the directline package (default build/py-test-venv,
#                      else `pip install .` into /tmp/directline-bench-venv)
#   ROUNDS (5) TOKENS (500) ECHO (200) POLLING_ECHO (20) CONCURRENT ("100 20"; "0" skips)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$PWD

find_lib_dir() {
  local dir
  for dir in build-core build-cli build-py build-recv build-swig build; do
    if [ -e "$REPO/$dir/lib/libdirectline.so.1" ]; then echo "$REPO/$dir/lib"; return; fi
  done
}

find_or_build_emulator() {
  if [ -n "${DIRECTLINE_EMULATOR:-}" ]; then echo "$DIRECTLINE_EMULATOR"; return; fi
  if [ -x "$REPO/build-emutests-release/bin/directline-emulator" ]; then
    echo "$REPO/build-emutests-release/bin/directline-emulator"; return
  fi
  cmake -S "$REPO" -B "$REPO/build-benchpeers" -G Ninja -DCMAKE_BUILD_TYPE=Release >&2
  cmake --build "$REPO/build-benchpeers" --target directline-emulator >&2
  echo "$REPO/build-benchpeers/bin/directline-emulator"
}

find_or_install_python() {
  if [ -n "${DIRECTLINE_PYTHON:-}" ]; then echo "$DIRECTLINE_PYTHON"; return; fi
  local candidate
  for candidate in "$REPO/build/py-test-venv/bin/python" /tmp/directline-bench-venv/bin/python; do
    if [ -x "$candidate" ] && "$candidate" -c 'import directline' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  "$REPO/.venv/bin/python" -m venv /tmp/directline-bench-venv >&2
  /tmp/directline-bench-venv/bin/pip install -q "$REPO" >&2
  echo /tmp/directline-bench-venv/bin/python
}

LIB_DIR=${LIB_DIR:-$(find_lib_dir)}
if [ -z "$LIB_DIR" ]; then
  echo "bench-peers: no built libdirectline.so.1; build the 'directline' target first (or set LIB_DIR)" >&2
  exit 1
fi
EMULATOR=$(find_or_build_emulator)
DIRECTLINE_PYTHON=$(find_or_install_python)
REQUESTS_PYTHON=$REPO/.venv/bin/python
if [ ! -d "$REPO/tests/peers/node_modules/botframework-directlinejs" ]; then
  echo "bench-peers: tests/peers/node_modules is missing; run scripts/install-deps.sh" >&2
  exit 1
fi

status=0
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cc -O2 -std=c99 -Wall -Wextra -Werror -I"$REPO/capi/include" "$REPO/bench/peers/bench_c.c" \
   -o "$WORK/bench_c" -L"$LIB_DIR" -ldirectline -lpthread -Wl,-rpath,"$LIB_DIR"

CONCURRENT=${CONCURRENT:-100 20}
if [ "$CONCURRENT" = 0 ]; then CONCURRENT_ARGS=(--no-concurrent); else CONCURRENT_ARGS=(--concurrent $CONCURRENT); fi

echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "host: $(nproc) cores, $(uname -sr); load before: $(uptime | sed 's/.*load average/load average/')"
echo "library: $LIB_DIR/libdirectline.so.1 (C client); emulator: $EMULATOR"
echo "python package: $("$DIRECTLINE_PYTHON" -c 'import directline, os; print(os.path.dirname(directline.__file__))')"
"$REQUESTS_PYTHON" "$REPO/bench/peers/run_bench.py" --emulator "$EMULATOR" --bench-c "$WORK/bench_c" \
  --directline-python "$DIRECTLINE_PYTHON" --requests-python "$REQUESTS_PYTHON" \
  --rounds "${ROUNDS:-5}" --tokens "${TOKENS:-500}" --echo "${ECHO:-200}" \
  --polling-echo "${POLLING_ECHO:-20}" "${CONCURRENT_ARGS[@]}" ${JSON_OUT:+--json "$JSON_OUT"} || status=$?
echo "load after: $(uptime | sed 's/.*load average/load average/')"
exit $status
