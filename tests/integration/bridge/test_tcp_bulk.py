#!/usr/bin/env python3
"""64 parallel TCP connections through `azbridge -L` -> `azbridge relay` (TLS) -> `azbridge -T`, each moving a
random amount (0 bytes to 8 MiB) both ways at the same time, in 3 rounds over the same tunnel.

The target is a server in this process that records the SHA-256 and length of what it received and sent on each
connection; the clients record the same. The two multisets must be equal (a connection is a pair
(client->target, target->client)), and both forwarders must log one clean stop per connection.

Each side announces its amount in an 8-byte prefix and reads the other's payload completely before the client
shuts down: this test is about integrity under load, not about a half-close racing data still in flight
(test_half_close.py covers that).
"""
import hashlib
import random
import socket
import struct
import threading
import time

import bridge_helpers as bh

CONNECTIONS = 64
ROUNDS = 3
MIB = 1 << 20
CHUNK = 1 << 16


def sizes(rng, n):
    """The extremes in every round (0 and 8 MiB in each direction); the rest a third uniform in 0..8 MiB and two
    thirds log-uniform from 1 byte to 8 MiB (many small transfers, some large)."""
    fixed = [0, 0, 8 * MIB, 8 * MIB, 1]
    out = fixed + [rng.randint(0, 8 * MIB) if i % 3 == 0 else int(2 ** rng.uniform(0, 23))
                   for i in range(n - len(fixed))]
    rng.shuffle(out)
    return out


def stream_random(conn, rng, n):
    """Sends the 8-byte length and n pseudo-random bytes in chunks; returns the SHA-256 of the payload."""
    h = hashlib.sha256()
    conn.sendall(struct.pack("!Q", n))
    left = n
    while left:
        b = rng.randbytes(min(CHUNK, left))
        h.update(b)
        conn.sendall(b)
        left -= len(b)
    return h.hexdigest()


def read_exact(conn, n, hasher=None):
    got = 0
    head = b""
    while got < n:
        b = conn.recv(min(1 << 16, n - got))
        if not b:
            raise ConnectionError(f"EOF after {got} of {n} bytes")
        got += len(b)
        if hasher is None:
            head += b
        else:
            hasher.update(b)
    return head


def read_payload(conn):
    """The peer's 8-byte length and payload; returns (length, SHA-256)."""
    n = struct.unpack("!Q", read_exact(conn, 8))[0]
    h = hashlib.sha256()
    read_exact(conn, n, h)
    return n, h.hexdigest()


class Target:
    """Per accepted connection: sends the next reply size (from a queue) while it reads the client's payload."""

    def __init__(self, rng):
        self.rng = rng
        self.lock = threading.Lock()
        self.reply_sizes = []
        self.records = []
        self.server = bh.TcpServer(self.handle)

    def arm(self, reply_sizes):
        with self.lock:
            self.reply_sizes = list(reply_sizes)
            self.records = []

    def wait_records(self, n, timeout=60.0):
        """The target records a connection after its own end of it: wait (bounded) until all n are in."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.records) >= n:
                    return list(self.records)
            time.sleep(0.02)  # polling for a condition
        with self.lock:
            return list(self.records)

    def handle(self, conn):
        with self.lock:
            n = self.reply_sizes.pop()
            seed = self.rng.randrange(1 << 62)
        sent = {}
        t = threading.Thread(target=lambda: sent.setdefault("sha", stream_random(conn, random.Random(seed), n)),
                             daemon=True)
        t.start()
        got, got_sha = read_payload(conn)
        t.join(bh.IO_TIMEOUT)
        if "sha" not in sent:
            raise RuntimeError(f"the target could not send its {n} bytes")
        # The client shuts down once it has everything: nothing more may arrive.
        rest, _ = bh.read_to_eof(conn)
        if rest:
            raise RuntimeError(f"{len(rest)} bytes after the payload")
        conn.shutdown(socket.SHUT_WR)
        with self.lock:
            self.records.append((got, got_sha, n, sent["sha"]))


def client(port, n, seed, results, errors):
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT)
        sent = {}
        t = threading.Thread(target=lambda: sent.setdefault("sha", stream_random(s, random.Random(seed), n)), daemon=True)
        t.start()
        got, got_sha = read_payload(s)
        t.join(bh.IO_TIMEOUT)
        if "sha" not in sent:
            raise RuntimeError(f"the client could not send its {n} bytes")
        s.shutdown(socket.SHUT_WR)
        rest, _ = bh.read_to_eof(s)
        s.close()
        if rest:
            raise RuntimeError(f"{len(rest)} bytes after the payload")
        results.append((n, sent["sha"], got, got_sha))
    except Exception as e:  # noqa: BLE001 - reported by the main thread
        errors.append(repr(e))


def main():
    rng = bh.rng_from_env("tcp_bulk")
    tunnel = bh.Tunnel()
    target = Target(rng)
    remote = tunnel.remote("-T", f"bulk:127.0.0.1:{target.server.port}")
    port = bh.azb.free_port()
    local = tunnel.local("-L", f"127.0.0.1:{port}:bulk")

    total = 0
    for round_no in range(1, ROUNDS + 1):
        up = sizes(rng, CONNECTIONS)
        down = sizes(rng, CONNECTIONS)
        target.arm(down)
        results, errors = [], []
        threads = [threading.Thread(target=client, args=(port, up[i], rng.randrange(1 << 62), results, errors),
                                    daemon=True) for i in range(CONNECTIONS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(240)
        bh.check(not errors, f"round {round_no}: client errors: {errors[:5]}")
        bh.check(not target.server.errors, f"round {round_no}: target errors: {target.server.errors[:5]}")
        bh.check(len(results) == CONNECTIONS, f"round {round_no}: {len(results)} of {CONNECTIONS} clients finished")
        records = target.wait_records(CONNECTIONS)
        bh.check(len(records) == CONNECTIONS, f"round {round_no}: the target saw {len(records)} connections")
        # The client's (sent, received) must be the target's (received, sent), connection by connection.
        from_clients = sorted(results)
        at_target = sorted((r[0], r[1], r[2], r[3]) for r in records)
        missing = [r for r in from_clients if r not in at_target]
        bh.check(not missing, f"round {round_no}: {len(missing)} connections differ end to end, e.g. "
                              f"client (sent {missing[:1]}) has no match at the target")
        bh.check(from_clients == at_target, f"round {round_no}: the multisets of transfers differ")
        moved = sum(r[0] + r[2] for r in results)
        bh.check(moved > 16 * MIB, f"round {round_no}: only {moved} bytes moved")
        total += moved
        print(f"round {round_no}: {CONNECTIONS} connections, {moved / MIB:.1f} MiB, zero differences", flush=True)
        # Every connection ended cleanly on both sides (no "dropped" line).
        bh.wait_for_match(local, r"LocalForwardBridgeConnectionStop: .* closed after", count=CONNECTIONS * round_no)
        bh.wait_for_match(remote, r"RemoteForwardBridgeConnectionStop: .* closed after", count=CONNECTIONS * round_no)
    for p in (local, remote):
        bh.check("dropped after" not in bh.azb.log_text(p), f"{p.name} dropped a connection:\n{bh.azb.log_text(p)[-4000:]}")
    tunnel.stop_all()
    print(f"ok: {ROUNDS} rounds x {CONNECTIONS} connections, {total / MIB:.1f} MiB compared by SHA-256")


if __name__ == "__main__":
    main()
