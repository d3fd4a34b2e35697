#!/usr/bin/env python3
"""TCP half-close carried end to end (azbridge-compat.md §4.1.4, §4.3): EOF from one side becomes WebSocket
Close(1000) and then shutdown(SHUT_WR) on the other side, while the other direction goes on.

1. The client sends, shuts down its write side, and still receives the full reply, which the target sends only
   after it saw EOF (and which names the SHA-256 of what it received).
2. The other way round: the target sends and shuts down first; the client sees EOF, then sends its data and
   shuts down; the target receives all of it.
3. Our local forwarder against a raw listener peer: after the client's EOF arrives as Close(1000), the peer
   still sends data, and the client receives it before the EOF that the peer's Close causes.
"""
import json
import socket
import threading
import urllib.parse

import bridge_helpers as bh

rh = bh.rh
MIB = 1 << 20


def reply_after_eof(conn):
    """Reads to EOF, then answers SHA-256(received) + 1 MiB that depends on it."""
    got, _ = bh.read_to_eof(conn)
    digest = bh.sha(got).encode()
    conn.sendall(digest + digest * (MIB // len(digest)))
    conn.shutdown(socket.SHUT_WR)


def send_first(records):
    """Sends 512 KiB and shuts down, then reads the client's data to EOF."""
    def handle(conn):
        payload = bytes(range(256)) * 2048
        conn.sendall(payload)
        conn.shutdown(socket.SHUT_WR)
        got, _ = bh.read_to_eof(conn)
        records.append(got)
    return handle


def client_half_close(port, rng):
    for size in (0, 1, 300_000):
        data = bh.random_bytes(rng, size)
        with socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT) as s:
            s.sendall(data)
            s.shutdown(socket.SHUT_WR)
            got, _ = bh.read_to_eof(s)
        digest = bh.sha(data).encode()
        want = digest + digest * (MIB // len(digest))
        bh.check(got == want, f"{size} bytes then EOF: the reply after the half-close has {len(got)} bytes, "
                              f"expected {len(want)} (starts {got[:64]!r})")


def target_half_close(port, records, rng):
    data = bh.random_bytes(rng, 200_000)
    with socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT) as s:
        got, _ = bh.read_to_eof(s)  # the target's data, then its EOF
        bh.check(got == bytes(range(256)) * 2048, f"the client got {len(got)} bytes before the target's EOF")
        s.sendall(data)  # our direction is still open
        s.shutdown(socket.SHUT_WR)
        rest, _ = bh.read_to_eof(s)
        bh.check(rest == b"", "data after EOF")
    bh.wait_until(lambda: records, "the target to record the client's data")
    bh.check(records[0] == data, f"the target got {len(records[0])} of {len(data)} bytes after its own half-close")


def raw_listener_half_close(tunnel):
    ctl = rh.listen(tunnel.relay, "rawhc").ws
    port = bh.azb.free_port()
    local = tunnel.local("-L", f"127.0.0.1:{port}/hc:rawhc")
    client = socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT)
    ctl.settimeout(bh.IO_TIMEOUT)
    accept = json.loads(ctl.recv()[1])["accept"]
    url = urllib.parse.urlsplit(accept["address"])
    rv = rh.ws_handshake(tunnel.relay, url.path + "?" + url.query).ws
    rv.settimeout(bh.IO_TIMEOUT)
    bh.check(bh.read_message(rv) == (2, b"\x01\x00\x00\x02"), "preamble header")
    bh.check(bh.read_message(rv) == (2, b"hc"), "preamble name")
    rv.send_binary(b"\x01\x00\x00")
    client.sendall(b"request")
    client.shutdown(socket.SHUT_WR)
    bh.check(bh.read_message(rv) == (2, b"request"), "request data")
    got = bh.read_message(rv)
    bh.check(got[0] == "close" and got[1] == 1000, f"the client's EOF arrived as {got}, expected Close(1000)")
    rv.send_binary(b"answer after the half-close")
    rv.close(1000, "Shutdown")
    reply, _ = bh.read_to_eof(client)
    bh.check(reply == b"answer after the half-close", f"the client got {reply!r}")
    client.close()
    bh.alive(local)


def main():
    rng = bh.rng_from_env("half_close")
    tunnel = bh.Tunnel()
    records = []
    after_eof = bh.TcpServer(reply_after_eof)
    first = bh.TcpServer(send_first(records))
    tunnel.remote("-T", f"hc:a/127.0.0.1:{after_eof.port};b/127.0.0.1:{first.port}")
    pa, pb = bh.azb.free_port(), bh.azb.free_port()
    tunnel.local("-L", f"127.0.0.1:{pa}/a;127.0.0.1:{pb}/b:hc")
    client_half_close(pa, rng)
    target_half_close(pb, records, rng)
    raw_listener_half_close(tunnel)
    bh.check(not after_eof.errors and not first.errors, f"target errors: {after_eof.errors} {first.errors}")
    tunnel.stop_all()
    print("ok: half-close both ways, and after a Close(1000) from our local forwarder")


if __name__ == "__main__":
    main()
