"""Shared helpers for integration tests: ports, throwaway certificates, processes that are always cleaned up.

Stdlib only. Every wait is bounded; readiness is detected (a port accepts, a line appears), never slept for.
Tests talk to 127.0.0.1 / ::1 only.
"""
import atexit
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time

SOURCE_DIR = os.environ.get("AZBRIDGE_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "../../..")))
AZBRIDGE = os.environ.get("AZBRIDGE_BIN", os.path.join(SOURCE_DIR, "build", "azbridge"))

# A fixed, well-formed test key (base64 text; the SDK signs with its UTF-8 bytes).
TEST_KEY_NAME = "RootManageSharedAccessKey"
TEST_KEY = "dGVzdC1rZXktZm9yLWF6YnJpZGdlLWludGVncmF0aW9uLXRlc3RzLTEyMzQ1Njc4OTA="

_procs = []


def _cleanup():
    for p in _procs:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass


atexit.register(_cleanup)


def fail(msg):
    print(f"FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def free_port(host="127.0.0.1", kind=socket.SOCK_STREAM):
    """A port that is free now (the OS picks it)."""
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(fam, kind) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def tmpdir(prefix="azb-it-"):
    d = tempfile.mkdtemp(prefix=prefix)
    return d


def make_certs(directory):
    """Throwaway CA + ECDSA server certificate for 127.0.0.1/::1/localhost. Returns (ca, cert_chain, key)."""
    subprocess.run([os.path.join(SOURCE_DIR, "scripts", "make-test-certs.sh"), directory], check=True)
    return (os.path.join(directory, "ca.pem"), os.path.join(directory, "server.pem"),
            os.path.join(directory, "server.key"))


def start(args, name=None, env=None, log_dir=None, stdin=subprocess.DEVNULL):
    """Starts a process in its own process group; its stdout+stderr go to a log file. Killed at exit."""
    name = name or os.path.basename(args[0])
    log_dir = log_dir or tmpdir()
    log_path = os.path.join(log_dir, f"{name}-{len(_procs)}.log")
    log = open(log_path, "wb")
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    p = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT, stdin=stdin, env=full_env,
                         start_new_session=True)
    p.log_path = log_path
    p.name = name
    _procs.append(p)
    return p


def log_text(p):
    with open(p.log_path, "rb") as f:
        return f.read().decode("utf-8", "replace")


def wait_for_port(port, host="127.0.0.1", timeout=20.0, proc=None):
    """Waits until host:port accepts TCP connections (bounded). Fails early if `proc` exits."""
    deadline = time.monotonic() + timeout
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            fail(f"{proc.name} exited with {proc.returncode} before listening on {port}:\n{log_text(proc)}")
        with socket.socket(fam, socket.SOCK_STREAM) as s:
            s.settimeout(0.5)
            try:
                s.connect((host, port))
                return
            except OSError:
                time.sleep(0.02)  # polling interval while waiting for readiness, not synchronisation
    fail(f"nothing listening on {host}:{port} after {timeout}s" + (f"\n{log_text(proc)}" if proc else ""))


def wait_for_log(proc, needle, timeout=20.0):
    """Waits until `needle` appears in the process log (bounded)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in log_text(proc):
            return
        if proc.poll() is not None:
            fail(f"{proc.name} exited with {proc.returncode} while waiting for {needle!r}:\n{log_text(proc)}")
        time.sleep(0.02)
    fail(f"{needle!r} not seen in {proc.name}'s log after {timeout}s:\n{log_text(proc)}")


def wait_until(condition, what, timeout=30.0):
    """Polls `condition()` until it is true (bounded)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            fail(f"timed out waiting for {what}")
        time.sleep(0.02)  # polling for a condition


def stop(proc, timeout=10.0, sig=signal.SIGTERM):
    """Signals the process and waits for it; returns its exit status. Fails if it does not exit in time."""
    if proc.poll() is None:
        os.killpg(proc.pid, sig)
    return wait_exit(proc, timeout)


def wait_exit(proc, timeout=10.0):
    """Waits for a process that was already told to stop (no second signal: systemd sends one); returns its exit
    status. Fails, and kills it, if it does not exit in time."""
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        fail(f"{proc.name} did not exit within {timeout}s of its stop signal:\n{log_text(proc)}")
    return proc.returncode


def run(args, timeout=30.0, env=None, input=None):
    """Runs a command to completion; returns CompletedProcess with text stdout/stderr."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout, env=full_env, input=input)
