"""The sender's errors through `azbridge relay`: 401 (bad key), 403 (no Send right), 404 (no such hybrid
connection), 404 (no listener), and a listener without the Listen right."""
import os

import rc_common as rc
from rc_common import azb

work = azb.tmpdir("azb-rc-err-")
certs = azb.make_certs(os.path.join(work, "certs"))
relay = rc.Relay(work, certs).start()
src = rc.random_file(work, "in.bin", 1000)
dst = os.path.join(work, "out.bin")


def expect_failure(label, needles, **kwargs):
    r = rc.send(work, relay, src, dst, **kwargs)
    if r.returncode == 0:
        azb.fail(f"{label}: the sender succeeded")
    for n in needles:
        if n not in r.stderr:
            azb.fail(f"{label}: {n!r} not in the sender's message: {r.stderr}")
    if rc.KEY in r.stderr or "sig=" in r.stderr:
        azb.fail(f"{label}: the message leaks a secret: {r.stderr}")


expect_failure("401", ["401", "refused the credentials", "'hc1'"],
               auth=rc.auth_args(key="d3Jvbmcta2V5LW5vdC10aGUtcmVhbC1vbmU="))
expect_failure("401 expired SAS", ["401", "refused the credentials"],
               auth=rc.auth_args(sas=rc.sas_token("http://127.0.0.1/hc1/", rc.KEY_NAME, rc.KEY, expiry=1000000000)))
expect_failure("403", ["403", "not allowed to send to hybrid connection 'hc1'", "Send right"],
               auth=rc.auth_args(*rc.LISTEN_ONLY))
expect_failure("404 no such hybrid connection", ["404", "hybrid connection 'nosuch' does not exist"], entity="nosuch")
expect_failure("404 no listener", ["404", "no listener is connected to hybrid connection 'hc1'"])
expect_failure("connection refused", ["cannot connect to the relay at 127.0.0.1:"],
               endpoint=f"sb://127.0.0.1:{azb.free_port()}/")

# A listener with a Send-only rule cannot attach; it keeps retrying and says why.
listener = rc.start_listener(work, relay, auth=rc.auth_args(*rc.SEND_ONLY))
azb.wait_for_log(listener, "STATUS offline the credentials are not allowed to listen on hybrid connection 'hc1'")
azb.stop(listener)

# With a Send-only rule, sending works once a listener is there.
good = rc.start_listener(work, relay, name="good")
rc.wait_for_count(good, "STATUS online", 1)
r = rc.send(work, relay, src, dst, auth=rc.auth_args(*rc.SEND_ONLY))
if r.returncode != 0 or rc.sha256_file(src) != rc.sha256_file(dst):
    azb.fail(f"send with a Send-only rule failed: {r.stderr}")
print("OK")
