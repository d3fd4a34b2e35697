"""The results table: figures per path, ratios ours/peer, and the issue's thresholds (met or not).

Also runnable on a results file: python3 -m lib.report bench/results/latest.json (from bench/).
"""
import json
import sys

ORDER = ("direct", "openssh", "socat", "ours")
MIB = 1024


def _f(v, fmt="{:.2f}"):
    return "-" if v is None else fmt.format(v)


def _ratio(a, b):
    return None if a is None or b in (None, 0) else a / b


def _table(headers, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda r: "  ".join(str(x).rjust(w) if i else str(x).ljust(w) for i, (x, w) in enumerate(zip(r, widths)))  # noqa: E731
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def checks(r):
    """The Done-when thresholds and the aims: (what, met: True/False/None for not measured, figure)."""
    out = []
    tp = r.get("throughput", {})
    for s in ("1", "8"):
        ours = tp.get("ours", {}).get(s, {}).get("gbit_per_s")
        soc = tp.get("socat", {}).get(s, {}).get("gbit_per_s")
        ssh = tp.get("openssh", {}).get(s, {}).get("gbit_per_s")
        q = _ratio(ours, soc)
        out.append((f"throughput, {s} stream(s): ours >= socat chain", None if q is None else q >= 1.0, f"ratio {_f(q)}"))
        q = _ratio(ours, ssh)
        out.append((f"(aim) throughput, {s} stream(s): ours >= OpenSSH -L", None if q is None else q >= 1.0, f"ratio {_f(q)}"))
    lat = r.get("latency", {}).get("ours", {})
    p50, p99 = lat.get("p50_ms"), lat.get("p99_ms")
    out.append(("new-connection p50 <= 3 ms", None if p50 is None else p50 <= 3.0, f"{_f(p50)} ms"))
    out.append(("new-connection p99 <= 10 ms", None if p99 is None else p99 <= 10.0, f"{_f(p99)} ms"))
    ssh50 = r.get("latency", {}).get("openssh", {}).get("p50_ms")
    q = _ratio(p50, ssh50)
    out.append(("(aim) new-connection p50 <= 2x OpenSSH -L", None if q is None else q <= 2.0, f"ratio {_f(q)}"))
    h = r.get("hold", {}).get("ours")
    if h and "failures" in h:
        ok = h["failures"] == 0 and h["established"] == h["conns"]
        out.append((f"{h['conns']} connections held, zero failures", ok, f"{h['established']} established, {h['failures']} failed"))
        for role, m in h["memory"].items():
            pc = m.get("per_conn_kib")
            out.append((f"{role}: < 64 KiB per held connection", None if pc is None else pc < 64, f"{_f(pc, '{:.1f}')} KiB"))
    for role, kib in r.get("ours", {}).get("idle_rss_kib", {}).items():
        out.append((f"{role}: < 16 MiB idle", None if kib is None else kib < 16 * MIB, f"{_f(kib and kib / MIB)} MiB"))
    return out


def render(r):
    parts = []
    m = r.get("machine", {})
    parts.append(f"azbridge benchmark ({r.get('mode')}), {r.get('started_utc')}, {m.get('cpu')} x{m.get('cores')}, "
                 f"load {' '.join('%.2f' % x for x in r.get('load_average_start', []))} at start, "
                 f"commit {m.get('git_commit')}{' (modified)' if m.get('git_dirty') else ''}")
    for name, why in r.get("skipped", {}).items():
        parts.append(f"SKIPPED {name}: {why}")
    for n in r.get("notes", []):
        parts.append(f"NOTE: {n}")

    tp = r.get("throughput", {})
    if tp:
        rows = []
        for name in ORDER:
            if name not in tp:
                continue
            t1, t8 = tp[name].get("1", {}), tp[name].get("8", {})
            o1, o8 = tp.get("ours", {}).get("1", {}), tp.get("ours", {}).get("8", {})
            rows.append([name, _f(t1.get("gbit_per_s")), _f(t8.get("gbit_per_s")),
                         _f(_ratio(o1.get("gbit_per_s"), t1.get("gbit_per_s"))),
                         _f(_ratio(o8.get("gbit_per_s"), t8.get("gbit_per_s"))),
                         _f(t1.get("cpu_seconds_per_gib")), _f(t8.get("cpu_seconds_per_gib")),
                         t1.get("error") or t8.get("error") or ""])
        parts.append("\nThroughput, iperf3 (Gbit/s; CPU = user+sys of the tunnel's processes per GiB moved)")
        parts.append(_table(["path", "1 stream", "8 streams", "ours/peer 1", "ours/peer 8", "CPU s/GiB 1",
                             "CPU s/GiB 8", ""], rows))

    lat = r.get("latency", {})
    if lat:
        rows = []
        o = lat.get("ours", {})
        for name in ORDER:
            if name not in lat:
                continue
            x = lat[name]
            rows.append([name, x.get("count", "-"), x.get("failures", "-"), _f(x.get("p50_ms"), "{:.3f}"),
                         _f(x.get("p99_ms"), "{:.3f}"), _f(x.get("max_ms"), "{:.3f}"),
                         _f(_ratio(o.get("p50_ms"), x.get("p50_ms"))), _f(_ratio(o.get("p99_ms"), x.get("p99_ms"))),
                         x.get("error") or "; ".join(x.get("errors", []))[:60]])
        parts.append("\nNew-connection latency: connect, send 1 byte, read 1 byte back, close (ms)")
        parts.append(_table(["path", "count", "failures", "p50", "p99", "max", "ours/peer p50", "ours/peer p99", ""], rows))

    hold = r.get("hold", {})
    if hold:
        rows = []
        for name in ORDER:
            h = hold.get(name)
            if not h:
                continue
            if "error" in h:
                rows.append([name, "-", "-", "-", "-", "-", "-", h["error"][:60]])
                continue
            for role, mm in h["memory"].items():
                rows.append([name, role, f"{h['established']}/{h['conns']}", h["failures"],
                             _f(mm["before_kib"] and mm["before_kib"] / MIB), _f(mm["during_kib"] and mm["during_kib"] / MIB),
                             _f(mm["per_conn_kib"], "{:.1f}"), ", ".join(f"{k}: {v}" for k, v in h.get("errors", {}).items())])
            rows.append([name, "(all)", "", "", "", "", _f(h.get("total_per_conn_kib"), "{:.1f}"),
                         f"echo rtt p50 {_f(h.get('rtt_p50_ms'), '{:.2f}')} ms, p99 {_f(h.get('rtt_p99_ms'), '{:.2f}')} ms"])
        c = r.get("config", {})
        parts.append(f"\nConcurrency: {c.get('hold_conns')} connections held {c.get('hold_seconds')} s, one echo per "
                     "connection per second (RSS in MiB; per connection in KiB)")
        parts.append(_table(["path", "process", "established", "failures", "RSS before", "RSS during", "per conn", ""], rows))

    ours = r.get("ours", {})
    if ours:
        rows = []
        for role, kib in ours.get("idle_rss_kib", {}).items():
            after = ours.get("idle_rss_after_kib", {}).get(role)
            rows.append([role, _f(kib and kib / MIB), _f(after and after / MIB),
                         _f(ours.get("startup_seconds", {}).get(role, None) and ours["startup_seconds"][role] * 1000, "{:.1f}")])
        parts.append("\nOur processes: idle RSS (MiB) at start and after the run, time from start to listening/online (ms)")
        parts.append(_table(["process", "idle RSS", "RSS after run", "start (ms)"], rows))
        b = ours.get("binary", {})
        parts.append(f"binary: {_f(b.get('bytes') and b['bytes'] / MIB / MIB)} MiB"
                     + (f" ({_f(b['stripped_bytes'] / MIB / MIB)} MiB stripped)" if b.get("stripped_bytes") else ""))

    rows = [[what, {True: "met", False: "NOT MET", None: "not measured"}[ok], fig] for what, ok, fig in checks(r)]
    parts.append("\nThresholds (issue's Done-when; '(aim)' = stretch goals)")
    parts.append(_table(["check", "result", "figure"], rows))
    return "\n".join(parts)


if __name__ == "__main__":
    with open(sys.argv[1]) as f:
        print(render(json.load(f)))
