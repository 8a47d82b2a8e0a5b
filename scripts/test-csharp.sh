#!/usr/bin/env bash
# Builds the C# binding (DirectLine.dll, the NuGet package) and runs its tests on
# Mono: the NUnit 2.6 suites, then a program with only the package's files beside
# it. Assumes ${BUILD_DIR:-build} was configured. Exits non-zero on any failure;
# the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/binding-tests.sh
OUT=$BUILD_DIR/csharp
NUPKG=$BUILD_DIR/packages/DirectLine.$DL_VERSION.nupkg

build_or_finish "test-csharp: build failed (are mono-devel and nunit-console installed, DL_BUILD_SWIG not OFF?)" \
  directline_nupkg directline_csharp_tests "${EMULATOR_TARGETS[@]}"

# NUnit 2.6; -noshadow keeps the assemblies beside their native libraries.
RESULT=$OUT/TestResult.xml
rm -f "$RESULT"
(cd "$OUT" && nunit-console -nologo -noshadow -labels DirectLine.Tests.dll -xml="$RESULT")
if [ -f "$RESULT" ]; then
  add_counts < <(python3 - "$RESULT" <<'PY'
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
failures = int(root.get("failures", 0)) + int(root.get("errors", 0))
print(int(root.get("total", 0)), failures)
PY
)
else
  fail "test-csharp: NUnit wrote no result"
fi

# A program with only the package's files beside it.
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
if (cd "$SMOKE" && cmake -E tar xf "$NUPKG" \
    && cp lib/netstandard2.0/DirectLine.dll runtimes/linux-x64/native/*.so . \
    && mcs -nologo -out:PackageSmoke.exe -r:DirectLine.dll "$OLDPWD/tests/csharp/smoke/PackageSmoke.cs" \
    && mkdir app && mv PackageSmoke.exe DirectLine.dll ./*.so app/ \
    && mono app/PackageSmoke.exe "$DIRECTLINE_EMULATOR"); then
  pass
else
  fail "test-csharp: package-only program failed"
fi

# The same program inside the package's own layout (lib/netstandard2.0 beside
# runtimes/linux-x64/native, as NuGet lays it out).
NESTED=$(mktemp -d)
trap 'rm -rf "$SMOKE" "$NESTED"' EXIT
if (cd "$NESTED" && cmake -E tar xf "$NUPKG" \
    && mcs -nologo -out:lib/netstandard2.0/PackageSmoke.exe -r:lib/netstandard2.0/DirectLine.dll \
           "$OLDPWD/tests/csharp/smoke/PackageSmoke.cs" \
    && mono lib/netstandard2.0/PackageSmoke.exe "$DIRECTLINE_EMULATOR"); then
  pass
else
  fail "test-csharp: program in the NuGet layout failed"
fi
finish
