#!/usr/bin/env python3
"""Wire compatibility of our remote forwarder with azbridge's sender, byte for byte (azbridge-compat.md §4.2, §4.4).

The test peer is a raw WebSocket sender (relay_helpers) that connects to the relay with sb-hc-action=connect and
speaks the preamble written from the reference, not our code:
  01 00 00 LEN name      -> 01 00 00, then the stream reaches the target
  01 00 01 LEN name      -> 01 00 01, then one framed datagram [len_hi len_lo payload] per message, both ways
  unknown (or wrongly cased) name -> no reply bytes, then a Close
  UDP name, stream mode  -> 00 00 01 ;  stream name, datagram mode -> 00 00 FF ;  02 00 00 -> 00 00 00
  one forwarder on the relay and a numeric name -> that forwarder, whatever its name (PR #55)
  header and name in one message -> accepted too (the listener ignores message boundaries)
  an HTTP binding (-H) is also a stream port named "http" (to its host:port)
"""
import socket

import bridge_helpers as bh

azb = bh.azb
rh = bh.rh


def open_sender(tunnel, hc):
    r = rh.connect(tunnel.relay, hc)
    bh.check(r.status == 101, f"connect to {hc}: {r.status} {r.reason}")
    r.ws.settimeout(bh.IO_TIMEOUT)
    return r.ws


def preamble(mode, name):
    raw = name.encode()
    return bytes([1, 0, mode, len(raw)]), raw


def read_reply(ws):
    """Reads data messages until 3 bytes arrived or a Close; returns (bytes, close or None)."""
    got = b""
    while len(got) < 3:
        m = bh.read_message(ws)
        if m[0] == "close":
            return got, m
        bh.check(m[0] == 2, f"a reply in a non-binary message: {m}")
        got += m[1]
    return got, None


def finish(ws, what):
    """After a refusal: the forwarder closes; nothing else may arrive."""
    m = bh.read_message(ws)
    bh.check(m[0] == "close", f"{what}: expected a Close after the reply, got {m}")
    ws.close(1000, "Shutdown")
    ws.sock.close()
    return m


def refused(tunnel, hc, messages, want_reply, what):
    ws = open_sender(tunnel, hc)
    for m in messages:
        ws.send_binary(m)
    got, close = read_reply(ws)
    if want_reply is None:
        bh.check(got == b"" and close is not None, f"{what}: expected no reply bytes and a Close, got {got.hex()} {close}")
        ws.close(1000, "Shutdown")
        ws.sock.close()
        print(f"{what}: no reply, Close({close[1]}, {close[2]!r})")
        return
    bh.check(close is None and got == want_reply, f"{what}: expected {want_reply.hex(' ')}, got {got.hex(' ')} {close}")
    m = finish(ws, what)
    print(f"{what}: reply {got.hex(' ')}, then Close({m[1]})")


def stream_ok(tunnel, hc, messages, tag, rng, what):
    ws = open_sender(tunnel, hc)
    for m in messages:
        ws.send_binary(m)
    got, close = read_reply(ws)
    bh.check(close is None and got == b"\x01\x00\x00", f"{what}: expected 01 00 00, got {got.hex(' ')} {close}")
    data = bh.random_bytes(rng, 100_000)
    ws.send_binary(len(data).to_bytes(8, "big"))
    ws.send_binary(data)
    body = b""
    while True:
        m = bh.read_message(ws)
        if m[0] == "close":
            break
        bh.check(m[0] == 2, f"{what}: data in a message of type {m[0]}")
        body += m[1]
    bh.check(body == tag + data, f"{what}: {len(body)} bytes came back, starting {body[:30]!r}")
    bh.check(m[1] == 1000, f"{what}: the target's EOF arrived as Close({m[1]}, {m[2]!r}), expected 1000")
    ws.close(1000, "Shutdown")
    ws.sock.close()
    print(f"{what}: reply 01 00 00, {len(data)} bytes each way, target EOF as Close(1000, {m[2]!r})")


def datagrams_ok(tunnel, hc, rng):
    ws = open_sender(tunnel, hc)
    for m in preamble(1, "udp1"):
        ws.send_binary(m)
    got, close = read_reply(ws)
    bh.check(close is None and got == b"\x01\x00\x01", f"udp1: expected 01 00 01, got {got.hex(' ')} {close}")
    for n in (0, 1, 1000, 60_000):
        payload = bh.random_bytes(rng, n)
        ws.send_binary(n.to_bytes(2, "big") + payload)
        m = bh.read_message(ws)
        bh.check(m == (2, n.to_bytes(2, "big") + payload), f"udp1: the echo of {n} bytes came back as "
                                                          f"{m[0]}, {len(m[1]) if m[0] != 'close' else m}")
    ws.close(1000, "Shutdown")
    m = bh.read_message(ws)
    bh.check(m[0] == "close", f"udp1: expected the Close answer, got {m[0]}")
    ws.sock.close()
    print("udp1: reply 01 00 01, 4 datagrams echoed, one framed datagram per message")


def main():
    rng = bh.rng_from_env("wire_sender")
    tunnel = bh.Tunnel()
    tcp = bh.TcpServer(bh.framed_echo_handler(b"tcp1:"))
    single = bh.TcpServer(bh.framed_echo_handler(b"single:"))
    udp = bh.UdpEcho()
    remote = tunnel.remote("-T", f"wire:tcp1/127.0.0.1:{tcp.port};udp1/127.0.0.1:{udp.port}U",
                           "-T", f"single:only/127.0.0.1:{single.port}", "-H", f"wireh:http/127.0.0.1:{tcp.port}")

    stream_ok(tunnel, "wire", preamble(0, "tcp1"), b"tcp1:", rng, "tcp1")
    stream_ok(tunnel, "wire", [b"".join(preamble(0, "tcp1"))], b"tcp1:", rng, "tcp1 in one message")
    stream_ok(tunnel, "single", preamble(0, "9999"), b"single:", rng, "numeric fallback 9999")
    stream_ok(tunnel, "wireh", preamble(0, "http"), b"tcp1:", rng, "http binding as a stream port")
    datagrams_ok(tunnel, "wire", rng)
    refused(tunnel, "wire", preamble(0, "nope"), None, "unknown name")
    refused(tunnel, "wire", preamble(0, "TCP1"), None, "wrong case")
    refused(tunnel, "wire", preamble(0, "9999"), None, "numeric name with two forwarders")
    refused(tunnel, "single", preamble(0, "9999U"), None, "9999U is not numeric")
    refused(tunnel, "wire", preamble(0, "udp1"), b"\x00\x00\x01", "udp1 in stream mode")
    refused(tunnel, "wire", preamble(1, "tcp1"), b"\x00\x00\xff", "tcp1 in datagram mode")
    refused(tunnel, "wire", [b"\x02\x00\x00"], b"\x00\x00\x00", "version 2")
    refused(tunnel, "wire", [b"\x01\x00\x02\x04", b"tcp1"], b"\x00\x00\x00", "mode 2")
    # Still serving after all that.
    stream_ok(tunnel, "wire", preamble(0, "tcp1"), b"tcp1:", rng, "tcp1 again")
    bh.check(tcp.accepted == 4 and single.accepted == 1, f"targets accepted {tcp.accepted} and {single.accepted}")
    bh.alive(remote)
    tunnel.stop_all()
    print("ok: our remote forwarder answers azbridge's sender byte for byte")


if __name__ == "__main__":
    main()
