"""Every kind of bad input: exit status 2, nothing on stdout, exactly one line "azbridge: ..." on stderr that
names the problem; secrets never echoed. Plus -h/--version exit 0."""
from cli_common import Sandbox, expect

SECRET = "U2VjcmV0S2V5TWFya2VyMTIz"  # valid base64, must never be printed


def check(s, args, needles, name):
    r = s.run(args)
    ctx = f"args={args}\nrc={r.returncode}\nstdout={r.stdout!r}\nstderr={r.stderr!r}"
    expect(r.returncode == 2, f"{name}: exit status 2", ctx)
    expect(r.stdout == "", f"{name}: nothing on stdout", ctx)
    lines = r.stderr.splitlines()
    expect(len(lines) == 1 and lines[0].startswith("azbridge: "), f"{name}: one line 'azbridge: ...'", ctx)
    for n in needles:
        expect(n in lines[0], f"{name}: message mentions {n!r}", ctx)
    expect(SECRET not in r.stderr, f"{name}: secret not echoed", ctx)


def main():
    s = Sandbox()
    try:
        bad_yaml_key = s.write("unknown.yml", "LogLevel: INFO\nFompa: 1\n")
        wrong_type = s.write("type.yml", "ConnectTimeout: abc\n")
        wrong_list = s.write("list.yml", "LocalForward: 12\n")
        bad_syntax = s.write("syntax.yml", "LogLevel: [\n")
        cases = [
            ("unknown option", ["-E", "sb://x/"], ["Unrecognized option '-E'"]),
            ("clustered flags", ["-qv"], ["Unrecognized option '-qv'"]),
            ("glued value", ["-L16161:db"], ["Unrecognized option '-L16161:db'"]),
            ("positional argument", ["16161:db"], ["Unrecognized command or argument '16161:db'"]),
            ("missing value", ["-L"], ["Missing value", "-L"]),
            ("single option twice", ["-f", "a", "-f", "b"], ["-f", "only once"]),
            ("flag with value", ["-v=yes"], ["-v", "takes no value"]),
            ("bad -L grammar", ["-L", "16161"], ["Invalid -L expression", "16161"]),
            ("bad -L port token", ["-L", "127.0.0.1:abc:db"], ["Invalid -L 'port' expression"]),
            ("port 70000", ["-L", "70000:foobar"], ["-L", "70000", "BindPort"]),
            ("bad relay name", ["-T", "foo^^^bar:80"], ["-T", "RelayName", "foo^^^bar"]),
            ("bad -H scheme", ["-H", "r:ftp/host"], ["http/", "https/"]),
            ("non-local bind", ["-L", "1.1.1.1:80:foobar"], ["-L", "BindAddress", "1.1.1.1"]),
            ("bad -b", ["-b", "abc^^$foo"], ["-b", "abc^^$foo"]),
            ("bad base64 key", ["-k", "^^" + SECRET], ["-k", "Base64"]),
            ("key given twice", ["-k", SECRET, "-k", SECRET], ["-k", "only once"]),
            ("bad key name", ["-K", "^^^^"], ["-K", "^^^^"]),
            ("bad endpoint", ["-e", "^^^^"], ["-e", "^^^^"]),
            ("bad connection string", ["-x", f"Endpoint=total^^^garbage;SharedAccessKey={SECRET}"], ["-x"]),
            ("bad -a", ["-a", "soon"], ["-a", "soon"]),
            ("bad -o", ["-o", "LogLevel"], ["-o", "key:value"]),
            ("unknown -o key", ["-o", "Fompa:1"], ["Fompa"]),
            ("missing -f file", ["-f", "/nonexistent/azb.yml"], ["The config file was not found: /nonexistent/azb.yml"]),
            ("unknown YAML key", ["-f", bad_yaml_key], [f"{bad_yaml_key}:2: unknown key 'Fompa'"]),
            ("wrong YAML type", ["-f", wrong_type], [f"{wrong_type}:1:", "ConnectTimeout", "abc"]),
            ("wrong YAML shape", ["-f", wrong_list], [f"{wrong_list}:1:", "LocalForward"]),
            ("YAML syntax", ["-f", bad_syntax], [bad_syntax, "invalid YAML"]),
            ("bad --log-format", ["--log-format", "xml"], ["--log-format", "xml"]),
            ("no forwarders", [], ["You must specify at least one -L or -T forwarder."]),
            ("no credentials", ["-L", "16161:db"], ["Connection string(s) undefined"]),
            ("key name without key", ["-L", "16161:db", "-e", "sb://ns.servicebus.windows.net/", "-K", "send"], ["SharedAccessKey"]),
        ]
        for name, args, needles in cases:
            check(s, args, needles, name)

        machine_bad = Sandbox(machine="Fompa: 1\n")
        try:
            check(machine_bad, ["--print-config"], [f"{machine_bad.machine}:1: unknown key 'Fompa'"], "bad machine file")
        finally:
            machine_bad.close()

        for args in (["-h"], ["-?"], ["--help"]):
            r = s.run(args)
            expect(r.returncode == 0 and "--local-forward" in r.stdout and r.stderr == "", f"{args} prints help", r.stdout + r.stderr)
        r = s.run(["--version"])
        expect(r.returncode == 0 and r.stdout.startswith("azbridge "), "--version", r.stdout + r.stderr)
    finally:
        s.close()
    print(f"cli errors: {len(cases) + 5} passed, 0 failed")


if __name__ == "__main__":
    main()
