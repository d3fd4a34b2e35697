#!/usr/bin/env python3
"""UDP through the tunnel (azbridge-compat.md §4.4): `-L 127.0.0.1:PORTU/echo:relay` to
`-T relay:echo/127.0.0.1:TARGETU` in front of a UDP echo server. Several client sockets (several source ports,
hence several routes and relayed connections) send small and 60 KB datagrams; every reply must come back to
the socket that sent the datagram, byte for byte. The default port names (`PORTU`) are checked on a second
binding with the same port number on both sides of the name.
"""
import socket

import bridge_helpers as bh

azb = bh.azb
SOURCES = 4


def roundtrip(sock, port, payload, what):
    """One datagram and its echo. The first datagram of a source opens its route: the reply waits for that."""
    sock.sendto(payload, ("127.0.0.1", port))
    try:
        got, src = sock.recvfrom(65536)
    except socket.timeout:
        bh.fail(f"{what}: no reply to a {len(payload)}-byte datagram")
    bh.check(src == ("127.0.0.1", port), f"{what}: reply from {src}")
    bh.check(got == payload, f"{what}: reply of {len(got)} bytes differs from the {len(payload)} sent")


def main():
    rng = bh.rng_from_env("udp")
    tunnel = bh.Tunnel()
    echo = bh.UdpEcho()
    remote = tunnel.remote("-T", f"dgram:echo/127.0.0.1:{echo.port}U")
    port = azb.free_port(kind=socket.SOCK_DGRAM)
    local = tunnel.local("-L", f"127.0.0.1:{port}U/echo:dgram")

    socks = []
    for _ in range(SOURCES):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        s.bind(("127.0.0.1", 0))
        s.settimeout(30)
        socks.append(s)
    sizes = [1, 0, 512, 60_000, 1400, 60_000, 65_000]
    for round_no in range(3):
        for i, s in enumerate(socks):
            for n in sizes:
                roundtrip(s, port, bh.random_bytes(rng, n), f"source {i} round {round_no}")
    # One relayed connection per source endpoint, at the local and the remote forwarder.
    bh.wait_for_match(local, r"LocalForwardBridgeConnectionStart: udp 127\.0\.0\.1:\d+ -> relay 'dgram' port 'echo'",
                      count=SOURCES)
    bh.wait_for_match(remote, r"RemoteForwardBridgeConnectionStart: relay 'dgram' port 'echo': .* -> udp ", count=SOURCES)
    bh.check(bh.log_count(local, "LocalForwardBridgeConnectionStart: udp") == SOURCES,
             f"{bh.log_count(local, 'LocalForwardBridgeConnectionStart: udp')} routes for {SOURCES} sources")
    bh.check(len(echo.sources) == SOURCES, f"the echo server saw {len(echo.sources)} source endpoints")
    bh.check(echo.count == 3 * SOURCES * len(sizes), f"the echo server got {echo.count} datagrams")
    for s in socks:
        s.close()
    tunnel.stop_all()
    # Each route's stop is logged with its datagram counts (stopping the forwarder closes every route).
    bh.check(bh.log_count(local, "LocalForwardBridgeConnectionStop: udp") == SOURCES,
             f"route stops logged: {bh.log_count(local, 'LocalForwardBridgeConnectionStop: udp')}\n{azb.log_text(local)[-3000:]}")
    print(f"ok: {3 * SOURCES * len(sizes)} datagrams from {SOURCES} source ports echoed through the tunnel")


if __name__ == "__main__":
    main()
