#!/usr/bin/env bash
# Installs the project into a temporary prefix, builds examples/c/hello.c
# against that prefix only (CMake find_package or the pkg-config Makefile) with
# -std=c99 -pedantic -Wall -Werror, and runs it against a real emulator on
# loopback, for Direct Line 3.0 and 1.1.
# usage: run_example.sh cmake|pkgconfig BUILD_DIR SOURCE_DIR EMULATOR
set -euo pipefail
mode=$1 build=$2 source=$3 emulator=${DIRECTLINE_EMULATOR:-$4}

work=$(mktemp -d "${TMPDIR:-/tmp}/dl-example-$mode.XXXXXX")
. "$source/tests/consumers/emulator.sh"
trap 'stop_emulator; rm -rf "$work"' EXIT

step() { echo "--- $*"; }
fail() { echo "FAIL: $*"; exit 1; }

step "install into $work/prefix"
cmake --install "$build" --prefix "$work/prefix" >"$work/install.log" 2>&1 ||
  { cat "$work/install.log"; fail "cmake --install"; }
libdir=$(dirname "$(find "$work/prefix" -name 'libdirectline.so.1' | head -1)")
[ -n "$libdir" ] && [ -f "$libdir/libdirectline.so.1" ] || fail "libdirectline.so.1 not installed"
[ -f "$work/prefix/include/directline.h" ] || fail "directline.h not installed"

cp "$source/examples/c/hello.c" "$source/examples/c/CMakeLists.txt" "$source/examples/c/Makefile" "$work/"
strict="-std=c99 -pedantic -Wall -Wextra -Werror"
case "$mode" in
  cmake)
    step "build with find_package(directline CONFIG)"
    # Only the temporary prefix may satisfy find_package: no build tree, no system copy.
    cmake -S "$work" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" \
          -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF \
          -DCMAKE_C_FLAGS="$strict" >"$work/configure.log" 2>&1 ||
      { cat "$work/configure.log"; fail "configure the example"; }
    grep -q "$work/prefix" "$work/build/CMakeCache.txt" || fail "directline was not found in the temp prefix"
    cmake --build "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build the example"; }
    hello=$work/build/hello
    ;;
  pkgconfig)
    step "build with pkg-config (Makefile)"
    export PKG_CONFIG_PATH="$libdir/pkgconfig"
    export PKG_CONFIG_LIBDIR="$libdir/pkgconfig"   # nothing from the system
    pkg-config --exists directline || fail "directline.pc not installed in $libdir/pkgconfig"
    make -C "$work" CFLAGS="$strict" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "make"; }
    hello=$work/hello
    ;;
  *) fail "unknown mode $mode" ;;
esac
ldd "$hello" | grep "$work/prefix" >/dev/null || { ldd "$hello"; fail "hello does not load libdirectline from the prefix"; }

step "start the emulator"
start_emulator "$emulator" "$work" || exit 1
secret=$emu_secret base=$emu_base
echo "emulator at $base"

for api in 3.0 1.1; do
  if [ "$api" = 3.0 ]; then endpoint=$base/v3/directline; else endpoint=$base/api; fi
  step "run hello against $api ($endpoint)"
  out=$(DIRECTLINE_SECRET=$secret DIRECTLINE_ENDPOINT=$endpoint DIRECTLINE_API=$api timeout 60 "$hello" 2>&1) ||
    { echo "$out"; fail "hello exited non-zero for $api"; }
  echo "$out"
  grep -qx 'bot: echo: hello' <<<"$out" || fail "no echo reply for $api"
  grep -q "$secret" <<<"$out" && fail "the secret appeared in the output"
done
echo "PASS: example built with $mode against the installed prefix; replies on 3.0 and 1.1"
