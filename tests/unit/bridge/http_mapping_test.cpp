// HTTP mode path mapping (azbridge-compat.md §4.5) and the header rules.
#include "azbridge/bridge/http_mapping.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::bridge;

TEST_CASE("http mapping: the relay name prefix is removed and the rest goes below the base path", "[http]") {
  auto o = make_http_origin("http", "127.0.0.1", 8080, "");
  REQUIRE(o);
  CHECK(o->base_path == "/");
  struct c {
    const char* in;
    const char* out;
  };
  for (auto [in, out] : {c{"/web/index.html", "/index.html"}, c{"/web", "/"}, c{"/web/", "/"},
                         c{"/web?x=1&y=%20", "/?x=1&y=%20"}, c{"/web/a/b?c", "/a/b?c"},
                         c{"/WEB/a", "/a"},                         // the relay path compares case-insensitively
                         c{"/web/a%2Fb", "/a%2Fb"},                 // encoding kept (azbridge decoded it)
                         c{"/webx/a", "/webx/a"},                   // not the relay's segment
                         c{"/other/a", "/other/a"}}) {
    INFO(in);
    auto t = map_http_target("web", *o, in);
    REQUIRE(t);
    CHECK(t->target == out);
    CHECK(t->host_header == "127.0.0.1:8080");
  }
}

TEST_CASE("http mapping: a base path from -H relay:http/host/p1/p2", "[http]") {
  auto o = make_http_origin("https", "example.com", 443, "/p1/p2");
  REQUIRE(o);
  CHECK(o->base_path == "/p1/p2/");
  auto t = map_http_target("api", *o, "/api/v1/items?id=3");
  REQUIRE(t);
  CHECK(t->target == "/p1/p2/v1/items?id=3");
  CHECK(t->host_header == "example.com");
  CHECK(t->url == "https://example.com/p1/p2/v1/items?id=3");
  auto root = map_http_target("api", *o, "/api");
  REQUIRE(root);
  CHECK(root->target == "/p1/p2/");
  auto dots = map_http_target("api", *o, "/api/../../etc");
  REQUIRE(dots);
  CHECK(dots->target == "/etc");  // RFC 3986 resolution, as .NET's Uri does
}

TEST_CASE("http mapping: IPv6 hosts and scheme checks", "[http]") {
  auto o = make_http_origin("http", "::1", 8080, "/");
  REQUIRE(o);
  auto t = map_http_target("r", *o, "/r/x");
  REQUIRE(t);
  CHECK(t->host_header == "[::1]:8080");
  CHECK(t->url == "http://[::1]:8080/x");
  CHECK_FALSE(make_http_origin("ftp", "h", 21, ""));
  CHECK_FALSE(make_http_origin("http", "", 80, ""));
  auto d = make_http_origin("https", "h", 0, "");
  REQUIRE(d);
  CHECK(d->port == 443);
}

TEST_CASE("http mapping: a first segment with ':' stays a path", "[http]") {
  auto o = make_http_origin("http", "h", 80, "/base/");
  REQUIRE(o);
  auto t = map_http_target("r", *o, "/r/a:b/c");
  REQUIRE(t);
  CHECK(t->target == "/base/a:b/c");
}

TEST_CASE("http headers: hop-by-hop ones are not copied, content headers are", "[http]") {
  for (auto h : {"Connection", "keep-alive", "Transfer-Encoding", "TE", "Trailer", "Upgrade", "Content-Length", "Host",
                 "Proxy-Authorization"}) {
    INFO(h);
    CHECK(is_hop_by_hop_header(h));
  }
  for (auto h : {"Content-Type", "Content-Encoding", "Set-Cookie", "Authorization", "Accept", "X-Custom"}) {
    INFO(h);
    CHECK_FALSE(is_hop_by_hop_header(h));
  }
}
