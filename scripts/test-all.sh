#!/usr/bin/env bash
# README's test command: installs what it needs, builds everything, runs every
# suite (C/C++ unit + integration + receive + hostile server + C + CLI + ABI
# baseline, fuzz targets briefly, emulator conformance, official JS peers,
# Python wheel, Java, C#, the integration suite against the cpprestsdk build,
# then ASan+UBSan and TSan builds),
# and ends with one line "N passed, N failed" summed over all suites.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=${BUILD_DIR:-build}
LOGS=$BUILD/test-logs
JOBS=${JOBS:-2}

bash scripts/install-deps.sh || { echo "dependency install failed"; exit 1; }

cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 1
cmake --build "$BUILD" -j "$JOBS" || { echo "build failed"; exit 1; }
mkdir -p "$LOGS"
export DIRECTLINE_EMULATOR=$ROOT/$BUILD/bin/directline-emulator
export BUILD_DIR=$BUILD

total_pass=0 total_fail=0 failed_stages=()

# stage NAME CMD...: runs CMD, keeps its log, adds its counts to the totals.
stage() {
  local name=$1; shift
  echo "=== $name: $*"
  local start=$SECONDS
  "$@" 2>&1 | tee "$LOGS/$name.log"
  local rc=${PIPESTATUS[0]}
  read -r p f < <(.venv/bin/python scripts/count_results.py "$LOGS/$name.log")
  if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi   # a crash or build error counts as a failure
  total_pass=$((total_pass + p)); total_fail=$((total_fail + f))
  [ "$rc" = 0 ] || failed_stages+=("$name")
  echo "=== $name: exit $rc, $p passed, $f failed, $((SECONDS - start)) s"
}

stage ctest ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout 300
# libFuzzer targets (clang build in build-fuzz), 5 s each over the committed seeds
# (the library's parsers; longer campaigns and the emulator's: scripts/fuzz.sh, tests/fuzz/README.md).
stage fuzz env FUZZ_BUILD_DIR="$BUILD-fuzz" bash scripts/fuzz.sh 5
stage emulator bash scripts/test-emulator.sh
stage peers bash scripts/test-peers.sh
stage python bash scripts/test-python.sh
stage java bash scripts/test-java.sh
stage csharp bash scripts/test-csharp.sh

# The integration suite against the cpprestsdk build of the library
# (-DDL_HTTP_BACKEND=cpprest): only the library and that suite are built.
cpprest_integration() {
  local dir=$BUILD-cpprest
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DDL_HTTP_BACKEND=cpprest \
        -DDL_BUILD_EMULATOR=OFF -DDL_BUILD_CLI=OFF -DDL_BUILD_BENCH=OFF -DDL_BUILD_SWIG=OFF >/dev/null &&
  cmake --build "$dir" -j "$JOBS" --target core_integration_tests &&
  ctest --test-dir "$dir" --output-on-failure --timeout 300 -R '^core_integration$'
}
stage cpprest cpprest_integration

# Sanitizers over the library and its C/C++ tests (the emulator comes from the main build).
SAN_TARGETS=(core_unit_tests core_integration_tests receive_unit_tests receive_tests receive_core_tests receive_resume_helper cpp_wrapper_tests hostile_tests)
sanitized() {
  local dir=$1 san=$2; shift 2
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDL_SANITIZE="$san" \
        -DDL_BUILD_EMULATOR=OFF -DDL_BUILD_CLI=OFF -DDL_BUILD_BENCH=OFF -DDL_BUILD_SWIG=OFF >/dev/null &&
  cmake --build "$dir" -j "$JOBS" --target "${SAN_TARGETS[@]}" &&
  ctest --test-dir "$dir" --output-on-failure --timeout 900 "$@"
}
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
stage asan-ubsan sanitized "$BUILD-asan" address,undefined -L '^(unit|integration|receive|cpp)$' -j "$JOBS"
# ThreadSanitizer: the multi-threaded receive suite (suppressions: tests/receive/tsan.supp).
stage tsan sanitized "$BUILD-tsan" thread -R '^receive_'

echo
if ((${#failed_stages[@]})); then echo "failed stages: ${failed_stages[*]}"; fi
echo "$total_pass passed, $total_fail failed"
[ "$total_fail" = 0 ] && [ ${#failed_stages[@]} = 0 ]
