"""Helpers for the `azbridge relay` integration tests (stdlib only).

- start_relay(): throwaway certificates, a relay on 127.0.0.1 with a port picked by the OS (read back from its
  "RelayListening" log line), optional YAML config.
- make_token(): SAS tokens computed here with hmac (independently of the C++ code under test), in the .NET style
  (sr = http://host/path/) or the node style (sr = http://host:port/path, encodeURIComponent).
- A minimal WebSocket client (handshake with the raw status line and reason phrase, masked frames, ping
  answers) to act as listener control channel, rendezvous peer or sender.
"""
import base64
import hashlib
import hmac
import http.client
import os
import re
import socket
import ssl
import struct
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import azb  # noqa: E402

KEY_NAME = azb.TEST_KEY_NAME
KEY = azb.TEST_KEY
HERE = os.path.dirname(os.path.abspath(__file__))


class Relay:
    def __init__(self, proc, port, ca, workdir):
        self.proc, self.port, self.ca, self.workdir = proc, port, ca, workdir
        self.host = "127.0.0.1"

    def log(self):
        return azb.log_text(self.proc)

    def pid(self):
        return self.proc.pid

    def ssl_context(self):
        ctx = ssl.create_default_context(cafile=self.ca)
        return ctx

    def stop(self, timeout=10.0):
        return azb.stop(self.proc, timeout=timeout)


def start_relay(config_yaml=None, extra_args=None, hybrid_connections=None, with_root_key=True):
    work = azb.tmpdir("azb-relay-")
    ca, cert, key = azb.make_certs(work)
    args = [azb.AZBRIDGE, "relay", "--bind", "127.0.0.1:0", "--tls-cert", cert, "--tls-key", key]
    if with_root_key:
        args += ["--shared-access-key-name", KEY_NAME, "--shared-access-key", KEY]
    for hc in hybrid_connections or []:
        args += ["--hybrid-connection", hc]
    if config_yaml is not None:
        path = os.path.join(work, "relay.yml")
        with open(path, "w") as f:
            f.write(config_yaml)
        args += ["--config", path]
    args += extra_args or []
    proc = azb.start(args, name="relay", log_dir=work)
    azb.wait_for_log(proc, "RelayListening", timeout=30)
    m = re.search(r"RelayListening: listening on 127\.0\.0\.1:(\d+) \(TLS\)", azb.log_text(proc))
    if not m:
        azb.fail("no port in the relay's RelayListening line:\n" + azb.log_text(proc))
    return Relay(proc, int(m.group(1)), ca, work)


# ---- SAS tokens ---------------------------------------------------------------------------------------------

def make_token(resource, key_name=KEY_NAME, key=KEY, ttl=3600, expiry=None, style="dotnet"):
    """`resource` like "127.0.0.1/hc1" (host/path). dotnet: sr=http://host/path/ ; node: sr=http://host:port/path."""
    se = int(expiry if expiry is not None else time.time() + ttl)
    if style == "dotnet":
        host, _, path = resource.partition("/")
        host = host.split(":")[0].lower()
        uri = f"http://{host}/{path}"
        if not uri.endswith("/"):
            uri += "/"
    else:
        uri = "http://" + resource
    sr = urllib.parse.quote(uri, safe="")
    sig = base64.b64encode(hmac.new(key.encode(), f"{sr}\n{se}".encode(), hashlib.sha256).digest()).decode()
    return f"SharedAccessSignature sr={sr}&sig={urllib.parse.quote(sig, safe='')}&se={se}&skn={key_name}"


# ---- minimal WebSocket client -------------------------------------------------------------------------------

class HandshakeResult:
    def __init__(self, status, reason, headers, body, ws):
        self.status, self.reason, self.headers, self.body, self.ws = status, reason, headers, body, ws


