"""Every failure class of `azbridge orchestrate` against the fakes: one clear message, its own exit status,
and no half-made resources left behind where a rollback is possible."""
import json
import os
import signal

from orch import Fake, check, orchestrate, azb

fake = Fake()
fake.control(devices={"online": "online", "offline": "offline", "slow": "timeout", "refuses": "refuse"})


def groups():
    return fake.state()["groups"]


# IoT Hub: device offline (404103), not registered (404001), timeout (504101), device error status
r = orchestrate(fake, "open", "--device", "offline", expect=11)
check("device 'offline' is offline" in r.stderr and "404103" in r.stderr, r.stderr)
check(groups() == {}, "no container group for a device that never answered")
r = orchestrate(fake, "open", "--device", "ghost", expect=10)
check("not registered" in r.stderr, r.stderr)
r = orchestrate(fake, "open", "--device", "slow", expect=12)
check("did not answer CreateConnection in time" in r.stderr, r.stderr)
r = orchestrate(fake, "open", "--device", "refuses", "--output", "json", expect=13)
check("Unable to start Remote Forwarder" in r.stderr, r.stderr)
err = json.loads(r.stdout)["error"]
check(err["status"] == 13 and err["class"] == "device_refused", err)

# IoT Hub: throttled for good (429 after every retry) -> throttled; a 500 -> service
fake.control(devices={"busy": "throttle", "broken": "broken"})
before = len([x for x in fake.requests("https") if x["path"] == "/twins/busy/methods"])
r = orchestrate(fake, "open", "--device", "busy", expect=5)
check("429" in r.stderr, r.stderr)
tries = [json.loads(x["body"])["methodName"] for x in fake.requests("https") if x["path"] == "/twins/busy/methods"][before:]
check(tries[:4] == ["CreateConnection"] * 4 and "CreateConnection" not in tries[4:],
      f"a throttled method call is tried 4 times in all: {tries}")
check(groups() == {}, "no container group when the device could not be asked")
r = orchestrate(fake, "open", "--device", "broken", expect=6)
check("500" in r.stderr, r.stderr)

# IoT Hub: a wrong key is refused (401) -> authentication class
bad_hub = "HostName=fakehub.azure-devices.net;SharedAccessKeyName=service;SharedAccessKey=d3Jvbmcta2V5LXZhbHVlLTAwMDAwMA=="
r = orchestrate(fake, "open", "--device", "online", env={"AZBRIDGE_IOTHUB_CONNECTION_STRING": bad_hub}, expect=3)
check("IoT Hub refused the credentials" in r.stderr and "401" in r.stderr, r.stderr)
# a device connection string is a usage error
r = orchestrate(fake, "open", "--device", "online",
                env={"AZBRIDGE_IOTHUB_CONNECTION_STRING": "HostName=h;DeviceId=d;SharedAccessKey=AAAA"}, expect=2)
check("device connection string" in r.stderr, r.stderr)

# ARM: resource group missing (404), no rights (403), provisioning failure (rollback), timeout
r = orchestrate(fake, "open", "--device", "online", "--resource-group", "nope", expect=20)
check("ResourceGroupNotFound" in r.stderr, r.stderr)
fake.control(deny_arm=True)
r = orchestrate(fake, "status", expect=3)
check("AuthorizationFailed" in r.stderr and "role" in r.stderr, r.stderr)
fake.control(deny_arm=False)

before = len([x for x in fake.requests("https") if x["path"] == "/twins/online/methods"])
r = orchestrate(fake, "open", "--device", "online", "--image", "fail.example/azbridge:bad", expect=22)
check("InaccessibleImage" in r.stderr and "rollback" in r.stderr, r.stderr)
calls = [json.loads(x["body"])["methodName"] for x in fake.requests("https") if x["path"] == "/twins/online/methods"][before:]
check(calls == ["CreateConnection", "DeleteConnection"], f"the device is told to stop again: {calls}")
check(groups() == {}, f"the failed group is deleted: {groups()}")

