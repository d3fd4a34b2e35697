"""`cmake --install` into a scratch prefix and `cpack -G DEB` into a scratch folder: the layout Microsoft's
package uses (binary in share/azbridge, a relative bin/ link, the systemd unit, configuration templates), a
working installed binary, and a .deb whose control data names its runtime libraries and creates the user."""
import os
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "harness"))
import azb  # noqa: E402

build_dir = os.path.dirname(os.path.abspath(azb.AZBRIDGE))
work = azb.tmpdir("azb-pkg-")
prefix = os.path.join(work, "prefix")

r = azb.run(["cmake", "--install", build_dir, "--prefix", prefix], timeout=120)
if r.returncode != 0:
    azb.fail(f"cmake --install failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")

expected = [
    "share/azbridge/azbridge",
    "share/azbridge/azbridge_config.machine.yml",
    "share/azbridge/azbridge_config.svc.yml",
    "lib/systemd/system/azbridge.service",
    "share/doc/azbridge/README.md",
    "share/doc/azbridge/examples/example_local_forward.yml",
]
for rel in expected:
    if not os.path.isfile(os.path.join(prefix, rel)):
        azb.fail(f"installed tree lacks {rel}")
link = os.path.join(prefix, "bin", "azbridge")
if not os.path.islink(link) or os.readlink(link) != "../share/azbridge/azbridge":
    azb.fail(f"bin/azbridge should be a relative link to ../share/azbridge/azbridge, is {os.readlink(link) if os.path.islink(link) else 'no link'}")
r = azb.run([link, "--version"])
if r.returncode != 0 or not r.stdout.startswith("azbridge "):
    azb.fail(f"installed azbridge --version: {r.returncode} {r.stdout!r} {r.stderr!r}")
unit = open(os.path.join(prefix, "lib/systemd/system/azbridge.service")).read()
for line in ("Type=notify", "ExecStart=/usr/share/azbridge/azbridge --svc"):
    if line not in unit:
        azb.fail(f"azbridge.service lacks {line!r}")

if shutil.which("dpkg-deb") and shutil.which("dpkg-shlibdeps"):
    out = os.path.join(work, "deb")
    r = azb.run(["cpack", "--config", os.path.join(build_dir, "CPackConfig.cmake"), "-G", "DEB", "-B", out],
                timeout=240)
    if r.returncode != 0:
        azb.fail(f"cpack failed ({r.returncode}):\n{r.stdout}\n{r.stderr}")
    debs = [f for f in os.listdir(out) if f.endswith(".deb")]
    if len(debs) != 1:
        azb.fail(f"expected one .deb in {out}, found {debs}")
    deb = os.path.join(out, debs[0])
    info = subprocess.run(["dpkg-deb", "-I", deb], capture_output=True, text=True).stdout
    for needle in ("Package: azbridge", "libssl3", "libyaml-cpp", "postinst"):
        if needle not in info:
            azb.fail(f"dpkg-deb -I lacks {needle!r}:\n{info}")
    files = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True).stdout
    for needle in ("./usr/share/azbridge/azbridge", "./usr/bin/azbridge -> ../share/azbridge/azbridge",
                   "./usr/lib/systemd/system/azbridge.service"):
        if needle not in files:
            azb.fail(f"the package lacks {needle!r}:\n{files}")
    print(f"package {debs[0]}: {os.path.getsize(deb)} bytes")
else:
    print("dpkg-deb/dpkg-shlibdeps missing: the .deb part was not checked")
print("OK")