class WebSocket:
    def __init__(self, sock, leftover=b""):
        self.sock = sock
        self.buf = leftover
        self.close_code = None
        self.close_reason = None

    def _recv_exact(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("connection closed")
            self.buf += chunk
        out, self.buf = self.buf[:n], self.buf[n:]
        return out

    def send_frame(self, opcode, payload=b"", fin=True):
        head = bytes([(0x80 if fin else 0) | opcode])
        n = len(payload)
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack("!H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack("!Q", n)
        mask = os.urandom(4)
        masked = bytes(b ^ mask[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask_fast(payload, mask)
        self.sock.sendall(head + mask + masked)

    def send_text(self, text):
        self.send_frame(0x1, text.encode())

    def send_binary(self, data):
        self.send_frame(0x2, data)

    def close(self, code=1000, reason=""):
        try:
            self.send_frame(0x8, struct.pack("!H", code) + reason.encode())
        except OSError:
            pass

    def read_frame(self):
        b0, b1 = self._recv_exact(2)
        n = b1 & 0x7F
        if n == 126:
            n = struct.unpack("!H", self._recv_exact(2))[0]
        elif n == 127:
            n = struct.unpack("!Q", self._recv_exact(8))[0]
        mask = self._recv_exact(4) if b1 & 0x80 else None
        payload = self._recv_exact(n)
        if mask:
            payload = _mask_fast(payload, mask)
        return bool(b0 & 0x80), b0 & 0x0F, payload

    def recv(self):
        """Next data message as (opcode, bytes); ('close', code, reason) on a close frame. Answers pings."""
        opcode, data = None, b""
        while True:
            fin, op, payload = self.read_frame()
            if op == 0x9:
                self.send_frame(0xA, payload)
                continue
            if op == 0xA:
                continue
            if op == 0x8:
                code = struct.unpack("!H", payload[:2])[0] if len(payload) >= 2 else 1005
                self.close_code, self.close_reason = code, payload[2:].decode("utf-8", "replace")
                self.sock.close()  # the server waits for the client to end the TCP connection
                return ("close", code, self.close_reason)
            if op != 0:
                opcode = op
            data += payload
            if fin:
                return (opcode, data)

    def settimeout(self, t):
        self.sock.settimeout(t)


def _mask_fast(data, mask):
    n = len(data)
    m = (mask * (n // 4 + 1))[:n]
    return (int.from_bytes(data, "big") ^ int.from_bytes(m, "big")).to_bytes(n, "big") if n else b""


def connect_raw(relay, timeout=10.0):
    raw = socket.create_connection((relay.host, relay.port), timeout=timeout)
    return relay.ssl_context().wrap_socket(raw, server_hostname="127.0.0.1")


def ws_handshake(relay, target, headers=None, protocols=None, timeout=10.0):
    """GET `target` with an upgrade; returns HandshakeResult (ws set only for 101)."""
    sock = connect_raw(relay, timeout)
    key = base64.b64encode(os.urandom(16)).decode()
    lines = [f"GET {target} HTTP/1.1", f"Host: {relay.host}:{relay.port}", "Upgrade: websocket",
             "Connection: Upgrade", f"Sec-WebSocket-Key: {key}", "Sec-WebSocket-Version: 13"]
    if protocols:
        lines.append("Sec-WebSocket-Protocol: " + ",".join(protocols))
    for k, v in (headers or {}).items():
        lines.append(f"{k}: {v}")
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    parts = status_line.split(" ", 2)
    status = int(parts[1]) if len(parts) > 1 else 0
    reason = parts[2] if len(parts) > 2 else ""
    hdrs = {}
    for line in header_lines:
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    if status == 101:
        expected = base64.b64encode(hashlib.sha1((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").encode()).digest())
        if hdrs.get("sec-websocket-accept") != expected.decode():
            azb.fail(f"bad Sec-WebSocket-Accept from the relay: {hdrs}")
        return HandshakeResult(status, reason, hdrs, b"", WebSocket(sock, rest))
    body = rest
    length = int(hdrs.get("content-length", "0") or 0)
    sock.settimeout(timeout)
    try:
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                break
            body += chunk
    except OSError:
        pass
    sock.close()
    return HandshakeResult(status, reason, hdrs, body, None)


def listen(relay, hc, token=None, expect=101, extra_query=""):
    token = token if token is not None else make_token(f"127.0.0.1/{hc}")
    r = ws_handshake(relay, f"/$hc/{hc}?sb-hc-action=listen{extra_query}", {"ServiceBusAuthorization": token})
    if expect is not None and r.status != expect:
        azb.fail(f"listen on {hc}: expected {expect}, got {r.status} {r.reason}")
    return r


def connect(relay, hc_and_suffix, token=None, query="", protocols=None, extra_headers=None):
    hc = hc_and_suffix.split("/")[0]
    token = token if token is not None else make_token(f"127.0.0.1/{hc}")
    headers = {"ServiceBusAuthorization": token} if token else {}
    headers.update(extra_headers or {})
    q = (query + "&") if query else ""
    return ws_handshake(relay, f"/$hc/{hc_and_suffix}?{q}sb-hc-action=connect", headers, protocols)


def https_request(relay, method, path, headers=None, body=None, timeout=30.0):
    conn = http.client.HTTPSConnection(relay.host, relay.port, timeout=timeout, context=relay.ssl_context())
    conn.request(method, path, body=body, headers=headers or {})
    resp = conn.getresponse()
    data = resp.read()
    conn.close()
    return resp, data


def wait_for_log_count(relay, needle, count, timeout=20.0):
    """Waits (bounded) until `needle` appears at least `count` times in the relay's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if relay.log().count(needle) >= count:
            return
        time.sleep(0.02)  # polling the log for readiness
    azb.fail(f"{needle!r} seen {relay.log().count(needle)} times, expected {count}:\n{relay.log()[-3000:]}")


def fd_count(pid):
    return len(os.listdir(f"/proc/{pid}/fd"))


def check(cond, message):
    if not cond:
        azb.fail(message)


def node_env(relay):
    env = {"NODE_EXTRA_CA_CERTS": relay.ca, "NODE_NO_WARNINGS": "1"}
    return env
