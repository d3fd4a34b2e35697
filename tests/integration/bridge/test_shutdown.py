#!/usr/bin/env python3
"""SIGTERM with connections open (azbridge-compat.md §5.3; docs/forwarding.md "Shutdown"): the forwarder stops
accepting, ends every relayed connection with Close(1000), exits 0 within a few seconds, and its clients see the
end of their connections instead of hanging. First the local forwarder, then (with a new local one) the remote
forwarder; the relay and the other side keep running and serve a new forwarder.
"""
import signal
import socket
import threading

import bridge_helpers as bh

azb = bh.azb
OPEN = 5


def open_connections(port):
    """OPEN idle connections (a request begun, not finished) plus one that keeps sending; all through the tunnel."""
    idle = []
    for _ in range(OPEN):
        s = socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT)
        s.sendall((1 << 30).to_bytes(8, "big") + b"partial")  # announces 1 GiB, sends 7 bytes
        idle.append(s)
    busy = socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT)
    busy.sendall((1 << 40).to_bytes(8, "big"))
    state = {"sent": 0, "error": None}

    def pump():
        chunk = b"x" * 65536
        try:
            while True:
                busy.sendall(chunk)
                state["sent"] += len(chunk)
        except OSError as e:
            state["error"] = e
    t = threading.Thread(target=pump, daemon=True)
    t.start()
    bh.wait_until(lambda: state["sent"] > 4 << 20, "the busy connection to move 4 MiB")
    return idle, busy, t, state


def ends(sock, what):
    """The connection ends (EOF or reset) within the bound instead of hanging."""
    try:
        while sock.recv(65536):
            pass
    except ConnectionResetError:
        pass
    except socket.timeout:
        bh.fail(f"{what}: the client connection did not end after the forwarder stopped")
    sock.close()


def stop_with_open_connections(proc, port, what):
    idle, busy, t, state = open_connections(port)
    bh.wait_for_match(proc, r"ConnectionStart", count=OPEN + 1)
    status = azb.stop(proc, timeout=10, sig=signal.SIGTERM)
    bh.check(status == 0, f"{what} exited with {status} after SIGTERM:\n{azb.log_text(proc)[-3000:]}")
    log = azb.log_text(proc)
    bh.check("BridgeStopping: stopping (SIGTERM)" in log and "BridgeStopped: stopped" in log,
             f"{what}: no stop lines:\n{log[-3000:]}")
    bh.check("did not close in time" not in log, f"{what}: connections outlived the grace period:\n{log[-3000:]}")
    for i, s in enumerate(idle):
        ends(s, f"{what}: idle connection {i}")
    busy.settimeout(bh.IO_TIMEOUT)
    ends(busy, f"{what}: busy connection")
    t.join(bh.IO_TIMEOUT)
    bh.check(state["error"] is not None or not t.is_alive(), f"{what}: the busy sender still runs")
    print(f"{what}: exit 0 after SIGTERM with {OPEN + 1} connections open")


def main():
    tunnel = bh.Tunnel()
    target = bh.TcpServer(bh.framed_echo_handler(b"t:"))
    remote = tunnel.remote("-T", f"stop:127.0.0.1:{target.port}")
    port = azb.free_port()
    local = tunnel.local("-L", f"127.0.0.1:{port}:stop")
    stop_with_open_connections(local, port, "local forwarder")
    tunnel.forwarders.remove(local)

    port = azb.free_port()
    local = tunnel.local("-L", f"127.0.0.1:{port}:stop")
    got = bh.request(port, b"after the first stop")
    bh.check(got == b"t:after the first stop", f"the remote forwarder after the local one stopped: {got!r}")
    stop_with_open_connections(remote, port, "remote forwarder")
    tunnel.forwarders.remove(remote)

    # The local forwarder outlives its remote side and serves the next one.
    bh.expect_eof(port)
    remote = tunnel.remote("-T", f"stop:127.0.0.1:{target.port}")
    got = bh.request(port, b"new remote")
    bh.check(got == b"t:new remote", f"a new remote forwarder: {got!r}")
    tunnel.stop_all()
    print("ok: SIGTERM with open connections, exit 0, on both sides")


if __name__ == "__main__":
    main()
