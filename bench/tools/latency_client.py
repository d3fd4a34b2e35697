#!/usr/bin/env python3
"""New-connection latency: N sequential connections, each connects, sends 1 byte, reads 1 byte back, closes.

The time of one connection runs from the start of connect() to the arrival of the echoed byte, so it holds
everything a new connection costs on the path (for our chain: accept, sender WebSocket to the relay,
rendezvous WebSocket of the listener, target connect). The first `--warmup` connections are not counted.
Prints one JSON object: count, failures, p50/p90/p99/max/mean in milliseconds.

Usage: latency_client.py --port N [--count 2000] [--warmup 20] [--timeout 10]
"""
import argparse
import json
import socket
import time


def percentile(sorted_values, p):
    if not sorted_values:
        return None
    k = min(len(sorted_values) - 1, max(0, int(round(p / 100.0 * len(sorted_values) + 0.5)) - 1))
    return sorted_values[k]


def one(port, timeout):
    t0 = time.perf_counter()
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        s.sendall(b"x")
        b = s.recv(1)
        t1 = time.perf_counter()
        if b != b"x":
            raise OSError("no echo (connection closed)" if not b else "wrong echo")
    finally:
        s.close()
    return (t1 - t0) * 1000.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--count", type=int, default=2000)
    ap.add_argument("--warmup", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()

    failures, errors, samples = 0, [], []
    for i in range(args.warmup + args.count):
        try:
            ms = one(args.port, args.timeout)
        except OSError as e:
            if i >= args.warmup:
                failures += 1
                if len(errors) < 5:
                    errors.append(str(e))
            continue
        if i >= args.warmup:
            samples.append(ms)
    samples.sort()
    out = {
        "count": len(samples),
        "failures": failures,
        "errors": errors,
        "p50_ms": percentile(samples, 50),
        "p90_ms": percentile(samples, 90),
        "p99_ms": percentile(samples, 99),
        "max_ms": samples[-1] if samples else None,
        "mean_ms": sum(samples) / len(samples) if samples else None,
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main()
