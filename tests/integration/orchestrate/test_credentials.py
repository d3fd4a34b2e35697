"""The Entra ID credential chain against the fake token endpoints: client secret (and a wrong one),
workload identity, App Service managed identity, IMDS, Azure CLI, and no credential at all; IoT Hub with
an Entra token instead of a SAS."""
import os
import stat

from orch import Fake, check, orchestrate, azb, fake_azure

fake = Fake()
no_env_secret = {"AZURE_CLIENT_SECRET": "", "AZURE_TENANT_ID": "", "AZURE_CLIENT_ID": ""}


def used(r):
    lines = [l for l in r.stderr.splitlines() if l.startswith("credential: ")]
    return lines[-1][len("credential: "):] if lines else ""


# client secret (environment)
r = orchestrate(fake, "status", "-v")
check(used(r) == "environment (client secret)", r.stderr)
r = orchestrate(fake, "status", env={"AZURE_CLIENT_SECRET": "wrong-secret"}, expect=3)
check("AADSTS7000215" in r.stderr and "wrong-secret" not in r.stderr, r.stderr)

# workload identity: the federated token file's JWT as client assertion
token_file = os.path.join(fake.dir, "federated-token")
with open(token_file, "w") as f:
    f.write("fake-federated-jwt\n")
r = orchestrate(fake, "status", "-v", env={"AZURE_CLIENT_SECRET": "", "AZURE_FEDERATED_TOKEN_FILE": token_file})
check(used(r) == "workload identity", r.stderr)

# App Service managed identity (plain HTTP, X-IDENTITY-HEADER)
r = orchestrate(fake, "status", "-v", env=dict(no_env_secret, IDENTITY_ENDPOINT=fake.http + "/msi/token",
                                               IDENTITY_HEADER=fake_azure.IDENTITY_HEADER))
check(used(r) == "managed identity (App Service)", r.stderr)
msi = [x for x in fake.requests("http") if x["path"] == "/msi/token"]
check(msi and msi[-1]["query"] == {"resource": "https://management.azure.com", "api-version": "2019-08-01"}, msi)

# IMDS (AZURE_POD_IDENTITY_AUTHORITY_HOST points at the fake), chosen explicitly and by the chain
r = orchestrate(fake, "status", "-v", "--credential", "imds", env=dict(no_env_secret, AZURE_POD_IDENTITY_AUTHORITY_HOST=fake.http))
check(used(r) == "managed identity (IMDS)", r.stderr)
r = orchestrate(fake, "status", "-v", env=dict(no_env_secret, AZURE_POD_IDENTITY_AUTHORITY_HOST=fake.http))
check(used(r) == "managed identity (IMDS)", r.stderr)
imds = [x for x in fake.requests("http") if x["path"] == "/metadata/identity/oauth2/token"]
check(imds[-1]["headers"].get("metadata") == "true" and imds[-1]["query"]["api-version"] == "2018-02-01", imds[-1])

# Azure CLI: a stand-in `az` that prints what `az account get-access-token` prints, with a token the fake
# issued through its own endpoint (the stand-in asks the fake for it)
fake_az = os.path.join(fake.dir, "az")
with open(fake_az, "w") as f:
    f.write(f"""#!/usr/bin/env python3
import json, ssl, sys, time, urllib.request, urllib.parse
assert sys.argv[1:6] == ["account", "get-access-token", "--output", "json", "--resource"], sys.argv
ctx = ssl.create_default_context(cafile={fake.ca!r})
form = urllib.parse.urlencode({{"grant_type": "client_credentials", "client_id": {fake_azure.CLIENT_ID!r},
                                "client_secret": {fake_azure.CLIENT_SECRET!r}, "scope": sys.argv[6] + "/.default"}}).encode()
with urllib.request.urlopen({fake.https!r} + "/{fake_azure.TENANT}/oauth2/v2.0/token", form, context=ctx) as r:
    tok = json.loads(r.read())["access_token"]
print(json.dumps({{"accessToken": tok, "expiresOn": "2099-01-01 00:00:00.000000", "expires_on": int(time.time()) + 3600,
                  "subscription": "sub1", "tenant": "t", "tokenType": "Bearer"}}))
""")
os.chmod(fake_az, stat.S_IRWXU)
r = orchestrate(fake, "status", "-v", env=dict(no_env_secret, AZBRIDGE_AZ_PATH=fake_az))
check(used(r) == "Azure CLI", r.stderr)
not_logged_in = os.path.join(fake.dir, "az-logged-out")
with open(not_logged_in, "w") as f:
    f.write("#!/bin/sh\necho \"ERROR: Please run 'az login' to setup account.\" >&2\nexit 1\n")
os.chmod(not_logged_in, stat.S_IRWXU)

# nothing available: one message listing why each credential could not be used
r = orchestrate(fake, "status", env=dict(no_env_secret, AZBRIDGE_AZ_PATH=not_logged_in), expect=3)
check("no Entra ID credential is available" in r.stderr and "az login" in r.stderr and "IMDS" in r.stderr, r.stderr)

# IoT Hub with an Entra ID token (no connection string)
fake.control(devices={"dev1": "online"})
r = orchestrate(fake, "open", "--device", "dev1", "-q", env={"AZBRIDGE_IOTHUB_CONNECTION_STRING": "",
                                                             "AZBRIDGE_IOTHUB_HOST": fake_azure.HUB_HOST})
m = [x for x in fake.requests("https") if x["path"] == "/twins/dev1/methods"][-1]
check(m["headers"]["authorization"].startswith("Bearer fake-token-"), m)
scopes = [x["body"] for x in fake.requests("https") if x["path"].endswith("/oauth2/v2.0/token")]
check(any("iothubs.azure.net" in b for b in scopes), scopes)
check(r.stderr == "", f"--quiet prints nothing on success: {r.stderr}")

print("orchestrate credentials: ok")
