"""Listener + sender through `azbridge relay` (TLS): several MiB both ways, concurrent senders, subprotocol echo,
rejection by the listener, graceful stop with 1000 Normal Closure."""
import os
import threading

import rc_common as rc
from rc_common import azb

work = azb.tmpdir("azb-rc-pair-")
certs = azb.make_certs(os.path.join(work, "certs"))
relay = rc.Relay(work, certs, hybrid_connections=("hc1", "hc2")).start()

listener = rc.start_listener(work, relay)
rc.wait_for_count(listener, "STATUS online", 1)

# One sender, 6 MiB each way, compared by SHA-256.
src = rc.random_file(work, "in.bin", 6 * 1024 * 1024 + 123)
dst = os.path.join(work, "out.bin")
r = rc.send(work, relay, src, dst, extra=["--subprotocol", "p1"])
if r.returncode != 0:
    azb.fail(f"sender failed ({r.returncode}): {r.stderr}\nlistener:\n{azb.log_text(listener)}\nrelay:\n{relay.log()}")
if rc.sha256_file(src) != rc.sha256_file(dst):
    azb.fail("the echoed data differs from what was sent")
if "subprotocol=p1" not in r.stdout:
    azb.fail(f"sender did not get the subprotocol echoed: {r.stdout}")
azb.wait_for_log(listener, "subprotocol=p1")

# Three concurrent senders, 3 MiB each.
results = {}


def one(i):
    s = rc.random_file(work, f"in{i}.bin", 3 * 1024 * 1024 + i)
    d = os.path.join(work, f"out{i}.bin")
    results[i] = (rc.send(work, relay, s, d), s, d)


threads = [threading.Thread(target=one, args=(i,)) for i in range(3)]
for t in threads:
    t.start()
for t in threads:
    t.join(180)
for i, (res, s, d) in results.items():
    if res.returncode != 0:
        azb.fail(f"concurrent sender {i} failed: {res.stderr}")
    if rc.sha256_file(s) != rc.sha256_file(d):
        azb.fail(f"concurrent sender {i}: echoed data differs")
if len(results) != 3:
    azb.fail("a concurrent sender did not finish")

# A listener that rejects: the sender sees the listener's status and text.
rejecting = rc.start_listener(work, relay, entity="hc2", extra=["--reject", "400:Go away please"], name="rejecting")
rc.wait_for_count(rejecting, "STATUS online", 1)
r = rc.send(work, relay, src, os.path.join(work, "never.bin"), entity="hc2")
if r.returncode == 0 or "400 Go away please" not in r.stderr:
    azb.fail(f"expected the listener's rejection '400 Go away please', got {r.returncode}: {r.stderr}")
azb.wait_for_log(rejecting, "rejected a sender with 400 Go away please")

# Graceful stop: exit 0, the relay sees the listener leave.
for p in (listener, rejecting):
    code = azb.stop(p)
    if code != 0:
        azb.fail(f"{p.name} exited with {code}:\n{azb.log_text(p)}")
    if "STATUS stopped" not in azb.log_text(p):
        azb.fail(f"{p.name} did not report stopped:\n{azb.log_text(p)}")
azb.wait_for_log(relay.proc, "ListenerDetached")
print("OK")
