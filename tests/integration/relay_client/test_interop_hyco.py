"""Interop with Microsoft's npm hyco-ws (ws 1.x) through `azbridge relay` (TLS): our listener while a hyco-ws
sender connects (text and binary messages, subprotocol echo), and our sender to a hyco-ws listener.
npm installs hyco-ws (with the stub-http workaround) into a temp dir; skipped (77) without node/npm."""
import os
import shutil
import subprocess
import sys

import rc_common as rc
from rc_common import azb

if not shutil.which("node") or not shutil.which("npm"):
    print("SKIP: node and npm are needed for the hyco-ws interop test")
    sys.exit(77)

work = azb.tmpdir("azb-rc-hyco-")
node_dir = os.path.join(work, "node")
shutil.copytree(os.path.join(rc.HERE, "node"), node_dir)
install = subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--loglevel=error"], cwd=node_dir,
                         capture_output=True, text=True, timeout=600)
if install.returncode != 0:
    azb.fail(f"npm install failed:\n{install.stdout}\n{install.stderr}")

certs = azb.make_certs(os.path.join(work, "certs"))
relay = rc.Relay(work, certs, hybrid_connections=("hc1", "hc2")).start()
node_env = {"NODE_EXTRA_CA_CERTS": relay.ca, "NODE_NO_WARNINGS": "1"}

# 1. Our listener, a hyco-ws sender.
listener = rc.start_listener(work, relay)
rc.wait_for_count(listener, "STATUS online", 1)
token = rc.sas_token("http://127.0.0.1/hc1/", rc.KEY_NAME, rc.KEY)
r = azb.run(["node", os.path.join(node_dir, "hyco_sender.js"),
             f"wss://127.0.0.1:{relay.port}/$hc/hc1?sb-hc-action=connect", token], timeout=90, env=node_env)
if r.returncode != 0 or "OK protocol=p1" not in r.stdout:
    azb.fail(f"hyco-ws sender failed ({r.returncode}): {r.stdout}{r.stderr}\nlistener:\n{azb.log_text(listener)}"
             f"\nrelay:\n{relay.log()}")
azb.wait_for_log(listener, "subprotocol=p1")

# 2. A hyco-ws listener, our sender.
hyco = azb.start(["node", os.path.join(node_dir, "hyco_listener.js"),
                  f"wss://127.0.0.1:{relay.port}/$hc/hc2?sb-hc-action=listen", rc.KEY_NAME, rc.KEY],
                 name="hyco-listener", env=node_env, log_dir=work)
try:
    azb.wait_for_log(hyco, "LISTENING", timeout=30)
    src = rc.random_file(work, "in.bin", 2 * 1024 * 1024 + 11)
    dst = os.path.join(work, "out.bin")
    r = rc.send(work, relay, src, dst, entity="hc2")
    if r.returncode != 0 or rc.sha256_file(src) != rc.sha256_file(dst):
        azb.fail(f"our sender to the hyco-ws listener failed: {r.stderr}\nhyco:\n{azb.log_text(hyco)}")
    azb.wait_for_log(hyco, "ACCEPTED")
finally:
    # hyco-ws reconnects in a hot loop when its relay goes away: stop it before the relay.
    azb.stop(hyco)
azb.stop(listener)
print("OK")
