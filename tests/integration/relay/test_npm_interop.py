"""Interop with Microsoft's npm clients through `azbridge relay` (TLS, NODE_EXTRA_CA_CERTS):
hyco-ws listener + hyco-ws sender (hyco_ws_interop.js) and hyco-https listener + Node https sender
(hyco_https_interop.js). Needs the relay_npm fixture (npm ci)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import relay_helpers as h  # noqa: E402
from relay_helpers import azb, check  # noqa: E402


def run_node(relay, script):
    r = azb.run(["node", os.path.join(h.HERE, script), str(relay.port), h.KEY_NAME, h.KEY], timeout=150,
                env=h.node_env(relay))
    print(r.stdout, end="")
    if r.returncode != 0:
        azb.fail(f"{script} exited with {r.returncode}:\n{r.stdout}\n{r.stderr}\n--- relay log ---\n{relay.log()}")


def main():
    relay = h.start_relay(hybrid_connections=["hc1", "hc2"])
    run_node(relay, "hyco_ws_interop.js")
    run_node(relay, "hyco_https_interop.js")
    log = relay.log()
    check("ListenerAttached" in log and "ListenerDetached" in log, "attach/detach lines in the log")
    check(h.KEY not in log and "sig=" not in log, "no secret in the relay log")
    check(relay.stop() == 0, "relay exit status")
    print("npm interop: ok")


if __name__ == "__main__":
    main()
