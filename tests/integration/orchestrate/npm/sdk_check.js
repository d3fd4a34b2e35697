// Microsoft's own SDKs against the fake Azure endpoints (run by test_sdk_crosscheck.py): every call must be
// accepted by the fakes, which record the requests for comparison with azbridge's.
// Environment: FAKE_HTTPS, FAKE_HTTP, FAKE_CA, HUB_CS, TENANT, CLIENT_ID, CLIENT_SECRET, IDENTITY_HEADER.
"use strict";
const fs = require("fs");
const https = require("https");
const tls = require("tls");
const { Client } = require("azure-iothub");
const { ClientSecretCredential, ManagedIdentityCredential } = require("@azure/identity");
const { ContainerInstanceManagementClient } = require("@azure/arm-containerinstance");

const env = process.env;
const ca = fs.readFileSync(env.FAKE_CA);
const fake = new URL(env.FAKE_HTTPS);
const ARM = "https://management.azure.com/.default";

// azure-iothub always connects to HostName:443; this agent takes the connection to the fake instead
// (the Host header and the SAS keep the hub's name; TLS is verified against the throwaway CA).
class ToFakeAgent extends https.Agent {
  createConnection(options, cb) {
    return tls.connect({ host: fake.hostname, port: Number(fake.port), ca, servername: "localhost" }, cb);
  }
}

// `node sdk_check.js imds` runs only the IMDS step (its own process: the managed identity source is
// chosen once per process); without an argument every other step runs.
const only = process.argv[2];

async function step(name, f) {
  if ((only === "imds") !== (name === "identity imds managed identity")) return;
  try {
    await f();
    console.log(`ok ${name}`);
  } catch (e) {
    console.log(`FAILED ${name}: ${e && e.stack ? e.stack : e}`);
    process.exitCode = 1;
  }
}

async function main() {
  await step("identity client secret", async () => {
    const c = new ClientSecretCredential(env.TENANT, env.CLIENT_ID, env.CLIENT_SECRET,
                                         { authorityHost: env.FAKE_HTTPS, disableInstanceDiscovery: true });
    const t = await c.getToken(ARM);
    if (!t || !t.token) throw new Error("no token");
  });

  await step("identity app service managed identity", async () => {
    process.env.IDENTITY_ENDPOINT = env.FAKE_HTTP + "/msi/token";
    process.env.IDENTITY_HEADER = env.IDENTITY_HEADER;
    const t = await new ManagedIdentityCredential().getToken(ARM);
    if (!t || !t.token) throw new Error("no token");
  });

  await step("identity imds managed identity", async () => {
    process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = env.FAKE_HTTP;
    const t = await new ManagedIdentityCredential().getToken(ARM);
    if (!t || !t.token) throw new Error("no token");
  });

  await step("arm-containerinstance create", async () => {
    const cred = new ClientSecretCredential(env.TENANT, env.CLIENT_ID, env.CLIENT_SECRET,
                                            { authorityHost: env.FAKE_HTTPS, disableInstanceDiscovery: true });
    const client = new ContainerInstanceManagementClient(cred, "sub1",
        { endpoint: env.FAKE_HTTPS, $host: env.FAKE_HTTPS, credentialScopes: [ARM] });
    const group = await client.containerGroups.beginCreateOrUpdateAndWait("rg1", "sdk-group", {
      location: "westeurope",
      tags: { "azbridge-device": "sdk" },
      osType: "Linux",
      restartPolicy: "Always",
      containers: [{
        name: "azbridge",
        image: "fakeacr.azurecr.io/azbridge:0.16",
        command: ["/bin/sh", "-c", "exec /app/azbridge -x \"$AZRELAY_CONN_STRING\" -L 0.0.0.0:8090/test:$AZRELAY_HYBRID_CONNECTION"],
        ports: [{ port: 8090, protocol: "TCP" }],
        environmentVariables: [{ name: "AZRELAY_HYBRID_CONNECTION", value: "sdk" },
                               { name: "AZRELAY_CONN_STRING", secureValue: "Endpoint=sb://x/;SharedAccessKeyName=s;SharedAccessKey=k" }],
        resources: { requests: { cpu: 1, memoryInGB: 1 } },
      }],
      imageRegistryCredentials: [{ server: "fakeacr.azurecr.io", username: "fakeacr", password: "pw" }],
      ipAddress: { type: "Public", ports: [{ port: 8090, protocol: "TCP" }], dnsNameLabel: "sdk-label" },
    }, { updateIntervalInMs: 10 });
    if (!group.ipAddress || !group.ipAddress.fqdn) throw new Error("no fqdn: " + JSON.stringify(group));
  });

  await step("azure-iothub invoke device method", async () => {
    const client = Client.fromConnectionString(env.HUB_CS);
    client._restApiClient.setOptions({ http: { agent: new ToFakeAgent() } });
    const r = await client.invokeDeviceMethod("dev1", { methodName: "CreateConnection", payload: null,
                                                        responseTimeoutInSeconds: 30 });
    if (!r.result || r.result.status !== 200) throw new Error("unexpected answer " + JSON.stringify(r.result));
  });
}

main();
