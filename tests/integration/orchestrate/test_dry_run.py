"""--dry-run prints the requests `open`/`close` would send, with secrets redacted, and sends nothing:
no server runs here, and no credential is needed."""
import json

from orch import check, orchestrate, HUB_CS, RELAY_CS, REGISTRY_PASSWORD

env = {
    "AZBRIDGE_IOTHUB_CONNECTION_STRING": HUB_CS,
    "AZBRIDGE_SUBSCRIPTION": "sub1",
    "AZBRIDGE_RESOURCE_GROUP": "rg1",
    "AZBRIDGE_IMAGE": "fakeacr.azurecr.io/azbridge:0.16",
    "AZBRIDGE_REGISTRY_SERVER": "fakeacr.azurecr.io",
    "AZBRIDGE_REGISTRY_PASSWORD": REGISTRY_PASSWORD,
    "AZBRIDGE_RELAY_CONNECTION_STRING": RELAY_CS,
    # endpoints that would fail if anything were sent
    "AZBRIDGE_ARM_ENDPOINT": "https://127.0.0.1:1",
    "AZBRIDGE_IOTHUB_ENDPOINT": "https://127.0.0.1:1",
    "AZURE_TENANT_ID": "", "AZURE_CLIENT_ID": "", "AZURE_CLIENT_SECRET": "", "IDENTITY_ENDPOINT": "",
    "AZURE_POD_IDENTITY_AUTHORITY_HOST": "http://127.0.0.1:1",
}

r = orchestrate(None, "open", "--device", "dev1", "--dry-run", "--location", "westeurope", env=env)
check("# request 1:" in r.stdout and "POST https://127.0.0.1:1/twins/dev1/methods?api-version=2021-04-12" in r.stdout, r.stdout)
check("PUT https://127.0.0.1:1/subscriptions/sub1/resourceGroups/rg1/providers/Microsoft.ContainerInstance/containerGroups/azb-dev1-" in r.stdout, r.stdout)
check("Authorization: SharedAccessSignature ***" in r.stdout and "Authorization: Bearer ***" in r.stdout, r.stdout)
check('"secureValue":"***"' in r.stdout and '"password":"***"' in r.stdout, r.stdout)
check("dry run" in r.stdout, r.stdout)

j = orchestrate(None, "open", "--device", "dev1", "--dry-run", "--output", "json", "--ephemeral-relay",
                "--relay-namespace", "ns1", env=env)
doc = json.loads(j.stdout)
check(doc["dryRun"] is True, doc)
kinds = [x["method"] + " " + x["url"].split("?")[0].split("/providers/")[-1] for x in doc["requests"]]
check(doc["requests"][0]["url"].startswith("https://127.0.0.1:1/subscriptions/sub1/resourcegroups/rg1?"), kinds)
check(any(k.startswith("PUT Microsoft.Relay/namespaces/ns1/hybridConnections/dev1-") for k in kinds), kinds)
check(sum(1 for k in kinds if k.endswith("/listKeys")) == 2, kinds)
method = [x for x in doc["requests"] if "/twins/" in x["url"]][0]
check(method["body"]["payload"]["relayConnectionString"] == "***", method["body"])
check(doc["result"]["entryPoint"].endswith(".resource-group-location.azurecontainer.io:8090"), doc["result"])

c = orchestrate(None, "close", "--device", "dev1", "--dry-run", env=env)
check("DeleteConnection" in c.stdout and "DELETE https://127.0.0.1:1/" in c.stdout, c.stdout)
print("orchestrate dry run: ok")
