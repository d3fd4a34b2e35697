"""No leaks: a few thousand relayed connections (and some HTTP requests without listener) are opened and
closed; the relay's open file descriptors return to their starting count."""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relay_helpers as h  # noqa: E402
from relay_helpers import azb, check  # noqa: E402

COUNT = 2000


def main():
    relay = h.start_relay()
    pid = relay.pid()
    baseline = h.fd_count(pid)
    r = azb.run(["node", os.path.join(h.HERE, "leak_peer.js"), str(relay.port), h.KEY_NAME, h.KEY, str(COUNT), "16"],
                timeout=280, env=h.node_env(relay))
    print(r.stdout, end="")
    if r.returncode != 0:
        azb.fail(f"leak_peer.js exited with {r.returncode}:\n{r.stdout}\n{r.stderr}\n{relay.log()[-4000:]}")
    for _ in range(50):  # rejected requests must not leak either
        resp, _ = h.https_request(relay, "GET", "/leak/x", {"ServiceBusAuthorization": h.make_token("127.0.0.1/leak")})
        check(resp.status == 502, f"HTTP without listener: {resp.status}")
    deadline = time.monotonic() + 30
    count = h.fd_count(pid)
    while count != baseline and time.monotonic() < deadline:
        time.sleep(0.1)  # polling the relay's descriptor table, not synchronising
        count = h.fd_count(pid)
    check(count == baseline, f"the relay has {count} open descriptors, {baseline} before the test")
    check(relay.proc.poll() is None, "the relay is still running")
    check(relay.stop() == 0, "relay exit status")
    print(f"leak test: {COUNT} relayed connections, descriptors back to {baseline}: ok")


if __name__ == "__main__":
    main()
