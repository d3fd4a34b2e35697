"""Listeners and pairing (raw WebSocket peers, TLS on): 25 listeners load-balanced and the 26th refused, the
accept message (address, id, connectHeaders), rejection through the rendezvous (410 to the listener, the
listener's status to the sender), accept and HTTP response deadlines (504), renewToken, expiry with 1008, and
graceful shutdown closing control channels with 1001.
"""
import json
import os
import queue
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relay_helpers as h  # noqa: E402
from relay_helpers import azb, check  # noqa: E402

CONFIG = """
hybridConnections: [hc1, slow]
timeouts:
  response: 1
  rendezvous: 1.5
  tokenGrace: 0.5
"""


class RejectingListener(threading.Thread):
    """A control channel that rejects every accept with 418 through the rendezvous address."""

    def __init__(self, relay, ws, index):
        super().__init__(daemon=True)
        self.relay, self.ws, self.index = relay, ws, index
        self.accepts = []
        self.errors = []
        self.closed = queue.Queue()

    def run(self):
        try:
            while True:
                msg = self.ws.recv()
                if msg[0] == "close":
                    self.closed.put(msg)
                    return
                body = json.loads(msg[1])
                if "accept" not in body:
                    continue
                accept = body["accept"]
                self.accepts.append(accept)
                url = urllib.parse.urlsplit(accept["address"])
                target = url.path + "?" + url.query + "&sb-hc-statusCode=418&sb-hc-statusDescription=Not%20today"
                r = h.ws_handshake(self.relay, target)
                if r.status != 410:
                    self.errors.append(f"rejection answered {r.status} {r.reason}")
        except Exception as e:  # noqa: BLE001 - reported by the main thread
            self.closed.put(("error", repr(e)))


def load_balancing(relay):
    listeners = []
    for i in range(25):
        r = h.listen(relay, "hc1", extra_query=f"&sb-hc-id=listener-{i}")
        t = RejectingListener(relay, r.ws, i)
        t.start()
        listeners.append(t)
    r = h.listen(relay, "hc1", expect=None)
    check(r.status == 403 and "QuotaExceeded" in r.reason, f"26th listener: {r.status} {r.reason}")

    senders = 50
    token = h.make_token("127.0.0.1/hc1")
    for i in range(senders):
        r = h.ws_handshake(relay, f"/$hc/hc1/sub/path?x=1&sb-hc-token={urllib.parse.quote(token, safe='')}"
                                  f"&sb-hc-action=connect&sb-hc-id=sender-{i}", {"X-App": "yes"}, ["p1", "p2"])
        check(r.status == 418 and r.reason == "Not today", f"sender {i}: expected 418 Not today, got {r.status} {r.reason}")
    total = sum(len(t.accepts) for t in listeners)
    used = sum(1 for t in listeners if t.accepts)
    check(total == senders, f"{total} accept messages for {senders} senders")
    check(used >= 5, f"connections went to only {used} of 25 listeners")
    for t in listeners:
        check(not t.errors, f"listener {t.index}: {t.errors}")

    accept = next(a for t in listeners for a in t.accepts)
    addr = accept["address"]
    check(addr.startswith(f"wss://127.0.0.1:{relay.port}/$hc/hc1/sub/path?x=1&sb-hc-action=accept&sb-hc-id="),
          f"accept address {addr}")
    check("sb-hc-token" not in addr, "the token is stripped from the address")
    check(accept["id"].startswith("sender-"), f"accept id {accept['id']}")
    hdrs = {k.lower(): v for k, v in accept["connectHeaders"].items()}
    check("sec-websocket-key" in hdrs and hdrs.get("sec-websocket-version") == "13", f"connectHeaders {hdrs}")
    check(hdrs.get("sec-websocket-protocol") == "p1,p2" and hdrs.get("x-app") == "yes", f"connectHeaders {hdrs}")
    check("serviceauthorization" not in hdrs and "servicebusauthorization" not in hdrs, "no token in connectHeaders")
    check(accept["remoteEndpoint"]["address"] == "127.0.0.1", f"remoteEndpoint {accept.get('remoteEndpoint')}")
    # Single use: the same address a second time is refused.
    url = urllib.parse.urlsplit(addr)
    r = h.ws_handshake(relay, url.path + "?" + url.query)
    check(r.status == 403, f"reused accept address: {r.status} {r.reason}")
    return listeners


