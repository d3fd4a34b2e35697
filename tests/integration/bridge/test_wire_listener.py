#!/usr/bin/env python3
"""Wire compatibility of our local forwarder with azbridge's listener, byte for byte (azbridge-compat.md §4.1.2,
§4.2, §4.3, §4.4).

The test peer is the listener: a raw control channel on the relay (relay_helpers) that accepts each rendezvous
itself. For TCP clients of our -L it checks that the first two messages are exactly the preamble
(`01 00 00 05` then "16161" for port name 16161; the default port name is the port number), replies `01 00 00`,
then sees the client's bytes as binary messages of at most 64 KiB, sends bytes back, and sees the client's EOF
as Close(1000). The default bind address (localhost) is 127.0.0.1. For UDP: `01 00 01 05` + "3434U", reply `01 00 01`, then one framed datagram per message. A
refusing listener (00 00 00, 00 00 FF, no reply) makes the local forwarder log why and end the client cleanly.
"""
import json
import socket
import urllib.parse

import bridge_helpers as bh

azb = bh.azb
rh = bh.rh


def rendezvous(tunnel, ctl):
    m = ctl.recv()
    bh.check(m[0] == 1, f"control channel: expected an accept, got {m}")
    accept = json.loads(m[1])["accept"]
    url = urllib.parse.urlsplit(accept["address"])
    r = rh.ws_handshake(tunnel.relay, url.path + "?" + url.query)
    bh.check(r.status == 101, f"rendezvous: {r.status} {r.reason}")
    r.ws.settimeout(bh.IO_TIMEOUT)
    return r.ws


def expect_preamble(ws, mode, name, what):
    raw = name.encode()
    m1, m2 = bh.read_message(ws), bh.read_message(ws)
    bh.check(m1 == (2, bytes([1, 0, mode, len(raw)])), f"{what}: first message {m1}, expected 01 00 {mode:02x} {len(raw):02x}")
    bh.check(m2 == (2, raw), f"{what}: second message {m2}, expected {raw!r}")


def tcp_case(tunnel, ctl, port, name, rng):
    what = f"tcp port name {name}"
    client = socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT)
    ws = rendezvous(tunnel, ctl)
    expect_preamble(ws, 0, name, what)
    ws.send_binary(b"\x01\x00\x00")
    up = bh.random_bytes(rng, 200_000)
    client.sendall(up)
    got, sizes = b"", []
    while len(got) < len(up):
        m = bh.read_message(ws)
        bh.check(m[0] == 2, f"{what}: client data arrived as {m[0]}")
        sizes.append(len(m[1]))
        got += m[1]
    bh.check(got == up, f"{what}: the client's bytes differ")
    bh.check(max(sizes) <= 65536, f"{what}: a data message of {max(sizes)} bytes (azbridge writes at most 64 KiB)")
    down = bh.random_bytes(rng, 150_000)
    for i in range(0, len(down), 50_000):
        ws.send_binary(down[i:i + 50_000])
    back = bh.recv_exact(client, len(down))
    bh.check(back == down, f"{what}: the listener's bytes differ at the client")
    client.shutdown(socket.SHUT_WR)
    m = bh.read_message(ws)
    bh.check(m[0] == "close" and m[1] == 1000, f"{what}: the client's EOF arrived as {m}, expected Close(1000)")
    close_as_client(ws)
    rest, _ = bh.read_to_eof(client)
    bh.check(rest == b"", f"{what}: {len(rest)} bytes after the listener's Close")
    client.close()
    print(f"{what}: preamble exact, {len(sizes)} data messages, EOF as Close(1000, {m[2]!r})")


