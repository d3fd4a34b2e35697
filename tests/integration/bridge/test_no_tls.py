#!/usr/bin/env python3
"""A relay started with --no-tls (docs/relay.md "Reaching the relay"): forwarders reach it with the endpoint
scheme ws:// in their connection string, a request passes both ways, and a forwarder that asks for TLS
(sb://) against it fails with a clear line instead of hanging."""
import re

import bridge_helpers as bh

azb = bh.azb
rh = bh.rh


def main():
    work = azb.tmpdir("azb-notls-")
    relay = azb.start([azb.AZBRIDGE, "relay", "--bind", "127.0.0.1:0", "--no-tls",
                       "--shared-access-key-name", rh.KEY_NAME, "--shared-access-key", rh.KEY],
                      name="relay", log_dir=work)
    azb.wait_for_log(relay, "RelayListening", timeout=30)
    m = re.search(r"RelayListening: listening on 127\.0\.0\.1:(\d+) \(plain ws://, no TLS\)", azb.log_text(relay))
    bh.check(m is not None, "the relay does not say it listens without TLS:\n" + azb.log_text(relay))
    port = int(m.group(1))
    plain = f"Endpoint=ws://127.0.0.1:{port}/;SharedAccessKeyName={rh.KEY_NAME};SharedAccessKey={rh.KEY}"

    target = bh.TcpServer(bh.framed_echo_handler(b"plain:"))
    remote = azb.start([azb.AZBRIDGE, "-x", plain, "-T", f"notls:127.0.0.1:{target.port}", "-v"],
                       name="remote", log_dir=work)
    azb.wait_for_log(remote, "BridgeReady", timeout=30)
    local_port = azb.free_port()
    local = azb.start([azb.AZBRIDGE, "-x", plain, "-L", f"127.0.0.1:{local_port}:notls", "-v"],
                      name="local", log_dir=work)
    azb.wait_for_log(local, "BridgeReady", timeout=30)
    for size in (0, 1, 300_000):
        data = bytes(i % 251 for i in range(size))
        got = bh.request(local_port, data)
        bh.check(got == b"plain:" + data, f"{size} bytes through the plain relay: got {len(got)} bytes")

    # TLS asked of a plain relay: the connection fails and says so; the client sees an orderly end.
    tls = plain.replace("Endpoint=ws://", "Endpoint=sb://")
    tls_port = azb.free_port()
    wrong = azb.start([azb.AZBRIDGE, "-x", tls, "-L", f"127.0.0.1:{tls_port}:notls", "-v"],
                      name="tls-to-plain", log_dir=work)
    azb.wait_for_log(wrong, "BridgeReady", timeout=30)
    bh.expect_eof(tls_port, send=(5).to_bytes(8, "big") + b"hello")
    azb.wait_for_log(wrong, "LocalForwardBridgeConnectionFailed", timeout=30)

    for p in (wrong, local, remote, relay):
        status = azb.stop(p)
        bh.check(status == 0, f"{p.name} exited with {status}:\n{azb.log_text(p)[-3000:]}")
    print("ok: forwarders through a --no-tls relay with ws:// endpoints")


if __name__ == "__main__":
    main()
