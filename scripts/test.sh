#!/usr/bin/env bash
# Builds azbridge and runs every test (unit, integration, interop) with CTest.
# Usage: scripts/test.sh [extra ctest arguments], e.g. scripts/test.sh -L unit
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build test
cmake --preset default >/dev/null
cmake --build --preset default
ctest --preset default "$@"