# ARM: a request ARM rejects (400) -> rejected, rolled back like a failed provisioning
r = orchestrate(fake, "open", "--device", "online", "--image", "reject.example/azbridge:bad", expect=21)
check("InvalidImageName" in r.stderr, r.stderr)
check(groups() == {}, f"nothing is left of a rejected open: {groups()}")
# ARM answering 500 to everything (after the retries of an idempotent GET) -> service
fake.control(arm_status=500)
r = orchestrate(fake, "status", expect=6)
check("500" in r.stderr and "InternalServerError" in r.stderr, r.stderr)
fake.control(arm_status=0)

# SIGINT while ACI provisions: exit 130, and the message says how to clean up
fake.control(never_finish=True)


def polls():
    return len([x for x in fake.requests() if x["path"].startswith("/operations/")])


polls_before = polls()  # earlier opens polled too: wait for this one's
proc = azb.start([azb.AZBRIDGE, "orchestrate", "open", "--device", "online", "--poll-interval", "1s"],
                 name="interrupted-open", env=fake.env())
azb.wait_until(lambda: polls() > polls_before, "the open to poll ACI's provisioning", timeout=20.0)
os.killpg(proc.pid, signal.SIGINT)
status = azb.wait_exit(proc, timeout=15)
log = azb.log_text(proc)
check(status == 130, f"exit {status} after SIGINT:\n{log}")
check("interrupted" in log and "close --device online" in log, log)
fake.control(never_finish=False)
orchestrate(fake, "close", "--device", "online")

fake.control(never_finish=True)
r = orchestrate(fake, "open", "--device", "online", "--provision-timeout", "2s", "--poll-interval", "1s", expect=23)
check("close --device online" in r.stderr, r.stderr)
fake.control(never_finish=False)
orchestrate(fake, "close", "--device", "online")
check(groups() == {}, "close removes what a timed-out open left")

# A group with the session's name that azbridge did not make is left alone
name = json.loads(orchestrate(fake, "open", "--device", "online", "--dry-run", "--output", "json").stdout)["result"]["containerGroup"]
fake.control(groups={name: {"name": name, "location": "westeurope", "tags": {"owner": "someone"},
                            "properties": {"provisioningState": "Succeeded"}}})
r = orchestrate(fake, "open", "--device", "online", expect=24)
check("not made by azbridge orchestrate" in r.stderr, r.stderr)
r = orchestrate(fake, "close", "--device", "online", expect=24)
check(f"rg1/{name}" in groups(), "a foreign group is never deleted")

# close of an offline device still removes the cloud side, saying so
fake.control(devices={"flaky": "online"})
orchestrate(fake, "open", "--device", "flaky")
fake.control(devices={"flaky": "offline"})
r = orchestrate(fake, "close", "--device", "flaky", "--output", "json")
closed = json.loads(r.stdout)
check(not closed["deviceNotified"] and closed["containerGroupDeleted"], closed)
check("warning:" in r.stderr and "offline" in r.stderr, r.stderr)

# Network: nothing listening, and TLS verification stays on (no SSL_CERT_FILE -> untrusted)
r = orchestrate(fake, "status", env={"AZBRIDGE_ARM_ENDPOINT": f"https://127.0.0.1:{azb.free_port()}"}, expect=4)
check("connecting to 127.0.0.1" in r.stderr, r.stderr)
r = orchestrate(fake, "status", env={"SSL_CERT_FILE": "/nonexistent.pem"}, expect=4)
check("TLS handshake" in r.stderr, r.stderr)

# Usage errors
r = orchestrate(fake, "open", "--device", "x", env={"AZBRIDGE_IMAGE": ""}, expect=2)
check("--image" in r.stderr, r.stderr)
r = orchestrate(fake, "open", "--device", "x", "--method-timeout", "301", expect=2)
check("--method-timeout" in r.stderr, r.stderr)
r = orchestrate(fake, "bogus", expect=2)
r = orchestrate(fake, "open", expect=2)
check("--device" in r.stderr, r.stderr)
h = orchestrate(fake, "--help")
check("Exit status:" in h.stdout and "device offline" in h.stdout, h.stdout)

print("orchestrate errors: ok")
