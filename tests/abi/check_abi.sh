#!/usr/bin/env bash
# Compares the public ABI of a freshly built libdirectline.so.1 with the
# committed baseline (the 0.1.0 release). Fails on any removal or change;
# additions pass: new functions, new enumerators, and fields appended at the end
# of the versioned option structs (suppressions.abignore).
#
# usage: check_abi.sh LIBRARY HEADERS_DIR [BASELINE]
#   check_abi.sh --write LIBRARY HEADERS_DIR BASELINE   (re-baseline, at a release)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
write=0
if [ "${1:-}" = --write ]; then write=1; shift; fi
lib=${1:?library} headers=${2:?headers dir} baseline=${3:-$here/libdirectline.so.1.abi}

command -v abidw >/dev/null && command -v abidiff >/dev/null ||
  { echo "FAIL: abidw/abidiff not found (Debian package abigail-tools)"; exit 1; }
[ -f "$lib" ] || { echo "FAIL: library not found: $lib"; exit 1; }
# Without DWARF abidw sees only symbol names: type changes would pass unseen.
readelf -S "$lib" | grep -q '\.debug_info' ||
  { echo "FAIL: $lib has no debug info (build with RelWithDebInfo or Debug)"; exit 1; }

# Only what capi/include declares, and only types reachable from exported dl_* symbols.
describe() {
  abidw --headers-dir "$headers" --drop-private-types --exported-interfaces-only \
        --no-corpus-path --no-comp-dir-path --short-locs --out-file "$2" "$1"
}

if [ "$write" = 1 ]; then
  describe "$lib" "$baseline" || exit 1
  echo "wrote $baseline ($(grep -c '<function-decl' "$baseline") functions)"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
describe "$lib" "$tmp/current.abi" || { echo "FAIL: abidw could not read $lib"; exit 1; }
echo "baseline: $(grep -c '<function-decl' "$baseline") functions; current: $(grep -c '<function-decl' "$tmp/current.abi") functions"
# abidiff's exit code is a bit field (4: change, 8: incompatible change, 1/2:
# error); any bit set fails, so an added parameter (4 only) fails too.
abidiff --no-added-syms --suppressions "$here/suppressions.abignore" "$baseline" "$tmp/current.abi"
rc=$?
if [ "$rc" != 0 ]; then
  echo "FAIL: the ABI of libdirectline.so.1 changed incompatibly (abidiff exit $rc)"
  exit 1
fi
echo "PASS: ABI compatible with the baseline (additions only)"
