// Golden cases for the -L/-T/-R/-H grammars: every example of azbridge-compat.md §1.4 and the forwarding
// cases of azbridge's ConfigTest.cs.
#include "azbridge/config/grammar.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::config;

namespace {

local_forward L(std::string_view expr) {
  auto r = parse_local_forward(expr);
  INFO(expr << ": " << (r ? std::string() : r.error()));
  REQUIRE(r.has_value());
  return *r;
}
remote_forward T(std::string_view expr) {
  auto r = parse_remote_forward(expr);
  INFO(expr << ": " << (r ? std::string() : r.error()));
  REQUIRE(r.has_value());
  return *r;
}
remote_forward R(std::string_view expr) {
  auto r = parse_remote_forward_legacy(expr);
  INFO(expr << ": " << (r ? std::string() : r.error()));
  REQUIRE(r.has_value());
  return *r;
}
remote_forward H(std::string_view expr) {
  auto r = parse_remote_http_forward(expr);
  INFO(expr << ": " << (r ? std::string() : r.error()));
  REQUIRE(r.has_value());
  return *r;
}
template <class Result>
std::string error_of(const Result& r) {
  REQUIRE_FALSE(r.has_value());
  return r.error();
}

}  // namespace

TEST_CASE("option -L port:relay binds localhost with the port as port name") {
  auto f = L("16161:db");
  CHECK(f.relay_name == "db");
  CHECK(f.origin == "-L 16161:db");
  REQUIRE(f.bindings.size() == 1);
  CHECK(f.bindings[0].bind_address == "localhost");
  CHECK(f.bindings[0].bind_port == 16161);
  CHECK(f.bindings[0].port_name == "16161");
  CHECK_FALSE(f.bindings[0].is_udp());
  CHECK_FALSE(f.bindings[0].is_socket());
}

TEST_CASE("option -L several bindings with addresses and port names") {
  auto f = L("127.0.0.8:16161/sql1;127.0.0.9:16161/sql2:db");
  CHECK(f.relay_name == "db");
  REQUIRE(f.bindings.size() == 2);
  CHECK(f.bindings[0].bind_address == "127.0.0.8");
  CHECK(f.bindings[0].bind_port == 16161);
  CHECK(f.bindings[0].port_name == "sql1");
  CHECK(f.bindings[1].bind_address == "127.0.0.9");
  CHECK(f.bindings[1].port_name == "sql2");
}

TEST_CASE("option -L U suffix means UDP, stored as a negative port, default name keeps the U") {
  auto f = L("3434U:relay");
  REQUIRE(f.bindings.size() == 1);
  CHECK(f.bindings[0].bind_port == -3434);
  CHECK(f.bindings[0].is_udp());
  CHECK(f.bindings[0].port() == 3434);
  CHECK(f.bindings[0].port_name == "3434U");
  CHECK(f.bindings[0].effective_port_name() == "3434U");

  auto both = L("7777;7777U:relay");
  REQUIRE(both.bindings.size() == 2);
  CHECK(both.bindings[0].bind_port == 7777);
  CHECK(both.bindings[0].port_name == "7777");
  CHECK(both.bindings[1].bind_port == -7777);
  CHECK(both.bindings[1].port_name == "7777U");

  CHECK(L("3000U:foobar").bindings[0].bind_port == -3000);
  CHECK(L("3000:foobar").bindings[0].bind_port == 3000);
}

TEST_CASE("option -L address:port:relay") {
  auto f = L("127.1.2.3:1433:relay");
  CHECK(f.bindings[0].bind_address == "127.1.2.3");
  CHECK(f.bindings[0].bind_port == 1433);
  CHECK(f.bindings[0].port_name == "1433");
}

TEST_CASE("option -L a non-numeric port is a Unix socket name") {
  auto f = L("name:baz");
  CHECK(f.relay_name == "baz");
  CHECK(f.bindings[0].bind_local_socket == "name");
  CHECK(f.bindings[0].is_socket());
  CHECK(f.bindings[0].bind_port == 0);
  CHECK(f.bindings[0].port_name == "name");

  auto named = L("mysock/name:relay");
  CHECK(named.bindings[0].bind_local_socket == "mysock");
  CHECK(named.bindings[0].port_name == "name");
}

TEST_CASE("option -L relay name is after the last colon; segments after the second '/' are ignored") {
  CHECK(L("80/a/b:relay").bindings[0].port_name == "a");
  CHECK(L("127.0.0.1:80:a/b").relay_name == "a/b");
}

TEST_CASE("option -L structure errors") {
  CHECK(error_of(parse_local_forward("16161")) == "Invalid -L expression: '16161'");
  CHECK(error_of(parse_local_forward("1:2:3:relay")) == "Invalid -L expression: '1:2:3:relay'");
  // IPv6 literals cannot be written on the command line (brackets do not help), as in azbridge.
  CHECK(error_of(parse_local_forward("[::1]:80:relay")).find("Invalid -L expression") == 0);
  CHECK(error_of(parse_local_forward("127.0.0.1:abc:relay")) == "Invalid -L 'port' expression: '127.0.0.1:abc:relay'");
}

