"""Local stand-ins for the Azure endpoints `azbridge orchestrate` talks to, written from their documented
contracts (shared reference orchestration-apis.md):

- IoT Hub direct methods: POST /twins/{id}/methods?api-version=2021-04-12, SAS (HMAC with the base64-decoded
  key over "{sr}\\n{se}", sr = hub host name) or a bearer token for https://iothubs.azure.net; error bodies with
  the errorCode JSON inside "Message" and the iothub-errorcode header.
- ARM: resource groups, ACI container groups (PUT -> 201 + Azure-AsyncOperation, polls, start/delete with
  Location, list with nextLink, 429 + Retry-After), Relay hybrid connections and authorization rules.
- Entra ID: /{tenant}/oauth2/v2.0/token (client secret or client assertion) and OpenID discovery for MSAL.
- Managed identity over plain HTTP: App Service (/msi/token, X-IDENTITY-HEADER, api 2019-08-01) and IMDS
  (/metadata/identity/oauth2/token, Metadata: true, api 2018-02-01).

Every request is recorded (GET /fake/requests); behaviour is steered with POST /fake/control.
Run: fake_azure.py CERT KEY -> prints "READY <https port> <http port>" and serves until killed.
Stdlib only. Listens on 127.0.0.1 only.
"""
import base64
import hashlib
import hmac
import json
import os
import secrets
import socket
import ssl
import subprocess
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HUB_HOST = "fakehub.azure-devices.net"
HUB_KEY_NAME = "service"
HUB_KEY = base64.b64encode(b"fake-iothub-service-key-0123456789").decode()
TENANT = "fake-tenant"
CLIENT_ID = "fake-client"
CLIENT_SECRET = "fake-client-secret-value"
IDENTITY_HEADER = "fake-identity-header"
LOCATION = "westeurope"

lock = threading.RLock()
state = {
    "requests": [],
    "devices": {},            # id -> behaviour: online|offline|timeout|missing|refuse|throttle-once|throttle|broken|forwarder
    "resource_groups": {"rg1"},
    "groups": {},             # (rg, name) -> resource JSON
    "operations": {},         # id -> {"polls_left", "group", "result", "kind"}
    "hybrid_connections": {}, # path -> {"rules": {name: rights}}
    "throttle_next_put": 0,   # answer this many container-group PUTs with 429 + Retry-After: 1
    "fail_images": ["fail.example/azbridge:bad"],
    "never_finish": False,    # operations stay InProgress
    "deny_arm": False,        # 403 AuthorizationFailed for every ARM call
    "arm_status": 0,          # when set (e.g. 500): every ARM call answers it, with Retry-After: 0
    "reject_images": ["reject.example/azbridge:bad"],  # container-group PUT -> 400 InvalidRequestContent
    "polls": 1,               # InProgress answers before Succeeded
    "page_size": 1,           # container groups per list page (forces nextLink)
    "tokens": {},             # token -> audience
    "e2e": None,              # real forwarders behind the fakes (see start_process)
    "processes": [],          # E2E: {"kind": device|container, "key", "proc", "log", "argv", "started", "notify", "ready"}
}


def record(handler, body):
    parsed = urllib.parse.urlsplit(handler.path)
    entry = {"method": handler.command, "path": parsed.path, "query": dict(urllib.parse.parse_qsl(parsed.query)),
             "headers": {k.lower(): v for k, v in handler.headers.items()}, "body": body.decode("utf-8", "replace"),
             "server": handler.server.role}
    with lock:
        state["requests"].append(entry)


def issue_token(audience):
    token = "fake-token-" + secrets.token_hex(12)
    with lock:
        state["tokens"][token] = audience
    return token


def audience_of(scope_or_resource):
    s = scope_or_resource.lower()
    if "management" in s:
        return "arm"
    if "iothubs" in s:
        return "iothub"
    if "relay" in s:
        return "relay"
    return "other"


def cloud_error(code, message):
    return {"error": {"code": code, "message": message}}


def iothub_error(code, name, message):
    inner = {"errorCode": code, "trackingId": secrets.token_hex(8) + "-G:11", "message": message,
             "info": {"timeout": "00:00:00"}, "timestampUtc": "2024-01-01T00:00:00Z"}
    return {"Message": json.dumps(inner), "ExceptionMessage": ""}, {"iothub-errorcode": name}


