#!/usr/bin/env bash
# The main job: builds azbridge, then carries a real HTTP request through a tunnel on the embedded relay:
#
#   curl -> azbridge -L (local forwarder) -> azbridge relay (TLS) -> azbridge -T (remote forwarder) -> web server
#
# Every process runs on 127.0.0.1 in a throwaway folder and is stopped when the script ends, whatever happens.
# Exit status 0 only when the page fetched through the tunnel is the page the web server serves.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh build demo
cmake --preset default >/dev/null
cmake --build --preset default --target azbridge
azbridge=$PWD/build/azbridge

work=$(mktemp -d -t azbridge-demo.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
say() { printf '\n== %s\n' "$*"; }

# Waits (at most 30 s) until FILE contains TEXT; shows the log if the process died or never got there.
wait_for() {
  local file=$1 text=$2 pid=$3
  for _ in $(seq 300); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "demo: process exited early:" >&2; cat "$file" >&2; exit 1; }
    sleep 0.1  # polling a log for readiness, not synchronisation
  done
  echo "demo: '$text' not seen in $file after 30 s:" >&2
  cat "$file" >&2
  exit 1
}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

"$azbridge" --version
say "A throwaway CA and an ECDSA certificate for 127.0.0.1 (scripts/make-test-certs.sh)"
scripts/make-test-certs.sh "$work/certs"
export SSL_CERT_FILE=$work/certs/ca.pem  # the forwarders verify the relay's certificate against this CA
key=$(openssl rand -base64 32)

say "azbridge relay: the Hybrid Connections service, hybrid connection 'web'"
"$azbridge" relay --bind 127.0.0.1:0 --tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server.key" \
  --shared-access-key-name demo --shared-access-key "$key" --hybrid-connection web 2>"$work/relay.log" &
pids+=($!)
wait_for "$work/relay.log" RelayListening $!
relay_port=$(sed -n 's/.*RelayListening: listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/relay.log")
echo "listening on 127.0.0.1:$relay_port (TLS)"
connection_string="Endpoint=sb://127.0.0.1:$relay_port/;SharedAccessKeyName=demo;SharedAccessKey=$key"

say "The service on the 'device': python3 -m http.server on 127.0.0.1"
mkdir -p "$work/site"
echo "Hello through Azure Relay Bridge, served at $(date -u +%FT%TZ)" >"$work/site/hello.txt"
web_port=$(free_port)
python3 -m http.server "$web_port" --bind 127.0.0.1 --directory "$work/site" >"$work/web.log" 2>&1 &
pids+=($!)
wait_for "$work/web.log" "Serving HTTP" $!

say "Remote forwarder (the device side): azbridge -T web:127.0.0.1:$web_port"
"$azbridge" -f /dev/null -x "$connection_string" -T "web:127.0.0.1:$web_port" -v >"$work/remote.log" 2>&1 &
pids+=($!)
wait_for "$work/remote.log" BridgeReady $!

local_port=$(free_port)
say "Local forwarder (the operator side): azbridge -L 127.0.0.1:$local_port:web"
"$azbridge" -f /dev/null -x "$connection_string" -L "127.0.0.1:$local_port:web" -v >"$work/local.log" 2>&1 &
pids+=($!)
wait_for "$work/local.log" BridgeReady $!

say "curl http://127.0.0.1:$local_port/hello.txt (through the tunnel)"
got=$(curl -sS --max-time 20 "http://127.0.0.1:$local_port/hello.txt")
echo "$got"
if [ "$got" != "$(cat "$work/site/hello.txt")" ]; then
  echo "demo: FAILED: the page fetched through the tunnel differs from the served file" >&2
  exit 1
fi

say "What each side logged for that connection"
grep -h -E 'ConnectionStart|ConnectionStop' "$work/local.log" "$work/remote.log" || true
grep -h -E 'ListenerAttached' "$work/relay.log" || true
say "OK: a request went through azbridge -L -> azbridge relay (TLS) -> azbridge -T -> http.server"
