#!/usr/bin/env bash
# Javadoc of the Java binding with every doclint check: fails on any warning
# except missing @param/@return tags (the prose documents those), so every
# public declaration keeps a comment and no HTML or reference is broken.
# usage: check_javadoc.sh SOURCE_DIR SWIG_JAVA_DIR
set -euo pipefail
source=$1 swig=$2
out=$(mktemp -d "${TMPDIR:-/tmp}/dl-javadoc.XXXXXX")
trap 'rm -rf "$out"' EXIT
javadoc -quiet -Xdoclint:all -Xmaxwarns 100000 -Xmaxerrs 100000 --release 11 -d "$out/html" \
  -sourcepath "$source/bindings/java/src/main/java:$swig" dev.directline >"$out/log" 2>&1 || {
  cat "$out/log"; echo "FAIL: javadoc failed"; exit 1; }
grep ': warning: ' "$out/log" | grep -v ': warning: no @\(param\|return\)' >"$out/bad" || true
if [ -s "$out/bad" ]; then
  cat "$out/bad"; echo "FAIL: $(wc -l <"$out/bad") javadoc warning(s)"; exit 1
fi
echo "PASS: javadoc of dev.directline: $(find "$out/html" -name '*.html' | wc -l) pages, no warnings but @param/@return"
