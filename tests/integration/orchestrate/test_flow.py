"""open / status / close / sweep against the fake IoT Hub, ARM (ACI + Relay) and Entra ID endpoints:
the requests match the documented contracts, the sample's bugs stay fixed, nothing secret is printed."""
import json

from orch import Fake, check, orchestrate, RELAY_CS, REGISTRY_PASSWORD, fake_azure

fake = Fake()
fake.control(devices={"dev1": "online", "dev2": "online", "dev3": "throttle-once"}, throttle_next_put=1, polls=2)

# --- open: 429 on the first PUT is retried after Retry-After, provisioning is polled ----------------------
r = orchestrate(fake, "open", "--device", "dev1")
state = fake.state()
groups = state["groups"]
check(len(groups) == 1, f"one container group expected: {groups}")
group = next(iter(groups.values()))
fqdn = group["properties"]["ipAddress"]["fqdn"]
check(r.stdout.strip() == f"{fqdn}:8090", f"stdout should be the entry point only: {r.stdout!r}")
check("creating container group" in r.stderr and "s)" in r.stderr, f"progress lines with times: {r.stderr}")

reqs = fake.requests("https")
methods = [x for x in reqs if x["path"].startswith("/twins/")]
check(len(methods) == 1, "one direct method call")
m = methods[0]
check(m["path"] == "/twins/dev1/methods" and m["query"] == {"api-version": "2021-04-12"}, m)
check(m["headers"]["authorization"].startswith("SharedAccessSignature sr=fakehub.azure-devices.net&sig="), m)
check(m["headers"]["content-type"].startswith("application/json"), m)
check("request-id" in m["headers"], m)
body = json.loads(m["body"])
check(body["methodName"] == "CreateConnection" and body["responseTimeoutInSeconds"] == 30
      and body["connectTimeoutInSeconds"] == 0, body)
check(body["payload"]["hybridConnection"] == "dev1" and body["payload"]["portName"] == "test", body)
check("relayConnectionString" not in body["payload"], "no relay secret for a device with its own configuration")

puts = [x for x in reqs if x["method"] == "PUT" and "containerGroups" in x["path"]]
check(len(puts) == 2, f"the throttled PUT is sent again: {len(puts)}")
spec = json.loads(puts[-1]["body"])
check(puts[-1]["query"]["api-version"] == "2023-05-01", puts[-1])
check(puts[-1]["headers"]["authorization"].startswith("Bearer fake-token-"), "ARM calls carry the Entra token")
props = spec["properties"]
container = props["containers"][0]["properties"]
env = {e["name"]: e for e in container["environmentVariables"]}
check(env["AZRELAY_CONN_STRING"].get("secureValue") == RELAY_CS and "value" not in env["AZRELAY_CONN_STRING"],
      "the relay connection string goes in a secureValue")
check(env["AZRELAY_HYBRID_CONNECTION"]["value"] == "dev1", env)
check(container["command"][:2] == ["/bin/sh", "-c"] and "-L 0.0.0.0:8090/test:$AZRELAY_HYBRID_CONNECTION" in container["command"][2], container)
check(props["ipAddress"]["type"] == "Public" and props["ipAddress"]["ports"] == [{"port": 8090, "protocol": "TCP"}], props)
check(props["imageRegistryCredentials"] == [{"server": "fakeacr.azurecr.io", "username": "fakeacr", "password": REGISTRY_PASSWORD}], props)
check(spec["location"] == "westeurope", "location from the resource group")
tags = spec["tags"]
check(tags["azbridge-device"] == "dev1" and len(tags["azbridge-session"]) == 8 and tags["azbridge-expires"].endswith("Z"), tags)
polls = [x for x in reqs if x["path"].startswith("/operations/async/")]
check(len(polls) >= 3, f"Azure-AsyncOperation polled until Succeeded: {len(polls)}")
token_requests = [x for x in reqs if x["path"].endswith("/oauth2/v2.0/token")]
check(len(token_requests) == 1, f"one token, cached for every ARM call: {len(token_requests)}")

# --- a second device gets its own group (the sample's shared group misrouted) -----------------------------
r2 = orchestrate(fake, "open", "--device", "dev2", "--output", "json")
doc = json.loads(r2.stdout)
check(doc["device"] == "dev2" and doc["entryPoint"].endswith(":8090") and doc["containerGroup"] != group["name"], doc)
check(doc["serviceProtocol"] == "http" and doc["servicePort"] == "8080", doc)
check(len(fake.state()["groups"]) == 2, "two groups for two devices")