def check_iothub_sas(value):
    """SharedAccessSignature sr=..&sig=..&se=..&skn=.. signed with the base64-decoded key."""
    if not value.startswith("SharedAccessSignature "):
        return "not a SharedAccessSignature"
    fields = dict(urllib.parse.parse_qsl(value[len("SharedAccessSignature "):], keep_blank_values=True))
    raw = dict(p.split("=", 1) for p in value[len("SharedAccessSignature "):].split("&") if "=" in p)
    for f in ("sr", "sig", "se", "skn"):
        if f not in fields:
            return "missing " + f
    if fields["sr"].lower() != HUB_HOST or fields["skn"] != HUB_KEY_NAME:
        return "wrong sr/skn"
    if int(fields["se"]) < time.time():
        return "expired"
    expected = base64.b64encode(hmac.new(base64.b64decode(HUB_KEY), (raw["sr"] + "\n" + fields["se"]).encode(),
                                         hashlib.sha256).digest()).decode()
    if not hmac.compare_digest(expected, fields["sig"]):
        return "bad signature"
    return None


# --- E2E mode (test_e2e.py): real forwarders behind the fakes --------------------------------------------
# Off unless a test sets state["e2e"] (POST /fake/control) to
#   {"azbridge": binary under test, "image_azbridge": where the image has it ("/app/azbridge"),
#    "device_connection_string": the devices' own relay connection string,
#    "service_ports": {device id: PORT of its service on 127.0.0.1}, "env": {...}, e.g. SSL_CERT_FILE,
#    "rule_keys": {authorization rule name: key} (optional: the keys Relay ARM gives new rules; the relay under
#                 test knows them as namespace-level policies of the same name and rights)}.
# A device with behaviour "forwarder" then runs a real `azbridge -T` while it is connected, and a container group
# runs its container's command line for real. The processes stay in the fake's process group, so the harness's
# kill of that group at exit also ends them. Readiness: the fake plays service manager (NOTIFY_SOCKET, one
# datagram socket per process) and waits for azbridge's READY=1, which it sends once every local listener is bound
# and every remote forwarder is online; nothing is added to the container's command line for it.
START_LIMIT = 30.0  # seconds a forwarder may take to be ready


def start_process(kind, key, argv, env):
    with lock:
        n = len(state["processes"])
        log_path = os.path.join(state["log_dir"], f"{kind}-{key}-{n}.log")
        notify_path = os.path.join(state["log_dir"], f"notify-{n}.sock")
        notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        notify.bind(notify_path)
        notify.setblocking(False)
        # Like a container: only PATH and what the test and the container definition set (no HOME, so no user
        # configuration file of whoever runs the tests).
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        base.update(state["e2e"].get("env", {}))
        base.update(env)
        base["NOTIFY_SOCKET"] = notify_path
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=base)
        entry = {"kind": kind, "key": key, "proc": proc, "log": log_path, "argv": argv, "started": time.monotonic(),
                 "notify": notify, "ready": False}
        state["processes"].append(entry)
    return entry


def log_tail(entry, size=600):
    with open(entry["log"], "rb") as f:
        return f.read().decode("utf-8", "replace")[-size:].strip()


def readiness(entry):
    """None while starting, "" once ready, else why it failed (does not block)."""
    while not entry["ready"]:
        try:
            message = entry["notify"].recv(4096)
        except BlockingIOError:
            break
        entry["ready"] = b"READY=1" in message.split(b"\n")
    if entry["ready"]:
        return ""
    if entry["proc"].poll() is not None:
        return f"the process exited with status {entry['proc'].returncode}: {log_tail(entry)}"
    if time.monotonic() - entry["started"] > START_LIMIT:
        return f"not ready after {START_LIMIT:.0f}s: {log_tail(entry)}"
    return None


def wait_ready(entry):
    while True:
        status = readiness(entry)
        if status is not None:
            return status
        time.sleep(0.05)  # polling for READY=1 (bounded by START_LIMIT)


def alive(kind, key):
    with lock:
        return [x for x in state["processes"] if x["kind"] == kind and x["key"] == key and x["proc"].poll() is None]


def stop_processes(kind, key):
    """SIGTERM (a graceful stop for azbridge), then SIGKILL after 10 s; returns once they are gone."""
    for x in alive(kind, key):
        x["proc"].terminate()
        try:
            x["proc"].wait(10)
        except subprocess.TimeoutExpired:
            x["proc"].kill()
            x["proc"].wait()
        x["notify"].close()


