#!/usr/bin/env python3
"""HTTP through the forwarders, with curl and a real `python3 -m http.server`:

1. -L/-T (TCP): curl -> `azbridge -L` -> relay (TLS) -> `azbridge -T` -> http.server: status and body.
2. -H (HTTP mode): curl -> https://127.0.0.1:RELAY/<relay>/<path> with a ServiceBusAuthorization token -> relay
   -> `azbridge -H relay:http/127.0.0.1:PORT` -> http.server; the relay name prefix is removed from the path
   (azbridge-compat.md §4.5), a base path given with -H is put in front, statuses pass through.
3. -H to an echo server in this process (http.server's own handler with POST): method, query, percent-encoding
   (%2F stays encoded), end-to-end headers including Content-Type and Content-Encoding (azbridge lost or failed on
   those), request bodies below and above 64 KiB, and both of two Set-Cookie lines in the answer.
4. -H to an https origin: verified against the trusted CA (SSL_CERT_FILE), a 500 for an origin whose certificate
   is not trusted, and `Insecure` (YAML) to accept it anyway.
"""
import http.server
import json
import os
import ssl
import subprocess
import threading

import bridge_helpers as bh

azb = bh.azb
rh = bh.rh


def curl(args, timeout=90):
    """Runs curl; returns (status, body bytes)."""
    out = os.path.join(azb.tmpdir("azb-curl-"), "body")
    r = azb.run(["curl", "-sS", "--max-time", "60", "-o", out, "-w", "%{http_code}", *args], timeout=timeout)
    if r.returncode != 0:
        bh.fail(f"curl {' '.join(args)} failed ({r.returncode}): {r.stderr}")
    with open(out, "rb") as f:
        return int(r.stdout.strip()), f.read()


