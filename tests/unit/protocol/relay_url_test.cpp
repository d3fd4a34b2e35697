// Hybrid Connections addressing: client URLs, the resource URI to sign, query filtering, server-side targets.
#include "azbridge/protocol/relay_url.hpp"

#include <catch2/catch.hpp>


using namespace azbridge::protocol;

namespace {
// GUID "D" format, version 4, RFC 4122 variant: xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx, lower-case hex.
bool is_v4_guid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return s[14] == '4' && std::string_view("89ab").find(s[19]) != std::string_view::npos;
}

constexpr std::string_view id = "0f8fad5b-d9cb-469f-a165-70867728950e";

std::string url(std::string_view endpoint, std::string_view path, hc_action a, std::string_view query = {}) {
  auto r = make_relay_url(endpoint, path, a, id, query);
  INFO(endpoint);
  REQUIRE(r.has_value());
  return *r;
}
}  // namespace

TEST_CASE("relay url: sb:// endpoints become wss URLs like HybridConnectionUtility.BuildUri", "[relay_url]") {
  CHECK(url("sb://contoso.servicebus.windows.net/", "hc1", hc_action::listen) ==
        "wss://contoso.servicebus.windows.net/$hc/hc1?sb-hc-action=listen&sb-hc-id=0f8fad5b-d9cb-469f-a165-70867728950e");
  CHECK(url("sb://contoso.servicebus.windows.net", "hc1", hc_action::connect) ==
        "wss://contoso.servicebus.windows.net/$hc/hc1?sb-hc-action=connect&sb-hc-id=0f8fad5b-d9cb-469f-a165-70867728950e");
  CHECK(url("sb://Contoso.servicebus.windows.net:9443/", "a/b", hc_action::connect) ==
        "wss://contoso.servicebus.windows.net:9443/$hc/a/b?sb-hc-action=connect&sb-hc-id=0f8fad5b-d9cb-469f-a165-70867728950e");
  CHECK(url("SB://127.0.0.1:9555/", "db", hc_action::listen).rfind("wss://127.0.0.1:9555/$hc/db?sb-hc-action=listen&", 0) == 0);
}

TEST_CASE("relay url: ws:// endpoints (relay without TLS) stay plain", "[relay_url]") {
  CHECK(url("ws://localhost:9555", "hc1", hc_action::listen) ==
        "ws://localhost:9555/$hc/hc1?sb-hc-action=listen&sb-hc-id=0f8fad5b-d9cb-469f-a165-70867728950e");
  CHECK(url("ws://[::1]:9555/", "hc1", hc_action::accept).rfind("ws://[::1]:9555/$hc/hc1?sb-hc-action=accept&", 0) == 0);
}

TEST_CASE("relay url: app query, suffixes and escaping", "[relay_url]") {
  CHECK(url("sb://ns/", "hc1/suffix", hc_action::connect, "?foo=bar&x") ==
        "wss://ns/$hc/hc1/suffix?foo=bar&x&sb-hc-action=connect&sb-hc-id=0f8fad5b-d9cb-469f-a165-70867728950e");
  CHECK(url("sb://ns/", "a b/c%2Fd", hc_action::connect, "").find("/$hc/a%20b/c%2Fd?sb-hc-action=connect") != std::string::npos);
  CHECK(url("sb://ns/prefix/", "db", hc_action::listen).find("wss://ns/$hc/prefix/db?") == 0);  // relative resolution
  CHECK(url("sb://ns/prefix", "db", hc_action::listen).find("wss://ns/$hc/db?") == 0);
  CHECK(make_relay_url("sb://ns/", "hc", hc_action::request, "a&b=c")->find("sb-hc-id=a%26b%3Dc") != std::string::npos);
}

TEST_CASE("relay url: bad endpoints fail with a reason", "[relay_url]") {
  for (const char* bad : {"https://ns/", "ns.servicebus.windows.net", "", "sb:///path", "sb:relative", "total^^^garbage",
                          "sb://ns:t", "sb://ns:9443x/"}) {  // Boost 1.81 takes ":t" for an empty port and a path "t"
    INFO(bad);
    const auto r = make_relay_url(bad, "hc", hc_action::listen, id);
    REQUIRE_FALSE(r.has_value());
    CHECK_FALSE(r.error().empty());
    CHECK_FALSE(make_resource_uri(bad, "hc").has_value());
  }
}

TEST_CASE("relay url: resource URI to sign", "[relay_url]") {
  CHECK(*make_resource_uri("sb://ns.servicebus.windows.net/", "db") == "sb://ns.servicebus.windows.net/db");
  CHECK(*make_resource_uri("sb://ns.servicebus.windows.net", "db") == "sb://ns.servicebus.windows.net/db");
  CHECK(*make_resource_uri("ws://127.0.0.1:9555/", "a/b") == "sb://127.0.0.1:9555/a/b");
}

TEST_CASE("relay url: tracking ids are random GUIDs in D format", "[relay_url]") {
  const std::string a = make_tracking_id();
  const std::string b = make_tracking_id();
  CHECK(is_v4_guid(a));
  CHECK(is_v4_guid(b));
  CHECK(a != b);
  CHECK_FALSE(is_v4_guid("0f8fad5b-d9cb-369f-a165-70867728950e"));  // the checker itself rejects other versions
}

