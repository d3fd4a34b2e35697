#!/usr/bin/env bash
# Creates a throwaway CA and an ECDSA P-256 server certificate for 127.0.0.1, ::1 and localhost.
# Usage: scripts/make-test-certs.sh DIR   -> DIR/ca.pem, DIR/server.pem (chain), DIR/server.key
# For tests and demos only: the CA key is deleted once the server certificate is signed.
set -euo pipefail
dir=${1:?usage: make-test-certs.sh DIR}
mkdir -p "$dir"
cd "$dir"
openssl ecparam -name prime256v1 -genkey -noout -out ca.key 2>/dev/null
openssl req -x509 -new -key ca.key -sha256 -days 2 -subj "/CN=azbridge throwaway test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out ca.pem 2>/dev/null
openssl ecparam -name prime256v1 -genkey -noout -out server.key 2>/dev/null
openssl req -new -key server.key -subj "/CN=localhost" -out server.csr 2>/dev/null
cat > server.ext <<'EXT'
basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost
EXT
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -sha256 \
  -extfile server.ext -out server.crt 2>/dev/null
cat server.crt ca.pem > server.pem
rm -f ca.key ca.srl server.csr server.ext server.crt
chmod 600 server.key