class EchoHandler(http.server.BaseHTTPRequestHandler):
    """Answers every request with JSON describing it, and two Set-Cookie lines."""

    def _answer(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b""
        doc = {"method": self.command, "path": self.path, "body_sha": bh.sha(body), "body_len": len(body),
               "headers": {k.lower(): v for k, v in self.headers.items()}}
        out = json.dumps(doc).encode()
        self.send_response(201 if self.command == "POST" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Set-Cookie", "a=1; Path=/")
        self.send_header("Set-Cookie", "b=2; Path=/")
        self.send_header("Content-Length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    do_GET = do_POST = do_PUT = do_DELETE = _answer

    def log_message(self, *args):
        pass


def echo_checks(tunnel, rng, echo_port, base, ca):
    token = rh.make_token("127.0.0.1/webecho")
    auth = ["-H", f"ServiceBusAuthorization: {token}"]
    out = os.path.join(tunnel.work, "echo-headers.txt")
    for size in (0, 1000, 200_000):
        body = bh.random_bytes(rng, size)
        body_path = os.path.join(tunnel.work, f"body-{size}")
        with open(body_path, "wb") as f:
            f.write(body)
        status, answer = curl(ca + auth + ["-X", "POST", "--data-binary", f"@{body_path}", "-D", out,
                                           "-H", "Content-Type: application/x-test; charset=utf-8",
                                           "-H", "Content-Encoding: identity", "-H", "X-Custom: one two",
                                           f"{base}/webecho/a%2Fb/c?x=1&y=%20z"])
        bh.check(status == 201, f"-H POST {size} bytes: {status} {answer[:300]!r}")
        doc = json.loads(answer)
        bh.check(doc["method"] == "POST", f"method {doc['method']}")
        bh.check(doc["path"] == "/a%2Fb/c?x=1&y=%20z", f"the target saw the path {doc['path']!r}")
        bh.check(doc["body_len"] == size and doc["body_sha"] == bh.sha(body), f"POST body {doc['body_len']} of {size} bytes")
        hdrs = doc["headers"]
        bh.check(hdrs.get("content-type") == "application/x-test; charset=utf-8", f"Content-Type {hdrs.get('content-type')}")
        bh.check(hdrs.get("content-encoding") == "identity", f"Content-Encoding {hdrs.get('content-encoding')}")
        bh.check(hdrs.get("x-custom") == "one two", f"X-Custom {hdrs.get('x-custom')}")
        bh.check(hdrs.get("host") == f"127.0.0.1:{echo_port}", f"Host {hdrs.get('host')}")
        with open(out, "rb") as f:
            head = f.read().decode("latin-1").lower()
        # Both cookies arrive, in order. The response JSON of the protocol holds a header name once, so
        # repeated headers come joined with ", " (one line); nothing is dropped.
        cookies = [line for line in head.split("\r\n") if line.startswith("set-cookie:")]
        bh.check(cookies in (["set-cookie: a=1; path=/", "set-cookie: b=2; path=/"],
                             ["set-cookie: a=1; path=/, b=2; path=/"]), f"Set-Cookie lines {cookies}")
    status, answer = curl(ca + auth + ["-X", "DELETE", f"{base}/webecho"])
    doc = json.loads(answer)
    bh.check(status == 200 and doc["method"] == "DELETE" and doc["path"] == "/", f"DELETE /webecho: {status} {doc}")


def https_origin(cert, key):
    """The echo handler behind TLS with the given certificate; returns its port."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def https_checks(tunnel, base, ca):
    """The relay's own certificate is trusted by the forwarder (SSL_CERT_FILE); a second throwaway CA is not."""
    trusted = https_origin(os.path.join(tunnel.work, "server.pem"), os.path.join(tunnel.work, "server.key"))
    other = azb.tmpdir("azb-untrusted-")
    subprocess.run([os.path.join(azb.SOURCE_DIR, "scripts", "make-test-certs.sh"), other], check=True,
                   capture_output=True)
    untrusted = https_origin(os.path.join(other, "server.pem"), os.path.join(other, "server.key"))
    insecure_yaml = os.path.join(tunnel.work, "insecure.yml")
    with open(insecure_yaml, "w") as f:
        f.write("RemoteForward:\n  - RelayName: websinsecure\n    Http: true\n    Bindings:\n"
                f"      - PortName: https\n        Host: 127.0.0.1\n        HostPort: {untrusted}\n"
                "        Http: true\n        Insecure: true\n")
    tunnel.remote("-H", f"webs:https/127.0.0.1:{trusted}", "-H", f"websbad:https/127.0.0.1:{untrusted}",
                  "-f", insecure_yaml, name="remote-https")
    for relay, want in (("webs", 200), ("websbad", 500), ("websinsecure", 200)):
        auth = ["-H", f"ServiceBusAuthorization: {rh.make_token('127.0.0.1/' + relay)}"]
        status, body = curl(ca + auth + [f"{base}/{relay}/x"])
        bh.check(status == want, f"-H https origin {relay}: {status} (expected {want}) {body[:300]!r}")
        if want == 200:
            bh.check(json.loads(body)["path"] == "/x", f"{relay}: {body[:200]!r}")
        else:
            bh.check(b"azbridge: cannot get https://127.0.0.1:" in body, f"{relay}: error body {body[:300]!r}")


def main():
    rng = bh.rng_from_env("http")
    tunnel = bh.Tunnel()
    site = os.path.join(tunnel.work, "site")
    os.makedirs(os.path.join(site, "sub"))
    files = {"index.txt": b"hello from http.server\n", "big.bin": bh.random_bytes(rng, 1_500_000),
             "sub/inner.txt": b"below the base path\n"}
    for name, data in files.items():
        with open(os.path.join(site, name), "wb") as f:
            f.write(data)
    server, http_port = bh.http_server(site, tunnel.work)

    # 1. Plain TCP forwarding of HTTP.
    echo = http.server.ThreadingHTTPServer(("127.0.0.1", 0), EchoHandler)
    threading.Thread(target=echo.serve_forever, daemon=True).start()
    echo_port = echo.server_address[1]
    tunnel.remote("-T", f"web:127.0.0.1:{http_port}", "-H", f"webh:http/127.0.0.1:{http_port}",
                  "-H", f"websub:http/127.0.0.1/sub:{http_port}", "-H", f"webecho:http/127.0.0.1:{echo_port}")
    port = azb.free_port()
    tunnel.local("-L", f"127.0.0.1:{port}:web")
    for name in ("index.txt", "big.bin"):
        status, body = curl([f"http://127.0.0.1:{port}/{name}"])
        bh.check(status == 200 and body == files[name], f"-L GET /{name}: {status}, {len(body)} bytes")
    status, _ = curl([f"http://127.0.0.1:{port}/missing"])
    bh.check(status == 404, f"-L GET /missing: {status}")

    # 2. HTTP mode through the relay's HTTPS address.
    base = f"https://127.0.0.1:{tunnel.relay.port}"
    ca = ["--cacert", tunnel.relay.ca]
    token = rh.make_token("127.0.0.1/webh")
    for name in ("index.txt", "big.bin"):
        status, body = curl(ca + ["-H", f"ServiceBusAuthorization: {token}", f"{base}/webh/{name}"])
        bh.check(status == 200 and body == files[name], f"-H GET /webh/{name}: {status}, {len(body)} bytes {body[:200]!r}")
    status, _ = curl(ca + ["-H", f"ServiceBusAuthorization: {token}", f"{base}/webh/missing"])
    bh.check(status == 404, f"-H GET /webh/missing: {status}")
    # A token from `azbridge token`, and a base path on the -H binding: /websub/inner.txt -> /sub/inner.txt.
    r = azb.run([azb.AZBRIDGE, "token", "-x", tunnel.connection_string, "--relay", "websub"])
    bh.check(r.returncode == 0 and r.stdout.startswith("SharedAccessSignature "), f"azbridge token: {r.stdout} {r.stderr}")
    status, body = curl(ca + ["-H", f"ServiceBusAuthorization: {r.stdout.strip()}", f"{base}/websub/inner.txt"])
    bh.check(status == 200 and body == files["sub/inner.txt"], f"-H GET /websub/inner.txt: {status} {body[:200]!r}")
    # Without a token the relay refuses (the forwarder never sees the request).
    status, _ = curl(ca + [f"{base}/webh/index.txt"])
    bh.check(status == 401, f"-H GET without a token: {status}")

    echo_checks(tunnel, rng, echo_port, base, ca)
    https_checks(tunnel, base, ca)

    remote = tunnel.forwarders[0]
    bh.wait_for_match(remote, r"RemoteForwardHttpRequestForwarded: relay 'webh': \"GET /webh/big.bin\" -> "
                              rf"http://127\.0\.0\.1:{http_port}/big\.bin 200")
    bh.wait_for_match(remote, r"RemoteForwardHttpRequestForwarded: relay 'websub': \"GET /websub/inner.txt\" -> "
                              rf"http://127\.0\.0\.1:{http_port}/sub/inner\.txt 200")
    azb.stop(server)
    tunnel.stop_all()
    print("ok: HTTP over -L/-T and over -H (relay HTTPS address, path mapping, statuses)")


if __name__ == "__main__":
    main()