TEST_CASE("relay url: action names", "[relay_url]") {
  CHECK(to_string(hc_action::listen) == "listen");
  CHECK(to_string(hc_action::connect) == "connect");
  CHECK(to_string(hc_action::accept) == "accept");
  CHECK(to_string(hc_action::request) == "request");
}

TEST_CASE("relay url: filter_hc_query, golden cases of HybridRequestTests.QueryString", "[relay_url]") {
  CHECK(filter_hc_query("sb-hc-id=1&custom=value") == "custom=value");
  CHECK(filter_hc_query("sb-hc-whatever=") == "");
  CHECK(filter_hc_query("sb-hc-undefined") == "sb-hc-undefined");
  CHECK(filter_hc_query("a=1&a=2&") == "a=1&a=2&");
  CHECK(filter_hc_query("%2f%3a%3d%26") == "%2f%3a%3d%26");
}

TEST_CASE("relay url: filter_hc_query details", "[relay_url]") {
  CHECK(filter_hc_query("") == "");
  CHECK(filter_hc_query("?x=1&SB-HC-Token=abc&y") == "x=1&y");
  CHECK(filter_hc_query("sb%2Dhc-id=1&k=v") == "k=v");  // the key is compared decoded, as .NET does
  CHECK(filter_hc_query("a=1&&b=2") == "a=1&&b=2");
  CHECK(filter_hc_query("statusCode=401&x=sb-hc-id=1") == "statusCode=401&x=sb-hc-id=1");
}

TEST_CASE("relay url: parse_hc_target for a sender connect", "[relay_url]") {
  const auto t = parse_hc_target(
      "/$hc/hc1/suffix?foo=bar&sb-hc-action=connect&sb-hc-id=abc%2D1&sb-hc-token=SharedAccessSignature+sr%3Dx%26se%3D1");
  REQUIRE(t.has_value());
  CHECK(t->path == "hc1/suffix");
  CHECK(t->action == hc_action::connect);
  CHECK(t->raw_action == "connect");
  CHECK(t->id == "abc-1");
  CHECK(t->token == "SharedAccessSignature sr=x&se=1");
  CHECK(t->app_query == "foo=bar");
  CHECK_FALSE(t->status_code.has_value());
}

TEST_CASE("relay url: parse_hc_target for rejections (sb-hc- and node spellings)", "[relay_url]") {
  const auto dotnet = parse_hc_target(
      "/$hc/hc1?sb-hc-action=accept&sb-hc-id=x&sb-hc-statusCode=403&sb-hc-statusDescription=Not+now%21");
  REQUIRE(dotnet.has_value());
  CHECK(dotnet->action == hc_action::accept);
  CHECK(dotnet->status_code == 403);
  CHECK(dotnet->status_description == "Not now!");
  const auto node = parse_hc_target("/$hc/hc1?sb-hc-action=accept&sb-hc-id=x&statusCode=401&statusDescription=Unauthorized");
  REQUIRE(node.has_value());
  CHECK(node->status_code == 401);
  CHECK(node->status_description == "Unauthorized");
  CHECK_FALSE(parse_hc_target("/$hc/hc1?sb-hc-statusCode=4x3")->status_code.has_value());
}

TEST_CASE("relay url: parse_hc_target edge cases", "[relay_url]") {
  const auto unknown = parse_hc_target("/$hc/a%2Fb/?sb-hc-action=dance");
  REQUIRE(unknown.has_value());
  CHECK(unknown->path == "a/b");
  CHECK_FALSE(unknown->action.has_value());
  CHECK(unknown->raw_action == "dance");
  const auto none = parse_hc_target("/$HC/hc1#frag");
  REQUIRE(none.has_value());
  CHECK(none->path == "hc1");
  CHECK_FALSE(none->action.has_value());
  CHECK(parse_hc_target("/$hc/hc1?sb-hc-action=listen&sb-hc-action=connect")->action == hc_action::listen);
  for (const char* bad : {"", "/", "/hc1", "/$hc", "/$hc/", "/$hc//", "/$hcx/a", "$hc/a", "http://ns/$hc/a"}) {
    INFO(bad);
    CHECK_FALSE(parse_hc_target(bad).has_value());
  }
}

TEST_CASE("relay url: parse_http_target", "[relay_url]") {
  const auto t = parse_http_target("/hc1/sub/path?a=1&sb-hc-token=tok%20x&sb-hc-id=5&b");
  REQUIRE(t.has_value());
  CHECK(t->path == "hc1/sub/path");
  CHECK(t->token == "tok x");
  CHECK(t->filtered_target == "/hc1/sub/path?a=1&b");
  CHECK(parse_http_target("/hc1?sb-hc-whatever=")->filtered_target == "/hc1");
  CHECK(parse_http_target("/hc1?%2f%3a%3d%26")->filtered_target == "/hc1?%2f%3a%3d%26");
  CHECK(parse_http_target("/a%20b/")->path == "a b/");
  CHECK(parse_http_target("/")->path.empty());
  CHECK_FALSE(parse_http_target("").has_value());
  CHECK_FALSE(parse_http_target("hc1").has_value());
  CHECK_FALSE(parse_http_target("*").has_value());
}
