#!/usr/bin/env python3
"""Refusals on the data path (azbridge-compat.md §4.2, §4.3, §4.6):

1. Unknown port name: the remote forwarder closes without a reply; the client of -L sees an orderly EOF (no
   reset, no data), and both forwarders log a clear line naming the port.
2. Refused target: the preamble is accepted, the target connect fails; the client sees an orderly EOF, the
   remote forwarder logs a warning naming the target, the local one says why the remote side closed.
3. No listener on the relay name: the client sees an orderly EOF, the local forwarder logs that the relay
   could not be reached (404 from the relay) and keeps serving.
4. Both forwarders keep serving: a good connection works after each failure, and on the same relay.
Each case runs with a client that sends nothing and one that sends before it is refused.
"""
import bridge_helpers as bh

azb = bh.azb


def good(port, rng):
    data = bh.random_bytes(rng, 5000)
    got = bh.request(port, data)
    bh.check(got == b"good:" + data, f"the good port answered {got[:40]!r}")


def main():
    rng = bh.rng_from_env("errors")
    tunnel = bh.Tunnel()
    target = bh.TcpServer(bh.framed_echo_handler(b"good:"))
    dead = azb.free_port()  # nothing listens there
    remote = tunnel.remote("-T", f"err:good/127.0.0.1:{target.port};dead/127.0.0.1:{dead}")
    p_good, p_unknown, p_dead = azb.free_port(), azb.free_port(), azb.free_port()
    p_nobody = azb.free_port()
    local = tunnel.local("-L", f"127.0.0.1:{p_good}/good;127.0.0.1:{p_unknown}/nosuch;127.0.0.1:{p_dead}/dead:err",
                         "-L", f"127.0.0.1:{p_nobody}:nobody")
    good(p_good, rng)

    for i, send in enumerate((b"", b"hello before the refusal")):
        n = i + 1
        bh.expect_eof(p_unknown, send)
        bh.wait_for_match(local, r"LocalForwardBridgeConnectionFailed: 127\.0\.0\.1:\d+ on 127\.0\.0\.1:%d: relay 'err' "
                                 r"refused the connection: .*unknown port name 'nosuch'" % p_unknown, count=n)
        bh.wait_for_match(remote, r"RemoteForwardBridgeConnectionRefused: relay 'err': refused sender .*: unknown port "
                                  r"name 'nosuch' \(this relay serves: good, dead\)", count=n)
        good(p_good, rng)

        bh.expect_eof(p_dead, send)
        bh.wait_for_match(remote, r"RemoteForwardTargetConnectFailed: relay 'err' port 'dead': .* cannot be forwarded: "
                                  r"127\.0\.0\.1:%d: Connection refused" % dead, count=n)
        bh.wait_for_match(local, r"LocalForwardBridgeConnectionStop: 127\.0\.0\.1:\d+ -> relay 'err' port 'dead' closed "
                                 r"by the remote forwarder .*cannot connect to the target 127\.0\.0\.1:%d" % dead, count=n)
        good(p_good, rng)

        bh.expect_eof(p_nobody, send)
        bh.wait_for_match(local, r"LocalForwardBridgeConnectionFailed: 127\.0\.0\.1:\d+ on 127\.0\.0\.1:%d: cannot reach "
                                 r"relay 'nobody': .*404" % p_nobody, count=n)
        good(p_good, rng)
        bh.alive(local, remote)

    bh.check(not target.errors, f"target errors: {target.errors}")
    tunnel.stop_all()
    print("ok: unknown port name, refused target, no listener: orderly EOF, clear log lines, both forwarders keep serving")


if __name__ == "__main__":
    main()
