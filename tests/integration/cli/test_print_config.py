"""--print-config shows how azbridge combines the machine file, the user file or -f, -o, -x and forwards."""
import os

from cli_common import Sandbox, expect, print_config, relay_names, value

KEY_A = "YWFhYQ=="
CS_A = f"Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=ka;SharedAccessKey={KEY_A}"
CS_B = "Endpoint=sb://b.servicebus.windows.net/;SharedAccessKeyName=kb;SharedAccessKey=YmJiYg=="


def files_combine():
    s = Sandbox(machine="LogLevel: ERROR\nConnectTimeout: 5\nLocalForward:\n  - RelayName: machine\n    BindPort: 1001\n",
                user="LogLevel: INFO\nLocalForward:\n  - RelayName: user\n    BindPort: 1002\n")
    try:
        out = print_config(s, [])
        expect(value(out, "LogLevel") == "INFO", "user file overrides the machine file's LogLevel", out)
        expect(value(out, "ConnectTimeout") == "5", "machine file values stay when not overridden", out)
        expect(relay_names(out) == ["machine", "user"], "forward lists append (machine first)", out)

        f = s.write("f.yml", "LocalForward:\n  - RelayName: fromf\n    BindPort: 1003\n")
        out = print_config(s, ["-f", f])
        expect(relay_names(out) == ["machine", "fromf"], "-f replaces the user file, machine file still read", out)

        out = print_config(s, ["-o", "LogLevel:VERBOSE", "-o", f"AzureRelayConnectionString:{CS_A}"])
        expect(value(out, "LogLevel") == "VERBOSE", "-o overrides the files", out)
        cs = value(out, "AzureRelayConnectionString")
        expect(cs == "Endpoint=sb://a.servicebus.windows.net/;SharedAccessKeyName=ka;SharedAccessKey=***;",
               "-o keeps values with ':' whole, and secrets are redacted", out)
        expect(KEY_A not in out, "the key never appears in --print-config", out)

        out = print_config(s, ["-o", "ClearAllForwardings:true", "-L", "2000:cli"])
        expect(relay_names(out) == ["cli"], "-o ClearAllForwardings drops file forwards but keeps CLI ones", out)

        out = print_config(s, ["-v", "-q"])
        expect(value(out, "LogLevel") == "NONE", "-q wins over -v", out)
    finally:
        s.close()


def connection_precedence():
    s = Sandbox(user=f"AzureRelayConnectionString: {CS_A}\n")
    try:
        out = print_config(s, ["-e", "sb://e.servicebus.windows.net/", "-K", "kn", "-k", "a2V5"])
        expect(value(out, "AzureRelayConnectionString") ==
               "Endpoint=sb://e.servicebus.windows.net/;SharedAccessKeyName=kn;SharedAccessKey=***;",
               "-e/-K/-k set fields of the file's connection", out)
        out = print_config(s, ["-e", "sb://e.servicebus.windows.net/", "-K", "kn", "-k", "a2V5", "-x", CS_B])
        expect(value(out, "AzureRelayConnectionString") ==
               "Endpoint=sb://b.servicebus.windows.net/;SharedAccessKeyName=kb;SharedAccessKey=***;",
               "-x replaces the whole connection (discards -e/-K/-k and the file's)", out)
    finally:
        s.close()


def forwards_order_and_forms():
    s = Sandbox(machine="RemoteForward:\n  - RelayName: file\n    HostPort: 9\n")
    try:
        out = print_config(s, ["-H", "h:http/localhost", "-T", "t:1", "-R", "r:2", "-L", "3:l"])
        expect(relay_names(out) == ["l", "file", "r", "t", "h"], "files' forwards, then -L, -R, -T, -H", out)
        same = [print_config(s, args) for args in (["-L", "127.0.0.1:80/web:rel"], ["-L=127.0.0.1:80/web:rel"],
                                                   ["-L:127.0.0.1:80/web:rel"],
                                                   ["--local-forward", "127.0.0.1:80/web:rel"],
                                                   ["--local-forward=127.0.0.1:80/web:rel"],
                                                   ["--local-forward:127.0.0.1:80/web:rel"])]
        expect(all(x == same[0] for x in same), "every value syntax gives the same configuration", "\n".join(same))
        expect("PortName: web" in same[0] and "BindPort: 80" in same[0], "-L with port name", same[0])
        udp = print_config(s, ["-L", "3434U:relay"])
        expect("BindPort: -3434" in udp and "PortName: 3434U" in udp, "U suffix = UDP, default name 3434U", udp)
    finally:
        s.close()


