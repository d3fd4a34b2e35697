#!/usr/bin/env bash
# CTest fixture: installs the npm peers of the relay interop tests (hyco-ws, hyco-https, ws) from
# package-lock.json into tests/integration/relay/node_modules (gitignored). hyco-ws's bogus "http": "latest"
# dependency is replaced by the local stub-http package (package.json "overrides").
set -euo pipefail
cd "$(dirname "$0")"
command -v npm >/dev/null || { echo "npm is not installed" >&2; exit 1; }
npm ci --no-audit --no-fund --loglevel=error
node -e "require('hyco-ws'); require('hyco-https'); require('ws'); console.log('npm peers installed')"
