"""End to end: `orchestrate open` makes a real tunnel, a request passes through it, `close` tears it down.

    client -> FQDN:PORT (fake ACI: the container's own command line, azbridge -L) -> azbridge relay (TLS)
           -> azbridge -T (started by the fake device on CreateConnection) -> python3 -m http.server

IoT Hub, ARM and Entra ID are the fakes of fake_azure.py in their opt-in E2E mode; the relay is `azbridge relay`
with its own throwaway CA. One SSL_CERT_FILE holding both CAs lets every azbridge process verify both.
"""
import hashlib
import http.client
import json
import os
import secrets
import socket
import sys

import orch
from orch import Fake, azb, orchestrate

sys.path.insert(0, os.path.join(orch.HERE, "..", "relay"))
import relay_helpers  # noqa: E402

DEVICE = "dev1"
fake = Fake()


def fail(message):
    azb.fail(f"{message}\n{fake.process_logs()}")


def check(condition, message):
    if not condition:
        fail(message)


# --- the relay, the service on the "device", the fakes in E2E mode ------------------------------------------
relay = relay_helpers.start_relay(hybrid_connections=[DEVICE])
bundle = os.path.join(fake.dir, "ca-bundle.pem")
with open(bundle, "w") as out:
    for ca in (fake.ca, relay.ca):
        with open(ca) as f:
            out.write(f.read())
relay_cs = (f"Endpoint=sb://127.0.0.1:{relay.port}/;SharedAccessKeyName={relay_helpers.KEY_NAME};"
            f"SharedAccessKey={relay_helpers.KEY}")
orch.SECRETS.append(relay_helpers.KEY)  # orchestrate() fails if azbridge prints it

site = azb.tmpdir("azb-orch-site-")
page = f"hello through the tunnel {secrets.token_hex(8)}\n".encode()
blob = secrets.token_bytes(512 * 1024)  # many relay messages: more than one buffer in every pump
with open(os.path.join(site, "hello.txt"), "wb") as f:
    f.write(page)
with open(os.path.join(site, "blob.bin"), "wb") as f:
    f.write(blob)
web_port = azb.free_port()
web = azb.start([sys.executable, "-m", "http.server", str(web_port), "--bind", "127.0.0.1", "--directory", site],
                name="http-server", log_dir=site)
azb.wait_for_port(web_port, proc=web)

fake.control(devices={DEVICE: "forwarder"})
fake.enable_e2e(device_connection_string=relay_cs, device_target=f"127.0.0.1:{web_port}", service_port=web_port,
                env={"SSL_CERT_FILE": bundle})
port = azb.free_port()
env = {"SSL_CERT_FILE": bundle, "AZBRIDGE_RELAY_CONNECTION_STRING": relay_cs, "AZBRIDGE_PORT": str(port)}

# --- open: the device's remote forwarder and the container's local forwarder are running ---------------------
r = orchestrate(fake, "open", "--device", DEVICE, env=env)
entry = r.stdout.strip()
groups = list(fake.state()["groups"].values())
check(len(groups) == 1, f"one container group: {groups}")
fqdn = groups[0]["properties"]["ipAddress"]["fqdn"]
check(entry == f"{fqdn}:{port}" and fqdn.endswith(".azurecontainer.io"), f"entry point {entry!r}, group FQDN {fqdn!r}")
hosts = {fqdn: "127.0.0.1"}  # the fake ACI's public IP is loopback

device_procs, container_procs = fake.processes("device"), fake.processes("container")
check(len(device_procs) == 1 and device_procs[0]["returncode"] is None, f"one running remote forwarder: {device_procs}")
check(len(container_procs) == 1 and container_procs[0]["returncode"] is None,
      f"one running local forwarder: {container_procs}")
# What the container's shell made of the command line in the PUT body (loopback instead of 0.0.0.0).
with open(f"/proc/{container_procs[0]['pid']}/cmdline", "rb") as f:
    argv = f.read().decode().split("\0")
check(argv[0] == azb.AZBRIDGE and argv[1:3] == ["-x", relay_cs] and argv[3:5] == ["-L", f"127.0.0.1:{port}/test:{DEVICE}"],
      f"container process argv: {[a if a != relay_cs else '<relay cs>' for a in argv]}")
relay_helpers.wait_for_log_count(relay, "ListenerAttached", 1)  # the device's listener is on the relay


# --- requests through the tunnel ----------------------------------------------------------------------------
def get(path):
    host, p = entry.rsplit(":", 1)
    conn = http.client.HTTPConnection(hosts[host], int(p), timeout=30)
    try:
        conn.request("GET", path, headers={"Host": entry})
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException) as e:
        fail(f"GET {path} through the tunnel at {entry}: {e!r}")
    finally:
        conn.close()


status, body = get("/hello.txt")
check(status == 200 and body == page, f"GET /hello.txt through the tunnel: {status} {body[:200]!r}")
status, body = get("/blob.bin")
check(status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(blob).digest(),
      f"GET /blob.bin through the tunnel: {status}, {len(body)} of {len(blob)} bytes")
status, body = get("/missing")
check(status == 404, f"the web server's own 404 comes back: {status}")
check(f'"GET /hello.txt HTTP/1.1" 200' in azb.log_text(web), "the web server saw the request:\n" + azb.log_text(web))

# --- open again: the session is replaced; the group is PUT again (its container restarts), the connected -----
# device keeps its forwarder, and the tunnel works through the new local forwarder.
first_session = groups[0]["tags"]["azbridge-session"]
r2 = orchestrate(fake, "open", "--device", DEVICE, "--output", "json", env=env)
doc = json.loads(r2.stdout)
check(doc["entryPoint"] == entry and doc["replacedSession"] == first_session, doc)
check(doc["serviceProtocol"] == "http" and doc["servicePort"] == str(web_port), f"the device's reply is reported: {doc}")
containers = fake.processes("container")
check(len(containers) == 2 and containers[0]["returncode"] is not None and containers[1]["returncode"] is None,
      f"the first local forwarder stopped, a second one runs: {containers}")
check([p["returncode"] for p in fake.processes("device")] == [None], "the connected device kept its forwarder")
status, body = get("/hello.txt")
check(status == 200 and body == page, f"GET /hello.txt through the replaced session: {status} {body[:200]!r}")

# --- close: both forwarders stop, the entry point is closed ------------------------------------------------
c = orchestrate(fake, "close", "--device", DEVICE, "--output", "json", env=env)
closed = json.loads(c.stdout)
check(closed["deviceNotified"] and closed["containerGroupDeleted"], closed)
check(fake.state()["groups"] == {}, "the container group is gone")
procs = fake.processes()
check(len(procs) == 3 and all(p["returncode"] is not None for p in procs), f"every forwarder exited: {procs}")
check(all(p["returncode"] == 0 for p in procs), f"every forwarder stopped cleanly on SIGTERM: {procs}")
try:
    socket.create_connection(("127.0.0.1", port), timeout=5).close()
    fail(f"the entry point 127.0.0.1:{port} still accepts connections after close")
except ConnectionRefusedError:
    pass
relay_helpers.wait_for_log_count(relay, "ListenerDetached", 1)
for p in procs:  # the device logged at debug level (-v)
    with open(p["log"], "rb") as f:
        check(relay_helpers.KEY.encode() not in f.read(), f"the relay key is in the {p['kind']} forwarder's log")

print("orchestrate e2e: ok")
