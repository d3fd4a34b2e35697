#!/usr/bin/env python3
"""Concurrency: opens N connections to an echo service, holds them all open and has each send a 16-byte message
every `--interval` seconds for `--duration` seconds, checking every echo.

Phase 1 opens the connections (at most `--parallel` opening at a time); a connection counts as established
when its first message came back. Phase 2 starts once all are established (or failed): connection i sends at
i/N of the interval, so the load is spread evenly. A failure is a connection that could not be opened, was
closed or reset, echoed something else, or did not echo within `--echo-timeout`.

Prints JSON lines on stdout: {"event": "established", ...} when phase 2 starts (the caller samples memory
from then on) and {"event": "done", ...} at the end, before the connections are closed.

Usage: hold_client.py --port N [--conns 1000] [--duration 30] [--interval 1] [--parallel 50]
"""
import argparse
import errno
import heapq
import json
import selectors
import socket
import time

MSG_LEN = 16


class Conn:
    __slots__ = ("i", "sock", "state", "seq", "expect", "got", "sent_at", "failed")

    def __init__(self, i):
        self.i, self.sock, self.state, self.seq = i, None, "new", 0
        self.expect, self.got, self.sent_at, self.failed = b"", b"", 0.0, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--conns", type=int, default=1000)
    ap.add_argument("--duration", type=float, default=30.0)
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--parallel", type=int, default=50)
    ap.add_argument("--echo-timeout", type=float, default=10.0)
    ap.add_argument("--open-timeout", type=float, default=120.0)
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    conns = [Conn(i) for i in range(args.conns)]
    errors = {}
    rtts = []
    worst = {}  # second of the hold phase -> slowest echo in it (ms)
    hold_start = [None]
    stats = {"sent": 0, "echoed": 0}

    def fail(c, why):
        if c.failed:
            return
        c.failed = why
        errors[why] = errors.get(why, 0) + 1
        if c.sock is not None:
            try:
                sel.unregister(c.sock)
            except (KeyError, ValueError):
                pass
            c.sock.close()
            c.sock = None

    def send_msg(c, now):
        c.seq += 1
        c.expect = b"%08d%08d" % (c.i, c.seq % 100000000)
        c.got = b""
        c.sent_at = now
        try:
            n = c.sock.send(c.expect)
        except OSError as e:
            fail(c, f"send: {errno.errorcode.get(e.errno, e)}")
            return
        if n != MSG_LEN:
            fail(c, "short send")  # 16 bytes always fit an empty socket buffer
            return
        stats["sent"] += 1
        c.state = "wait_echo"

    def on_readable(c, now):
        try:
            data = c.sock.recv(4096)
        except (BlockingIOError, InterruptedError):
            return False
        except OSError as e:
            fail(c, f"recv: {errno.errorcode.get(e.errno, e)}")
            return False
        if not data:
            fail(c, "closed by the peer")
            return False
        c.got += data
        if len(c.got) < MSG_LEN:
            return False
        if c.got != c.expect or c.state != "wait_echo":
            fail(c, "wrong echo")
            return False
        stats["echoed"] += 1
        rtt = (now - c.sent_at) * 1000.0
        rtts.append(rtt)
        if hold_start[0] is not None:
            sec = int(now - hold_start[0])
            worst[sec] = max(worst.get(sec, 0.0), rtt)
        c.state = "idle"
        return True

    # ---- phase 1: open
    t_open = time.monotonic()
    next_new = 0
    opening = 0
    established = 0
    last_check = t_open
    while established + sum(errors.values()) < args.conns:
        now = time.monotonic()
        if now - t_open > args.open_timeout:
            for c in conns:
                if c.state in ("new", "connecting", "wait_first") and not c.failed:
                    fail(c, "not established in time")
            break
        while opening < args.parallel and next_new < args.conns:
            c = conns[next_new]
            next_new += 1
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.setblocking(False)
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            c.sock = s
            rc = s.connect_ex(("127.0.0.1", args.port))
            if rc not in (0, errno.EINPROGRESS):
                fail(c, f"connect: {errno.errorcode.get(rc, rc)}")
                continue
            c.state = "connecting"
            c.sent_at = now
            sel.register(s, selectors.EVENT_WRITE, c)
            opening += 1
        for key, ev in sel.select(timeout=0.05):
            c = key.data
            now = time.monotonic()
            if c.state == "connecting":
                rc = c.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
                if rc != 0:
                    fail(c, f"connect: {errno.errorcode.get(rc, rc)}")
                    opening -= 1
                    continue
                sel.modify(c.sock, selectors.EVENT_READ, c)
                send_msg(c, now)
                if c.failed:
                    opening -= 1
                    continue
                continue
            was_first = c.seq == 1
            if on_readable(c, now) and was_first:
                established += 1
                opening -= 1
            elif c.failed and was_first:
                opening -= 1
        # Opening connections that never answer.
        now = time.monotonic()
        if now - last_check < 0.5:
            continue
        last_check = now
        for c in conns[:next_new]:
            if not c.failed and c.state in ("connecting", "wait_echo") and c.seq <= 1 and now - c.sent_at > args.echo_timeout:
                fail(c, "no answer while opening")
                opening -= 1
    open_seconds = time.monotonic() - t_open
    failures_open = sum(1 for c in conns if c.failed)
    print(json.dumps({"event": "established", "established": established, "failures": failures_open,
                      "seconds": round(open_seconds, 3)}), flush=True)

    # ---- phase 2: hold, one message per connection per interval
    t0 = time.monotonic()
    hold_start[0] = t0
    rtts.clear()  # the figures below are for the hold phase only
    heap = [(t0 + args.interval * c.i / args.conns, c.i) for c in conns if not c.failed]
    heapq.heapify(heap)
    end = t0 + args.duration
    last_scan = t0
    while True:
        now = time.monotonic()
        if now >= end:
            break
        while heap and heap[0][0] <= now:
            when, i = heapq.heappop(heap)
            c = conns[i]
            if c.failed:
                continue
            if c.state == "wait_echo":
                pass  # previous echo still outstanding: its timeout decides; skip this turn
            else:
                send_msg(c, now)
            if when + args.interval < end:
                heapq.heappush(heap, (when + args.interval, i))
        timeout = max(0.0, min(heap[0][0] - now if heap else 0.05, 0.05))
        for key, ev in sel.select(timeout=timeout):
            on_readable(key.data, time.monotonic())
        if now - last_scan > 0.5:
            last_scan = now
            for c in conns:
                if not c.failed and c.state == "wait_echo" and now - c.sent_at > args.echo_timeout:
                    fail(c, "echo timed out")
    # Let the last echoes arrive.
    drain_end = time.monotonic() + args.echo_timeout
    while time.monotonic() < drain_end and any(not c.failed and c.state == "wait_echo" for c in conns):
        for key, ev in sel.select(timeout=0.05):
            on_readable(key.data, time.monotonic())
    for c in conns:
        if not c.failed and c.state == "wait_echo":
            fail(c, "echo timed out")

    rtts.sort()
    pick = lambda p: rtts[min(len(rtts) - 1, int(p / 100.0 * len(rtts)))] if rtts else None  # noqa: E731
    failed = sum(1 for c in conns if c.failed)
    print(json.dumps({"event": "done", "conns": args.conns, "established": established, "failures": failed,
                      "failures_while_opening": failures_open, "errors": errors, "sent": stats["sent"],
                      "echoed": stats["echoed"], "open_seconds": round(open_seconds, 3),
                      "rtt_p50_ms": pick(50), "rtt_p99_ms": pick(99), "rtt_max_ms": rtts[-1] if rtts else None,
                      "rtt_worst_per_second_ms": [round(worst.get(i, 0.0), 1) for i in range(int(args.duration) + 1)]}),
          flush=True)
    for c in conns:
        if c.sock is not None:
            c.sock.close()


if __name__ == "__main__":
    main()
