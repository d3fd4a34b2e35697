"""The fakes are checked against Microsoft's own SDKs (npm azure-iothub, @azure/arm-containerinstance,
@azure/identity, installed by the orchestrate_npm_install fixture): the SDKs' requests are accepted, and
azbridge's requests match theirs in method, path, query, required headers and body fields."""
import json
import os
import subprocess
import urllib.parse

from orch import Fake, check, orchestrate, azb, fake_azure, HUB_CS

npm_dir = os.environ.get("ORCH_NPM_DIR", "")
check(os.path.isdir(os.path.join(npm_dir, "node_modules")), f"npm packages not installed in {npm_dir!r}")

fake = Fake()
fake.control(devices={"dev1": "online"}, polls=1)


def since(mark):
    return fake.requests()[mark:]


# --- azbridge's requests ------------------------------------------------------------------------------------
mark = len(fake.requests())
orchestrate(fake, "open", "--device", "dev1", "--method-payload", "null")
ours = since(mark)
no_secret = {"AZURE_CLIENT_SECRET": "", "AZURE_TENANT_ID": "", "AZURE_CLIENT_ID": ""}
mark = len(fake.requests())
orchestrate(fake, "status", env=dict(no_secret, IDENTITY_ENDPOINT=fake.http + "/msi/token",
                                     IDENTITY_HEADER=fake_azure.IDENTITY_HEADER))
ours += since(mark)
mark = len(fake.requests())
orchestrate(fake, "status", "--credential", "imds", env=dict(no_secret, AZURE_POD_IDENTITY_AUTHORITY_HOST=fake.http))
ours += since(mark)

# --- the SDKs' requests -------------------------------------------------------------------------------------
env = dict(os.environ, FAKE_HTTPS=fake.https, FAKE_HTTP=fake.http, FAKE_CA=fake.ca, NODE_EXTRA_CA_CERTS=fake.ca,
           HUB_CS=HUB_CS, TENANT=fake_azure.TENANT, CLIENT_ID=fake_azure.CLIENT_ID,
           CLIENT_SECRET=fake_azure.CLIENT_SECRET, IDENTITY_HEADER=fake_azure.IDENTITY_HEADER)
for k in ("IDENTITY_ENDPOINT", "AZURE_POD_IDENTITY_AUTHORITY_HOST", "MSI_ENDPOINT", "MSI_SECRET"):
    env.pop(k, None)
mark = len(fake.requests())
for args in ([], ["imds"]):
    r = subprocess.run(["node", os.path.join(npm_dir, "sdk_check.js"), *args], capture_output=True, text=True,
                       timeout=120, env=env, cwd=npm_dir)
    check(r.returncode == 0 and "FAILED" not in r.stdout, f"an SDK call was not accepted by the fakes:\n{r.stdout}\n{r.stderr}")
sdk = since(mark)


def one(requests, who, pred, what):
    found = [x for x in requests if pred(x)]
    check(found, f"{who}: no {what} request")
    return found[0]


def pair(pred, what):
    return one(ours, "azbridge", pred, what), one(sdk, "SDK", pred, what)


def form(body):
    return dict(urllib.parse.parse_qsl(body))


def shape(v, key=None):
    """The key structure of a JSON value (a list by the distinct shapes of its elements; tags are free-form)."""
    if key == "tags":
        return "object"
    if isinstance(v, dict):
        return {k: shape(x, k) for k, x in v.items()}
    if isinstance(v, list):
        return sorted({json.dumps(shape(x), sort_keys=True) for x in v})
    return type(v).__name__ if not isinstance(v, (int, float)) or isinstance(v, bool) else "number"


def same(a, b, what):
    check(a == b, f"{what} differs:\n  azbridge: {a}\n  SDK:      {b}")


# Direct method (azure-iothub)
o, s = pair(lambda x: x["path"] == "/twins/dev1/methods", "direct method")
same((o["method"], o["path"], o["query"]), (s["method"], s["path"], s["query"]), "direct method request line")
for h in ("authorization", "content-type", "request-id"):
    check(h in o["headers"] and h in s["headers"], f"direct method header {h}")
same(o["headers"]["content-type"], s["headers"]["content-type"], "direct method content-type")
sas = lambda x: sorted(f.split("=")[0] for f in x["headers"]["authorization"].split(" ", 1)[1].split("&"))
same(sas(o), sas(s), "SAS fields")
ob, sb = json.loads(o["body"]), json.loads(s["body"])
same(sorted(ob), sorted(sb), "direct method body fields")
same({k: ob[k] for k in ("methodName", "responseTimeoutInSeconds", "connectTimeoutInSeconds", "payload")},
     {k: sb[k] for k in ("methodName", "responseTimeoutInSeconds", "connectTimeoutInSeconds", "payload")},
     "direct method body values")

# Container group PUT and its polling (@azure/arm-containerinstance)
is_put = lambda x: x["method"] == "PUT" and "/containerGroups/" in x["path"]
o, s = pair(is_put, "container group PUT")
same(o["path"].rsplit("/", 1)[0], s["path"].rsplit("/", 1)[0], "container group path")
same(o["query"], s["query"], "container group query")
for h in ("authorization", "content-type"):
    same(o["headers"][h].split(" ")[0], s["headers"][h].split(" ")[0], f"container group header {h}")
same(shape(json.loads(o["body"])), shape(json.loads(s["body"])), "container group body fields")
same(one(ours, "azbridge", lambda x: x["path"].startswith("/operations/async/"), "poll")["method"],
     one(sdk, "SDK", lambda x: x["path"].startswith("/operations/async/"), "poll")["method"], "async operation poll")

# Tokens (@azure/identity)
is_token = lambda x: x["path"] == f"/{fake_azure.TENANT}/oauth2/v2.0/token"
o, s = pair(is_token, "client secret token")
same(o["method"], s["method"], "token method")
same(o["headers"]["content-type"].split(";")[0], s["headers"]["content-type"].split(";")[0], "token content-type")
of, sf = form(o["body"]), form(s["body"])
same({k: of.get(k) for k in ("grant_type", "client_id", "client_secret", "scope")},
     {k: sf.get(k) for k in ("grant_type", "client_id", "client_secret", "scope")}, "token form fields")
o, s = pair(lambda x: x["path"] == "/msi/token", "App Service managed identity")
same((o["method"], o["query"]), (s["method"], s["query"]), "App Service request")
same(o["headers"]["x-identity-header"], s["headers"]["x-identity-header"], "X-IDENTITY-HEADER")
o, s = pair(lambda x: x["path"].rstrip("/") == "/metadata/identity/oauth2/token", "IMDS")
same((o["method"], o["query"]), (s["method"], s["query"]), "IMDS request")
same(o["headers"].get("metadata"), s["headers"].get("metadata"), "IMDS Metadata header")

print("orchestrate SDK cross-check: ok")
