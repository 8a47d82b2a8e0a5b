#!/usr/bin/env bash
# Checks the exported ABI of libdirectline.so:
#  - every defined dynamic symbol is dl_* (nothing from C++, cpprestsdk, Boost leaks),
#  - every function declared with DL_API in directline.h is exported,
#  - the SONAME is libdirectline.so.1,
#  - no C++ runtime type leaks through (no _Z* symbols).
# usage: check_symbols.sh LIBRARY HEADER
set -euo pipefail
lib=$1 header=$2
fail=0

[ -f "$lib" ] || { echo "FAIL: library not found: $lib"; exit 1; }

# Defined dynamic symbols, minus the version node (absolute symbol DIRECTLINE_1).
mapfile -t exported < <(nm -D --defined-only "$lib" | awk '$2 != "A" {print $3}' | sed 's/@.*//' | sort -u)
echo "exported symbols: ${#exported[@]}"
declare -A is_exported=()
for s in "${exported[@]}"; do
  is_exported[$s]=1
  if [[ ! $s =~ ^dl_ ]]; then echo "FAIL: non-dl_ symbol exported: $s"; fail=1; fi
done

# Every DL_API function of the header must be exported.
mapfile -t declared < <(tr '\n' ' ' < "$header" | grep -oE 'DL_API[^;(]*\(' |
                        grep -oE '(dl_[a-z0-9_]+)[[:space:]]*\($' | tr -d ' (' | sort -u)
echo "declared functions: ${#declared[@]}"
[ "${#declared[@]}" -gt 30 ] || { echo "FAIL: could not parse declarations from $header"; fail=1; }
for d in "${declared[@]}"; do
  if [ -z "${is_exported[$d]:-}" ]; then echo "FAIL: declared but not exported: $d"; fail=1; fi
done

soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
echo "SONAME: $soname"
if [ "$soname" != "libdirectline.so.1" ]; then echo "FAIL: SONAME is '$soname', expected libdirectline.so.1"; fail=1; fi

if [ "$fail" = 0 ]; then echo "PASS: ABI surface is dl_* only, complete, SONAME libdirectline.so.1"; fi
exit $fail
