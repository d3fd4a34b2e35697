#!/usr/bin/env bash
# The performance benchmark (docs/performance.md): builds the release binary, starts the targets, OpenSSH,
# a socat chain and our chain (azbridge -L -> azbridge relay with TLS -> azbridge -T, three processes) on
# 127.0.0.1, measures them, prints a table with ratios ours/peer and writes bench/results/<time>.json.
#
# Usage: bench/run.sh [--quick] [--no-build] [--peers openssh,socat] [--out DIR]
#   --quick     shorter runs and fewer connections (development; not for recorded figures)
#   --no-build  use the existing build/azbridge (or $AZBRIDGE_BIN)
# Installs missing peers with scripts/bootstrap.sh bench (apt-get; root or sudo); a peer that still cannot run
# is skipped with a note. Not part of the test suite or CI.
set -euo pipefail
cd "$(dirname "$0")/.."

build=1
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=0 ;;
    --quick) args+=(--quick) ;;
    --peers|--out) args+=("$1" "${2:?$1 needs a value}"); shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "bench: unknown option '$1' (see --help)" >&2; exit 2 ;;
  esac
  shift
done

if ! scripts/bootstrap.sh build bench; then
  echo "bench: could not install every package; missing peers will be skipped" >&2
fi

azbridge=${AZBRIDGE_BIN:-$PWD/build/azbridge}
if [ "$build" = 1 ] && [ -z "${AZBRIDGE_BIN:-}" ]; then
  # The build tree is shared: configure and build under the same lock as everyone else.
  flock /tmp/azb-build.lock cmake --preset default >/dev/null
  flock /tmp/azb-build.lock cmake --build --preset default --target azbridge
fi
[ -x "$azbridge" ] || { echo "bench: no azbridge binary at $azbridge" >&2; exit 1; }

# 1,000 held connections cost about six descriptors each across our three processes (client socket and
# WebSocket at the local forwarder, two WebSockets at the relay, WebSocket and target socket at the remote
# forwarder), plus the clients' own: raise the soft limit to the hard one for everything started from here.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
if [ "$(ulimit -n)" != unlimited ] && [ "$(ulimit -n)" -lt 8192 ]; then
  echo "bench: open-file limit is $(ulimit -n); 1,000 connections need about 8192 (raise the hard limit)" >&2
fi

exec python3 bench/bench.py --azbridge "$azbridge" "${args[@]}"
