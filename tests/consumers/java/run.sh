#!/usr/bin/env bash
# Java consumer test: deploys the built jar (with its -sources and -javadoc jars
# and POM) into a throwaway file:// Maven repository, then builds the separate
# consumer project beside this script, which depends on dev.directline:directline
# by coordinates, and runs examples/java/Hello.java against an emulator.
# usage: run.sh BUILD_DIR SOURCE_DIR EMULATOR
set -euo pipefail
build=$(realpath "$1") source=$(realpath "$2") emulator=${DIRECTLINE_EMULATOR:-$3}
version=$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' "$build/CMakeCache.txt")
pkg=$build/packages/directline-$version
work=$(mktemp -d "${TMPDIR:-/tmp}/dl-consumer-java.XXXXXX")
m2=${MAVEN_LOCAL_REPOSITORY:-$HOME/.m2/repository}   # where this user's Maven caches artifacts
# The user's local repository caches what the consumer resolves: ours must come
# from the repository under test every time, so our coordinates are cleared.
ours=$m2/dev/directline/directline
trap 'rm -rf "$work" "$ours"' EXIT
rm -rf "$ours"
fail() { echo "FAIL: $*"; exit 1; }
for f in "$pkg.jar" "$pkg-sources.jar" "$pkg-javadoc.jar" "$pkg.pom"; do
  [ -f "$f" ] || fail "missing $f (build the directline_java target)"
done
# Not offline: Maven refuses a file:// repository in offline mode (plugins come from the cache).
mvn_() { mvn -q -B -Dstyle.color=never "$@"; }

echo "--- deploy $version into file://$work/repo"
mvn_ org.apache.maven.plugins:maven-deploy-plugin:3.1.1:deploy-file -Durl="file://$work/repo" \
  -DrepositoryId=directline-under-test -Dfile="$pkg.jar" -DpomFile="$pkg.pom" \
  -Dsources="$pkg-sources.jar" -Djavadoc="$pkg-javadoc.jar"
dir=$work/repo/dev/directline/directline/$version
for suffix in .jar -sources.jar -javadoc.jar .pom; do
  [ -f "$dir/directline-$version$suffix" ] || fail "not deployed: directline-$version$suffix"
done
grep -q "<license>" "$dir/directline-$version.pom" || fail "the deployed POM has no license"

echo "--- build and run the consumer project"
args=(-f "$source/tests/consumers/java/pom.xml" -Ddirectline.version="$version"
      -Ddirectline.repository="file://$work/repo" -Dconsumer.build.dir="$work/target")
mvn_ "${args[@]}" package
cmp -s "$ours/$version/directline-$version.jar" "$pkg.jar" || fail "the consumer did not resolve the jar under test"
bash "$source/tests/consumers/run_example.sh" "$emulator" mvn -q -B -Dstyle.color=never "${args[@]}" exec:exec
