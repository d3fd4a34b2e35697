"""Helpers for the forwarder integration tests (stdlib only): `azbridge relay` (TLS) plus real local (-L) and
remote (-T/-H) forwarders on loopback, and small Python peers (TCP/UDP targets, clients) that record the bytes
they moved so that tests compare them end to end.

The relay, its certificates, tokens and the raw WebSocket client come from ../relay/relay_helpers.py; processes,
ports and bounded waits from ../harness/azb.py. Nothing here sleeps for synchronisation: readiness is the
forwarders' `BridgeReady` line, a port that accepts, or a log line.
"""
import contextlib
import hashlib
import os
import random
import re
import signal
import socket
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "relay"))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
import azb  # noqa: E402
import relay_helpers as rh  # noqa: E402

check = rh.check
fail = azb.fail
# A test stopped by SIGTERM (timeout(1), a CI runner) still kills its processes: exit through atexit.
signal.signal(signal.SIGTERM, lambda *_: sys.exit(128 + signal.SIGTERM))
IO_TIMEOUT = 60.0  # bound of every socket wait in the peers (a loaded CI machine is slow, never stuck)


# ---- relay and forwarders -----------------------------------------------------------------------------------

class Tunnel:
    """One `azbridge relay` (TLS, open mode unless hybrid connections are named) and the forwarders started on it."""

    def __init__(self, hybrid_connections=None):
        self.relay = rh.start_relay(hybrid_connections=hybrid_connections)
        self.work = self.relay.workdir
        self.forwarders = []

    @property
    def connection_string(self):
        return (f"Endpoint=sb://127.0.0.1:{self.relay.port}/;SharedAccessKeyName={rh.KEY_NAME};"
                f"SharedAccessKey={rh.KEY}")

    def forwarder(self, *args, name="azbridge", ready=True, cwd=None, timeout=60.0):
        """Starts `azbridge -x <cs> ARGS -v` trusting the relay's CA; waits for BridgeReady unless ready=False."""
        cmd = [azb.AZBRIDGE, "-x", self.connection_string, *args, "-v"]
        with working_directory(cwd):
            p = azb.start(cmd, name=name, env={"SSL_CERT_FILE": self.relay.ca}, log_dir=self.work)
        self.forwarders.append(p)
        if ready:
            azb.wait_for_log(p, "BridgeReady", timeout=timeout)
        return p

    def remote(self, *args, **kw):
        return self.forwarder(*args, name=kw.pop("name", "remote"), **kw)

    def local(self, *args, **kw):
        return self.forwarder(*args, name=kw.pop("name", "local"), **kw)

    def stop_all(self):
        """SIGTERM every forwarder, then the relay; each must exit 0."""
        for p in self.forwarders:
            status = azb.stop(p)
            check(status == 0, f"{p.name} exited with {status}:\n{azb.log_text(p)[-4000:]}")
        status = self.relay.stop()
        check(status == 0, f"the relay exited with {status}:\n{self.relay.log()[-4000:]}")


@contextlib.contextmanager
def working_directory(path):
    """Runs the block in `path` (children started inside inherit it: relative Unix socket names)."""
    if path is None:
        yield
        return
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def wait_for_match(proc, pattern, timeout=30.0, count=1):
    """Waits (bounded) until regex `pattern` matches at least `count` times in the process log; returns the matches."""
    deadline = time.monotonic() + timeout
    rx = re.compile(pattern)
    while True:
        found = rx.findall(azb.log_text(proc))
        if len(found) >= count:
            return found
        if time.monotonic() >= deadline:
            fail(f"/{pattern}/ seen {len(found)} times (expected {count}) in {proc.name}'s log:\n"
                 f"{azb.log_text(proc)[-4000:]}")
        if proc.poll() is not None:
            fail(f"{proc.name} exited with {proc.returncode} while waiting for /{pattern}/:\n{azb.log_text(proc)[-4000:]}")
        time.sleep(0.02)  # polling the log for a condition


wait_until = azb.wait_until


def read_message(ws):
    """The next message of a relay_helpers.WebSocket as (opcode, bytes), or ("close", code, reason) for a Close
    frame. Unlike WebSocket.recv() it leaves the socket open after a Close (the other direction may go on:
    half-close) and does not send a Close back. Pings are answered."""
    opcode, data = None, b""
    while True:
        fin, op, payload = ws.read_frame()
        if op == 0x9:
            ws.send_frame(0xA, payload)
            continue
        if op == 0xA:
            continue
        if op == 0x8:
            code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
            return ("close", code, payload[2:].decode("utf-8", "replace"))
        if op != 0:
            opcode = op
        data += payload
        if fin:
            return (opcode, data)


def log_count(proc, needle):
    return azb.log_text(proc).count(needle)


def alive(*procs):
    for p in procs:
        check(p.poll() is None, f"{p.name} exited with {p.returncode}:\n{azb.log_text(p)[-4000:]}")


# ---- TCP peers ----------------------------------------------------------------------------------------------

def sha(data):
    return hashlib.sha256(data).hexdigest()


