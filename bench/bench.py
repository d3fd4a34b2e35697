#!/usr/bin/env python3
"""The benchmark run behind bench/run.sh (see docs/performance.md): starts the targets and every path on
loopback, measures, writes bench/results/<UTC time>.json (and latest.json) and prints the table.

Usage: bench.py --azbridge build/azbridge [--quick] [--out DIR] [--peers openssh,socat]
"""
import argparse
import datetime
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from lib import measure, peers, procs, report  # noqa: E402

FULL = {"throughput_seconds": 10, "latency_count": 2000, "hold_conns": 1000, "hold_seconds": 30}
QUICK = {"throughput_seconds": 3, "latency_count": 300, "hold_conns": 200, "hold_seconds": 8}


def say(*a):
    print("bench:", *a, file=sys.stderr, flush=True)


def version(cmd, pattern=None):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (r.stdout + r.stderr).strip()
    if pattern:
        m = re.search(pattern, text)
        return m.group(1) if m else None
    return text.splitlines()[0] if text else None


def dpkg_version(pkg):
    return version(["dpkg-query", "-W", "-f=${Version}", pkg])


def machine_info(azbridge):
    cpu = None
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"model name\s*:\s*(.*)", f.read())
            cpu = m.group(1) if m else None
    except OSError:
        pass
    mem = None
    try:
        with open("/proc/meminfo") as f:
            mem = int(f.readline().split()[1]) // 1024
    except OSError:
        pass
    src = os.path.dirname(HERE)
    return {
        "cpu": cpu, "cores": os.cpu_count(), "memory_mib": mem, "kernel": platform.release(),
        "os": version(["sh", "-c", ". /etc/os-release && echo $PRETTY_NAME"]),
        "versions": {
            "g++": version(["g++", "--version"]),
            "openssl": version(["openssl", "version"]),
            "boost": dpkg_version("libboost1.81-dev"),
            "iperf3": version(["iperf3", "--version"]),
            "openssh": version(["ssh", "-V"]),
            "socat": version(["socat", "-V"], r"socat version (\S+)"),
            "python": platform.python_version(),
        },
        "git_commit": version(["git", "-C", src, "rev-parse", "--short", "HEAD"]),
        "git_dirty": bool(version(["git", "-C", src, "status", "--porcelain", "--", "src", "include"])),
        "azbridge": os.path.abspath(azbridge),
    }


