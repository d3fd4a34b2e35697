#!/usr/bin/env bash
# Installs the Debian 12 packages azbridge needs. Usage: scripts/bootstrap.sh [build] [demo] [test] [fuzz] [bench]
# (default: build). Runs apt-get only when something is missing; must run as root (or with sudo available).
set -euo pipefail

want=("$@")
[ ${#want[@]} -eq 0 ] && want=(build)

pkgs=()
for w in "${want[@]}"; do
  case "$w" in
    build) pkgs+=(g++ cmake ninja-build ccache pkg-config libboost1.81-dev libboost-json1.81-dev
                  libboost-url1.81-dev libssl-dev libcli11-dev libyaml-cpp-dev libfmt-dev openssl) ;;
    demo)  pkgs+=(python3 curl openssl) ;;
    test)  pkgs+=(catch2 python3 curl openssl openssh-server openssh-client socat procps iproute2 dpkg-dev) ;;
    fuzz)  pkgs+=(clang libclang-rt-14-dev) ;;
    bench) pkgs+=(python3 iperf3 openssh-server openssh-client socat procps binutils valgrind) ;;
    *) echo "bootstrap: unknown component '$w' (build, demo, test, fuzz, bench)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js runs the interoperability tests with Microsoft's npm relay clients.
if [[ " ${want[*]} " == *" test "* ]] && ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  echo "bootstrap: installing ${missing[*]}" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
