"""`azbridge --svc` as systemd runs it (packaging/azbridge.service, Type=notify): it reads the service file
(AZBRIDGE_SVC_CONFIG stands in for /etc/azbridge/azbridge_config.svc.yml), sends READY=1 to NOTIFY_SOCKET only
once its listeners are bound, STOPPING=1 on SIGTERM, and exits 0. A path socket and an abstract one."""
import os
import signal
import socket
import time

import cli_common as cc
from cli_common import azb

KEY = "c2VjcmV0LWtleS1iYXNlNjQ="


def receive(sock, needle, proc, timeout=20.0):
    """Datagrams until one contains `needle` (bounded); returns it."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        sock.settimeout(max(0.05, min(0.5, deadline - time.monotonic())))
        try:
            msg = sock.recv(4096).decode()
        except socket.timeout:
            if proc.poll() is not None:
                azb.fail(f"azbridge --svc exited with {proc.returncode} before {needle!r}:\n{azb.log_text(proc)}")
            continue
        if needle in msg:
            return msg
    azb.fail(f"no {needle!r} notification within {timeout}s:\n{azb.log_text(proc)}")


def run_service(abstract):
    box = cc.Sandbox()
    port = azb.free_port()
    # The relay is unreachable on purpose: a local forwarder is ready when its listener is bound.
    svc = box.write("svc.yml", f"""AzureRelayConnectionString : Endpoint=sb://127.0.0.1:9/;SharedAccessKeyName=k;SharedAccessKey={KEY}
LogLevel : INFO
LocalForward :
  - RelayName : device1
    BindAddress : 127.0.0.1
    BindPort : {port}
""")
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if abstract:
        name = f"azb-notify-{os.getpid()}-{port}"
        notify.bind("\0" + name)
        address = "@" + name
    else:
        address = os.path.join(box.dir, "notify.sock")
        notify.bind(address)
    env = {"AZBRIDGE_MACHINE_CONFIG": box.machine, "HOME": box.home, "AZBRIDGE_SVC_CONFIG": svc,
           "NOTIFY_SOCKET": address}
    proc = azb.start([azb.AZBRIDGE, "--svc"], name="svc", env=env, log_dir=box.dir)
    ready = receive(notify, "READY=1", proc)
    # READY=1 means bound: the port must accept right away, no waiting.
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass
    os.killpg(proc.pid, signal.SIGTERM)
    receive(notify, "STOPPING=1", proc)
    status = azb.wait_exit(proc)  # a second SIGTERM here would race the exit that the first one started
    if status != 0:
        azb.fail(f"azbridge --svc exited with {status} after SIGTERM:\n{azb.log_text(proc)}")
    if "Press Ctrl+C" in azb.log_text(proc):
        azb.fail("service mode printed the interactive banner")
    notify.close()
    return ready


run_service(abstract=False)
run_service(abstract=True)
print("OK")
