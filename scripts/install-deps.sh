#!/usr/bin/env bash
# Installs everything the build and the tests need on Debian 12 (run as root,
# or with sudo available). Idempotent: quick when all is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libcpprest-dev libboost-dev libboost-system-dev libssl-dev nlohmann-json3-dev
  catch2 pybind11-dev swig libcli11-dev
  mono-devel nunit-console libnunit-cil-dev
  default-jdk-headless maven
  nodejs npm
  python3-venv
  wrk valgrind abigail-tools clang-14 libclang-rt-14-dev
  ccache doxygen nuget
  tinyproxy openssl
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node and npm may come from outside Debian (e.g. a preinstalled Node 20): keep them.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
read -r -a missing <<<"${missing[*]}"
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Python tools for the tests live in a project venv (not in the system Python).
PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -r scripts/requirements-dev.txt

# Node peers (DirectLineJS, botbuilder) for the interop tests.
if [ -f tests/peers/package.json ]; then
  (cd tests/peers && npm install --no-audit --no-fund --loglevel=error)
fi
