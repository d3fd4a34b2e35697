"""End to end: `orchestrate open` makes a real tunnel, requests pass through it, `close` tears it down.

    client -> FQDN:PORT (fake ACI: the container's own command line, azbridge -L) -> azbridge relay (TLS)
           -> azbridge -T (started by the fake device on CreateConnection) -> python3 -m http.server

IoT Hub, ARM and Entra ID are the fakes of fake_azure.py in their opt-in E2E mode; the relay is `azbridge relay`
with its own throwaway CA. One SSL_CERT_FILE holding both CAs lets every azbridge process verify both.
Two devices at once, each with its own web server and page (no misrouting between sessions): dev1 with the
namespace's connection string, dev2 with --ephemeral-relay (a Listen-only key for the device, a Send-only key for
the container, both for the session's own hybrid connection).
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

fake = Fake()


def fail(message):
    azb.fail(f"{message}\n{fake.process_logs()}")


def check(condition, message):
    if not condition:
        fail(message)


# --- the relay: the namespace key, and the two rules Relay ARM will hand out for ephemeral sessions ------------
# (the relay knows them as namespace-level policies with the same names and rights)
rule_keys = {"device-listen": secrets.token_urlsafe(32), "container-send": secrets.token_urlsafe(32)}
relay = relay_helpers.start_relay(config_yaml="sharedAccessPolicies:\n" + "".join(
    f"  - {{name: {name}, key: \"{key}\", rights: [{'Listen' if name == 'device-listen' else 'Send'}]}}\n"
    for name, key in rule_keys.items()))
bundle = os.path.join(fake.dir, "ca-bundle.pem")
with open(bundle, "w") as out:
    for ca in (fake.ca, relay.ca):
        with open(ca) as f:
            out.write(f.read())
endpoint = f"sb://127.0.0.1:{relay.port}/"
relay_cs = f"Endpoint={endpoint};SharedAccessKeyName={relay_helpers.KEY_NAME};SharedAccessKey={relay_helpers.KEY}"
orch.SECRETS.extend([relay_helpers.KEY, *rule_keys.values()])  # orchestrate() fails if azbridge prints one

# --- one web server per device, each with its own page -----------------------------------------------------
sites = {}
for device in ("dev1", "dev2"):
    root = azb.tmpdir(f"azb-orch-{device}-")
    page = f"hello from {device} {secrets.token_hex(8)}\n".encode()
    with open(os.path.join(root, "hello.txt"), "wb") as f:
        f.write(page)
    port = azb.free_port()
    proc = azb.start([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", root],
                     name=f"http-server-{device}", log_dir=root)
    azb.wait_for_port(port, proc=proc)
    sites[device] = {"page": page, "port": port, "proc": proc, "root": root}
blob = secrets.token_bytes(512 * 1024)  # many relay messages: more than one buffer in every pump
with open(os.path.join(sites["dev1"]["root"], "blob.bin"), "wb") as f:
    f.write(blob)

fake.control(devices={"dev1": "forwarder", "dev2": "forwarder"})
fake.enable_e2e(device_connection_string=relay_cs, service_ports={d: s["port"] for d, s in sites.items()},
                env={"SSL_CERT_FILE": bundle}, rule_keys=rule_keys, relay_endpoint=endpoint)
env = {"SSL_CERT_FILE": bundle, "AZBRIDGE_RELAY_CONNECTION_STRING": relay_cs}
hosts = {}  # FQDN -> 127.0.0.1: the fake ACI's public IP is loopback


def processes(device):
    """The E2E processes of a device: (its remote forwarders, its container's local forwarders)."""
    procs = fake.processes()
    return ([p for p in procs if p["kind"] == "device" and p["key"] == device],
            [p for p in procs if p["kind"] == "container" and p["key"].startswith(f"azb-{device}-")])


def cmdline(pid):
    with open(f"/proc/{pid}/cmdline", "rb") as f:
        return f.read().decode().split("\0")[:-1]


def get(entry, path):
    host, port = entry.rsplit(":", 1)
    conn = http.client.HTTPConnection(hosts[host], int(port), timeout=30)
    try:
        conn.request("GET", path, headers={"Host": entry})
        resp = conn.getresponse()
        return resp.status, resp.read()
    except (OSError, http.client.HTTPException) as e:
        fail(f"GET {path} through the tunnel at {entry}: {e!r}")
    finally:
        conn.close()


def check_page(entry, device):
    status, body = get(entry, "/hello.txt")
    check(status == 200 and body == sites[device]["page"],
          f"GET /hello.txt at {entry} should be {device}'s page: {status} {body[:200]!r}")


def open_tunnel(device, *args):
    """`orchestrate open`; checks the entry point, both forwarders and the container's command line."""
    port = azb.free_port()
    r = orchestrate(fake, "open", "--device", device, "--port", str(port), *args, env=env)
    entry = r.stdout.strip()
    groups = [g for g in fake.state()["groups"].values() if g["tags"]["azbridge-device"] == device]
    check(len(groups) == 1, f"one container group for {device}: {groups}")
    fqdn = groups[0]["properties"]["ipAddress"]["fqdn"]
    check(entry == f"{fqdn}:{port}" and fqdn.endswith(".azurecontainer.io"), f"entry point {entry!r}, FQDN {fqdn!r}")
    hosts[fqdn] = "127.0.0.1"
    remote, local = processes(device)
    check(len(remote) == 1 and remote[0]["returncode"] is None, f"one running remote forwarder: {remote}")
    check(len(local) == 1 and local[0]["returncode"] is None, f"one running local forwarder: {local}")
    hc = groups[0]["tags"]["azbridge-hybrid-connection"]
    # What the container's shell made of the command line in the PUT body (loopback instead of 0.0.0.0).
    argv = cmdline(local[0]["pid"])
    check(len(argv) == 5 and argv[0] == azb.AZBRIDGE and argv[1] == "-x" and argv[3:] == ["-L", f"127.0.0.1:{port}/test:{hc}"],
          f"container process argv: {argv[:1] + argv[3:]}")
    check_page(entry, device)
    return {"entry": entry, "port": port, "hc": hc, "session": groups[0]["tags"]["azbridge-session"],
            "device_cs": cmdline(remote[0]["pid"])[3], "container_cs": argv[2]}


def close_tunnel(device, tunnel):
    """`orchestrate close`; both forwarders exited (cleanly), the entry point is closed."""
    c = orchestrate(fake, "close", "--device", device, "--output", "json", env=env)
    closed = json.loads(c.stdout)
    check(closed["deviceNotified"] and closed["containerGroupDeleted"], closed)
    check(all(g["tags"]["azbridge-device"] != device for g in fake.state()["groups"].values()), "the group is gone")
    remote, local = processes(device)
    check(remote and local and all(p["returncode"] is not None for p in remote + local), f"exited: {remote + local}")
    check(all(p["returncode"] == 0 for p in remote + local), f"stopped cleanly on SIGTERM: {remote + local}")
    try:
        socket.create_connection(("127.0.0.1", tunnel["port"]), timeout=5).close()
        fail(f"the entry point {tunnel['entry']} (127.0.0.1:{tunnel['port']}) still accepts connections after close")
    except ConnectionRefusedError:
        pass


# --- dev1: the namespace's connection string on both sides -------------------------------------------------
t1 = open_tunnel("dev1")
check(t1["hc"] == "dev1" and t1["device_cs"] == relay_cs and t1["container_cs"] == relay_cs, "dev1 uses the namespace key")
relay_helpers.wait_for_log_count(relay, "ListenerAttached", 1)
status, body = get(t1["entry"], "/blob.bin")
check(status == 200 and hashlib.sha256(body).digest() == hashlib.sha256(blob).digest(),
      f"GET /blob.bin through the tunnel: {status}, {len(body)} of {len(blob)} bytes")
status, _ = get(t1["entry"], "/missing")
check(status == 404, f"the web server's own 404 comes back: {status}")
check('"GET /hello.txt HTTP/1.1" 200' in azb.log_text(sites["dev1"]["proc"]), "dev1's web server saw the request")

# --- dev2 at the same time: an ephemeral hybrid connection, Listen-only and Send-only keys -----------------------
t2 = open_tunnel("dev2", "--ephemeral-relay", "--relay-namespace", "fakens")
check(t2["hc"].startswith("dev2-") and t2["hc"] in {k.split("/", 1)[1] for k in fake.state()["hybrid_connections"]},
      f"dev2's session has its own hybrid connection: {t2['hc']}")
check(f"SharedAccessKeyName=device-listen;SharedAccessKey={rule_keys['device-listen']};" in t2["device_cs"],
      "the device's forwarder runs with the Listen-only key from the CreateConnection payload")
check(f"SharedAccessKeyName=container-send;SharedAccessKey={rule_keys['container-send']};" in t2["container_cs"],
      "the container's forwarder runs with the Send-only key from its secure environment variable")
check_page(t1["entry"], "dev1")  # the first session still reaches its own device

# --- open dev1 again: the session is replaced; the group is PUT again (its container restarts), the connected --
# device keeps its forwarder, and the tunnel works through the new local forwarder.
r = orchestrate(fake, "open", "--device", "dev1", "--port", str(t1["port"]), "--output", "json", env=env)
doc = json.loads(r.stdout)
check(doc["entryPoint"] == t1["entry"] and doc["replacedSession"] == t1["session"], doc)
check(doc["serviceProtocol"] == "http" and doc["servicePort"] == str(sites["dev1"]["port"]), f"the device's reply: {doc}")
remote, local = processes("dev1")
check(len(local) == 2 and local[0]["returncode"] is not None and local[1]["returncode"] is None,
      f"the first local forwarder stopped, a second one runs: {local}")
check([p["returncode"] for p in remote] == [None], f"the connected device kept its forwarder: {remote}")
check_page(t1["entry"], "dev1")

# --- open dev2 again: a new session has a new hybrid connection, so the device restarts its forwarder on it ----
# (a device that keeps its listener because it is "already connected" would listen on a deleted entity).
r = orchestrate(fake, "open", "--device", "dev2", "--port", str(t2["port"]), "--ephemeral-relay", "--relay-namespace",
                "fakens", "--output", "json", env=env)
doc = json.loads(r.stdout)
check(doc["replacedSession"] == t2["session"] and doc["hybridConnection"] != t2["hc"], doc)
check([k.split("/", 1)[1] for k in fake.state()["hybrid_connections"]] == [doc["hybridConnection"]],
      f"the replaced session's hybrid connection is deleted: {fake.state()['hybrid_connections']}")
remote, local = processes("dev2")
check([p["returncode"] is None for p in remote] == [False, True] and [p["returncode"] is None for p in local] == [False, True],
      f"both forwarders restarted: {remote + local}")
check(cmdline(remote[1]["pid"])[5].startswith(doc["hybridConnection"] + ":"), "the device listens on the new one")
check_page(t2["entry"], "dev2")

# --- close dev1: its forwarders stop, dev2's tunnel is untouched; then close dev2 ---------------------------
close_tunnel("dev1", t1)
check_page(t2["entry"], "dev2")
close_tunnel("dev2", t2)
check(fake.state()["hybrid_connections"] == {}, "dev2's hybrid connection (and its keys) are deleted")
relay_helpers.wait_for_log_count(relay, "ListenerDetached", 3)
for p in fake.processes():  # the devices logged at debug level (-v)
    with open(p["log"], "rb") as f:
        text = f.read()
    for key in [relay_helpers.KEY, *rule_keys.values()]:
        check(key.encode() not in text, f"a relay key is in the log of {p['kind']} {p['key']}")

print("orchestrate e2e: ok")
