"""Listener reconnect: the relay is not up at the listener's first attempt, then is stopped and started again
on the same port; a relay that stops answering (SIGSTOP) is declared dead within two keepalive intervals."""
import os
import signal

import rc_common as rc
from rc_common import azb

work = azb.tmpdir("azb-rc-reconn-")
certs = azb.make_certs(os.path.join(work, "certs"))
relay = rc.Relay(work, certs, timeouts={"controlIdle": 2})
src = rc.random_file(work, "in.bin", 512 * 1024)


def roundtrip(label):
    dst = os.path.join(work, f"out-{label}.bin")
    r = rc.send(work, relay, src, dst)
    if r.returncode != 0 or rc.sha256_file(src) != rc.sha256_file(dst):
        azb.fail(f"{label}: send failed: {r.stderr}\nlistener:\n{azb.log_text(listener)}")


# 1. Nothing listens on the relay's port yet: the first attempt fails and the listener keeps trying.
listener = rc.start_listener(work, relay, extra=["--keepalive", "2"])
rc.wait_for_count(listener, "STATUS offline", 1)
relay.start()
rc.wait_for_count(listener, "STATUS online", 1, timeout=45)
roundtrip("first")

# 2. The relay goes away and comes back on the same port.
relay.stop()
rc.wait_for_count(listener, "STATUS offline", 2)
offline_before = rc.count_lines(listener, "STATUS offline")
relay.start()
rc.wait_for_count(listener, "STATUS online", 2, timeout=45)
roundtrip("second")

# 3. A relay that stops answering: nothing arrives, the listener gives up on the channel within 2 x 2 s and
#    reconnects once the relay runs again.
os.killpg(relay.proc.pid, signal.SIGSTOP)
try:
    azb.wait_for_log(listener, "nothing received from the relay", timeout=20)
finally:
    os.killpg(relay.proc.pid, signal.SIGCONT)
rc.wait_for_count(listener, "STATUS online", 3, timeout=45)
roundtrip("third")

code = azb.stop(listener)
if code != 0:
    azb.fail(f"listener exited with {code}")
print("OK")
