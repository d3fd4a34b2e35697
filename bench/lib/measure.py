"""The measurements: iperf3 throughput with CPU accounting, new-connection latency, 1,000 held connections
with memory sampling. Each returns a plain dict that goes into the results JSON as is."""
import json
import os
import subprocess
import sys
import threading
import time

from . import procs

TOOLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools")
GIB = 1024 ** 3


def throughput(chain, seconds, streams, cpu_pids=None):
    """iperf3 -c through the chain's iperf port; CPU (user+sys) of cpu_pids and their descendants meanwhile."""
    pids = chain.pids() if cpu_pids is None else cpu_pids
    cpu0 = procs.tree_cpu_seconds(pids)
    t0 = time.monotonic()
    args = ["iperf3", "-c", "127.0.0.1", "-p", str(chain.ports["iperf"]), "-t", str(seconds), "-J"]
    if streams > 1:
        args += ["-P", str(streams)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=seconds + 60)
    wall = time.monotonic() - t0
    cpu = procs.tree_cpu_seconds(pids) - cpu0
    try:
        j = json.loads(r.stdout)
    except ValueError:
        return {"error": f"iperf3 printed no JSON (status {r.returncode}): {r.stderr.strip()[:300]}"}
    if "error" in j:
        return {"error": f"iperf3: {j['error']}"}
    recv = j["end"]["sum_received"]
    sent = j["end"]["sum_sent"]
    out = {
        "streams": streams,
        "seconds": seconds,
        "gbit_per_s": recv["bits_per_second"] / 1e9,
        "bytes": recv["bytes"],
        "retransmits": sent.get("retransmits"),
        "wall_seconds": round(wall, 3),
    }
    if pids:
        out["cpu_seconds"] = round(cpu, 3)
        out["cpu_seconds_per_gib"] = round(cpu / (recv["bytes"] / GIB), 3) if recv["bytes"] else None
    return out


def latency(chain, count, warmup=20):
    args = [sys.executable, os.path.join(TOOLS, "latency_client.py"), "--port", str(chain.ports["echo"]),
            "--count", str(count), "--warmup", str(warmup)]
    r = subprocess.run(args, capture_output=True, text=True, timeout=count * 10 + 60)
    try:
        return json.loads(r.stdout)
    except ValueError:
        return {"error": f"latency client failed ({r.returncode}): {r.stderr.strip()[-300:]}"}


def _rss(pids):
    """RSS in KiB of one pid, or the sum over a list of pids (a process and its forked children)."""
    if isinstance(pids, int):
        return procs.rss_kib(pids)
    vals = [procs.rss_kib(p) for p in pids]
    vals = [v for v in vals if v is not None]
    return sum(vals) if vals else None


def _rss_all(named_pids):
    return {role: _rss(pids() if callable(pids) else pids) for role, pids in named_pids.items()}


def hold(chain, conns, duration, named_pids):
    """Holds `conns` connections open (hold_client.py) while sampling the RSS of named_pids every 0.25 s.

    Memory: `before` is sampled just before the first connection, `during` is the highest sample between
    "all established" and the end of the hold; per connection = (during - before) / established.
    """
    before = _rss_all(named_pids)
    args = [sys.executable, os.path.join(TOOLS, "hold_client.py"), "--port", str(chain.ports["echo"]),
            "--conns", str(conns), "--duration", str(duration)]
    p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = {role: 0 for role in named_pids}
    state = {"sampling": False, "stop": False}

    def sampler():
        while not state["stop"]:
            if state["sampling"]:
                for role, v in _rss_all(named_pids).items():
                    if v is not None:
                        peak[role] = max(peak[role], v)
            time.sleep(0.25)

    th = threading.Thread(target=sampler, daemon=True)
    th.start()
    events = {}
    try:
        for line in p.stdout:
            try:
                ev = json.loads(line)
            except ValueError:
                continue
            events[ev.get("event")] = ev
            if ev.get("event") == "established":
                state["sampling"] = True
            if ev.get("event") == "done":
                # One last sample while every connection is still open.
                for role, v in _rss_all(named_pids).items():
                    if v is not None:
                        peak[role] = max(peak[role], v)
                state["sampling"] = False
        p.wait(timeout=120)
    finally:
        state["stop"] = True
        th.join()
        if p.poll() is None:
            p.kill()
    done = events.get("done")
    if not done:
        return {"error": f"hold client ended without a result ({p.returncode}): {p.stderr.read()[-300:]}"}
    n = max(1, done["established"])
    memory = {}
    for role in named_pids:
        b, d = before.get(role), peak.get(role)
        memory[role] = {"before_kib": b, "during_kib": d,
                        "per_conn_kib": round((d - b) / n, 2) if b is not None and d else None}
    total_b = sum(m["before_kib"] or 0 for m in memory.values())
    total_d = sum(m["during_kib"] or 0 for m in memory.values())
    return dict(done, memory=memory, total_per_conn_kib=round((total_d - total_b) / n, 2), duration=duration)


def idle_rss(named_pids):
    return _rss_all(named_pids)
