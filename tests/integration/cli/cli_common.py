"""Helpers for the command-line tests: run azbridge with injected configuration locations.

AZBRIDGE_MACHINE_CONFIG (a test hook of src/cli/cli.cpp) replaces /etc/azbridge/azbridge_config.machine.yml,
HOME decides the user file ($HOME/.azbridge/azbridge_config.yml): no test reads the real /etc or $HOME.
"""
import os
import re
import shutil
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import azb  # noqa: E402

fail = azb.fail


class Sandbox:
    """A temporary directory with an optional machine file and user file."""

    def __init__(self, machine=None, user=None):
        self.dir = azb.tmpdir("azb-cli-")
        self.home = os.path.join(self.dir, "home")
        os.makedirs(os.path.join(self.home, ".azbridge"))
        self.machine = os.path.join(self.dir, "machine.yml")
        if machine is not None:
            self.write(self.machine, machine)
        if user is not None:
            self.write(os.path.join(self.home, ".azbridge", "azbridge_config.yml"), user)

    def write(self, path, text):
        path = os.path.join(self.dir, path)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def run(self, args, cwd=None, extra_env=None):
        env = {"AZBRIDGE_MACHINE_CONFIG": self.machine, "HOME": self.home}
        if extra_env:
            env.update(extra_env)
        return azb.run([azb.AZBRIDGE] + list(args), env=env, timeout=30) if cwd is None else \
            _run_in(cwd, [azb.AZBRIDGE] + list(args), env)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def _run_in(cwd, args, env):
    import subprocess
    full = dict(os.environ)
    full.update(env)
    return subprocess.run(args, capture_output=True, text=True, timeout=30, env=full, cwd=cwd)


def print_config(sandbox, args, cwd=None):
    r = sandbox.run(["--print-config"] + list(args), cwd=cwd)
    if r.returncode != 0:
        fail(f"--print-config {args} exited {r.returncode}: {r.stderr}")
    if r.stderr:
        fail(f"--print-config {args} wrote to stderr: {r.stderr}")
    return r.stdout


def relay_names(text):
    return re.findall(r"RelayName: (\S+)", text)


def value(text, key):
    """The value of a top-level key in printed YAML, or None."""
    m = re.search(rf"^{re.escape(key)}: (.*)$", text, re.M)
    return m.group(1).strip() if m else None


def expect(cond, msg, context=""):
    if not cond:
        fail(f"{msg}\n--- output ---\n{context}")
