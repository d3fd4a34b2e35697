"""Token renewal with a token lifetime of a few seconds: the relay accepts several renewToken messages, the
listener stays attached past the original token's expiry plus the relay's grace, and still accepts senders.
Negative control: a listener with a pre-issued short token is dropped by the same relay."""
import os
import time

import rc_common as rc
from rc_common import azb

work = azb.tmpdir("azb-rc-renew-")
certs = azb.make_certs(os.path.join(work, "certs"))
# Grace of 1 s after a token's expiry; the relay pings after 1 s of silence so the listener's liveness check
# (2 x 2 s) sees traffic.
relay = rc.Relay(work, certs, timeouts={"tokenGrace": 1, "clockSkew": 0, "controlIdle": 2},
                 log_level="Debug").start()

listener = rc.start_listener(work, relay, extra=["--token-ttl", "3", "--keepalive", "2"])
rc.wait_for_count(listener, "STATUS online", 1)
started = time.monotonic()
# Each token lives 3-4 s and is renewed at 80 %: four renewals take about 10-13 s.
deadline = time.monotonic() + 60
while relay.log().count("ListenerTokenRenewed") < 4:
    if time.monotonic() > deadline:
        azb.fail(f"fewer than 4 renewals seen by the relay:\n{relay.log()}\nlistener:\n{azb.log_text(listener)}")
    time.sleep(0.1)
elapsed = time.monotonic() - started
if elapsed < 5:
    azb.fail(f"four renewals within {elapsed:.1f}s: renewing far too often")
text = relay.log()
if "ListenerTokenRejected" in text or "ListenerTokenExpired" in text:
    azb.fail(f"the relay rejected or expired the listener's token:\n{text}")
if rc.count_lines(listener, "STATUS offline") != 0 or rc.count_lines(listener, "STATUS online") != 1:
    azb.fail(f"the listener did not stay attached:\n{azb.log_text(listener)}")

# The original token (3-4 s) plus grace (1 s) is long gone: the listener still accepts.
src = rc.random_file(work, "in.bin", 256 * 1024)
dst = os.path.join(work, "out.bin")
r = rc.send(work, relay, src, dst)
if r.returncode != 0 or rc.sha256_file(src) != rc.sha256_file(dst):
    azb.fail(f"sending after several renewals failed: {r.stderr}")
azb.stop(listener)

# Negative control: a pre-issued token cannot be renewed, so the relay drops that listener after se + grace.
short = rc.sas_token(f"http://127.0.0.1/hc1/", rc.KEY_NAME, rc.KEY, ttl=3)
static = rc.start_listener(work, relay, auth=rc.auth_args(sas=short), extra=["--keepalive", "2"], name="static")
rc.wait_for_count(static, "STATUS online", 1)
azb.wait_for_log(static, "STATUS offline", timeout=30)
azb.wait_for_log(relay.proc, "ListenerTokenExpired")
azb.stop(static)
print("OK")