# --- IoT Hub 429 is retried (the hub did not act on it) -------------------------------------------------
orchestrate(fake, "open", "--device", "dev3", "--ephemeral-relay", "--relay-namespace", "fakens", "--ttl", "2h")
dev3 = [x for x in fake.requests("https") if x["path"] == "/twins/dev3/methods"]
check(len(dev3) == 2, f"429 from IoT Hub retried once: {len(dev3)}")

# --- ephemeral relay: HC + Listen/Send rules; the device gets Listen, the container Send -------------------
st = fake.state()
hcs = st["hybrid_connections"]
check(len(hcs) == 1, hcs)
hc_key, hc = next(iter(hcs.items()))
check(hc_key.startswith("fakens/dev3-") and hc["properties"]["requiresClientAuthorization"] is True, hc)
check(hc["rules"]["device-listen"]["rights"] == ["Listen"] and hc["rules"]["container-send"]["rights"] == ["Send"], hc)
payload = json.loads(dev3[-1]["body"])["payload"]
check("SharedAccessKeyName=device-listen;" in payload["relayConnectionString"], payload)
check(hc["rules"]["device-listen"]["key"] in payload["relayConnectionString"], "the device's Listen key")
relay_reqs = [x for x in fake.requests("https") if "Microsoft.Relay" in x["path"]]
check(all(x["query"]["api-version"] == "2021-11-01" for x in relay_reqs), relay_reqs)
puts3 = [x for x in fake.requests("https") if x["method"] == "PUT" and "containerGroups" in x["path"] and "dev3" in x["path"]]
env3 = {e["name"]: e for e in json.loads(puts3[-1]["body"])["properties"]["containers"][0]["properties"]["environmentVariables"]}
check("SharedAccessKeyName=container-send;" in env3["AZRELAY_CONN_STRING"]["secureValue"], env3)
check(hc["rules"]["container-send"]["key"] in env3["AZRELAY_CONN_STRING"]["secureValue"], "the container's Send key")

# --- status lists the three sessions from the tags (the list is paged with nextLink) -----------------------
s = orchestrate(fake, "status", "--output", "json")
sessions = json.loads(s.stdout)["sessions"]
check(sorted(x["device"] for x in sessions) == ["dev1", "dev2", "dev3"], sessions)
check(all(x["state"] == "Running" and not x["expired"] for x in sessions), sessions)
pages = [x for x in fake.requests("https") if x["path"].endswith("/containerGroups") and x["method"] == "GET"]
check(any("$skiptoken" in x["query"] for x in pages), "nextLink followed")
text = orchestrate(fake, "status", "--device", "dev1")
check("dev1" in text.stdout and "dev2" not in text.stdout and f"{fqdn}:8090" in text.stdout, text.stdout)

# --- close: DeleteConnection, DELETE with Location polling ----------------------------------------------
c = orchestrate(fake, "close", "--device", "dev1", "--output", "json")
closed = json.loads(c.stdout)
check(closed["deviceNotified"] and closed["containerGroupDeleted"], closed)
deletes = [x for x in fake.requests("https") if x["method"] == "DELETE"]
check(len(deletes) == 1, deletes)
check(len(fake.state()["groups"]) == 2, "dev1's group is gone")

# --- close of the ephemeral session deletes its hybrid connection -------------------------------------------
c3 = orchestrate(fake, "close", "--device", "dev3")
check("hybrid connection deleted" in c3.stdout, c3.stdout)
check(fake.state()["hybrid_connections"] == {}, "the session's HC is gone")

# --- sweep removes expired sessions only ------------------------------------------------------------------
fake.control(devices={"dev4": "offline"})
orchestrate(fake, "open", "--device", "dev1")
fake.control(expire="dev2")
sw = orchestrate(fake, "sweep", "--output", "json")
result = json.loads(sw.stdout)
check([x["device"] for x in result["closed"]] == ["dev2"] and result["kept"] == 1, result)
remaining = [g["tags"]["azbridge-device"] for g in fake.state()["groups"].values()]
check(remaining == ["dev1"], remaining)

# --- --verbose shows requests and the credential, never a secret (orchestrate() checks) ---------------------
v = orchestrate(fake, "status", "--verbose")
check("> GET https://127.0.0.1" in v.stderr and "Authorization: Bearer ***" in v.stderr, v.stderr)
check("credential: environment (client secret)" in v.stderr, v.stderr)

print("orchestrate flow: ok")
