#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -DDL_FUZZ=ON, in $FUZZ_BUILD_DIR or
# build-fuzz) and runs each for SECONDS (default 10; CI gives 5; give more for a
# real campaign) over its committed seeds. Prints executions per target and in
# total, and ends with "N passed, N failed" (one per target; a crash, leak,
# timeout or broken invariant fails, its input saved as crash-*/leak-*/timeout-*
# in the build dir's tests/fuzz/).
#
# FUZZ_EMULATOR=1 adds the emulator's targets (tests/fuzz/emulator).
#
# usage: scripts/fuzz.sh [SECONDS] [TARGET...]   e.g. scripts/fuzz.sh 600 activity_set url
set -uo pipefail
cd "$(dirname "$0")/.."
SECONDS_EACH=${1:-10}
shift $(( $# > 0 ? 1 : 0 ))
BUILD=${FUZZ_BUILD_DIR:-build-fuzz}
JOBS=${JOBS:-2}
CXX=${FUZZ_CXX:-clang++-14}
CC=${FUZZ_CC:-clang-14}
command -v "$CXX" >/dev/null || { echo "$CXX not found (Debian: apt-get install clang-14)"; echo "0 passed, 1 failed"; exit 1; }

launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$CXX" -DCMAKE_C_COMPILER="$CC" \
      "${launcher[@]}" -DDL_FUZZ=ON -DDL_BUILD_EMULATOR=OFF -DDL_BUILD_CLI=OFF -DDL_BUILD_BENCH=OFF \
      -DDL_BUILD_SWIG=OFF -DDL_FUZZ_EMULATOR="$([ "${FUZZ_EMULATOR:-0}" = 1 ] && echo ON || echo OFF)" >/dev/null || { echo "configure failed"; echo "0 passed, 1 failed"; exit 1; }
cmake --build "$BUILD" -j "$JOBS" --target fuzzers || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }

FUZZ_DIR=$BUILD/tests/fuzz
if (($#)); then targets=("$@"); else
  mapfile -t targets < <(cd "$BUILD/bin" && ls fuzz_* 2>/dev/null | sed 's/^fuzz_//' | sort)
fi

passed=0 failed=0 total=0
printf '%-18s %14s %10s  %s\n' target executions exec/s result
for t in "${targets[@]}"; do
  corpus=tests/fuzz/corpus/$t
  [ -d "$corpus" ] || corpus=$(ls -d tests/fuzz/*/corpus/"$t" 2>/dev/null | head -1)
  found=$FUZZ_DIR/found/$t
  mkdir -p "$found"
  log=$FUZZ_DIR/fuzz_$t.log
  "$BUILD/bin/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=262144 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$FUZZ_DIR/" "$found" ${corpus:+"$corpus"} >"$log" 2>&1
  rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  execs=${execs:-0}
  total=$((total + execs))
  if [ "$rc" = 0 ]; then result=ok; passed=$((passed + 1)); else
    result="FAILED (exit $rc, see $log)"; failed=$((failed + 1))
    grep -E 'ERROR|invariant failed|SUMMARY' "$log" | head -5 | sed 's/^/    /'
  fi
  printf '%-18s %14s %10s  %s\n' "$t" "$execs" "${rate:-0}" "$result"
done
echo "total executions: $total in ${#targets[@]} targets x ${SECONDS_EACH} s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
