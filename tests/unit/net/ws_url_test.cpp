#include "azbridge/net/ws_stream.hpp"

#include <catch2/catch.hpp>

using azbridge::net::ws_url;

TEST_CASE("ws_url parses relay schemes with default ports") {
  auto u = ws_url::parse("sb://ns.servicebus.windows.net/");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "ns.servicebus.windows.net");
  CHECK(u->port == "443");
  CHECK(u->target == "/");
  CHECK(u->host_header() == "ns.servicebus.windows.net");

  auto plain = ws_url::parse("ws://127.0.0.1:9000/$hc/db?sb-hc-action=listen&sb-hc-id=1");
  REQUIRE(plain);
  CHECK_FALSE(plain->tls);
  CHECK(plain->port == "9000");
  CHECK(plain->target == "/$hc/db?sb-hc-action=listen&sb-hc-id=1");
  CHECK(plain->host_header() == "127.0.0.1:9000");
}

TEST_CASE("ws_url keeps IPv6 hosts without brackets and rejects other schemes") {
  auto u = ws_url::parse("wss://[::1]:8443/x");
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->host_header() == "[::1]:8443");
  CHECK_FALSE(ws_url::parse("ftp://host/"));
  CHECK_FALSE(ws_url::parse("not a url"));
}