TEST_CASE("option -L field errors name the option, the expression and the field") {
  auto port = error_of(parse_local_forward("70000:foobar"));
  CHECK(port.find("-L") != std::string::npos);
  CHECK(port.find("'70000:foobar'") != std::string::npos);
  CHECK(port.find("Invalid BindPort value: 70000") != std::string::npos);
  CHECK(port.find("1..65535") != std::string::npos);

  auto relay = error_of(parse_local_forward("80:foo^^^bar"));
  CHECK(relay.find("-L") != std::string::npos);
  CHECK(relay.find("RelayName") != std::string::npos);

  CHECK(error_of(parse_local_forward("80:")).find("RelayName") != std::string::npos);
  CHECK(error_of(parse_local_forward("70000U:r")).find("BindPort value: -70000") != std::string::npos);
  CHECK(error_of(parse_local_forward("0:r")).find("BindPort") != std::string::npos);
  // An absolute socket path splits at '/' into an empty port string: rejected, as in azbridge.
  CHECK(error_of(parse_local_forward("/var/run/s:relay")).find("BindLocalSocket") != std::string::npos);
  CHECK(error_of(parse_local_forward("abc^^$foo:80:relay")).find("BindAddress") != std::string::npos);
  CHECK(error_of(parse_local_forward("80/bad^name:relay")).find("PortName") != std::string::npos);
}

TEST_CASE("option -T forms of ConfigTest.CommandLineTOptionTest") {
  auto r1 = T("relay1:port/1000");
  CHECK(r1.relay_name == "relay1");
  CHECK(r1.bindings[0].host == "localhost");
  CHECK(r1.bindings[0].host_port == 1000);
  CHECK(r1.bindings[0].port_name == "port");

  auto r2 = T("relay2:port/name:1000");
  CHECK(r2.bindings[0].port_name == "port");
  CHECK(r2.bindings[0].host == "name");
  CHECK(r2.bindings[0].host_port == 1000);

  auto r3 = T("relay3:1000");
  CHECK(r3.bindings[0].host_port == 1000);
  CHECK(r3.bindings[0].port_name == "1000");

  auto r4 = T("relay4:sock");
  CHECK(r4.bindings[0].local_socket == "sock");
  CHECK(r4.bindings[0].is_socket());
  CHECK(r4.bindings[0].port_name == "sock");
}

TEST_CASE("option -T README example with two targets") {
  auto f = T("db:sql1/sql1.corp.example.com:16161;sql2/sql2.corp.example.com:16161");
  CHECK(f.relay_name == "db");
  REQUIRE(f.bindings.size() == 2);
  CHECK(f.bindings[0].port_name == "sql1");
  CHECK(f.bindings[0].host == "sql1.corp.example.com");
  CHECK(f.bindings[0].host_port == 16161);
  CHECK(f.bindings[1].port_name == "sql2");
  CHECK(f.bindings[1].host == "sql2.corp.example.com");
}

TEST_CASE("option -T host:port without a name uses the raw port token as name; U means UDP") {
  auto f = T("bar2:10.1.1.1:123");
  CHECK(f.bindings[0].host == "10.1.1.1");
  CHECK(f.bindings[0].port_name == "123");
  auto u = T("r:10.1.1.1:16161U");
  CHECK(u.bindings[0].host_port == -16161);
  CHECK(u.bindings[0].port_name == "16161U");
  auto short_udp = T("foobar:3000U");
  CHECK(short_udp.bindings[0].host_port == -3000);
  CHECK(short_udp.bindings[0].port_name == "3000U");
  CHECK(short_udp.bindings[0].is_udp());
}

TEST_CASE("option -T errors") {
  CHECK(error_of(parse_remote_forward("relay")) == "Invalid -T expression: 'relay'");
  CHECK(error_of(parse_remote_forward("r:a:b:c")) == "Invalid -T expression: 'r:a:b:c'");
  CHECK(error_of(parse_remote_forward("r:a/b/c")) == "Invalid -T expression: 'r:a/b/c'");
  CHECK(error_of(parse_remote_forward("r:n/h/x:80")) == "Invalid -T expression: 'r:n/h/x:80'");
  CHECK(error_of(parse_remote_forward("r:host:abc")) == "Invalid -T 'port' expression: 'r:host:abc'");
  auto port = error_of(parse_remote_forward("foobar:70000"));
  CHECK(port.find("-T") != std::string::npos);
  CHECK(port.find("HostPort") != std::string::npos);
  CHECK(error_of(parse_remote_forward("foo^^^bar:80")).find("RelayName") != std::string::npos);
  CHECK(error_of(parse_remote_forward("foobar:foo^^^bar:80")).find("Host") != std::string::npos);
}