def raise_fd_limit():
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = hard if hard != resource.RLIM_INFINITY else 1 << 20
    if soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def binary_size(path, work):
    out = {"bytes": os.path.getsize(path)}
    if shutil.which("strip"):
        stripped = os.path.join(work, "azbridge.stripped")
        if subprocess.run(["strip", "-o", stripped, path], capture_output=True).returncode == 0:
            out["stripped_bytes"] = os.path.getsize(stripped)
            os.remove(stripped)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--azbridge", required=True)
    ap.add_argument("--quick", action="store_true", help="shorter runs, fewer connections (development)")
    ap.add_argument("--out", default=os.path.join(HERE, "results"))
    ap.add_argument("--peers", default="openssh,socat", help="comma-separated peers to run (openssh, socat)")
    args = ap.parse_args()
    cfg = QUICK if args.quick else FULL
    wanted = {p for p in args.peers.split(",") if p}

    results = {"started_utc": datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
               "mode": "quick" if args.quick else "full", "config": cfg, "notes": [],
               "load_average_start": os.getloadavg()}
    results["machine"] = machine_info(args.azbridge)
    fd_limit = raise_fd_limit()
    results["fd_limit"] = fd_limit
    if fd_limit < 8 * cfg["hold_conns"]:
        results["notes"].append(f"open-file limit {fd_limit} may be too low for {cfg['hold_conns']} connections")

    work = tempfile.mkdtemp(prefix="azb-bench-")
    say("work folder", work)
    certs_dir = os.path.join(work, "certs")
    subprocess.run([os.path.join(os.path.dirname(HERE), "scripts", "make-test-certs.sh"), certs_dir], check=True)
    certs = {"ca": f"{certs_dir}/ca.pem", "cert": f"{certs_dir}/server.pem", "key": f"{certs_dir}/server.key"}

    try:
        have_iperf = shutil.which("iperf3") is not None
        if not have_iperf:
            results["notes"].append("iperf3 not installed (Debian: iperf3): no throughput figures")
        targets = {}
        if have_iperf:
            targets["iperf"] = procs.free_port()
            ip = procs.start("iperf3-server", ["iperf3", "-s", "-B", "127.0.0.1", "-p", str(targets["iperf"])], work)
            procs.wait_until(lambda: peers.listening(targets["iperf"]), 10, "iperf3 -s listening", proc=ip)
        else:
            targets["iperf"] = procs.free_port()  # forwarded to nothing
        echo = procs.start("echo-server", [sys.executable, os.path.join(HERE, "tools", "echo_server.py")], work)
        m = procs.wait_until(lambda: re.search(r"PORT (\d+)", echo.log()), 10, "the echo server's port", proc=echo)
        targets["echo"] = int(m.group(1))

        chains = [peers.direct(targets)]
        skipped = {}
        if "openssh" in wanted:
            try:
                chains.append(peers.openssh(work, targets))
            except (peers.Skip, procs.Timeout, subprocess.CalledProcessError) as e:
                skipped["openssh"] = str(e).splitlines()[0]
        if "socat" in wanted:
            try:
                chains.append(peers.socat(work, certs, targets))
            except (peers.Skip, procs.Timeout) as e:
                skipped["socat"] = str(e).splitlines()[0]
        say("starting our chain")
        ours = peers.ours(args.azbridge, work, certs, targets)
        chains.append(ours)
        for name, why in skipped.items():
            say(f"skipping {name}: {why}")
        results["skipped"] = skipped
        results["chains"] = {c.name: {"notes": c.notes, "startup_seconds": c.startup} for c in chains}

        ours_pids = {role: p.pid for role, p in ours.procs.items()}
        time.sleep(2)  # let start-up allocations settle before the idle sample
        results["ours"] = {"idle_rss_kib": measure.idle_rss(ours_pids),
                           "startup_seconds": ours.startup,
                           "binary": binary_size(args.azbridge, work)}

        results["latency"] = {}
        for c in chains:
            say(f"latency: {c.name} ({cfg['latency_count']} connections)")
            results["latency"][c.name] = measure.latency(c, cfg["latency_count"])

        results["hold"] = {}
        for c in chains:
            if c.name == "ours":
                named = ours_pids
            elif c.name == "openssh":
                sshd_pid = c.procs["sshd"].pid
                named = {"ssh": c.procs["ssh"].pid,
                         "sshd": lambda pid=sshd_pid: [pid] + procs.descendants(pid)}
            else:
                continue
            say(f"hold: {c.name} ({cfg['hold_conns']} connections, {cfg['hold_seconds']} s)")
            results["hold"][c.name] = measure.hold(c, cfg["hold_conns"], cfg["hold_seconds"], named)

        results["throughput"] = {}
        if have_iperf:
            for c in chains:
                results["throughput"][c.name] = {}
                for streams in (1, 8):
                    say(f"throughput: {c.name}, {streams} stream(s), {cfg['throughput_seconds']} s")
                    results["throughput"][c.name][str(streams)] = measure.throughput(c, cfg["throughput_seconds"], streams)

        time.sleep(1)
        results["ours"]["idle_rss_after_kib"] = measure.idle_rss(ours_pids)
        for role, p in ours.procs.items():
            if not p.alive():
                results["notes"].append(f"our {role} process exited during the run:\n{p.log()[-2000:]}")
    finally:
        procs.stop_all()
    results["load_average_end"] = os.getloadavg()
    results["finished_utc"] = datetime.datetime.utcnow().strftime("%Y-%m-%dT%H:%M:%SZ")

    os.makedirs(args.out, exist_ok=True)
    stamp = results["started_utc"].replace(":", "").replace("-", "")
    path = os.path.join(args.out, f"{stamp}-{results['mode']}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    shutil.copyfile(path, os.path.join(args.out, "latest.json"))
    print(report.render(results))
    print(f"\nresults: {path}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