def udp_case(tunnel, ctl, port, name, rng):
    what = f"udp port name {name}"
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    s.settimeout(bh.IO_TIMEOUT)
    first = bh.random_bytes(rng, 1200)
    s.sendto(first, ("127.0.0.1", port))
    ws = rendezvous(tunnel, ctl)
    expect_preamble(ws, 1, name, what)
    ws.send_binary(b"\x01\x00\x01")
    m = bh.read_message(ws)
    bh.check(m == (2, len(first).to_bytes(2, "big") + first), f"{what}: the datagram arrived as {m[0]}, "
                                                             f"{len(m[1]) if m[0] != 'close' else m} bytes")
    for n in (0, 60_000):
        d = bh.random_bytes(rng, n)
        s.sendto(d, ("127.0.0.1", port))
        m = bh.read_message(ws)
        bh.check(m == (2, n.to_bytes(2, "big") + d), f"{what}: a {n}-byte datagram was not one framed message")
    reply = bh.random_bytes(rng, 30_000)
    ws.send_binary(len(reply).to_bytes(2, "big") + reply)
    got, src = s.recvfrom(65536)
    bh.check(got == reply and src == ("127.0.0.1", port), f"{what}: the reply datagram differs ({len(got)} bytes from {src})")
    close_as_client(ws)
    s.close()
    print(f"{what}: preamble exact, reply 01 00 01, datagrams framed one per message both ways")


def close_as_client(ws):
    """Our Close, the answer, then the TCP close: a WebSocket client ends the connection after the handshake."""
    ws.close(1000, "Shutdown")
    try:
        while bh.read_message(ws)[0] != "close":
            pass
    except (ConnectionError, OSError):
        pass
    ws.sock.close()


def refusing_case(tunnel, ctl, port, name, reply, local, expect_log):
    client = socket.create_connection(("127.0.0.1", port), timeout=bh.IO_TIMEOUT)
    ws = rendezvous(tunnel, ctl)
    expect_preamble(ws, 0, name, "refusal")
    if reply:
        ws.send_binary(reply)
    close_as_client(ws)
    try:
        rest, _ = bh.read_to_eof(client)
    except ConnectionResetError:
        bh.fail(f"reply {reply.hex(' ')}: the client was reset instead of an orderly EOF")
    bh.check(rest == b"", f"reply {reply.hex(' ')}: {len(rest)} bytes reached the client")
    client.close()
    bh.wait_for_match(local, expect_log)
    print(f"refusal {reply.hex(' ') or '(none)'}: client EOF, logged")


def main():
    rng = bh.rng_from_env("wire_listener")
    tunnel = bh.Tunnel()
    ctl = rh.listen(tunnel.relay, "wl").ws
    ctl.settimeout(bh.IO_TIMEOUT)
    p_named, p_default = azb.free_port(), azb.free_port()
    u_named, u_default = azb.free_port(kind=socket.SOCK_DGRAM), azb.free_port(kind=socket.SOCK_DGRAM)
    # The default-name bindings also use the default bind address, localhost (127.0.0.1 here).
    local = tunnel.local("-L", f"127.0.0.1:{p_named}/16161:wl", "-L", f"{p_default}:wl",
                         "-L", f"127.0.0.1:{u_named}U/3434U:wl", "-L", f"127.0.0.1:{u_default}U:wl")
    tcp_case(tunnel, ctl, p_named, "16161", rng)
    tcp_case(tunnel, ctl, p_default, str(p_default), rng)
    udp_case(tunnel, ctl, u_named, "3434U", rng)
    udp_case(tunnel, ctl, u_default, f"{u_default}U", rng)
    refusing_case(tunnel, ctl, p_named, "16161", b"\x00\x00\x00", local,
                  r"LocalForwardBridgeConnectionFailed: .* refused the connection: the remote forwarder does not "
                  r"understand this preamble version \(reply 00 00 00\)")
    refusing_case(tunnel, ctl, p_named, "16161", b"\x00\x00\x01", local,
                  r"refused the connection: port '16161' is a UDP port on the remote side \(reply 00 00 01\)")
    refusing_case(tunnel, ctl, p_named, "16161", b"", local,
                  # (the Close reason is the relay's: ours answers the Close itself, see test_half_close.py)
                  r"refused the connection: the remote forwarder (closed the connection without accepting|refused) "
                  r"port '16161'")
    tcp_case(tunnel, ctl, p_named, "16161", rng)
    bh.alive(local)
    tunnel.stop_all()
    print("ok: our local forwarder speaks azbridge's sender preamble byte for byte")


if __name__ == "__main__":
    main()
