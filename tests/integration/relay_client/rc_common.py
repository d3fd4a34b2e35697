"""Helpers for the relay client integration tests: our `azbridge relay` (TLS, throwaway certificates) as the
server, hc_probe (built from this folder) as the client. Stdlib only; every wait is bounded."""
import base64
import hashlib
import hmac
import os
import sys
import time
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "harness"))
import azb  # noqa: E402

HC_PROBE = os.environ.get("HC_PROBE") or os.path.join(
    os.path.dirname(azb.AZBRIDGE), "tests", "integration", "relay_client", "hc_probe")

KEY_NAME = azb.TEST_KEY_NAME
KEY = azb.TEST_KEY
# Extra rules for the 403 tests (rights are checked by the relay).
SEND_ONLY = ("sendonly", "c2VuZC1vbmx5LWtleS1mb3ItYXpicmlkZ2UtdGVzdHM=")
LISTEN_ONLY = ("listenonly", "bGlzdGVuLW9ubHkta2V5LWZvci1henJpZGdlLXRlc3Rz")


def sas_token(resource, key_name, key, ttl=3600, expiry=None):
    """A SAS token computed here, independently of the code under test (.NET style sr encoding)."""
    sr = urllib.parse.quote_plus(resource)
    se = str(expiry if expiry is not None else int(time.time()) + ttl)
    digest = hmac.new(key.encode("utf-8"), f"{sr}\n{se}".encode("utf-8"), hashlib.sha256).digest()
    sig = urllib.parse.quote_plus(base64.b64encode(digest).decode("ascii"))
    return f"SharedAccessSignature sr={sr}&sig={sig}&se={se}&skn={key_name}"


def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def random_file(directory, name, size):
    path = os.path.join(directory, name)
    with open(path, "wb") as f:
        f.write(os.urandom(size))
    return path


class Relay:
    """`azbridge relay` on 127.0.0.1 with TLS, one Manage rule (-K/-k) plus a Send-only and a Listen-only rule."""

    def __init__(self, work, certs, hybrid_connections=("hc1",), port=None, timeouts=None, log_level=None):
        self.work = work
        self.ca, self.cert, self.key = certs
        self.port = port or azb.free_port()
        self.hybrid_connections = hybrid_connections
        self.timeouts = timeouts or {}
        self.log_level = log_level
        self.proc = None
        self.config = os.path.join(work, f"relay-{self.port}.yaml")
        lines = ["sharedAccessPolicies:"]
        for name, key, rights in ((SEND_ONLY[0], SEND_ONLY[1], "Send"), (LISTEN_ONLY[0], LISTEN_ONLY[1], "Listen")):
            lines += [f"  - name: {name}", f"    key: {key}", f"    rights: [{rights}]"]
        if self.timeouts:
            lines.append("timeouts:")
            lines += [f"  {k}: {v}" for k, v in self.timeouts.items()]
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")

    @property
    def endpoint(self):
        return f"sb://127.0.0.1:{self.port}/"

    def start(self):
        args = [azb.AZBRIDGE, "relay", "--bind", f"127.0.0.1:{self.port}", "--tls-cert", self.cert,
                "--tls-key", self.key, "--shared-access-key-name", KEY_NAME, "--shared-access-key", KEY,
                "--config", self.config]
        for hc in self.hybrid_connections:
            args += ["--hybrid-connection", hc]
        if self.log_level:
            args += ["--log-level", self.log_level]
        self.proc = azb.start(args, name="relay", log_dir=self.work)
        azb.wait_for_port(self.port, proc=self.proc)
        return self

    def stop(self):
        if self.proc is not None:
            azb.stop(self.proc)
            self.proc = None

    def log(self):
        return azb.log_text(self.proc) if self.proc else ""


def auth_args(key_name=KEY_NAME, key=KEY, sas=None, no_auth=False):
    if no_auth:
        return ["--no-auth"]
    if sas is not None:
        return ["--sas", sas]
    return ["--key-name", key_name, "--key", key]


def start_listener(work, relay, entity="hc1", auth=None, extra=(), name="listener"):
    args = [HC_PROBE, "listen", "--endpoint", relay.endpoint, "--entity", entity, "--ca", relay.ca]
    args += auth if auth is not None else auth_args()
    args += list(extra)
    return azb.start(args, name=name, log_dir=work)


def send(work, relay, input_path, output_path, entity="hc1", auth=None, extra=(), timeout=120.0, endpoint=None):
    args = [HC_PROBE, "send", "--endpoint", endpoint or relay.endpoint, "--entity", entity, "--ca", relay.ca,
            "--input", input_path, "--output", output_path]
    args += auth if auth is not None else auth_args()
    args += list(extra)
    return azb.run(args, timeout=timeout)


def count_lines(proc, prefix):
    return sum(1 for line in azb.log_text(proc).splitlines() if line.startswith(prefix))


def wait_for_count(proc, prefix, count, timeout=30.0):
    """Waits until at least `count` lines of the process log start with `prefix` (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if count_lines(proc, prefix) >= count:
            return
        if proc.poll() is not None:
            azb.fail(f"{proc.name} exited with {proc.returncode} while waiting for {prefix!r}:\n{azb.log_text(proc)}")
        time.sleep(0.05)
    azb.fail(f"{prefix!r} seen fewer than {count} times in {proc.name}'s log after {timeout}s:\n{azb.log_text(proc)}")
