#!/usr/bin/env bash
# C# consumer test: puts the built nupkg in a local folder feed, restores it by
# package id with NuGet (Mono's nuget), compiles examples/csharp/Hello.cs against
# the restored lib/netstandard2.0/DirectLine.dll with mcs, lays the app out as a
# .NET build does (runtimes/linux-x64/native beside the assemblies) and runs it
# against an emulator.
# usage: run.sh BUILD_DIR SOURCE_DIR EMULATOR
set -euo pipefail
build=$(realpath "$1") source=$(realpath "$2") emulator=${DIRECTLINE_EMULATOR:-$3}
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
nupkg=$build/packages/DirectLine.$version.nupkg
work=$(mktemp -d "${TMPDIR:-/tmp}/dl-consumer-csharp.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }
[ -f "$nupkg" ] || fail "missing $nupkg (build the directline_nupkg target)"

echo "--- nuget install DirectLine $version from a folder feed"
mkdir -p "$work/feed" "$work/app/runtimes/linux-x64/native"
cp "$nupkg" "$work/feed/"
# -NoCache: the package under test, never a copy cached by an earlier run.
(cd "$work" && HOME=$work nuget install DirectLine -Version "$version" -Source "$work/feed" \
   -OutputDirectory packages -NoCache -NonInteractive) || fail "nuget install"
pkg=$work/packages/DirectLine.$version
[ -f "$pkg/lib/netstandard2.0/DirectLine.dll" ] || fail "no lib/netstandard2.0/DirectLine.dll in the package"
[ -f "$pkg/lib/netstandard2.0/DirectLine.xml" ] || fail "no XML documentation in the package"
python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("DirectLine.nuspec").decode())' \
  "$pkg/DirectLine.$version.nupkg" >"$work/nuspec" || fail "no DirectLine.nuspec in the package"
for want in '<license type="expression">MIT</license>' '<projectUrl>https://' '<readme>README.md</readme>'; do
  grep -qF "$want" "$work/nuspec" || fail "the package's nuspec lacks $want"
done

echo "--- mcs Hello.cs, app laid out with runtimes/linux-x64/native"
cp "$pkg/lib/netstandard2.0/DirectLine.dll" "$work/app/"
cp "$pkg"/runtimes/linux-x64/native/*.so "$work/app/runtimes/linux-x64/native/"
mcs -nologo -warnaserror+ -r:"$work/app/DirectLine.dll" -out:"$work/app/Hello.exe" \
  "$source/examples/csharp/Hello.cs" || fail "mcs Hello.cs"
bash "$source/tests/consumers/run_example.sh" "$emulator" mono "$work/app/Hello.exe"
