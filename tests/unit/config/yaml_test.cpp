// azbridge's YAML schema (azbridge-compat.md §2.2-2.5): keys, types, shortcuts, errors with file and line.
#include "azbridge/config/yaml.hpp"

#include "test_support.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::config;

namespace {

yaml_source src() { return {"/cfg/x.yml", test::fake_local}; }

config load_ok(std::string_view text) {
  auto r = load_yaml(text, src());
  INFO(text << "\n=> " << (r ? std::string() : r.error()));
  REQUIRE(r.has_value());
  return *r;
}

std::string load_error(std::string_view text) {
  auto r = load_yaml(text, src());
  INFO(text);
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

}  // namespace

TEST_CASE("unknown keys are errors naming file, line and key (ConfigBadOptionTest)") {
  CHECK(load_error("Fompa : ssjsjshshjs\n") == "/cfg/x.yml:1: unknown key 'Fompa'");
  CHECK(load_error("LogLevel: INFO\n\n# c\nfompa: 1\n") == "/cfg/x.yml:4: unknown key 'fompa'");
  CHECK(load_error("logLevel: INFO\n") == "/cfg/x.yml:1: unknown key 'logLevel'");  // case-sensitive
  CHECK(load_error("LocalForward:\n  - RelayName: a\n    BindPort: 1\n    RemoteHostName: x\n") ==
        "/cfg/x.yml:4: unknown key 'RemoteHostName' in a LocalForward entry");
  CHECK(load_error("RemoteForward:\n  - RelayName: a\n    HostPort: 1\n    Insecure: true\n")
            .find("only inside Bindings") != std::string::npos);
}

TEST_CASE("invalid values name the key (ConfigBadBindAddress/ConnectionAttempts/ConnectTimeoutTest)") {
  CHECK(load_error("BindAddress : ssjs^^^hjs\n").find("BindAddress") != std::string::npos);
  CHECK(load_error("BindAddress : 1.1.1.1\n").find("/cfg/x.yml:1:") == 0);
  for (auto key : {"ConnectionAttempts", "ConnectTimeout"}) {
    for (auto value : {"ssjs^^^hjs", "-1"}) {
      auto e = load_error(std::string(key) + " : " + value + "\n");
      CHECK(e.find(key) != std::string::npos);
      CHECK(e.find("/cfg/x.yml:1:") == 0);
    }
  }
  CHECK(load_error("ConnectionAttempts : 11\n").find("ConnectionAttempts") != std::string::npos);
  CHECK(load_error("ConnectTimeout : 121\n").find("ConnectTimeout") != std::string::npos);
  CHECK(load_error("ConnectTimeout : abc\n") == "/cfg/x.yml:1: invalid value for 'ConnectTimeout': 'abc' is not an integer");
  CHECK(load_error("GatewayPorts: maybe\n").find("is not a boolean") != std::string::npos);
  CHECK(load_error("KeepAliveInterval: [1, 2]\n") ==
        "/cfg/x.yml:1: 'KeepAliveInterval' must be a single value, not a list or mapping");
  CHECK(load_error("LocalForward: abc\n") == "/cfg/x.yml:1: 'LocalForward' must be a list of entries");
  CHECK(load_error("LogLevel: LOUD\n").find("LogLevel") != std::string::npos);
  CHECK(load_error("AddressFamily: ipx\n").find("AddressFamily") != std::string::npos);
  CHECK(load_error("AzureRelaySharedAccessKey: '^^^^'\n").find("-k/AzureRelaySharedAccessKey") != std::string::npos);
  CHECK(load_error("AzureRelayEndpoint: nope\n").find("-e/AzureRelayEndpoint") != std::string::npos);
}

TEST_CASE("YAML syntax errors and wrong document shapes are reported, not thrown") {
  CHECK(load_error("LogLevel: [\n").find("/cfg/x.yml:") == 0);
  CHECK(load_error("- a\n- b\n").find("must be a mapping") != std::string::npos);
  CHECK(load_error("LocalForward:\n  - 42\n").find("must be a mapping") != std::string::npos);
  CHECK(load_error("? [a, b]\n: c\n").find("keys must be plain names") != std::string::npos);
}

TEST_CASE("empty documents and empty values mean unset") {
  auto empty = load_ok("");
  CHECK_FALSE(empty.has_forwards());
  auto comments = load_ok("# nothing here\n");
  CHECK_FALSE(comments.log_level);
  auto unset = load_ok("LogLevel:\nBindAddress: ~\nConnectTimeout: null\nKeepAliveInterval: ''\nLocalForward:\n");
  CHECK_FALSE(unset.log_level);
  CHECK_FALSE(unset.bind_address);
  CHECK_FALSE(unset.connect_timeout);
  CHECK_FALSE(unset.keep_alive_interval);
  CHECK(unset.effective_keep_alive_interval() == 30);
  CHECK(unset.effective_exit_on_forward_failure());
  CHECK(unset.effective_log_level() == "ERROR");
}

TEST_CASE("booleans accept true|y|yes|on and false|n|no|off in any case") {
  for (auto t : {"true", "True", "y", "YES", "on", "On"}) {
    CHECK(load_ok(std::string("GatewayPorts: ") + t + "\n").gateway_ports == true);
  }
  for (auto f : {"false", "FALSE", "n", "No", "off", "OFF"}) {
    CHECK(load_ok(std::string("GatewayPorts: ") + f + "\n").gateway_ports == false);
  }
}

TEST_CASE("entry shortcut keys write Bindings[0]; Bindings replaces them; later shortcuts modify Bindings[0]") {
  auto c = load_ok(R"(
LocalForward:
  - RelayName: a
    BindAddress: 127.0.0.1
    BindPort: 1000
  - RelayName: b
    BindPort: 1
    Bindings:
      - BindAddress: 127.0.0.2
        BindPort: 2000
        PortName: two
      - BindAddress: 127.0.0.3
        BindPort: -3000
    PortName: renamed
)");
  REQUIRE(c.local_forwards.size() == 2);
  REQUIRE(c.local_forwards[0].bindings.size() == 1);
  CHECK(c.local_forwards[0].bindings[0].bind_port == 1000);
  CHECK(c.local_forwards[0].bindings[0].effective_port_name() == "1000");
  CHECK(c.local_forwards[0].origin == "/cfg/x.yml:3");
  const auto& b = c.local_forwards[1].bindings;
  REQUIRE(b.size() == 2);
  CHECK(b[0].bind_port == 2000);
  CHECK(b[0].port_name == "renamed");
  CHECK(b[1].is_udp());
  CHECK(b[1].effective_port_name() == "3000U");
}

TEST_CASE("LocalForward binding defaults and checks") {
  auto c = load_ok("LocalForward:\n  - RelayName: a\n    BindPort: 80\n    NoAuthentication: yes\n");
  const auto& b = c.local_forwards[0].bindings[0];
  CHECK(b.bind_address.empty());
  CHECK(b.effective_bind_address() == "localhost");
  CHECK(b.no_authentication);
  auto sock = load_ok("LocalForward:\n  - RelayName: a\n    BindLocalSocket: /var/run/a.sock\n    PortName: s\n");
  CHECK(sock.local_forwards[0].bindings[0].bind_local_socket == "/var/run/a.sock");
  CHECK(load_error("LocalForward:\n  - BindPort: 80\n").find("needs a RelayName") != std::string::npos);
  CHECK(load_error("LocalForward:\n  - RelayName: a\n").find("has no binding") != std::string::npos);
  CHECK(load_error("LocalForward:\n  - RelayName: a\n    PortName: x\n").find("needs BindPort or BindLocalSocket") !=
        std::string::npos);
  CHECK(load_error("LocalForward:\n  - RelayName: a\n    BindPort: 80\n    BindLocalSocket: s\n").find("both") !=
        std::string::npos);
  CHECK(load_error("LocalForward:\n  - RelayName: a\n    BindPort: 70000\n") ==
        "/cfg/x.yml:3: Invalid BindPort value: 70000. Must be in the IP port range 1..65535 (negative port numbers "
        "for UDP)");
  CHECK(load_error("LocalForward:\n  - RelayName: a\n    BindAddress: 1.1.1.1\n    BindPort: 80\n")
            .find("Invalid BindAddress value: '1.1.1.1'") != std::string::npos);
  CHECK(load_error("LocalForward:\n  - RelayName: a\n    BindPort: 80\n    HostName: 10.0.0.1\n").find("HostName") !=
        std::string::npos);
}

TEST_CASE("RemoteForward HTTP entry of issue #83 and binding checks") {
  auto c = load_ok(R"(
RemoteForward:
  - RelayName: api-relay
    Http: true
    Bindings:
      - Host: example.corp.example.com
        HostPort: 443
        PortName: https
        Http: true
        Insecure: false
        Path: /api/v1/
)");
  REQUIRE(c.remote_forwards.size() == 1);
  const auto& f = c.remote_forwards[0];
  CHECK(f.is_http());
  CHECK(f.bindings[0].host == "example.corp.example.com");
  CHECK(f.bindings[0].port_name == "https");
  CHECK(f.bindings[0].path == "/api/v1/");
  CHECK_FALSE(f.bindings[0].insecure);
  CHECK(load_error("RemoteForward:\n  - RelayName: a\n    Http: true\n    HostPort: 8080\n").find("PortName 'http'") !=
        std::string::npos);
  CHECK(load_error("RemoteForward:\n  - RelayName: a\n    Host: h\n").find("needs HostPort or LocalSocket") !=
        std::string::npos);
  CHECK(load_error("RemoteForward:\n  - RelayName: a\n    HostPort: 80\n    Host: foo^^^bar\n").find("Host") !=
        std::string::npos);
  auto nohost = load_ok("RemoteForward:\n  - RelayName: a\n    HostPort: -53\n");
  CHECK(nohost.remote_forwards[0].bindings[0].effective_host() == "localhost");
  CHECK(nohost.remote_forwards[0].bindings[0].effective_port_name() == "53U");
}

TEST_CASE("AzureRelayConnectionString replaces the connection; keys are set in document order") {
  const char* cs = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=n;SharedAccessKey=abcd";
  auto before = load_ok(std::string("AzureRelayEndpoint: sb://other.example/\nAzureRelayConnectionString: ") + cs + "\n");
  CHECK(before.connection.endpoint == "sb://ns.servicebus.windows.net/");
  auto after = load_ok(std::string("AzureRelayConnectionString: ") + cs + "\nAzureRelayEndpoint: sb://other.example/\n");
  CHECK(after.connection.endpoint == "sb://other.example/");
  CHECK(after.connection.shared_access_key == "abcd");
  auto bad = load_error("AzureRelayConnectionString: Endpoint=sb://x/;SharedAccessKey=hushhush\n");
  CHECK(bad.find("/cfg/x.yml:1: Invalid -x/AzureRelayConnectionString value.") == 0);
  CHECK(bad.find("hushhush") == std::string::npos);
  auto per_forward = load_error(
      "LocalForward:\n  - RelayName: a\n    BindPort: 1\n    ConnectionString: Endpoint=garbage^;SharedAccessKey=zzz\n");
  CHECK(per_forward.find("/cfg/x.yml:4: Invalid ConnectionString value.") == 0);
  CHECK(per_forward.find("zzz") == std::string::npos);
}

TEST_CASE("an endpoint port that is not a number is an error, not another host (config_yaml_fuzzer finding)") {
  // The fuzzer's reproducer: this loaded, printed "sb://cvrelay.servicebus.windows.nremoteforwaerdt" and so did not
  // round-trip. Now it is a clear error, as System.Uri would make it.
  CHECK(load_error("AddressFamily : inet\nAzureRelayConnectionString: Endpoint=sb://cvrelay.servicebus.windows.nRemoteForwaerd:t")
            .find("/cfg/x.yml:2: Invalid -x/AzureRelayConnectionString value.") == 0);
  CHECK(load_error("AzureRelayEndpoint: sb://ns.servicebus.windows.net:t/\n").find("AzureRelayEndpoint") != std::string::npos);
}

TEST_CASE("an endpoint with ';' is an error: it could not be printed as a connection string (config_yaml_fuzzer)") {
  // The fuzzer's second reproducer, shortened: this printed "Endpoint=sb://ns.servicebus.window/cvrel;servic;",
  // which does not load back.
  CHECK(load_error("KeepAliveInterval: 60\nAzureRelayEndpoint: sb://ns.servicebus.window/cvrel;servic")
            .find("/cfg/x.yml:2: Invalid -e/AzureRelayEndpoint value: 'sb://ns.servicebus.window/cvrel;servic'. ';' "
                  "cannot appear") == 0);
}

TEST_CASE("option -o style scalar overrides share the loader's rules") {
  config layer;
  CHECK_FALSE(apply_scalar_override(layer, "ConnectTimeout", "44", test::fake_local));
  CHECK(layer.connect_timeout == 44);
  CHECK_FALSE(apply_scalar_override(layer, "AzureRelayEndpoint", "sb://ns.example:9999/", test::fake_local));
  CHECK(layer.connection.endpoint == "sb://ns.example:9999/");
  CHECK(*apply_scalar_override(layer, "Fompa", "1", test::fake_local) == "unknown key 'Fompa'");
  CHECK(apply_scalar_override(layer, "LocalForward", "x", test::fake_local)->find("cannot be set with -o") !=
        std::string::npos);
  CHECK(apply_scalar_override(layer, "ConnectTimeout", "121", test::fake_local)->find("ConnectTimeout") == 8);
}

TEST_CASE("to_yaml prints azbridge's schema, redacts secrets, and round-trips") {
  auto c = load_ok(R"(
AddressFamily: inet
AzureRelayConnectionString: Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0
BindAddress: 127.0.0.4
KeepAliveInterval: 60
LogLevel: INFO
LocalForward:
  - RelayName: db
    Bindings:
      - BindAddress: 127.0.0.8
        BindPort: 16161
        PortName: sql1
      - BindLocalSocket: /tmp/s.sock
        PortName: s
        NoAuthentication: true
RemoteForward:
  - RelayName: web
    ConnectionString: Endpoint=sb://other.servicebus.windows.net/;SharedAccessSignature=SharedAccessSignature sr=a&sig=b&se=1&skn=c
    Bindings:
      - Host: example.com
        HostPort: 443
        PortName: https
        Http: true
        Insecure: true
        Path: /x/
)");
  auto redacted = to_yaml(c);
  CHECK(redacted.find("c2VjcmV0") == std::string::npos);
  CHECK(redacted.find("sig=b") == std::string::npos);
  CHECK(redacted.find("SharedAccessKey=***") != std::string::npos);
  CHECK(redacted.find("KeepAliveInterval: 60") != std::string::npos);

  auto shown = to_yaml(c, secrets::show);
  auto again = load_yaml(shown, {"round-trip", test::fake_local});
  INFO(shown);
  REQUIRE(again.has_value());
  CHECK(to_yaml(*again, secrets::show) == shown);
  CHECK(again->connection.shared_access_key == "c2VjcmV0");
  CHECK(again->remote_forwards[0].connection->shared_access_signature == "SharedAccessSignature sr=a&sig=b&se=1&skn=c");
  CHECK(again->local_forwards[0].bindings[1].no_authentication);
  CHECK(again->remote_forwards[0].bindings[0].insecure);

  auto empty = to_yaml(config{});
  CHECK(empty.find("LocalForward: []") != std::string::npos);
  CHECK(empty.find("RemoteForward: []") != std::string::npos);
}

TEST_CASE("an incomplete credential prints as fields that load back (config_yaml_fuzzer finding)") {
  // The fuzzer's reproducer, shortened: a key name without its key (the key may come from another layer) printed
  // as "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=OOsers;", which the loader refuses.
  auto c = load_ok("AzureRelayEndpoint: sb://ns.servicebus.windows.net/\nAzureRelaySharedAccessKeyName: OOsers\n");
  auto shown = to_yaml(c, secrets::show);
  INFO(shown);
  CHECK(shown.find("AzureRelayConnectionString: Endpoint=sb://ns.servicebus.windows.net/;\n") != std::string::npos);
  CHECK(shown.find("AzureRelaySharedAccessKeyName: OOsers\n") != std::string::npos);
  auto again = load_yaml(shown, {"round-trip", test::fake_local});
  REQUIRE(again.has_value());
  CHECK(again->connection.shared_access_key_name == "OOsers");
  CHECK(to_yaml(*again, secrets::show) == shown);

  // Fields only a connection string carries stay in it; the secret still prints redacted.
  auto timed = load_ok("AzureRelayConnectionString: Endpoint=sb://ns/;OperationTimeout=00:02:00\n"
                       "AzureRelaySharedAccessKey: c2VjcmV0\n");
  auto printed = to_yaml(timed, secrets::show);
  INFO(printed);
  auto reloaded = load_yaml(printed, {"round-trip", test::fake_local});
  REQUIRE(reloaded.has_value());
  CHECK(reloaded->connection.operation_timeout == timed.connection.operation_timeout);
  CHECK(reloaded->connection.shared_access_key == "c2VjcmV0");
  CHECK(to_yaml(timed).find("c2VjcmV0") == std::string::npos);
}
