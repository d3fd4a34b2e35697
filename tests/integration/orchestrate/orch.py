"""Helpers for the orchestrate integration tests: the fake Azure servers, the environment that points
azbridge at them, and running `azbridge orchestrate ...` with its output checked for leaked secrets."""
import json
import os
import subprocess
import sys
import urllib.request
import ssl

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
import azb  # noqa: E402

sys.path.insert(0, HERE)
import fake_azure  # noqa: E402  (constants only: the server runs in its own process)

RELAY_CS = ("Endpoint=sb://fakens.servicebus.windows.net/;SharedAccessKeyName=SendListen;"
            "SharedAccessKey=ZmFrZS1uYW1lc3BhY2Uta2V5LXZhbHVlLTEyMzQ1Njc4OTA=")
REGISTRY_PASSWORD = "fake-registry-password-value"
HUB_CS = (f"HostName={fake_azure.HUB_HOST};SharedAccessKeyName={fake_azure.HUB_KEY_NAME};"
          f"SharedAccessKey={fake_azure.HUB_KEY}")
# Values that must never appear in anything azbridge prints.
SECRETS = [fake_azure.HUB_KEY, fake_azure.CLIENT_SECRET, "ZmFrZS1uYW1lc3BhY2Uta2V5LXZhbHVlLTEyMzQ1Njc4OTA=",
           REGISTRY_PASSWORD, fake_azure.IDENTITY_HEADER, "fake-token-"]


class Fake:
    """The fake Azure endpoints in a child process (killed at exit by the harness)."""

    def __init__(self):
        self.dir = azb.tmpdir("azb-orch-")
        self.ca, cert, key = azb.make_certs(self.dir)
        self.proc = azb.start([sys.executable, os.path.join(HERE, "fake_azure.py"), cert, key, self.dir],
                              name="fake-azure", log_dir=self.dir, stdin=subprocess.DEVNULL)
        azb.wait_for_log(self.proc, "READY", timeout=20)
        line = [l for l in azb.log_text(self.proc).splitlines() if l.startswith("READY")][0]
        _, https_port, http_port = line.split()
        self.https = f"https://127.0.0.1:{https_port}"
        self.http = f"http://127.0.0.1:{http_port}"
        self.tls = ssl.create_default_context(cafile=self.ca)

    def call(self, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.https + path, data=data, method="POST" if data is not None else "GET")
        with urllib.request.urlopen(req, context=self.tls, timeout=10) as r:
            return json.loads(r.read() or b"null")

    def control(self, **change):
        self.call("/fake/control", change)

    def requests(self, server=None):
        rs = self.call("/fake/requests")
        return [r for r in rs if server is None or r["server"] == server]

    def state(self):
        return self.call("/fake/state")

    def enable_e2e(self, device_connection_string, service_ports, env, rule_keys=None, relay_endpoint=None):
        """Opt-in (test_e2e.py): a device with behaviour "forwarder" runs a real `azbridge -T` to its port in
        service_ports while connected; container groups run their container's command line with the binary under
        test as the image's /app/azbridge (see fake_azure.start_process). rule_keys and relay_endpoint make the
        rules Relay ARM creates usable on a real relay."""
        change = {"e2e": {"azbridge": azb.AZBRIDGE, "image_azbridge": "/app/azbridge",
                          "device_connection_string": device_connection_string, "service_ports": service_ports,
                          "env": env, "rule_keys": rule_keys or {}}}
        if relay_endpoint:
            change["relay_endpoint"] = relay_endpoint
        self.control(**change)

    def processes(self, kind=None):
        """E2E processes: {"kind", "key", "pid", "log", "returncode"} (returncode None while running)."""
        return [p for p in self.state()["processes"] if kind is None or p["kind"] == kind]

    def process_logs(self):
        """The fake's own log and every E2E process's log, for failure messages."""
        parts = [f"--- fake-azure ---\n{azb.log_text(self.proc)[-3000:]}"]
        try:
            processes = self.processes()
        except OSError as e:
            return "\n".join(parts + [f"(no process list from the fake: {e})"])
        for p in processes:
            with open(p["log"], "rb") as f:
                parts.append(f"--- {p['kind']} {p['key']} (pid {p['pid']}, status {p['returncode']}) ---\n"
                             + f.read().decode("utf-8", "replace")[-3000:])
        return "\n".join(parts)

    def env(self, **extra):
        """Environment for azbridge: every endpoint on the fakes, TLS verified with the throwaway CA."""
        e = {
            "SSL_CERT_FILE": self.ca,
            "AZBRIDGE_IOTHUB_CONNECTION_STRING": HUB_CS,
            "AZBRIDGE_IOTHUB_ENDPOINT": self.https,
            "AZBRIDGE_ARM_ENDPOINT": self.https,
            "AZBRIDGE_SUBSCRIPTION": "sub1",
            "AZBRIDGE_RESOURCE_GROUP": "rg1",
            "AZBRIDGE_IMAGE": "fakeacr.azurecr.io/azbridge:0.16",
            "AZBRIDGE_REGISTRY_SERVER": "fakeacr.azurecr.io",
            "AZBRIDGE_REGISTRY_USERNAME": "fakeacr",
            "AZBRIDGE_REGISTRY_PASSWORD": REGISTRY_PASSWORD,
            "AZBRIDGE_RELAY_CONNECTION_STRING": RELAY_CS,
            "AZBRIDGE_POLL_INTERVAL": "1s",
            "AZURE_AUTHORITY_HOST": self.https,
            "AZURE_TENANT_ID": fake_azure.TENANT,
            "AZURE_CLIENT_ID": fake_azure.CLIENT_ID,
            "AZURE_CLIENT_SECRET": fake_azure.CLIENT_SECRET,
            # Never the real IMDS (169.254.169.254): a closed local port unless a test sets the fake.
            "AZURE_POD_IDENTITY_AUTHORITY_HOST": f"http://127.0.0.1:{azb.free_port()}",
            "AZBRIDGE_AZ_PATH": "/nonexistent/az",
        }
        for k in ("IDENTITY_ENDPOINT", "IDENTITY_HEADER", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_SUBSCRIPTION_ID",
                  "IOT_SERVICE_CONN_STRING", "AZRELAY_CONN_STRING", "AZBRIDGE_ORCHESTRATE_CONFIG"):
            e[k] = ""
        e.update(extra)
        return e


def orchestrate(fake, *args, env=None, expect=0, timeout=60):
    """Runs `azbridge orchestrate ARGS`; checks the exit status and that no secret was printed."""
    environment = fake.env() if fake is not None else {}
    environment.update(env or {})
    r = azb.run([azb.AZBRIDGE, "orchestrate", *args], timeout=timeout, env=environment)
    where = f"azbridge orchestrate {' '.join(args)}\n--- stdout ---\n{r.stdout}\n--- stderr ---\n{r.stderr}"
    if r.returncode != expect:
        azb.fail(f"exit status {r.returncode}, expected {expect}: {where}")
    for secret in SECRETS:
        if secret in r.stdout or secret in r.stderr:
            azb.fail(f"secret {secret[:12]}... printed by {where}")
    return r


def check(condition, message):
    if not condition:
        azb.fail(message)
