"""Relayed HTTP through `azbridge relay` (TLS) to an hc_probe listener: small and >64 KiB bodies both ways.
The HTTP sender is Python's http.client with an ssl context trusting the throwaway CA."""
import http.client
import os
import ssl

import rc_common as rc
from rc_common import azb

work = azb.tmpdir("azb-rc-http-")
certs = azb.make_certs(os.path.join(work, "certs"))
relay = rc.Relay(work, certs).start()
listener = rc.start_listener(work, relay)
rc.wait_for_count(listener, "STATUS online", 1)

ctx = ssl.create_default_context(cafile=relay.ca)
token = rc.sas_token(f"http://127.0.0.1/hc1/", rc.KEY_NAME, rc.KEY)


def request(method, path, body=None, headers=None):
    conn = http.client.HTTPSConnection("127.0.0.1", relay.port, context=ctx, timeout=90)
    h = {"ServiceBusAuthorization": token}
    h.update(headers or {})
    conn.request(method, path, body=body, headers=h)
    res = conn.getresponse()
    data = res.read()
    conn.close()
    return res, data


def pattern(n):
    return bytes(i % 251 for i in range(n))


def check(label, res, data, expected_body, request_bytes):
    if res.status != 200:
        azb.fail(f"{label}: status {res.status} {res.reason}: {data[:200]!r}\nlistener:\n{azb.log_text(listener)}"
                 f"\nrelay:\n{relay.log()}")
    if data != expected_body:
        azb.fail(f"{label}: body of {len(data)} bytes differs from the expected {len(expected_body)} bytes")
    if res.getheader("X-Request-Bytes") != str(request_bytes):
        azb.fail(f"{label}: listener saw {res.getheader('X-Request-Bytes')} request bytes, sent {request_bytes}")


# Small both ways: control channel in both directions.
small = os.urandom(1000)
res, data = request("POST", "/hc1/small/path?x=1&sb-hc-id=42", small, {"Content-Type": "application/octet-stream"})
check("small echo", res, data, small, len(small))
if res.getheader("X-Request-Method") != "POST":
    azb.fail("listener saw the wrong method")
azb.wait_for_log(listener, "REQUEST POST /hc1/small/path?x=1 1000 control")

# Small request, large response: the listener answers over a rendezvous.
res, data = request("GET", "/hc1/big-response", headers={"X-Response-Bytes": "300000"})
check("large response", res, data, pattern(300000), 0)

# Large request (relay uses a rendezvous), large response (echo).
big = os.urandom(400 * 1024 + 7)
res, data = request("PUT", "/hc1/big", big)
check("large echo", res, data, big, len(big))
azb.wait_for_log(listener, f"REQUEST PUT /hc1/big {len(big)} rendezvous")

# Large request, small response.
res, data = request("POST", "/hc1/big-in", big, {"X-Response-Bytes": "10"})
check("large request", res, data, pattern(10), len(big))

# Exactly 64 KiB each way stays on the control channel.
edge = os.urandom(64 * 1024)
res, data = request("POST", "/hc1/edge", edge)
check("64 KiB echo", res, data, edge, len(edge))
print("OK")
