"""The paths under test, each forwarding two local ports: one to the iperf3 server, one to the echo server.

- direct: no tunnel (the physical limit of loopback);
- openssh: `ssh -N -L` to an sshd of our own (own config and host key, 127.0.0.1 only, key login);
- socat: TCP-LISTEN -> OPENSSL -> relay (OPENSSL-LISTEN -> OPENSSL) -> OPENSSL-LISTEN -> TCP, three processes
  per target, all TLS verified against a throwaway CA;
- ours: azbridge -L -> azbridge relay (TLS) -> azbridge -T, three processes.

A peer whose programs are missing raises Skip with a note; the run goes on without it.
"""
import base64
import getpass
import os
import re
import shutil
import subprocess
import time

from . import procs

TARGETS = ("iperf", "echo")


class Skip(Exception):
    pass


class Chain:
    def __init__(self, name):
        self.name = name
        self.ports = {}        # target -> local port to connect to
        self.procs = {}        # role -> Proc (the processes of the tunnel)
        self.startup = {}      # role -> seconds from spawn to listening/online
        self.notes = []

    def pids(self):
        return [p.pid for p in self.procs.values()]

    def stop(self):
        for p in reversed(list(self.procs.values())):
            p.stop()


def listening(port):
    """True when something listens on 127.0.0.1:port (read from /proc/net/tcp, so no connection is made)."""
    want = "0100007F:%04X" % port
    try:
        with open("/proc/net/tcp") as f:
            next(f)
            for line in f:
                parts = line.split()
                if parts[1] == want and parts[3] == "0A":
                    return True
    except OSError:
        pass
    return False


def _timed_start(chain, role, args, work, ready, what, env=None, timeout=30):
    t0 = time.monotonic()
    p = procs.start(f"{chain.name}-{role}", args, work, env=env)
    chain.procs[role] = p
    v = procs.wait_until(ready, timeout, what, proc=p, step=0.002)
    chain.startup[role] = time.monotonic() - t0
    return v


def direct(targets):
    c = Chain("direct")
    c.ports = dict(targets)
    return c


# ---- ours -------------------------------------------------------------------------------------------------

def ours(azbridge, work, certs, targets):
    c = Chain("ours")
    key = base64.b64encode(os.urandom(32)).decode()
    relay = [azbridge, "relay", "--bind", "127.0.0.1:0", "--tls-cert", certs["cert"], "--tls-key", certs["key"],
             "-K", "root", "-k", key]
    for t in TARGETS:
        relay += ["--hybrid-connection", f"bench-{t}"]
    port_re = r"RelayListening: listening on 127\.0\.0\.1:(\d+) \(TLS\)"
    m = _timed_start(c, "relay", relay, work, lambda: procs.log_match(c.procs["relay"], port_re),
                     "the relay's RelayListening line")
    relay_port = int(m.group(1))
    cs = f"Endpoint=sb://127.0.0.1:{relay_port}/;SharedAccessKeyName=root;SharedAccessKey={key}"
    env = dict(os.environ, SSL_CERT_FILE=certs["ca"])

    remote = [azbridge, "-x", cs, "-q"]
    for t in TARGETS:
        remote += ["-T", f"bench-{t}:127.0.0.1:{targets[t]}"]
    relay_proc = c.procs["relay"]
    _timed_start(c, "remote", remote, work,
                 lambda: len(re.findall(r"ListenerAttached: listener \d+ attached to 'bench-", relay_proc.log())) >= len(TARGETS),
                 "both listeners attached at the relay", env=env)

    local = [azbridge, "-x", cs, "-q"]
    for t in TARGETS:
        c.ports[t] = procs.free_port()
        local += ["-L", f"127.0.0.1:{c.ports[t]}:bench-{t}"]
    _timed_start(c, "local", local, work, lambda: all(listening(p) for p in c.ports.values()),
                 "the local forwarder's ports", env=env)
    return c


# ---- OpenSSH ----------------------------------------------------------------------------------------------

