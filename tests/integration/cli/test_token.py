"""`azbridge token` prints a SAS token that verifies: HMAC-SHA256 recomputed here with the key's UTF-8 bytes over
"<sr>\\n<se>", the audience normalised as the .NET SDK does, WebUtility.UrlEncode-style escaping, default TTL 3600 s."""
import base64
import hashlib
import hmac
import time

from cli_common import Sandbox, expect

KEY_NAME = "RootManageSharedAccessKey"
KEY = "P0CQgKxRl8S0ABAlmbitHDEWfwWUQzKB34J0w48SB/w="
CS = f"Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName={KEY_NAME};SharedAccessKey={KEY}"
SAFE = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.!*()")


def web_encode(text):
    """.NET WebUtility.UrlEncode: safe characters kept, space -> '+', the rest %XX upper-case."""
    out = []
    for b in text.encode("utf-8"):
        c = chr(b)
        out.append(c if c in SAFE else "+" if c == " " else f"%{b:02X}")
    return "".join(out)


def web_decode(text):
    import urllib.parse
    return urllib.parse.unquote_plus(text)


def verify(token, audience, key_name, key, ttl, ctx):
    expect(token.startswith("SharedAccessSignature "), "token prefix", ctx)
    fields = token[len("SharedAccessSignature "):].split("&")
    names = [f.split("=", 1)[0] for f in fields]
    expect(names == ["sr", "sig", "se", "skn"], "field order sr, sig, se, skn", ctx)
    values = {f.split("=", 1)[0]: f.split("=", 1)[1] for f in fields}
    expect(values["sr"] == web_encode(audience), f"sr is the encoded audience {audience}", ctx)
    expect(values["skn"] == web_encode(key_name), "skn", ctx)
    se = int(values["se"])
    now = int(time.time())
    expect(now + ttl - 120 <= se <= now + ttl + 120, f"expiry about now + {ttl}", ctx)
    mac = hmac.new(key.encode("utf-8"), f"{values['sr']}\n{values['se']}".encode("utf-8"), hashlib.sha256).digest()
    expect(web_decode(values["sig"]) == base64.b64encode(mac).decode(), "signature verifies", ctx)


def main():
    s = Sandbox()
    passed = 0
    try:
        r = s.run(["token", "-x", CS, "--relay", "db"])
        ctx = r.stdout + r.stderr
        expect(r.returncode == 0 and r.stderr == "", "token -x --relay", ctx)
        verify(r.stdout.strip(), "http://cvrelay.servicebus.windows.net/db/", KEY_NAME, KEY, 3600, ctx)
        passed += 1

        r = s.run(["token", "-x", CS, "--ttl", "60"])
        ctx = r.stdout + r.stderr
        expect(r.returncode == 0, "namespace token", ctx)
        verify(r.stdout.strip(), "http://cvrelay.servicebus.windows.net/", KEY_NAME, KEY, 60, ctx)
        passed += 1

        r = s.run(["token", "-e", "sb://NS.servicebus.windows.net:443/", "-K", "send", "-k", "YWJjZA==",
                   "--relay=a/b", "--ttl:7200"])
        ctx = r.stdout + r.stderr
        expect(r.returncode == 0, "token -e/-K/-k", ctx)
        verify(r.stdout.strip(), "http://ns.servicebus.windows.net/a/b/", "send", "YWJjZA==", 7200, ctx)
        passed += 1

        r = s.run(["token", "-x", CS + ";EntityPath=fromcs"])
        expect(r.returncode == 0, "EntityPath as default relay", r.stderr)
        verify(r.stdout.strip(), "http://cvrelay.servicebus.windows.net/fromcs/", KEY_NAME, KEY, 3600, r.stdout)
        passed += 1

        for args, needle in ((["token", "-e", "sb://ns.servicebus.windows.net/"], "SharedAccessKeyName"),
                             (["token"], "no endpoint"),
                             (["token", "-x", CS, "--ttl", "0"], "--ttl"),
                             (["token", "-x", CS, "--relay", "bad^name"], "RelayName"),
                             (["token", "-x", CS, "extra"], "Unrecognized command or argument 'extra'")):
            r = s.run(args)
            ctx = f"{args}: rc={r.returncode} {r.stdout!r} {r.stderr!r}"
            lines = r.stderr.splitlines()
            expect(r.returncode == 2 and r.stdout == "" and len(lines) == 1 and needle in lines[0],
                   f"token error mentions {needle}", ctx)
            expect(KEY not in r.stderr, "key not echoed", ctx)
            passed += 1
        r = s.run(["token", "-h"])
        expect(r.returncode == 0 and "--relay" in r.stdout, "token -h", r.stdout + r.stderr)
        passed += 1
    finally:
        s.close()
    print(f"cli token: {passed} passed, 0 failed")


if __name__ == "__main__":
    main()
