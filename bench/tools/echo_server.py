#!/usr/bin/env python3
"""Echo server for the benchmark targets: every byte received is sent back on the same connection.

One thread, non-blocking sockets and `selectors`, so it holds thousands of connections and answers a 1-byte
request without a thread hand-off. TCP_NODELAY on every accepted socket (the answer leaves at once).
Prints its port on stdout ("PORT n") and runs until killed.

Usage: echo_server.py [--port N] [--bind 127.0.0.1]
"""
import argparse
import selectors
import socket
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--bind", default="127.0.0.1")
    args = ap.parse_args()

    sel = selectors.DefaultSelector()
    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind((args.bind, args.port))
    lsock.listen(4096)
    lsock.setblocking(False)
    sel.register(lsock, selectors.EVENT_READ, None)
    print(f"PORT {lsock.getsockname()[1]}", flush=True)

    pending = {}  # socket -> bytes not yet echoed (the peer reads slower than it writes)

    def close(s):
        pending.pop(s, None)
        try:
            sel.unregister(s)
        except (KeyError, ValueError):
            pass
        s.close()

    while True:
        for key, events in sel.select():
            s = key.fileobj
            if s is lsock:
                while True:
                    try:
                        c, _ = lsock.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break  # e.g. EMFILE: the client sees its connection refused or reset
                    c.setblocking(False)
                    c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                    sel.register(c, selectors.EVENT_READ, None)
                continue
            if events & selectors.EVENT_WRITE:
                data = pending.get(s, b"")
                try:
                    n = s.send(data)
                except (BlockingIOError, InterruptedError):
                    n = 0
                except OSError:
                    close(s)
                    continue
                data = data[n:]
                if data:
                    pending[s] = data
                else:
                    pending.pop(s, None)
                    sel.modify(s, selectors.EVENT_READ, None)
                continue
            try:
                data = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                close(s)
                continue
            if not data:
                close(s)
                continue
            if s in pending:
                pending[s] += data
                continue
            try:
                n = s.send(data)
            except (BlockingIOError, InterruptedError):
                n = 0
            except OSError:
                close(s)
                continue
            if n < len(data):
                pending[s] = data[n:]
                sel.modify(s, selectors.EVENT_READ | selectors.EVENT_WRITE, None)


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(0)