def command_line_max_test():
    # azbridge's ConfigTest.CommandLineMaxTest argv, exactly; -f foo.txt is resolved in the working directory.
    argv = ("-b 127.0.0.4 -e sb://cvrelay.servicebus.windows.net/ -f foo.txt -g -K send -k abcdefgh "
            "-L 127.0.100.1:8008:foo -L 127.0.100.2:8008:bar -L name:baz -o ConnectTimeout:44 -q "
            "-R foo1:123 -R bar1:10.1.1.1:123 -R foo3:port/123 -R bar3:10.1.1.1:port/123 -R baz:abc "
            "-T foo2:123 -T bar2:10.1.1.1:123 -T foo4:port/123 -T bar4:port/10.1.1.1:123 "
            "-H foo5:https/service.example.com -H bar5:http/service.example.com:81 -H baz5:http/service.example.com "
            "-H abc/def:http/service.example.com/foo "
            "-H ghi/jkl:http/service1.example.com/foo;http/service2.example.com/foo -v -a 60").split(" ")
    s = Sandbox()
    try:
        s.write("foo.txt", "")
        out = print_config(s, argv, cwd=s.dir)
        expect(value(out, "AzureRelayConnectionString") ==
               "Endpoint=sb://cvrelay.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=***;",
               "connection string of CommandLineMaxTest", out)
        expect(len(relay_names(out)) == 17, "3 local + 14 remote forwards", out)
        expect(value(out, "ConnectTimeout") == "44" and value(out, "KeepAliveInterval") == "60", "scalars", out)
        expect(value(out, "BindAddress") == "127.0.0.4" and value(out, "GatewayPorts") == "true", "-b and -g", out)
        expect(out.count("Path: /foo/") == 3, "paths of -H", out)
        for port in ("HostPort: 443", "HostPort: 81", "HostPort: 80"):
            expect(port in out, f"{port} present", out)
    finally:
        s.close()


def round_trip_and_service():
    s = Sandbox(machine="KeepAliveInterval: 45\nLocalForward:\n  - RelayName: m\n    BindAddress: 127.0.0.1\n"
                        "    BindPort: 1\n    HostName: m.example.com\n",
                user="RemoteForward:\n  - RelayName: api\n    Bindings:\n      - Host: localhost\n        HostPort: 8443\n"
                     "        PortName: https\n        Http: true\n        Insecure: true\n        Path: /api/\n")
    try:
        first = print_config(s, ["-T", "db:sql/localhost:1433U", "-o", "AzureRelayEndpoint:sb://ns.example:9000/"])
        empty = Sandbox()
        try:
            saved = empty.write("saved.yml", first)
            second = print_config(empty, ["-f", saved])
            expect(second == first, "printed configuration loads back to the same print", first + "\n---\n" + second)
            r = empty.run(["--svc", "--print-config"], extra_env={"AZBRIDGE_SVC_CONFIG": saved})
            expect(r.returncode == 0 and r.stdout == first, "--svc reads the service file as -f", r.stdout + r.stderr)
        finally:
            empty.close()
    finally:
        s.close()


def shipped_examples():
    """The commented templates and examples in config/ load cleanly."""
    import azb_paths
    s = Sandbox()
    try:
        for name in ("azbridge_config.machine.yml", "azbridge_config.svc.yml", "example_local_forward.yml",
                     "example_remote_forward.yml"):
            out = print_config(s, ["-f", azb_paths.config_file(name)])
            expect("LocalForward:" in out, f"config/{name} loads", out)
        local = print_config(s, ["-f", azb_paths.config_file("example_local_forward.yml")])
        expect(relay_names(local) == ["db", "dns", "app", "public"], "local example forwards", local)
        remote = print_config(s, ["-f", azb_paths.config_file("example_remote_forward.yml")])
        expect(relay_names(remote) == ["db", "dns", "api"], "remote example forwards", remote)
        expect("c2VjcmV0LWtleS1iYXNlNjQ=" not in remote, "example keys redacted", remote)
    finally:
        s.close()


if __name__ == "__main__":
    files_combine()
    connection_precedence()
    forwards_order_and_forms()
    command_line_max_test()
    round_trip_and_service()
    shipped_examples()
    print("cli print-config: 6 passed, 0 failed")
