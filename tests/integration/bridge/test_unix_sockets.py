#!/usr/bin/env python3
"""Unix sockets on both ends (azbridge-compat.md §1.4, §4.3):

1. Unix socket -> TCP: `-L sock/u2t:relay` (a socket name relative to the forwarder's working directory, the
   only form the -L grammar allows) to `-T relay:u2t/127.0.0.1:PORT`.
2. TCP -> Unix socket: `-L 127.0.0.1:PORT/t2u:relay` to `-T relay:t2u/target.sock` (also relative).
Bytes are checked both ways; the local forwarder removes its socket file when it stops.
"""
import os

import bridge_helpers as bh

azb = bh.azb


def main():
    rng = bh.rng_from_env("unix_sockets")
    tunnel = bh.Tunnel()
    work = tunnel.work
    tcp_target = bh.TcpServer(bh.framed_echo_handler(b"tcp-target:"))
    unix_target = bh.TcpServer(bh.framed_echo_handler(b"unix-target:"), path=os.path.join(work, "target.sock"))
    remote = tunnel.remote("-T", f"ux:u2t/127.0.0.1:{tcp_target.port};t2u/target.sock", cwd=work)
    port = azb.free_port()
    local = tunnel.local("-L", f"local.sock/u2t;127.0.0.1:{port}/t2u:ux", cwd=work)
    local_sock = os.path.join(work, "local.sock")
    bh.check(os.path.exists(local_sock), "the local forwarder's socket file is missing")

    for size in (0, 1, 70_000, 2_000_000):
        data = bh.random_bytes(rng, size)
        got = bh.request(address=local_sock, data=data)
        bh.check(got == b"tcp-target:" + data, f"unix -> tcp, {size} bytes: got {len(got)} bytes {got[:40]!r}")
        got = bh.request(port, data)
        bh.check(got == b"unix-target:" + data, f"tcp -> unix, {size} bytes: got {len(got)} bytes {got[:40]!r}")
    bh.check(not tcp_target.errors and not unix_target.errors, f"target errors: {tcp_target.errors} {unix_target.errors}")
    bh.wait_for_match(remote, r"RemoteForwardBridgeConnectionStop: relay 'ux' port 't2u': .* -> unix:target\.sock closed",
                      count=4)
    bh.wait_for_match(local, r"LocalForwardBridgeConnectionStop: client of unix:local\.sock -> relay 'ux' port 'u2t' closed",
                      count=4)
    tunnel.stop_all()
    bh.check(not os.path.exists(local_sock), "the local forwarder left its socket file behind")
    print("ok: unix socket -> tcp and tcp -> unix socket")


if __name__ == "__main__":
    main()
