# Shared by scripts/test-java.sh and scripts/test-csharp.sh (sourced, from the repository root):
# the build directory, the emulator, the pass/fail tally and the "N passed, N failed" last line.

BUILD_DIR=$(realpath -m "${BUILD_DIR:-build}")
# The project version (CMakeLists.txt project()), which names the jar and the nupkg.
DL_VERSION=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt" 2>/dev/null)
# The emulator: $DIRECTLINE_EMULATOR when set (e.g. by the ctest test that runs the script), else built here
# (EMULATOR_TARGETS is then what to add to the build).
EMULATOR_TARGETS=()
if [ -n "${DIRECTLINE_EMULATOR:-}" ]; then
  DIRECTLINE_EMULATOR=$(realpath -m "$DIRECTLINE_EMULATOR")
else
  DIRECTLINE_EMULATOR=$BUILD_DIR/bin/directline-emulator
  EMULATOR_TARGETS=(directline-emulator)
fi
export DIRECTLINE_EMULATOR

passed=0
failed=0
# pass: one more check passed.  fail MESSAGE: one more failed, with the reason on stdout.
pass() { passed=$((passed + 1)); }
fail() { echo "$1"; failed=$((failed + 1)); }
# Adds a test report's counts (from "TESTS FAILURES" on stdin) to the tally.
add_counts() {
  local tests failures
  read -r tests failures
  passed=$((passed + tests - failures))
  failed=$((failed + failures))
}
# Prints the last line and exits: 0 only when something passed and nothing failed.
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
  exit $?
}
# build_or_finish HINT TARGET...: builds the targets; on failure counts it and finishes.
build_or_finish() {
  local hint=$1
  shift
  if ! cmake --build "$BUILD_DIR" --target "$@"; then
    fail "$hint"
    finish
  fi
}
