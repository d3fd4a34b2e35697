#!/usr/bin/env python3
"""HTTP through the forwarders, with curl and a real `python3 -m http.server`:

1. -L/-T (TCP): curl -> `azbridge -L` -> relay (TLS) -> `azbridge -T` -> http.server: status and body.
2. -H (HTTP mode): curl -> https://127.0.0.1:RELAY/<relay>/<path> with a ServiceBusAuthorization token -> relay
   -> `azbridge -H relay:http/127.0.0.1:PORT` -> http.server; the relay name prefix is removed from the path
   (azbridge-compat.md §4.5), a base path given with -H is put in front, statuses pass through.
"""
import os

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
    tunnel.remote("-T", f"web:127.0.0.1:{http_port}", "-H", f"webh:http/127.0.0.1:{http_port}",
                  "-H", f"websub:http/127.0.0.1/sub:{http_port}")
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
