// The remote forwarder's dispatch: reply bytes as azbridge-compat.md §4.2 lists them (written out here,
// not computed with the code under test).
#include "azbridge/bridge/port_dispatch.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace azbridge;
using namespace azbridge::bridge;
using protocol::preamble::mode;
using reply = std::array<std::uint8_t, 3>;

namespace {

config::remote_forward_binding tcp(std::string name, int port) {
  config::remote_forward_binding b;
  b.host = "localhost";
  b.host_port = port;
  b.port_name = std::move(name);
  return b;
}

config::remote_forward forward(std::vector<config::remote_forward_binding> bindings) {
  config::remote_forward f;
  f.relay_name = "relay";
  f.origin = "-T test";
  f.bindings = std::move(bindings);
  return f;
}

}  // namespace

TEST_CASE("port_dispatch: exact, case-sensitive port names", "[port_dispatch]") {
  auto udp = tcp("dns", -53);
  auto table = port_dispatch::build(forward({tcp("ssh", 22), tcp("web", 80), udp}));
  REQUIRE(table);
  auto d = table->decide(mode::stream, "web");
  CHECK(d.reply == reply{0x01, 0x00, 0x00});
  CHECK(d.binding == 1u);
  CHECK(d.refusal.empty());

  auto u = table->decide(mode::datagram, "dns");
  CHECK(u.reply == reply{0x01, 0x00, 0x01});
  CHECK(u.binding == 2u);

  auto unknown = table->decide(mode::stream, "WEB");
  CHECK_FALSE(unknown.reply);  // azbridge closes without a reply
  CHECK_FALSE(unknown.binding);
  CHECK(unknown.refusal.find("unknown port name 'WEB'") != std::string::npos);
  CHECK(unknown.refusal.find("ssh, web, dns") != std::string::npos);

  // A numeric name only falls back when there is exactly one forwarder.
  CHECK_FALSE(table->decide(mode::stream, "22").reply);
}

TEST_CASE("port_dispatch: mode mismatches get 00 00 01 and 00 00 FF", "[port_dispatch]") {
  auto table = port_dispatch::build(forward({tcp("ssh", 22), tcp("dns", -53)}));
  REQUIRE(table);
  auto stream_to_udp = table->decide(mode::stream, "dns");
  CHECK(stream_to_udp.reply == reply{0x00, 0x00, 0x01});
  CHECK_FALSE(stream_to_udp.binding);
  auto udp_to_stream = table->decide(mode::datagram, "ssh");
  CHECK(udp_to_stream.reply == reply{0x00, 0x00, 0xFF});
  CHECK_FALSE(udp_to_stream.binding);
  CHECK(port_dispatch::version_not_understood().reply == reply{0x00, 0x00, 0x00});
}

TEST_CASE("port_dispatch: a single forwarder takes any numeric port name (PR #55)", "[port_dispatch]") {
  auto table = port_dispatch::build(forward({tcp("3000", 3000)}));
  REQUIRE(table);
  CHECK(table->decide(mode::stream, "3001").binding == 0u);
  CHECK(table->decide(mode::stream, " -7 ").binding == 0u);
  CHECK_FALSE(table->decide(mode::stream, "3001U").reply);  // not an int: exact lookup, not found
  CHECK_FALSE(table->decide(mode::stream, "web").reply);
  CHECK(table->decide(mode::stream, "3000").binding == 0u);
}

TEST_CASE("parses_as_int follows int.TryParse", "[port_dispatch]") {
  CHECK(parses_as_int("0"));
  CHECK(parses_as_int("2147483647"));
  CHECK(parses_as_int("-2147483648"));
  CHECK(parses_as_int("+12"));
  CHECK(parses_as_int("\t12 "));
  CHECK_FALSE(parses_as_int("2147483648"));
  CHECK_FALSE(parses_as_int(""));
  CHECK_FALSE(parses_as_int("-"));
  CHECK_FALSE(parses_as_int("12U"));
  CHECK_FALSE(parses_as_int("1 2"));
  CHECK_FALSE(parses_as_int("0x10"));
}

TEST_CASE("port_dispatch: configurations azbridge cannot start are refused with a clear message", "[port_dispatch]") {
  auto dup = port_dispatch::build(forward({tcp("web", 80), tcp("web", 8080)}));
  REQUIRE_FALSE(dup);
  CHECK(dup.error().find("two bindings with the port name 'web'") != std::string::npos);

  config::remote_forward_binding sock;
  sock.local_socket = "/run/app.sock";
  auto unnamed = port_dispatch::build(forward({sock}));
  REQUIRE_FALSE(unnamed);
  CHECK(unnamed.error().find("needs a PortName") != std::string::npos);

  auto http = tcp("web", 80);
  http.http = true;
  auto bad_http = port_dispatch::build(forward({http}));
  REQUIRE_FALSE(bad_http);
  CHECK(bad_http.error().find("'http' or 'https'") != std::string::npos);
}

TEST_CASE("port_dispatch: HTTP forwarders also take stream connections by scheme name", "[port_dispatch]") {
  auto http = tcp("http", 8080);
  http.http = true;
  auto table = port_dispatch::build(forward({http, tcp("ssh", 22)}));
  REQUIRE(table);
  CHECK(table->decide(mode::stream, "http").binding == 0u);
}
