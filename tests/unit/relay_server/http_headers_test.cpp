#include "azbridge/relay_server/http_headers.hpp"

#include <catch2/catch.hpp>

namespace http = boost::beast::http;
using namespace azbridge::relay_server;
using azbridge::protocol::find_header;
using azbridge::protocol::header_list;

TEST_CASE("headers: hop-by-hop names", "[relay_server][headers]") {
  for (auto name : {"Connection", "keep-alive", "TE", "Trailer", "Transfer-Encoding", "upgrade", "Host",
                    "Content-Length", "Proxy-Authorization", "Close"}) {
    CHECK(is_hop_by_hop(name));
  }
  for (auto name : {"Via", "Content-Type", "User-Agent", "Authorization", "Cookie"}) CHECK_FALSE(is_hop_by_hop(name));
}

TEST_CASE("headers: what a listener sees of an HTTP request", "[relay_server][headers]") {
  http::fields f;
  f.insert("Host", "127.0.0.1:9443");
  f.insert("Connection", "keep-alive, X-Private");
  f.insert("X-Private", "hop");
  f.insert("Content-Length", "5");
  f.insert("Transfer-Encoding", "chunked");
  f.insert("ServiceBusAuthorization", "SharedAccessSignature sr=a&sig=b&se=1&skn=c");
  f.insert("Expect", "100-continue");
  f.insert("Via", "1.1 proxy");
  f.insert("Content-Type", "text/plain");
  f.insert("Accept", "a/b");
  f.insert("accept", "c/d");
  f.insert("Cookie", "a=1");
  f.insert("Cookie", "b=2");
  f.insert("Authorization", "Bearer x");

  auto h = request_headers_for_listener(f, false);
  CHECK_FALSE(find_header(h, "Host"));
  CHECK_FALSE(find_header(h, "Connection"));
  CHECK_FALSE(find_header(h, "X-Private"));
  CHECK_FALSE(find_header(h, "Content-Length"));
  CHECK_FALSE(find_header(h, "Transfer-Encoding"));
  CHECK_FALSE(find_header(h, "ServiceBusAuthorization"));
  CHECK_FALSE(find_header(h, "Expect"));
  REQUIRE(find_header(h, "Via"));
  CHECK(*find_header(h, "Via") == "1.1 proxy");
  CHECK(*find_header(h, "Content-Type") == "text/plain");
  CHECK(*find_header(h, "Accept") == "a/b, c/d");
  CHECK(*find_header(h, "Cookie") == "a=1; b=2");
  REQUIRE(find_header(h, "Authorization"));  // forwarded when it was not the relay token

  auto stripped = request_headers_for_listener(f, true);
  CHECK_FALSE(find_header(stripped, "Authorization"));
}

TEST_CASE("headers: accept.connectHeaders", "[relay_server][headers]") {
  http::fields f;
  f.insert("Host", "127.0.0.1:9443");
  f.insert("Upgrade", "websocket");
  f.insert("Connection", "Upgrade");
  f.insert("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==");
  f.insert("Sec-WebSocket-Version", "13");
  f.insert("Sec-WebSocket-Protocol", "p1,p2");
  f.insert("Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits");
  f.insert("ServiceBusAuthorization", "SharedAccessSignature secret");
  f.insert("X-App", "1");
  auto h = connect_headers_for_listener(f);
  CHECK(*find_header(h, "Sec-WebSocket-Key") == "dGhlIHNhbXBsZSBub25jZQ==");
  CHECK(*find_header(h, "Sec-WebSocket-Version") == "13");
  CHECK(*find_header(h, "Sec-WebSocket-Protocol") == "p1,p2");
  CHECK(*find_header(h, "X-App") == "1");
  CHECK(*find_header(h, "Host") == "127.0.0.1:9443");
  CHECK_FALSE(find_header(h, "Sec-WebSocket-Extensions"));
  CHECK_FALSE(find_header(h, "ServiceBusAuthorization"));
}

TEST_CASE("headers: a listener's response headers", "[relay_server][headers]") {
  header_list from_listener = {{"content-type", "text/plain"},    {"content-length", "99"},
                               {"Transfer-Encoding", "chunked"},   {"Connection", "close, x-hop"},
                               {"x-hop", "1"},                     {"x-app", "ok"},
                               {"x-evil", "a\r\nSet-Cookie: b=1"}, {"Set-Cookie", "s=1"}};
  http::fields out;
  apply_listener_response_headers(out, from_listener);
  CHECK(out["Content-Type"] == "text/plain");
  CHECK(out["x-app"] == "ok");
  CHECK(out["Set-Cookie"] == "s=1");
  CHECK(out.count("Content-Length") == 0);
  CHECK(out.count("Transfer-Encoding") == 0);
  CHECK(out.count("Connection") == 0);
  CHECK(out.count("x-hop") == 0);
  CHECK(out.count("x-evil") == 0);
}

TEST_CASE("headers: Via", "[relay_server][headers]") {
  CHECK(via_value("", "ns.example:9443", 11) == "1.1 ns.example:9443");
  CHECK(via_value("1.0 fred", "relay", 11) == "1.0 fred, 1.1 relay");
  CHECK(via_value("", "relay", 10) == "1.0 relay");
}

TEST_CASE("headers: subprotocol lists from ws 1.x and .NET", "[relay_server][headers]") {
  CHECK(split_token_list("proto1,proto2") == std::vector<std::string>{"proto1", "proto2"});
  CHECK(split_token_list("a, b") == std::vector<std::string>{"a", "b"});
  CHECK(split_token_list(" single ") == std::vector<std::string>{"single"});
  CHECK(split_token_list("").empty());
  CHECK(split_token_list(",,").empty());
}

TEST_CASE("headers: reason phrases, authorities, sizes", "[relay_server][headers]") {
  CHECK(sanitize_reason("bad\r\nline\x01") == "bad  line ");
  CHECK(sanitize_reason("abcdef", 3) == "abc");
  CHECK(is_plain_authority("127.0.0.1:9443"));
  CHECK(is_plain_authority("[::1]:9443"));
  CHECK(is_plain_authority("relay.example.com"));
  CHECK_FALSE(is_plain_authority("evil.com/path"));
  CHECK_FALSE(is_plain_authority("a b"));
  CHECK_FALSE(is_plain_authority(""));
  CHECK(authority_host("127.0.0.1:9443") == "127.0.0.1");
  CHECK(authority_host("[::1]:9443") == "::1");
  CHECK(authority_host("host") == "host");
  CHECK(header_bytes({{"ab", "cd"}, {"e", ""}}) == 4 + 4 + 1 + 4);
}