class TcpServer:
    """A threaded TCP server on 127.0.0.1 (port picked by the OS), or a Unix socket server on `path`;
    `handler(conn)` runs in its own thread per connection and the connection is closed after it. Errors in
    handlers are collected in `errors`."""

    def __init__(self, handler, host="127.0.0.1", path=None):
        self.handler = handler
        if path is not None:
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.bind(path)
            self.port = None
        else:
            self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind((host, 0))
            self.port = self.sock.getsockname()[1]
        self.sock.listen(256)
        self.errors = []
        self.accepted = 0
        self.lock = threading.Lock()
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with self.lock:
                self.accepted += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        conn.settimeout(IO_TIMEOUT)
        try:
            self.handler(conn)
        except Exception as e:  # noqa: BLE001 - reported by the test
            with self.lock:
                self.errors.append(repr(e))
        finally:
            conn.close()

    def close(self):
        self.sock.close()


def read_to_eof(conn, hasher=None, keep=True):
    """Reads until EOF; returns (bytes or b"" when keep=False, count)."""
    chunks, n = [], 0
    while True:
        b = conn.recv(1 << 16)
        if not b:
            return b"".join(chunks), n
        n += len(b)
        if hasher is not None:
            hasher.update(b)
        if keep:
            chunks.append(b)


def send_all_then_shutdown(conn, data, chunk=1 << 16):
    view = memoryview(data)
    for i in range(0, len(view), chunk):
        conn.sendall(view[i:i + chunk])
    conn.shutdown(socket.SHUT_WR)


def echo_handler(tag=b""):
    """Sends `tag`, then echoes everything until EOF, then half-closes: the reply is tag + what was received."""
    def handle(conn):
        if tag:
            conn.sendall(tag)
        while True:
            b = conn.recv(1 << 16)
            if not b:
                break
            conn.sendall(b)
        conn.shutdown(socket.SHUT_WR)
    return handle


def framed_echo_handler(tag=b""):
    """Reads an 8-byte big-endian length and that many bytes, answers `tag` + the bytes, and closes. The target
    ends the connection first, so no data is in flight towards a side that already closed."""
    def handle(conn):
        n = int.from_bytes(recv_exact(conn, 8), "big")
        data = recv_exact(conn, n)
        conn.sendall(tag + data)
        conn.shutdown(socket.SHUT_WR)
        read_to_eof(conn)
    return handle


def recv_exact(conn, n):
    chunks, got = [], 0
    while got < n:
        b = conn.recv(min(1 << 16, n - got))
        if not b:
            raise ConnectionError(f"EOF after {got} of {n} bytes")
        chunks.append(b)
        got += len(b)
    return b"".join(chunks)


def request(port=None, data=b"", address=None, timeout=IO_TIMEOUT):
    """The client of framed_echo_handler: sends length + data, reads the answer to the target's EOF, closes."""
    if address is not None:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(address)
    else:
        s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    with s:
        s.sendall(len(data).to_bytes(8, "big") + data)
        got, _ = read_to_eof(s)
    return got


def exchange(port, data, host="127.0.0.1", family=socket.AF_INET, address=None, timeout=IO_TIMEOUT):
    """Connects, sends `data` (from a thread, so both directions move at once), shuts down the write side, reads
    to EOF; returns what came back. `address` (a path) connects to a Unix socket instead."""
    if address is not None:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(address)
    else:
        s = socket.socket(family, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect((host, port))
    errors = []

    def sender():
        try:
            send_all_then_shutdown(s, data)
        except OSError as e:
            errors.append(repr(e))

    t = threading.Thread(target=sender, daemon=True)
    t.start()
    try:
        got, _ = read_to_eof(s)
    finally:
        t.join(timeout)
        s.close()
    if errors:
        raise ConnectionError("send failed: " + errors[0])
    return got


def expect_eof(port, send=b"", host="127.0.0.1", timeout=IO_TIMEOUT):
    """Connects and checks that the forwarder ends the connection with an orderly EOF (no data, no reset)."""
    with socket.create_connection((host, port), timeout=timeout) as s:
        if send:
            s.sendall(send)
        try:
            got, _ = read_to_eof(s)
        except ConnectionResetError:
            fail(f"127.0.0.1:{port}: the connection was reset instead of an orderly end of stream")
        check(got == b"", f"127.0.0.1:{port}: expected no data before EOF, got {len(got)} bytes")


def random_bytes(rng, n):
    return rng.randbytes(n) if n else b""


# ---- UDP peers ----------------------------------------------------------------------------------------------

class UdpEcho:
    """UDP echo server on 127.0.0.1: every datagram goes back to its source as it came."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.sources = set()
        self.count = 0
        threading.Thread(target=self._loop, daemon=True).start()

    def _loop(self):
        while True:
            try:
                data, src = self.sock.recvfrom(65536)
            except OSError:
                return
            self.sources.add(src)
            self.count += 1
            self.sock.sendto(data, src)

    def close(self):
        self.sock.close()


# ---- processes we need as targets ---------------------------------------------------------------------------

def http_server(directory, work):
    """`python3 -m http.server` on 127.0.0.1 serving `directory`; returns (proc, port)."""
    port = azb.free_port()
    p = azb.start([sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory", directory, str(port)],
                  name="http.server", log_dir=work)
    azb.wait_for_port(port, proc=p)
    return p, port


def token_for(relay, hc):
    """A Send token for the relay `hc` on our relay, computed by the test (not by the code under test)."""
    return rh.make_token(f"127.0.0.1/{hc}")


def rng_from_env(name):
    """A seeded RNG; the seed is printed so a failure can be replayed (BRIDGE_TEST_SEED=...)."""
    seed = int(os.environ.get("BRIDGE_TEST_SEED", random.randrange(1 << 30)))
    print(f"{name}: seed {seed}", flush=True)
    return random.Random(seed)
