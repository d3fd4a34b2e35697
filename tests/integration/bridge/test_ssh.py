#!/usr/bin/env python3
"""An SSH session through the tunnel: `ssh` -> `azbridge -L` -> `azbridge relay` (TLS) -> `azbridge -T` -> a real
sshd on 127.0.0.1 (its own config, host key, port and an authorized key made here). The session runs a command
and copies a file both ways (`cat > file` up, `cat file` down); contents are compared, and the host key is
checked against the one generated here (no StrictHostKeyChecking=no).
"""
import os
import subprocess

import bridge_helpers as bh

azb = bh.azb
SSHD = "/usr/sbin/sshd"


def keygen(path):
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", path], check=True)
    with open(path + ".pub") as f:
        return f.read().strip()


def start_sshd(work):
    if not os.path.exists(SSHD):
        bh.fail(f"{SSHD} is missing (scripts/bootstrap.sh test installs openssh-server)")
    try:
        os.makedirs("/run/sshd", exist_ok=True)  # sshd's privilege separation directory
    except OSError as e:
        bh.fail(f"cannot create /run/sshd for sshd: {e}")
    host_pub = keygen(os.path.join(work, "host_key"))
    user_pub = keygen(os.path.join(work, "user_key"))
    auth = os.path.join(work, "authorized_keys")
    with open(auth, "w") as f:
        f.write(user_pub + "\n")
    os.chmod(auth, 0o600)
    port = azb.free_port()
    config = os.path.join(work, "sshd_config")
    with open(config, "w") as f:
        f.write("\n".join([
            f"Port {port}", "ListenAddress 127.0.0.1", f"HostKey {work}/host_key", f"AuthorizedKeysFile {auth}",
            "PidFile none", "UsePAM no", "PasswordAuthentication no", "KbdInteractiveAuthentication no",
            "PubkeyAuthentication yes", "PermitRootLogin prohibit-password", "StrictModes no",
            "Subsystem sftp internal-sftp", "AllowTcpForwarding no", "X11Forwarding no", "PrintMotd no", "LogLevel VERBOSE", ""]))
    proc = azb.start([SSHD, "-D", "-e", "-f", config], name="sshd", log_dir=work)
    azb.wait_for_port(port, proc=proc)
    return proc, port, host_pub


def main():
    rng = bh.rng_from_env("ssh")
    tunnel = bh.Tunnel()
    work = tunnel.work
    sshd, sshd_port, host_pub = start_sshd(work)
    tunnel.remote("-T", f"ssh:127.0.0.1:{sshd_port}")
    port = azb.free_port()
    local = tunnel.local("-L", f"127.0.0.1:{port}:ssh")

    known = os.path.join(work, "known_hosts")
    with open(known, "w") as f:
        f.write(f"[127.0.0.1]:{port} {host_pub}\n")
    user = os.environ.get("USER") or subprocess.run(["id", "-un"], capture_output=True, text=True).stdout.strip()
    ssh = ["ssh", "-F", "/dev/null", "-p", str(port), "-i", os.path.join(work, "user_key"), "-o", "BatchMode=yes",
           "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=yes", "-o", "ConnectTimeout=30",
           f"{user}@127.0.0.1"]

    r = azb.run(ssh + ["echo", "hello-through-azbridge", "&&", "uname", "-s"], timeout=60)
    bh.check(r.returncode == 0, f"ssh command failed ({r.returncode}): {r.stderr}\nsshd:\n{azb.log_text(sshd)[-3000:]}"
                                f"\nlocal:\n{azb.log_text(local)[-3000:]}")
    bh.check(r.stdout.split() == ["hello-through-azbridge", "Linux"], f"ssh command output {r.stdout!r}")

    # Up: 3 MiB of random bytes into a file on the far side; down: the file back.
    data = bh.random_bytes(rng, 3 * (1 << 20) + 17)
    remote_file = os.path.join(work, "copied.bin")
    up = subprocess.run(ssh + [f"cat > {remote_file}"], input=data, capture_output=True, timeout=120)
    bh.check(up.returncode == 0, f"ssh upload failed ({up.returncode}): {up.stderr!r}")
    with open(remote_file, "rb") as f:
        bh.check(bh.sha(f.read()) == bh.sha(data), "the uploaded file differs")
    down = subprocess.run(ssh + [f"cat {remote_file}"], capture_output=True, timeout=120)
    bh.check(down.returncode == 0, f"ssh download failed ({down.returncode}): {down.stderr!r}")
    bh.check(bh.sha(down.stdout) == bh.sha(data), f"the downloaded file differs ({len(down.stdout)} bytes)")

    # scp as well (SFTP protocol by default in OpenSSH 9).
    back = os.path.join(work, "scp-back.bin")
    scp = ["scp", "-F", "/dev/null", "-P", str(port), "-i", os.path.join(work, "user_key"), "-o", "BatchMode=yes",
           "-o", f"UserKnownHostsFile={known}", "-o", "StrictHostKeyChecking=yes"]
    r = azb.run(scp + [f"{user}@127.0.0.1:{remote_file}", back], timeout=120)
    bh.check(r.returncode == 0, f"scp failed ({r.returncode}): {r.stderr}")
    with open(back, "rb") as f:
        bh.check(bh.sha(f.read()) == bh.sha(data), "the file copied back by scp differs")

    bh.wait_for_match(local, r"LocalForwardBridgeConnectionStop: .* closed after", count=4)
    azb.stop(sshd)
    tunnel.stop_all()
    print("ok: ssh command, upload, download and scp through the tunnel")


if __name__ == "__main__":
    main()
