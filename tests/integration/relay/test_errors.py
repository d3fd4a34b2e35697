"""Every error answer of `azbridge relay` (TLS on): status codes and reason phrases as the service gives them.

404 unknown hybrid connection, 404 no listener (WebSocket), 401 missing/bad signature/expired token,
403 wrong scope and wrong rights, 502 HTTP without listener, 404 HTTP unknown, 400 bad action, rendezvous 403,
and the CLI's refusal to start without TLS settings.
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relay_helpers as h  # noqa: E402
from relay_helpers import azb, check  # noqa: E402

CONFIG = """
sharedAccessPolicies:
  - {name: sendonly, key: send-secret-1, rights: [Send]}
  - {name: listenonly, key: listen-secret-1, rights: [Listen]}
hybridConnections:
  - hc1
  - hc2
  - name: anon
    requiresClientAuthorization: false
"""


def expect(result, status, needle, what):
    check(result.status == status, f"{what}: expected {status}, got {result.status} {result.reason}")
    check(needle in result.reason, f"{what}: reason phrase {result.reason!r} lacks {needle!r}")
    check("TrackingId:" in result.reason and "Timestamp:" in result.reason,
          f"{what}: reason phrase {result.reason!r} lacks TrackingId/Timestamp")


def main():
    # The CLI refuses to run without TLS settings (and without --no-tls): exit 2 with a clear message.
    r = azb.run([azb.AZBRIDGE, "relay", "--bind", "127.0.0.1:0", "--shared-access-key-name", "a",
                 "--shared-access-key", "b"], timeout=20)
    check(r.returncode == 2, f"relay without TLS settings: exit {r.returncode}, stderr {r.stderr!r}")
    check("--no-tls" in r.stderr and "--tls-cert" in r.stderr, f"unclear message: {r.stderr!r}")
    r = azb.run([azb.AZBRIDGE, "relay", "--no-tls", "--bind", "127.0.0.1:0"], timeout=20)
    check(r.returncode == 2 and "shared access" in r.stderr, f"relay without keys: {r.returncode} {r.stderr!r}")

    relay = h.start_relay(CONFIG)
    good = h.make_token("127.0.0.1/hc1")

    expect(h.connect(relay, "nothere", token=h.make_token("127.0.0.1/nothere")), 404, "Endpoint does not exist",
           "connect to an unknown hybrid connection")
    expect(h.connect(relay, "hc1/suffix", token=good), 404, "There are no listeners connected for the endpoint",
           "connect without listener")
    expect(h.listen(relay, "nothere", token=h.make_token("127.0.0.1/nothere"), expect=None), 404,
           "Endpoint does not exist", "listen on an unknown hybrid connection")

    # 401: missing, bad signature, expired, unknown key name, malformed.
    expect(h.connect(relay, "hc1", token=""), 401, "MissingToken", "connect without token")
    expect(h.connect(relay, "hc1", token=h.make_token("127.0.0.1/hc1", key="wrong-key")), 401, "invalid signature",
           "bad signature")
    expect(h.listen(relay, "hc1", token=h.make_token("127.0.0.1/hc1", key="wrong-key"), expect=None), 401,
           "invalid signature", "listen with a bad signature")
    expect(h.connect(relay, "hc1", token=h.make_token("127.0.0.1/hc1", ttl=-10)), 401, "ExpiredToken",
           "expired token")
    expect(h.connect(relay, "hc1", token=h.make_token("127.0.0.1/hc1", key_name="nobody")), 401, "nobody",
           "unknown key name")
    expect(h.connect(relay, "hc1", token="SharedAccessSignature garbage"), 401, "MalformedToken", "malformed")

    # 403: wrong scope (another hybrid connection, another host) and wrong rights.
    expect(h.connect(relay, "hc1", token=h.make_token("127.0.0.1/hc2")), 403, "InvalidAudience", "token for hc2")
    expect(h.connect(relay, "hc1", token=h.make_token("other.example/hc1")), 403, "InvalidAudience",
           "token for another host")
    expect(h.listen(relay, "hc1", token=h.make_token("127.0.0.1/hc1", "sendonly", "send-secret-1"), expect=None),
           403, "'Listen' claim(s) are required", "listen with a Send-only key")
    expect(h.connect(relay, "hc1", token=h.make_token("127.0.0.1/hc1", "listenonly", "listen-secret-1")), 403,
           "'Send' claim(s) are required", "connect with a Listen-only key")
    # A namespace-wide token in the sb-hc-token query parameter works the same as the header.
    ns_token = h.make_token("127.0.0.1/", "sendonly", "send-secret-1")
    r = h.ws_handshake(relay, "/$hc/hc1?sb-hc-action=connect&sb-hc-token=" + h.urllib.parse.quote(ns_token, safe=""))
    expect(r, 404, "There are no listeners", "namespace token in sb-hc-token")

    # Anonymous senders are fine where the hybrid connection allows them; listeners still need a token.
    expect(h.connect(relay, "anon", token=""), 404, "There are no listeners", "anonymous sender")
    expect(h.listen(relay, "anon", token="", expect=None), 401, "MissingToken", "anonymous listener")

    # Bad addresses.
    r = h.ws_handshake(relay, "/$hc/hc1?sb-hc-action=fly", {"ServiceBusAuthorization": good})
    check(r.status == 400 and "sb-hc-action" in r.reason, f"unknown action: {r.status} {r.reason}")
    r = h.ws_handshake(relay, "/$hc/hc1?sb-hc-action=accept&sb-hc-id=0123456789abcdef0123456789abcdef")
    check(r.status == 403 and "invalid or has expired" in r.reason, f"unknown rendezvous: {r.status} {r.reason}")
    r = h.ws_handshake(relay, "/$hc/hc1?sb-hc-action=request&sb-hc-id=nope")
    check(r.status == 403, f"unknown request rendezvous: {r.status} {r.reason}")

    # HTTP senders: 404 unknown, 502 no listener, 401 without token; JSON error bodies, no Via.
    resp, body = h.https_request(relay, "GET", "/nothere/x", {"ServiceBusAuthorization": h.make_token("127.0.0.1/nothere")})
    check(resp.status == 404 and "Endpoint does not exist" in resp.reason, f"HTTP unknown: {resp.status} {resp.reason}")
    resp, body = h.https_request(relay, "GET", "/hc1/x?a=1", {"ServiceBusAuthorization": good})
    check(resp.status == 502, f"HTTP without listener: {resp.status} {resp.reason}")
    check("There are no listeners connected" in resp.reason, f"HTTP 502 reason: {resp.reason}")
    check(json.loads(body)["error"]["code"] == "BadGateway", f"HTTP 502 body: {body!r}")
    check(resp.getheader("Via") is None, "service-generated errors carry no Via")
    resp, body = h.https_request(relay, "POST", "/hc1/x", {}, body=b"abc")
    check(resp.status == 401, f"HTTP without token: {resp.status} {resp.reason}")
    resp, body = h.https_request(relay, "GET", "/hc1/x", {"Authorization": h.make_token("127.0.0.1/hc2")})
    check(resp.status == 403, f"HTTP with a wrong-scope Authorization token: {resp.status} {resp.reason}")

    log = relay.log()
    check("RequestRejected" in log, "rejections are logged")
    for secret in (h.KEY, "send-secret-1", "listen-secret-1", "sig="):
        check(secret not in log, f"the relay log contains a secret ({secret[:6]}...)")
    check(relay.stop() == 0, "relay exit status after SIGTERM")
    print("relay error answers: ok")


if __name__ == "__main__":
    main()
