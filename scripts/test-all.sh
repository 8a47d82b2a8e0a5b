#!/usr/bin/env bash
# README's test command: installs what the suites need, then configures, builds and
# runs every suite through ctest, one preset (CMakePresets.json) after another:
#   default  every suite: C/C++ unit, integration, receive, hostile, header, symbols,
#            ABI, examples, CLI, the emulator's conformance suite, the official JS
#            peers, the Python wheel (with Locust), Java, C#, a short fuzz run;
#   asan     ASan+UBSan over the library's C/C++ suites;
#   tsan     ThreadSanitizer over the receive suites and the core unit tests;
#   cpprest  the integration suite against the cpprestsdk HTTP backend.
# Ends with "N passed, N failed", summed from ctest's JUnit reports.
set -uo pipefail
cd "$(dirname "$0")/.."
REPORTS=$PWD/build/test-reports
PRESETS=(${PRESETS:-default asan tsan cpprest})

bash scripts/install-deps.sh || { echo "dependency install failed"; exit 1; }

mkdir -p "$REPORTS"
reports=()
for preset in "${PRESETS[@]}"; do
  echo "=== $preset"
  start=$SECONDS
  report=$REPORTS/$preset.xml
  rm -f "$report"
  if cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" -j "${JOBS:-2}"; then
    ctest --preset "$preset" --output-junit "$report"
  else
    echo "$preset: configure or build failed"
  fi
  reports+=("$report")
  echo "=== $preset: $((SECONDS - start)) s"
done

echo
python3 scripts/junit_summary.py "${reports[@]}"