def container_process(name, container_props):
    """Runs the container's command line (ACI's exec form) with its environment variables."""
    e2e = state["e2e"]
    command = container_props.get("command") or []
    if not command:
        return None, "the container has no command (the fake cannot run an image's entrypoint)"
    # The image's azbridge is the binary under test. ACI publishes 0.0.0.0:PORT on the group's public IP; tests
    # listen on loopback only, so the fake binds the same port on 127.0.0.1 instead (the FQDN maps to 127.0.0.1).
    argv = [a.replace(e2e["image_azbridge"], e2e["azbridge"]).replace("0.0.0.0:", "127.0.0.1:") for a in command]
    env = {e["name"]: e.get("secureValue") if e.get("secureValue") is not None else e.get("value", "")
           for e in container_props.get("environmentVariables", [])}
    return start_process("container", name, argv, env), None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet
        pass

    # --- plumbing -------------------------------------------------------------------------------------
    def reply(self, status, body=None, headers=None):
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def base(self):
        return f"https://{self.headers.get('Host')}"

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        record(self, body)
        parsed = urllib.parse.urlsplit(self.path)
        path, query = parsed.path, dict(urllib.parse.parse_qsl(parsed.query))
        try:
            if path.startswith("/fake/"):
                return self.fake(path, body)
            if self.server.role == "http":
                return self.managed_identity(path, query)
            if "/oauth2/v2.0/token" in path or "openid-configuration" in path or "/discovery/" in path:
                return self.entra(path, body)
            if path.startswith("/twins/"):
                return self.iothub(path, query, body)
            if path.startswith("/subscriptions/") or path.startswith("/operations/"):
                return self.arm(path, query, body)
            self.reply(404, cloud_error("NotFound", "no such fake endpoint"))
        except Exception as e:  # a bug in the fake must be visible, not a hang
            self.reply(500, cloud_error("FakeBroken", repr(e)))

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any

    # --- test control ---------------------------------------------------------------------------------
    def fake(self, path, body):
        if path == "/fake/requests":
            with lock:
                return self.reply(200, state["requests"])
        if path == "/fake/control":
            change = json.loads(body or b"{}")
            with lock:
                for k, v in change.items():
                    if k == "devices":
                        state["devices"].update(v)
                    elif k == "groups":  # {"name": {...resource...}} put as is (rg1)
                        for name, res in v.items():
                            state["groups"][("rg1", name)] = res
                    elif k == "expire":  # rewrite a group's expiry tag
                        for (rg, name), g in state["groups"].items():
                            if g.get("tags", {}).get("azbridge-device") == v:
                                g["tags"]["azbridge-expires"] = "2000-01-01T00:00:00Z"
                    else:
                        state[k] = v
            return self.reply(200, {})
        if path == "/fake/state":
            with lock:
                # E2E processes without their argv (it holds connection strings).
                processes = [{"kind": x["kind"], "key": x["key"], "pid": x["proc"].pid, "log": x["log"],
                              "returncode": x["proc"].poll()} for x in state["processes"]]
                return self.reply(200, {"groups": {f"{rg}/{n}": g for (rg, n), g in state["groups"].items()},
                                        "hybrid_connections": state["hybrid_connections"], "processes": processes})
        self.reply(404, {})

    # --- Entra ID ---------------------------------------------------------------------------------------
    def entra(self, path, body):
        if "openid-configuration" in path:
            base = self.base() + "/" + TENANT
            return self.reply(200, {"token_endpoint": base + "/oauth2/v2.0/token", "issuer": base + "/v2.0",
                                    "authorization_endpoint": base + "/oauth2/v2.0/authorize",
                                    "jwks_uri": base + "/discovery/v2.0/keys", "response_types_supported": ["code"],
                                    "tenant_region_scope": "EU"})
        if "/discovery/instance" in path:
            return self.reply(200, {"tenant_discovery_endpoint": self.base() + "/" + TENANT + "/v2.0/.well-known/openid-configuration",
                                    "api-version": "1.1", "metadata": []})
        if self.command != "POST":
            return self.reply(405, {"error": "invalid_request"})
        form = dict(urllib.parse.parse_qsl(body.decode()))
        if path != f"/{TENANT}/oauth2/v2.0/token":
            return self.reply(400, {"error": "invalid_tenant", "error_description": "AADSTS90002: Tenant not found."})
        if form.get("grant_type") != "client_credentials" or form.get("client_id") != CLIENT_ID:
            return self.reply(400, {"error": "unauthorized_client", "error_description": "AADSTS700016: Application not found."})
        if "client_assertion" in form:
            if form.get("client_assertion_type") != "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" or \
                    form["client_assertion"] != "fake-federated-jwt":
                return self.reply(401, {"error": "invalid_client", "error_description": "AADSTS700211: No matching federated identity record found."})
        elif form.get("client_secret") != CLIENT_SECRET:
            return self.reply(401, {"error": "invalid_client",
                                    "error_description": "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1"})
        scope = form.get("scope", "")
        self.reply(200, {"token_type": "Bearer", "expires_in": 3599, "ext_expires_in": 3599,
                         "access_token": issue_token(audience_of(scope))})

    def managed_identity(self, path, query):
        resource = query.get("resource", "")
        if path == "/msi/token":
            if self.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER or query.get("api-version") != "2019-08-01":
                return self.reply(400, {"error": "invalid_request"})
            return self.reply(200, {"access_token": issue_token(audience_of(resource)),
                                    "expires_on": str(int(time.time()) + 3600), "resource": resource,
                                    "token_type": "Bearer", "client_id": CLIENT_ID})
        if path.rstrip("/") == "/metadata/identity/oauth2/token":  # MSAL adds a trailing '/'; IMDS takes both
            if self.headers.get("Metadata") != "true" or query.get("api-version") != "2018-02-01":
                return self.reply(400, {"error": "invalid_request", "error_description": "Required metadata header not specified"})
            return self.reply(200, {"access_token": issue_token(audience_of(resource)), "expires_in": "3599",
                                    "expires_on": str(int(time.time()) + 3599), "resource": resource,
                                    "token_type": "Bearer"})
        self.reply(404, {})

    def bearer_audience(self):
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer "):
            return None
        with lock:
            return state["tokens"].get(auth[7:])

    # --- IoT Hub ------------------------------------------------------------------------------------------
    def iothub(self, path, query, body):
        parts = path.split("/")
        if len(parts) != 4 or parts[3] != "methods" or self.command != "POST":
            return self.reply(404, {"Message": "ErrorCode:NotFound;no such IoT Hub endpoint"})
        if query.get("api-version") != "2021-04-12":
            return self.reply(400, {"Message": "ErrorCode:InvalidProtocolVersion;bad api-version"})
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Bearer "):
            if self.bearer_audience() != "iothub":
                b, h = iothub_error(401002, "IotHubUnauthorizedAccess", "Unauthorized")
                return self.reply(401, b, h)
        else:
            problem = check_iothub_sas(auth)
            if problem:
                b, h = iothub_error(401002, "IotHubUnauthorizedAccess", "Unauthorized: " + problem)
                return self.reply(401, b, h)
        device = urllib.parse.unquote(parts[2])
        req = json.loads(body)
        for field in ("methodName", "responseTimeoutInSeconds"):
            if field not in req:
                return self.reply(400, {"Message": json.dumps({"errorCode": 400004, "message": "missing " + field})})
        name = req["methodName"]
        with lock:
            behaviour = state["devices"].get(device, "missing")
            if behaviour == "throttle-once":
                state["devices"][device] = "online"
        if behaviour == "missing":
            b, h = iothub_error(404001, "DeviceNotFound", f"Device {device} not registered")
            return self.reply(404, b, h)
        if behaviour == "offline":
            b, h = iothub_error(404103, "DeviceNotOnline", "Timed out waiting for device to connect.")
            return self.reply(404, b, h)
        if behaviour == "timeout":
            b, h = iothub_error(504101, "GatewayTimeout", "Timed out waiting for the response from device.")
            return self.reply(504, b, h)
        if behaviour == "throttle":  # for good: the caller must give up after its retries
            b, h = iothub_error(429001, "ThrottlingException", "Throttled")
            h["Retry-After"] = "0"
            return self.reply(429, b, h)
        if behaviour == "broken":
            b, h = iothub_error(500001, "ServerError", "Internal server error")
            h["Retry-After"] = "0"
            return self.reply(500, b, h)
        if behaviour == "throttle-once":
            b, h = iothub_error(429001, "ThrottlingException", "Throttled")
            h["Retry-After"] = "1"
            return self.reply(429, b, h)
        if behaviour == "refuse":
            return self.reply(200, {"status": 500, "payload": {"result": f"Unable to start Remote Forwarder for Hybrid Connection: {device}"}})
        payload = req.get("payload")
        if behaviour == "forwarder" and name in ("CreateConnection", "DeleteConnection"):
            return self.device_forwarder(device, name, payload)
        if name == "CreateConnection":
            return self.reply(200, {"status": 200, "payload": {
                "result": f"Executed direct method: CreateConnection for Hybrid Connection: {device}",
                "serviceProtocol": "http", "servicePort": "8080"}})
        if name == "DeleteConnection":
            return self.reply(200, {"status": 204, "payload": {
                "result": f"Executed direct method: DeleteConnection for Hybrid Connection: {device}"}})
        return self.reply(200, {"status": 404, "payload": {"result": f"method {name} not implemented"}})

    def device_forwarder(self, device, name, payload):
        """E2E: the sample's device, with a real remote forwarder. CreateConnection answers once the listener is
        online (the sample's host.Start() returns after registering it); a second call while connected changes
        nothing unless the payload names another hybrid connection or port name. DeleteConnection stops it."""
        e2e = state["e2e"]
        if name == "DeleteConnection":
            stop_processes("device", device)
            return self.reply(200, {"status": 204, "payload": {
                "result": f"Executed direct method: DeleteConnection for Hybrid Connection: {device}"}})
        p = payload if isinstance(payload, dict) else {}
        hc = p.get("hybridConnection") or device
        cs = p.get("relayConnectionString") or e2e["device_connection_string"]
        # The sample's CLI equivalent, with -v so that a failing test shows what the device's forwarder did.
        target = f"127.0.0.1:{e2e['service_ports'][device]}"
        argv = [e2e["azbridge"], "-v", "-x", cs, "-T", f"{hc}:{p.get('portName') or 'test'}/{target}"]
        current = alive("device", device)
        if not (current and current[0]["argv"] == argv):
            stop_processes("device", device)
            problem = wait_ready(start_process("device", device, argv, {}))
            if problem:
                stop_processes("device", device)
                print(f"fake device {device}: remote forwarder failed: {problem}", file=sys.stderr, flush=True)
                return self.reply(200, {"status": 500, "payload": {
                    "result": f"Unable to start Remote Forwarder for Hybrid Connection: {hc}"}})
        return self.reply(200, {"status": 200, "payload": {
            "result": f"Executed direct method: CreateConnection for Hybrid Connection: {hc}",
            "serviceProtocol": "http", "servicePort": str(e2e["service_ports"][device])}})

    # --- ARM ----------------------------------------------------------------------------------------------
    def arm(self, path, query, body):
        if self.bearer_audience() != "arm":
            return self.reply(401, cloud_error("InvalidAuthenticationToken", "The access token is invalid."))
        if state["deny_arm"]:
            return self.reply(403, cloud_error("AuthorizationFailed", "The client does not have authorization to perform action."))
        if state["arm_status"]:
            return self.reply(state["arm_status"], cloud_error("InternalServerError", "Encountered internal server error."),
                              {"Retry-After": "0"})
        if path.startswith("/operations/"):
            return self.operation(path)
        parts = path.split("/")
        # /subscriptions/{s}/resourcegroups/{rg}
        if len(parts) == 5 and parts[3].lower() == "resourcegroups":
            if parts[4] not in state["resource_groups"]:
                return self.reply(404, cloud_error("ResourceGroupNotFound", f"Resource group '{parts[4]}' could not be found."))
            return self.reply(200, {"id": path, "name": parts[4], "location": LOCATION})
        if len(parts) < 8 or parts[3] != "resourceGroups" or parts[5] != "providers":
            return self.reply(404, cloud_error("InvalidResourceType", "unknown path"))
        rg = parts[4]
        if rg not in state["resource_groups"]:
            return self.reply(404, cloud_error("ResourceGroupNotFound", f"Resource group '{rg}' could not be found."))
        provider = parts[6]
        if provider == "Microsoft.ContainerInstance" and parts[7] == "containerGroups":
            return self.container_groups(rg, parts[8:], query, body)
        if provider == "Microsoft.Relay" and parts[7] == "namespaces":
            return self.relay(path, parts[8:], body)
        self.reply(404, cloud_error("InvalidResourceType", "unknown provider"))

    def new_operation(self, **op):
        op_id = secrets.token_hex(6)
        op.setdefault("polls_left", state["polls"])
        with lock:
            state["operations"][op_id] = op
        return op_id

    def operation(self, path):
        parts = path.split("/")  # /operations/{async|location}/{id}
        with lock:
            op = state["operations"].get(parts[3])
            if op is None:
                return self.reply(404, cloud_error("NotFound", "no such operation"))
            busy = state["never_finish"] or op["polls_left"] > 0
            wait_hint = False  # Retry-After 1 while a forwarder starts (0 would make the orchestrator spin)
            op["polls_left"] -= 1
            if not busy and op.get("ready") is not None and not op.get("applied"):
                # E2E: the group is Succeeded once its container's forwarder is ready, Failed if it is not.
                status = op["ready"]()
                if status is None:
                    busy = wait_hint = True
                elif status:
                    op["fail"] = status
            if not busy and not op.get("applied"):
                op["applied"] = True
                op["apply"]()
        if parts[2] == "async":
            if busy:
                return self.reply(200, {"status": "InProgress"}, {"Retry-After": "1" if wait_hint else "0"})
            if isinstance(op.get("fail"), str):
                return self.reply(200, {"status": "Failed", "error": {"code": "ContainerGroupFailed",
                                                                       "message": "container: " + op["fail"]}})
            if op.get("fail"):
                return self.reply(200, {"status": "Failed", "error": {"code": "InaccessibleImage",
                                                                       "message": "The image could not be pulled."}})
            return self.reply(200, {"status": "Succeeded"})
        if busy:
            return self.reply(202, None, {"Location": self.base() + path, "Retry-After": "0"})
        return self.reply(200, {})

    def container_groups(self, rg, rest, query, body):
        if not rest:  # list, one page at a time
            with lock:
                groups = [g for (r, _), g in sorted(state["groups"].items()) if r == rg]
            start = int(query.get("$skiptoken", "0"))
            size = state["page_size"]
            page = {"value": groups[start:start + size]}
            if start + size < len(groups):
                page["nextLink"] = self.base() + self.path.split("?")[0] + \
                    f"?api-version={query.get('api-version')}&$skiptoken={start + size}"
            return self.reply(200, page)
        name = rest[0]
        key = (rg, name)
        if len(rest) == 2 and rest[1] == "start" and self.command == "POST":
            with lock:
                g = state["groups"].get(key)
            if g is None:
                return self.reply(404, cloud_error("ResourceNotFound", "not found"))

            def started():
                g["properties"]["instanceView"] = {"state": "Running"}
            op = self.new_operation(apply=started)
            return self.reply(202, None, {"Location": self.base() + "/operations/location/" + op, "Retry-After": "0"})
        if self.command == "GET":
            with lock:
                g = state["groups"].get(key)
            if g is None:
                return self.reply(404, cloud_error("ResourceNotFound", f"The Resource 'Microsoft.ContainerInstance/containerGroups/{name}' was not found."))
            return self.reply(200, g)
        if self.command == "PUT":
            with lock:
                if state["throttle_next_put"] > 0:
                    state["throttle_next_put"] -= 1
                    return self.reply(429, cloud_error("TooManyRequests", "throttled"), {"Retry-After": "1"})
            spec = json.loads(body)
            props = spec.get("properties", {})
            container = props["containers"][0]
            for required in ("image", "resources"):
                if required not in container["properties"]:
                    return self.reply(400, cloud_error("InvalidRequestContent", f"missing {required}"))
            if container["properties"]["image"] in state["reject_images"]:
                return self.reply(400, cloud_error("InvalidImageName", "The image name is not valid."))
            label = props.get("ipAddress", {}).get("dnsNameLabel", name)
            resource = {"id": self.path.split("?")[0], "name": name, "type": "Microsoft.ContainerInstance/containerGroups",
                        "location": spec["location"], "tags": spec.get("tags", {}),
                        "properties": json.loads(json.dumps(props))}
            # secureValue is write-only: GET shows null
            for c in resource["properties"]["containers"]:
                for e in c["properties"].get("environmentVariables", []):
                    if "secureValue" in e:
                        e["secureValue"] = None
            for cred in resource["properties"].get("imageRegistryCredentials", []):
                cred.pop("password", None)
            resource["properties"]["provisioningState"] = "Creating"
            fail = container["properties"]["image"] in state["fail_images"]
            with lock:
                existed = key in state["groups"]
                state["groups"][key] = resource

            ready = None
            if state["e2e"] and not fail:
                stop_processes("container", name)  # ACI restarts the containers of a group that is PUT again
                entry, problem = container_process(name, container["properties"])
                ready = (lambda: problem) if problem else (lambda: readiness(entry))

            def provisioned():
                failed = bool(op_state.get("fail"))
                if failed:
                    stop_processes("container", name)
                p = resource["properties"]
                p["provisioningState"] = "Failed" if failed else "Succeeded"
                p["instanceView"] = {"state": "Stopped" if failed else "Running"}
                p["ipAddress"]["fqdn"] = f"{label}.{spec['location']}.azurecontainer.io"
                p["ipAddress"]["ip"] = "127.0.0.1"
            op = self.new_operation(apply=provisioned, fail=fail, ready=ready)
            op_state = state["operations"][op]
            return self.reply(200 if existed else 201, resource,
                              {"Azure-AsyncOperation": self.base() + "/operations/async/" + op, "Retry-After": "0"})
        if self.command == "DELETE":
            with lock:
                if key not in state["groups"]:
                    return self.reply(204)

            def deleted():
                state["groups"].pop(key, None)
                stop_processes("container", name)
            op = self.new_operation(apply=deleted)
            return self.reply(202, None, {"Location": self.base() + "/operations/location/" + op, "Retry-After": "0"})
        self.reply(405, cloud_error("MethodNotAllowed", self.command))

    def relay(self, path, rest, body):
        # rest: {ns}/hybridConnections/{hc}[/authorizationRules/{rule}[/listKeys]]
        if len(rest) < 3 or rest[1] != "hybridConnections":
            return self.reply(404, cloud_error("NotFound", "unknown relay path"))
        ns, hc = rest[0], rest[2]
        hc_key = f"{ns}/{hc}"
        with lock:
            entity = state["hybrid_connections"].get(hc_key)
            if len(rest) == 3:
                if self.command == "PUT":
                    props = json.loads(body).get("properties", {})
                    state["hybrid_connections"][hc_key] = {"rules": {}, "properties": props}
                    return self.reply(200, {"name": hc, "properties": dict(props, listenerCount=0)})
                if self.command == "DELETE":
                    if entity is None:
                        return self.reply(204)
                    del state["hybrid_connections"][hc_key]
                    return self.reply(200)
                if entity is None:
                    return self.reply(404, cloud_error("EntityNotFound", hc))
                return self.reply(200, {"name": hc, "properties": entity["properties"]})
            if entity is None:
                return self.reply(404, cloud_error("EntityNotFound", hc))
            rule = rest[4]
            if len(rest) == 5 and self.command == "PUT":
                rights = json.loads(body)["properties"]["rights"]
                key = ((state["e2e"] or {}).get("rule_keys") or {}).get(rule) or base64.b64encode(secrets.token_bytes(32)).decode()
                entity["rules"][rule] = {"rights": rights, "key": key}
                return self.reply(200, {"name": rule, "properties": {"rights": rights}})
            if len(rest) == 6 and rest[5] == "listKeys" and self.command == "POST":
                r = entity["rules"].get(rule)
                if r is None:
                    return self.reply(404, cloud_error("EntityNotFound", rule))
                endpoint = state.get("relay_endpoint") or f"sb://{ns}.servicebus.windows.net/"
                cs = f"Endpoint={endpoint};SharedAccessKeyName={rule};SharedAccessKey={r['key']};EntityPath={hc}"
                return self.reply(200, {"primaryConnectionString": cs, "secondaryConnectionString": cs,
                                        "primaryKey": r["key"], "secondaryKey": r["key"], "keyName": rule})
        self.reply(404, cloud_error("NotFound", "unknown relay operation"))


def main():
    cert, key = sys.argv[1], sys.argv[2]
    state["log_dir"] = sys.argv[3] if len(sys.argv) > 3 else os.path.dirname(cert)
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    https = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    https.socket = tls.wrap_socket(https.socket, server_side=True)
    https.role = "https"
    http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    http.role = "http"
    https.daemon_threads = http.daemon_threads = True
    threading.Thread(target=http.serve_forever, daemon=True).start()
    print(f"READY {https.server_address[1]} {http.server_address[1]}", flush=True)
    try:
        https.serve_forever()
    finally:
        for x in state["processes"]:
            if x["proc"].poll() is None:
                x["proc"].kill()


if __name__ == "__main__":
    main()
