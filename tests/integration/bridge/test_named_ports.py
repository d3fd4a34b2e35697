#!/usr/bin/env python3
"""Several named ports on one relay name (azbridge-compat.md §1.4.1, §1.4.2, §4.2):
`-L "127.0.0.1:P1/n1;127.0.0.1:P2/n2;127.0.0.1:P3/n3:relay"` with `-T "relay:n1/127.0.0.1:T1;n2/127.0.0.1:T2;n3/T3"`
(n3 without a host: localhost). One local and one remote forwarder, one relay name; each local port must reach
its own target, also with connections to all ports open at the same time. The legacy -R grammar
(`relay:host:name/port`, host first) names ports the same way.
"""
import threading

import bridge_helpers as bh

azb = bh.azb
NAMES = ("n1", "n2", "n3")


def main():
    rng = bh.rng_from_env("named_ports")
    tunnel = bh.Tunnel()
    targets = {n: bh.TcpServer(bh.framed_echo_handler(f"target-{n}:".encode())) for n in NAMES}
    t = targets
    remote = tunnel.remote("-T", f"multi:n1/127.0.0.1:{t['n1'].port};n2/127.0.0.1:{t['n2'].port};n3/{t['n3'].port}")
    ports = {n: azb.free_port() for n in NAMES}
    local = tunnel.local("-L", ";".join(f"127.0.0.1:{ports[n]}/{n}" for n in NAMES) + ":multi")

    for n in NAMES:
        data = bh.random_bytes(rng, 1000)
        got = bh.request(ports[n], data)
        bh.check(got == f"target-{n}:".encode() + data, f"port {n}: got {got[:30]!r}")

    # All at once, several per port.
    errors, jobs = [], []
    for i in range(8):
        for n in NAMES:
            data = bh.random_bytes(rng, rng.randrange(1, 300_000))

            def job(n=n, data=data):
                try:
                    got = bh.request(ports[n], data)
                    if got != f"target-{n}:".encode() + data:
                        errors.append(f"port {n}: {len(got)} bytes, starts {got[:30]!r}")
                except OSError as e:
                    errors.append(f"port {n}: {e!r}")
            jobs.append(threading.Thread(target=job, daemon=True))
    for j in jobs:
        j.start()
    for j in jobs:
        j.join(120)
    bh.check(not errors, f"parallel connections: {errors[:5]}")
    for n in NAMES:
        bh.check(targets[n].accepted == 9, f"target {n} accepted {targets[n].accepted} connections, expected 9")
        bh.check(not targets[n].errors, f"target {n}: {targets[n].errors}")
    bh.check("serving n1, n2, n3" in azb.log_text(remote), "the remote forwarder's start line names its ports")

    legacy = {n: bh.TcpServer(bh.framed_echo_handler(f"legacy-{n}:".encode())) for n in ("r1", "r2")}
    tunnel.remote("-R", f"legacy:127.0.0.1:r1/{legacy['r1'].port};127.0.0.1:r2/{legacy['r2'].port}", name="legacy")
    lp = {n: azb.free_port() for n in legacy}
    tunnel.local("-L", f"127.0.0.1:{lp['r1']}/r1;127.0.0.1:{lp['r2']}/r2:legacy", name="local-legacy")
    for n in legacy:
        got = bh.request(lp[n], b"via -R")
        bh.check(got == f"legacy-{n}:via -R".encode(), f"-R port {n}: got {got!r}")
    bh.wait_for_match(local, r"LocalForwardBridgeConnectionStop: .* closed after", count=27)
    tunnel.stop_all()
    print("ok: three named ports on one relay, each to its own target; -R names ports alike")


if __name__ == "__main__":
    main()