TEST_CASE("option -R forms of ConfigTest.CommandLineROptionTest and GoodRemoteForwardTest") {
  auto r1 = R("relay1:port/1000");
  CHECK(r1.bindings[0].host_port == 1000);
  CHECK(r1.bindings[0].port_name == "port");
  auto r2 = R("relay2:name:port/1000");
  CHECK(r2.bindings[0].host == "name");
  CHECK(r2.bindings[0].port_name == "port");
  CHECK(r2.bindings[0].host_port == 1000);
  CHECK(R("relay3:1000").bindings[0].host_port == 1000);
  CHECK(R("relay4:sock").bindings[0].local_socket == "sock");
  auto legacy = R("bar1:10.1.1.1:123");
  CHECK(legacy.bindings[0].host == "10.1.1.1");
  CHECK(legacy.bindings[0].port_name == "123");
  for (auto name : {"foobar", "foobar_foobar", "foobar/foobar", "foobar.foobar", "foobar-foobar"}) {
    auto f = R(std::string(name) + ":3000");
    CHECK(f.relay_name == name);
    CHECK(f.bindings[0].host_port == 3000);
  }
}

TEST_CASE("option -R errors name -R and the field (CommandLineBadRemoteForwardTest)") {
  auto port = error_of(parse_remote_forward_legacy("foobar:70000"));
  CHECK(port.find("-R") != std::string::npos);
  CHECK(port.find("HostPort") != std::string::npos);
  auto relay = error_of(parse_remote_forward_legacy("foo^^^bar:80"));
  CHECK(relay.find("-R") != std::string::npos);
  CHECK(relay.find("RelayName") != std::string::npos);
  auto host = error_of(parse_remote_forward_legacy("foobar:foo^^^bar:80"));
  CHECK(host.find("-R") != std::string::npos);
  CHECK(host.find("Host") != std::string::npos);
  CHECK(error_of(parse_remote_forward_legacy("r:h:p/q/1")) == "Invalid -R expression: 'r:h:p/q/1'");
}

TEST_CASE("option -H scheme/host with default ports, explicit port, path with trailing slash") {
  auto https = H("foo5:https/service.example.com");
  CHECK(https.relay_name == "foo5");
  CHECK(https.is_http());
  REQUIRE(https.bindings.size() == 1);
  CHECK(https.bindings[0].host == "service.example.com");
  CHECK(https.bindings[0].host_port == 443);
  CHECK(https.bindings[0].port_name == "https");
  CHECK(https.bindings[0].http);
  CHECK(https.bindings[0].path.empty());

  auto port = H("bar5:http/service.example.com:81");
  CHECK(port.bindings[0].host_port == 81);
  CHECK(port.bindings[0].port_name == "http");

  CHECK(H("baz5:http/service.example.com").bindings[0].host_port == 80);

  auto path = H("abc/def:http/service.example.com/foo");
  CHECK(path.relay_name == "abc/def");
  CHECK(path.bindings[0].path == "/foo/");
  CHECK(H("r:http/h/a/b").bindings[0].path == "/a/b/");

  auto two = H("ghi/jkl:http/service1.example.com/foo;http/service2.example.com/foo");
  REQUIRE(two.bindings.size() == 2);
  CHECK(two.bindings[0].host == "service1.example.com");
  CHECK(two.bindings[1].host == "service2.example.com");
  CHECK(two.bindings[1].path == "/foo/");
  CHECK(two.bindings[1].host_port == 80);
}

TEST_CASE("option -H README quirk: the token after the scheme is always the host") {
  auto f = H("latavola:https/443");
  CHECK(f.bindings[0].host == "443");
  CHECK(f.bindings[0].host_port == 443);
  CHECK(H("latavola:https/localhost:443").bindings[0].host == "localhost");
}

TEST_CASE("option -H errors") {
  CHECK(error_of(parse_remote_http_forward("r:ftp/host")) ==
        "Invalid -H expression. Must use 'http/' or 'https/' port name: 'r:ftp/host'");
  CHECK(error_of(parse_remote_http_forward("r:http")) == "Invalid -H expression: 'r:http'");
  CHECK(error_of(parse_remote_http_forward("r:http/")) == "Invalid -H expression: 'r:http/'");
  CHECK(error_of(parse_remote_http_forward("nocolon")) == "Invalid -H expression: 'nocolon'");
  CHECK(error_of(parse_remote_http_forward("r:http/h:x")) == "Invalid -H 'port' expression: 'r:http/h:x'");
  CHECK(error_of(parse_remote_http_forward("r:http/h:70000")).find("HostPort") != std::string::npos);
  CHECK(error_of(parse_remote_http_forward("r:http/h:-80")).find("TCP") != std::string::npos);
  CHECK(error_of(parse_remote_http_forward("r:http/h^h")).find("Host") != std::string::npos);
}
