"""Processes of a benchmark run and what /proc says about them (stdlib only, Linux).

Every process is started in its own session (process group), logged to a file in the run's work folder, and
killed, group and all, when the run ends (also on an exception or Ctrl+C): sshd and socat fork per connection.
"""
import atexit
import os
import re
import signal
import socket
import subprocess
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")

_started = []


class Proc:
    def __init__(self, name, args, log_path, popen, env=None):
        self.name, self.args, self.log_path, self.popen = name, args, log_path, popen
        self.started_at = time.monotonic()

    @property
    def pid(self):
        return self.popen.pid

    def alive(self):
        return self.popen.poll() is None

    def log(self):
        try:
            with open(self.log_path, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self, timeout=5.0):
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                pass
        # The group may hold forked children even when the leader is gone.
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            pass


def start(name, args, work, env=None, stdout_pipe=False):
    """Starts `args` with stderr (and stdout unless piped) appended to WORK/NAME.log."""
    log_path = os.path.join(work, f"{name}.log")
    log = open(log_path, "ab")
    popen = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE if stdout_pipe else log,
                             stderr=log, env=env, start_new_session=True)
    log.close()
    p = Proc(name, args, log_path, popen)
    _started.append(p)
    return p


def stop_all():
    while _started:
        _started.pop().stop()


atexit.register(stop_all)
for _sig in (signal.SIGTERM, signal.SIGHUP):
    signal.signal(_sig, lambda *_: (stop_all(), os._exit(130)))


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Timeout(Exception):
    pass


def wait_until(cond, timeout, what, proc=None, step=0.005):
    """Polls cond() until it is true; raises Timeout naming `what` (with the process log) otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if proc is not None and not proc.alive():
            raise Timeout(f"{proc.name} exited ({proc.popen.returncode}) before {what}:\n{proc.log()[-3000:]}")
        if time.monotonic() > deadline:
            tail = f":\n{proc.log()[-3000:]}" if proc is not None else ""
            raise Timeout(f"timed out after {timeout} s waiting for {what}{tail}")
        time.sleep(step)


def accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def log_match(proc, pattern):
    return re.search(pattern, proc.log())


# ---- /proc sampling ----------------------------------------------------------------------------------------

def rss_kib(pid):
    """Resident set size (VmRSS) in KiB; None when the process is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _stat_fields(pid):
    with open(f"/proc/{pid}/stat") as f:
        s = f.read()
    return s[s.rindex(")") + 2:].split()  # fields from 3 (state) on; comm may hold spaces


def cpu_seconds(pid, children=False):
    """user+sys of one process; with children=True also that of its reaped children."""
    try:
        f = _stat_fields(pid)
    except OSError:
        return 0.0
    ticks = int(f[11]) + int(f[12])  # utime, stime
    if children:
        ticks += int(f[13]) + int(f[14])  # cutime, cstime
    return ticks / CLK_TCK


def descendants(pid):
    """All live descendants of pid (scanning /proc once)."""
    kids = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            ppid = int(_stat_fields(int(d))[1])
        except (OSError, ValueError, IndexError):
            continue
        kids.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        for k in kids.get(p, []):
            out.append(k)
            todo.append(k)
    return out


def tree_cpu_seconds(pids):
    """user+sys of processes and all their descendants, live or already reaped (forking servers)."""
    total = 0.0
    for pid in pids:
        total += cpu_seconds(pid, children=True)
        for d in descendants(pid):
            total += cpu_seconds(d, children=True)
    return total