def deadlines(relay):
    # A listener that never answers: WebSocket connects expire (rendezvous timeout), HTTP gets 504.
    r = h.listen(relay, "slow")
    ws = r.ws
    c = h.connect(relay, "slow")
    check(c.status == 504 and "accepted the connection" in c.reason, f"unanswered accept: {c.status} {c.reason}")
    msg = ws.recv()
    check("accept" in json.loads(msg[1]), f"the listener got {msg}")
    resp, body = h.https_request(relay, "GET", "/slow/a?b=c&sb-hc-token=" +
                                 urllib.parse.quote(h.make_token("127.0.0.1/slow"), safe=""))
    check(resp.status == 504, f"unanswered HTTP request: {resp.status} {resp.reason}")
    err = json.loads(body)["error"]
    check(err["code"] == "GatewayTimeout" and "did not respond" in err["message"], f"504 body {body!r}")
    request = json.loads(ws.recv()[1])["request"]
    check(request["method"] == "GET" and request["requestTarget"] == "/slow/a?b=c", f"request message {request}")
    check(request["address"].startswith(f"wss://127.0.0.1:{relay.port}/$hc/slow?sb-hc-action=request&sb-hc-id="),
          f"request address {request['address']}")
    ws.close()


def tokens(relay):
    # se in about 4 s, grace 0.5 s: closed with 1008. A renewed listener stays; a bad renewal is closed at once.
    expiring = h.listen(relay, "hc1", token=h.make_token("127.0.0.1/hc1", ttl=4)).ws
    renewed = h.listen(relay, "hc1", token=h.make_token("127.0.0.1/hc1", ttl=4)).ws
    renewed.send_text(json.dumps({"renewToken": {"token": h.make_token("127.0.0.1/hc1", ttl=3600)}}))
    bad = h.listen(relay, "hc1").ws
    bad.send_text(json.dumps({"renewToken": {"token": h.make_token("127.0.0.1/hc1", key="wrong")}}))
    for ws in (expiring, renewed, bad):
        ws.settimeout(20)
    msg = bad.recv()
    check(msg[0] == "close" and msg[1] == 1008 and "renewToken" in msg[2], f"bad renewal: {msg}")
    msg = expiring.recv()
    check(msg[0] == "close" and msg[1] == 1008 and "expired" in msg[2], f"expired token: {msg}")
    # The renewed listener is still attached: it is the only one left, so a sender reaches it.
    sender = threading.Thread(target=lambda: h.connect(relay, "hc1"), daemon=True)
    sender.start()
    msg = renewed.recv()
    check(msg[0] != "close" and "accept" in json.loads(msg[1]), f"renewed listener got {msg}")
    sender.join(30)
    return renewed


def relayed_pair(relay):
    """A sender and a listener spliced by the relay (raw peers): subprotocol echo on both 101s, a fragmented
    text message arrives as one message, binary stays binary."""
    listener = h.listen(relay, "slow").ws
    result = {}
    sender_thread = threading.Thread(target=lambda: result.setdefault("r", h.connect(relay, "slow", protocols=["chat", "x"])),
                                     daemon=True)
    sender_thread.start()
    accept = json.loads(listener.recv()[1])["accept"]
    url = urllib.parse.urlsplit(accept["address"])
    rv = h.ws_handshake(relay, url.path + "?" + url.query, protocols=["chat"])
    check(rv.status == 101 and rv.headers.get("sec-websocket-protocol") == "chat", f"rendezvous: {rv.status} {rv.headers}")
    sender_thread.join(20)
    s = result.get("r")
    check(s is not None and s.status == 101, f"sender: {s and (s.status, s.reason)}")
    check(s.headers.get("sec-websocket-protocol") == "chat", f"sender's protocol echo: {s.headers}")
    s.ws.send_frame(0x1, b"hel", fin=False)
    s.ws.send_frame(0x0, b"lo", fin=True)
    got = rv.ws.recv()
    check(got == (1, b"hello"), f"listener got {got}")
    rv.ws.send_binary(b"\x00\x01\x02")
    got = s.ws.recv()
    check(got == (2, b"\x00\x01\x02"), f"sender got {got}")
    for ws in (s.ws, rv.ws, listener):
        ws.settimeout(20)
    return s.ws, rv.ws, listener


def main():
    relay = h.start_relay(CONFIG)
    listeners = load_balancing(relay)
    for t in listeners:
        t.ws.close()
    for t in listeners:
        t.join(10)
        check(not t.is_alive(), f"listener {t.index} did not see its close answered")
    h.wait_for_log_count(relay, "ListenerDetached", 25)
    deadlines(relay)
    renewed = tokens(relay)
    sender, rendezvous, pair_listener = relayed_pair(relay)
    log = relay.log()
    check(log.count("ListenerAttached") >= 28 and "ListenerDetached" in log, "attach/detach log lines")

    # Graceful shutdown: the attached listener gets 1001, the relay exits 0 (azb.stop fails after 10 s).
    os_status = relay.stop(timeout=10)
    msg = renewed.recv()
    check(msg[0] == "close" and msg[1] == 1001, f"control channel at shutdown: {msg}")
    for name, ws in (("sender", sender), ("listener side", rendezvous), ("second control channel", pair_listener)):
        msg = ws.recv()
        check(msg[0] == "close" and msg[1] == 1001, f"{name} at shutdown: {msg}")
    check(os_status == 0, f"relay exit status {os_status}")
    print("relay listeners, pairing, deadlines and tokens: ok")


if __name__ == "__main__":
    main()
