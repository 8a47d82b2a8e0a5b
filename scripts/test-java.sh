#!/usr/bin/env bash
# Builds the Java binding (jar with its natives) and runs its tests: the JUnit 5
# suites through Maven, then a program with only the jar on its classpath.
# Assumes ${BUILD_DIR:-build} was configured. Exits non-zero on any failure;
# the last line is "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/binding-tests.sh
SWIG_DIR=$BUILD_DIR/bindings/swig
JAR=$BUILD_DIR/packages/directline-$DL_VERSION.jar

build_or_finish "test-java: build failed (is Java + Maven installed and DL_BUILD_SWIG not OFF?)" \
  directline_java "${EMULATOR_TARGETS[@]}"

# JUnit through Maven (offline first: no network once the local repository is filled).
MAVEN_ARGS=(-q -B -f bindings/java/pom.xml test
  "-Ddl.build.dir=$SWIG_DIR/maven" "-Ddl.swig.java.dir=$SWIG_DIR/java-src"
  "-Ddl.native.dir=$SWIG_DIR/java-native" "-Ddl.emulator=$DIRECTLINE_EMULATOR"
  -Dsurefire.failIfNoSpecifiedTests=false)
REPORTS=$SWIG_DIR/maven/surefire-reports
rm -rf "$REPORTS"
OFFLINE_LOG=$SWIG_DIR/maven-offline.log
if mvn -o "${MAVEN_ARGS[@]}" >"$OFFLINE_LOG" 2>&1 || [ -d "$REPORTS" ]; then
  cat "$OFFLINE_LOG"          # the tests ran (passed or not)
else
  mvn "${MAVEN_ARGS[@]}"      # offline resolution failed: fetch what is missing
fi
if compgen -G "$REPORTS/TEST-*.xml" >/dev/null; then
  add_counts < <(python3 - "$REPORTS" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
tests = failures = 0
for path in glob.glob(sys.argv[1] + "/TEST-*.xml"):
    suite = ET.parse(path).getroot()
    tests += int(suite.get("tests", 0)) - int(suite.get("skipped", 0))
    failures += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
print(tests, failures)
PY
)
else
  fail "test-java: no JUnit reports were written"
fi

# A plain program with only the jar on its classpath.
SMOKE=$(mktemp -d)
trap 'rm -rf "$SMOKE"' EXIT
if javac -d "$SMOKE" -cp "$JAR" tests/java/smoke/JarSmoke.java \
   && (cd "$SMOKE" && java -cp "$JAR:." JarSmoke "$DIRECTLINE_EMULATOR"); then
  pass
else
  fail "test-java: jar-only program failed"
fi
finish