def openssh(work, targets):
    sshd_bin = shutil.which("sshd") or ("/usr/sbin/sshd" if os.path.exists("/usr/sbin/sshd") else None)
    if not sshd_bin or not shutil.which("ssh") or not shutil.which("ssh-keygen"):
        raise Skip("OpenSSH not installed (Debian: openssh-server, openssh-client)")
    c = Chain("openssh")
    d = os.path.join(work, "ssh")
    os.makedirs(d, exist_ok=True)
    for k in ("host_key", "user_key"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", os.path.join(d, k)], check=True)
    with open(os.path.join(d, "user_key.pub")) as f, open(os.path.join(d, "authorized_keys"), "w") as out:
        out.write(f.read())
    os.chmod(os.path.join(d, "authorized_keys"), 0o600)
    if os.geteuid() == 0:
        os.makedirs("/run/sshd", exist_ok=True)  # privilege separation directory, needed when sshd runs as root
    port = procs.free_port()
    config = os.path.join(d, "sshd_config")
    with open(config, "w") as f:
        f.write("\n".join([
            f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {d}/host_key", f"AuthorizedKeysFile {d}/authorized_keys",
            "PidFile none", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "AllowTcpForwarding yes",
            "StrictModes no", "MaxStartups 100:30:200", ""]))
    _timed_start(c, "sshd", [sshd_bin, "-D", "-e", "-f", config], work, lambda: listening(port), "sshd listening")
    with open(os.path.join(d, "host_key.pub")) as f:
        host_pub = " ".join(f.read().split()[:2])
    known = os.path.join(d, "known_hosts")
    with open(known, "w") as f:
        f.write(f"[127.0.0.1]:{port} {host_pub}\n")
    args = ["ssh", "-N", "-F", "/dev/null", "-p", str(port), "-i", os.path.join(d, "user_key"),
            "-o", "BatchMode=yes", "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=yes",
            "-o", "ControlMaster=no", "-o", "ControlPath=none", "-o", "ExitOnForwardFailure=yes"]
    for t in TARGETS:
        c.ports[t] = procs.free_port()
        args += ["-L", f"127.0.0.1:{c.ports[t]}:127.0.0.1:{targets[t]}"]
    args.append(f"{getpass.getuser()}@127.0.0.1")
    _timed_start(c, "ssh", args, work, lambda: all(listening(p) for p in c.ports.values()), "ssh -L listening")
    return c


# ---- socat ------------------------------------------------------------------------------------------------

def socat(work, certs, targets):
    if not shutil.which("socat"):
        raise Skip("socat not installed (Debian: socat)")
    c = Chain("socat")
    # Verified against the throwaway CA; the certificate's SAN IP:127.0.0.1 matches the address connected to.
    tls_listen = f"cert={certs['cert']},key={certs['key']},verify=0,fork,reuseaddr,bind=127.0.0.1"
    tls_connect = f"cafile={certs['ca']}"
    for t in TARGETS:
        p3, p2, p1 = procs.free_port(), procs.free_port(), procs.free_port()
        _timed_start(c, f"{t}-target", ["socat", f"OPENSSL-LISTEN:{p3},{tls_listen}", f"TCP:127.0.0.1:{targets[t]}"],
                     work, lambda: listening(p3), "socat target side listening")
        _timed_start(c, f"{t}-relay", ["socat", f"OPENSSL-LISTEN:{p2},{tls_listen}", f"OPENSSL:127.0.0.1:{p3},{tls_connect}"],
                     work, lambda: listening(p2), "socat relay listening")
        _timed_start(c, f"{t}-local", ["socat", f"TCP-LISTEN:{p1},fork,reuseaddr,bind=127.0.0.1", f"OPENSSL:127.0.0.1:{p2},{tls_connect}"],
                     work, lambda: listening(p1), "socat local side listening")
        c.ports[t] = p1
    c.notes.append("socat 1.7 defaults (8 KiB transfer buffer), one forked process per connection and hop")
    return c
