#!/usr/bin/env bash
# Per-call overhead of the Java and C# bindings over the C API, against one
# emulator: generate_token (a full HTTP round trip) and a getter (no I/O,
# pure binding cost). Prints each figure and the ratio to C.
# Needs the built library, jar, DirectLine.dll and emulator in ${BUILD_DIR:-build}.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=$(realpath -m "${BUILD_DIR:-build}")
TOKEN_CALLS=${TOKEN_CALLS:-2000}
GETTER_CALLS=${GETTER_CALLS:-1000000}
SECRET=bench-secret-0123456789
WORK=$(mktemp -d)
EMULATOR_PID=
cleanup() {
  [ -n "$EMULATOR_PID" ] && kill "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

TARGETS=(directline directline_java directline_csharp_assembly)
if [ -n "${DIRECTLINE_EMULATOR:-}" ]; then
  EMULATOR=$DIRECTLINE_EMULATOR
else
  EMULATOR=$BUILD_DIR/bin/directline-emulator
  TARGETS+=(directline-emulator)
fi
cmake --build "$BUILD_DIR" --target "${TARGETS[@]}" >/dev/null
JAR=$BUILD_DIR/packages/directline-$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$BUILD_DIR/CMakeCache.txt").jar

"$EMULATOR" --port 0 --secret "$SECRET" >"$WORK/emulator.out" 2>/dev/null &
EMULATOR_PID=$!
for _ in $(seq 100); do grep -q '^listening on ' "$WORK/emulator.out" && break; sleep 0.1; done
ENDPOINT="$(sed -n 's/^listening on //p' "$WORK/emulator.out" | head -1)/v3/directline"

gcc -O2 -std=c99 -D_POSIX_C_SOURCE=199309L -Icapi/include bench/swig/bench_c.c -o "$WORK/bench_c" \
    -L"$BUILD_DIR/lib" -ldirectline -Wl,-rpath,"$BUILD_DIR/lib"
javac -d "$WORK" -cp "$JAR" bench/swig/Bench.java
mcs -nologo -optimize+ -out:"$BUILD_DIR/csharp/Bench.exe" -r:"$BUILD_DIR/csharp/DirectLine.dll" bench/swig/Bench.cs

# Rounds interleave the languages so that load from other processes hits all alike.
ROUNDS=${ROUNDS:-3}
for round in $(seq "$ROUNDS"); do
  "$WORK/bench_c" "$ENDPOINT" "$SECRET" "$TOKEN_CALLS" "$GETTER_CALLS" >>"$WORK/c.txt"
  java -cp "$JAR:$WORK" Bench "$ENDPOINT" "$SECRET" "$TOKEN_CALLS" "$GETTER_CALLS" >>"$WORK/java.txt"
  mono "$BUILD_DIR/csharp/Bench.exe" "$ENDPOINT" "$SECRET" "$TOKEN_CALLS" "$GETTER_CALLS" >>"$WORK/csharp.txt"
done
rm -f "$BUILD_DIR/csharp/Bench.exe"

python3 - "$WORK" "$TOKEN_CALLS" "$GETTER_CALLS" "$ROUNDS" <<'PY'
import statistics, sys
work, token_calls, getter_calls, rounds = sys.argv[1:5]
def load(name):
    values = {}
    for line in open(f"{work}/{name}.txt"):
        key, value = line.split()
        values.setdefault(key, []).append(float(value))
    return values
data = {"C": load("c"), "Java": load("java"), "C#": load("csharp")}
def report(key, unit, title):
    print(f"{title}: mean per call; median and best of {rounds} rounds; ratio of medians to C")
    base = statistics.median(data["C"][key])
    for lang, by_key in data.items():
        median, best = statistics.median(by_key[key]), min(by_key[key])
        ratio = "" if lang == "C" else f"   x{median / base:.2f} of C"
        print(f"  {lang:<4} {median:9.1f} {unit} (best {best:.1f}){ratio}")
report("generate_token_us", "us", f"generate_token ({token_calls} calls, HTTP round trip to the emulator)")
report("getter_ns", "ns", f"conversation id getter ({getter_calls} calls, no I/O)")
PY
