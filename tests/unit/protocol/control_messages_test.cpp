// Control-channel JSON messages: exact field names on encode, tolerant decode, golden protocol-doc examples.
#include "azbridge/protocol/control_messages.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::protocol;

namespace {
template <class T, class V>
T as(const V& v) {  // by value: callers bind results of temporaries (not named get: ADL finds std::get)
  REQUIRE(std::holds_alternative<T>(v));
  return std::get<T>(v);
}
listener_command command_ok(std::string_view json) {
  auto r = decode_listener_command(json);
  INFO(json);
  if (!r) INFO(r.error());
  REQUIRE(r.has_value());
  return *r;
}
listener_reply reply_ok(std::string_view json) {
  auto r = decode_listener_reply(json);
  INFO(json);
  if (!r) INFO(r.error());
  REQUIRE(r.has_value());
  return *r;
}
}  // namespace

TEST_CASE("control: the protocol doc's accept example decodes", "[control_messages]") {
  const auto cmd = command_ok(R"({"accept":{
    "address":"wss://g63-prod-xxx-001-sb.servicebus.windows.net:443/$hc/hc1/suffix?foo=bar&sb-hc-action=accept&sb-hc-id=GUID_G0_G1",
    "id":"GUID_G0_G1",
    "connectHeaders":{"Sec-WebSocket-Key":"dGhlIHNhbXBsZSBub25jZQ==","Sec-WebSocket-Version":"13",
                      "Sec-WebSocket-Protocol":"wssubprotocol","Connection":"Upgrade","Upgrade":"websocket",
                      "Host":"contoso.servicebus.windows.net:443"},
    "remoteEndpoint":{"address":"10.0.0.1","port":1234}}})");
  const auto& a = as<accept_command>(cmd);
  CHECK(a.address ==
        "wss://g63-prod-xxx-001-sb.servicebus.windows.net:443/$hc/hc1/suffix?foo=bar&sb-hc-action=accept&sb-hc-id=GUID_G0_G1");
  CHECK(a.id == "GUID_G0_G1");
  REQUIRE(a.connect_headers.size() == 6);
  CHECK(a.connect_headers[0] == std::pair<std::string, std::string>{"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="});
  REQUIRE(find_header(a.connect_headers, "sec-websocket-protocol") != nullptr);
  CHECK(*find_header(a.connect_headers, "sec-websocket-protocol") == "wssubprotocol");
  CHECK(find_header(a.connect_headers, "Authorization") == nullptr);
  REQUIRE(a.remote.has_value());
  CHECK(a.remote->address == "10.0.0.1");
  CHECK(a.remote->port == 1234);
}

TEST_CASE("control: the protocol doc's request example decodes", "[control_messages]") {
  const auto cmd = command_ok(R"({"request":{
    "address":"wss://dc-node.servicebus.windows.net:443/$hc/hc1?sb-hc-action=request&sb-hc-id=42",
    "id":"42c34cb5-7a04-4d40-a19f-bdc66441e736_G10",
    "requestTarget":"/hc1/abc/def?myarg=value",
    "method":"GET",
    "remoteEndpoint":{"address":"10.0.0.1","port":1234},
    "requestHeaders":{"Content-Type":"text/plain","User-Agent":"curl/8"},
    "body":true}})");
  const auto& r = as<request_command>(cmd);
  CHECK(r.id == "42c34cb5-7a04-4d40-a19f-bdc66441e736_G10");
  CHECK(r.request_target == "/hc1/abc/def?myarg=value");
  CHECK(r.method == "GET");
  CHECK(r.body == true);
  CHECK_FALSE(r.needs_rendezvous());
  CHECK(r.request_headers.size() == 2);
  CHECK(r.remote->port == 1234);
}

TEST_CASE("control: an address-only request means rendezvous", "[control_messages]") {
  const auto& r = as<request_command>(command_ok(R"({"request":{"address":"wss://x/$hc/hc1?sb-hc-action=request","id":"7"}})"));
  CHECK(r.needs_rendezvous());
  CHECK_FALSE(r.body.has_value());
  CHECK_FALSE(r.request_target.has_value());
  // On a rendezvous the service may leave the address out.
  CHECK(as<request_command>(command_ok(R"({"request":{"id":"8","method":"POST","body":false}})")).address.empty());
}

TEST_CASE("control: the protocol doc's response example and its statusCode variants", "[control_messages]") {
  const auto& r = as<response_command>(reply_ok(
      R"({"response":{"requestId":"42c34cb5","statusCode":200,"statusDescription":"OK",)"
      R"("responseHeaders":{"Content-Type":"application/json"},"body":true}})"));
  CHECK(r.request_id == "42c34cb5");
  CHECK(r.status_code == 200);
  CHECK(r.status_description == "OK");
  CHECK(r.body);
  REQUIRE(r.response_headers.size() == 1);
  CHECK(r.response_headers[0].second == "application/json");

  // The doc shows a string; Java omits responseHeaders and orders fields differently.
  const auto& s = as<response_command>(reply_ok(R"({"response":{"requestId":"1","body":false,"statusCode":"404"}})"));
  CHECK(s.status_code == 404);
  CHECK(s.response_headers.empty());
  CHECK(s.status_description.empty());
  CHECK(as<response_command>(reply_ok(R"({"response":{"requestId":"1","statusCode":201.0}})")).status_code == 201);
}

TEST_CASE("control: renewToken decodes", "[control_messages]") {
  const auto& t = as<renew_token_command>(
      reply_ok(R"({"renewToken":{"token":"SharedAccessSignature sr=a&sig=b&se=1&skn=c"}})"));
  CHECK(t.token == "SharedAccessSignature sr=a&sig=b&se=1&skn=c");
}

TEST_CASE("control: tolerant decoding", "[control_messages]") {
  // Unknown fields ignored; non-string header values skipped; a malformed remoteEndpoint dropped; null = absent.
  const auto& a = as<accept_command>(command_ok(
      R"({"accept":{"address":"wss://a","id":"x","extra":[1,2],"connectHeaders":{"A":"1","B":2,"C":null,"D":"4"},)"
      R"("remoteEndpoint":{"address":"10.0.0.1","port":"99999"}}})"));
  CHECK(a.connect_headers.size() == 2);
  CHECK_FALSE(a.remote.has_value());
  CHECK(as<accept_command>(command_ok(R"({"accept":{"address":"wss://a","remoteEndpoint":{"address":"h","port":"80"}}})")).remote->port == 80);
  CHECK(as<request_command>(command_ok(R"({"request":{"id":"1","body":null,"method":null}})")).needs_rendezvous());
  CHECK(as<response_command>(reply_ok(R"({"response":{"requestId":"1","statusCode":" 302 ","responseHeaders":null}})")).status_code == 302);
}

TEST_CASE("control: failures never throw and say why", "[control_messages]") {
  const auto cmd_fails = [](std::string_view json, std::string_view starts) {
    const auto r = decode_listener_command(json);
    INFO(json);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().rfind(starts, 0) == 0);
  };
  cmd_fails(R"({"injectFault":{"delay":"00:01:00"}})", "unknown command");
  cmd_fails(R"({})", "unknown command");
  cmd_fails(R"({"response":{"requestId":"1","statusCode":200}})", "unknown command");
  cmd_fails("not json", "control message is not valid JSON");
  cmd_fails("[1,2]", "control message is not a JSON object");
  cmd_fails(R"({"accept":5})", "malformed accept message");
  cmd_fails(R"({"accept":{"id":"x"}})", "malformed accept message");
  cmd_fails(R"({"accept":{"address":5}})", "malformed accept message");
  cmd_fails(R"({"accept":{"address":"a","connectHeaders":[]}})", "malformed accept message");
  cmd_fails(R"({"request":{"address":"a"}})", "malformed request message");
  cmd_fails(R"({"request":{"id":"1","body":"yes"}})", "malformed request message");
  cmd_fails(std::string(100, '[') + std::string(100, ']'), "control message is not valid JSON");

  const auto reply_fails = [](std::string_view json, std::string_view starts) {
    const auto r = decode_listener_reply(json);
    INFO(json);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().rfind(starts, 0) == 0);
  };
  reply_fails(R"({"accept":{"address":"a"}})", "unknown command");
  reply_fails(R"({"response":{"requestId":"1"}})", "malformed response message");
  reply_fails(R"({"response":{"statusCode":200}})", "malformed response message");
  reply_fails(R"({"response":{"requestId":"1","statusCode":"2OO"}})", "malformed response message");
  reply_fails(R"({"response":{"requestId":"1","statusCode":99}})", "malformed response message");
  reply_fails(R"({"response":{"requestId":"1","statusCode":200.5}})", "malformed response message");
  reply_fails(R"({"response":{"requestId":"1","statusCode":1e300}})", "malformed response message");
  reply_fails(R"({"renewToken":{}})", "malformed renewToken message");
  reply_fails(R"({"renewToken":{"token":7}})", "malformed renewToken message");
}

TEST_CASE("control: encode uses the protocol's exact field names", "[control_messages]") {
  accept_command a;
  a.address = "wss://relay:443/$hc/hc1?sb-hc-action=accept&sb-hc-id=1";
  a.id = "1";
  a.connect_headers = {{"Sec-WebSocket-Key", "k=="}, {"Sec-WebSocket-Version", "13"}};
  a.remote = remote_endpoint{"127.0.0.1", 5000};
  CHECK(encode(a) ==
        R"({"accept":{"address":"wss://relay:443/$hc/hc1?sb-hc-action=accept&sb-hc-id=1","id":"1",)"
        R"("connectHeaders":{"Sec-WebSocket-Key":"k==","Sec-WebSocket-Version":"13"},)"
        R"("remoteEndpoint":{"address":"127.0.0.1","port":5000}}})");

  request_command full;
  full.address = "wss://relay/$hc/hc1?sb-hc-action=request&sb-hc-id=2";
  full.id = "2";
  full.request_target = "/hc1/x?y=1";
  full.method = "POST";
  full.request_headers = {{"Content-Type", "text/plain"}};
  full.body = true;
  CHECK(encode(full) ==
        R"({"request":{"address":"wss://relay/$hc/hc1?sb-hc-action=request&sb-hc-id=2","id":"2",)"
        R"("requestTarget":"/hc1/x?y=1","method":"POST","requestHeaders":{"Content-Type":"text/plain"},"body":true}})");

  request_command rendezvous;
  rendezvous.address = "wss://relay/$hc/hc1?sb-hc-action=request&sb-hc-id=3";
  rendezvous.id = "3";
  CHECK(encode(rendezvous) == R"({"request":{"address":"wss://relay/$hc/hc1?sb-hc-action=request&sb-hc-id=3","id":"3"}})");

  response_command r;
  r.request_id = "2";
  r.status_code = 404;
  r.status_description = "Not Found";
  CHECK(encode(r) ==
        R"({"response":{"requestId":"2","statusCode":404,"statusDescription":"Not Found","responseHeaders":{},"body":false}})");

  CHECK(encode(renew_token_command{"SharedAccessSignature sr=a&sig=b\"c"}) ==
        R"({"renewToken":{"token":"SharedAccessSignature sr=a&sig=b\"c"}})");
}

TEST_CASE("control: repeated headers are joined, and everything round-trips", "[control_messages]") {
  response_command r;
  r.request_id = "9";
  r.status_code = 200;
  r.response_headers = {{"X-A", "1"}, {"x-a", "2"}, {"X-B", "ü"}};
  r.body = true;
  const auto& back = as<response_command>(reply_ok(encode(r)));
  REQUIRE(back.response_headers.size() == 2);
  CHECK(back.response_headers[0] == std::pair<std::string, std::string>{"X-A", "1, 2"});
  CHECK(back.response_headers[1].second == "ü");
  CHECK(back.body);

  request_command q;
  q.address = "a";
  q.id = "i";
  q.method = "GET";
  q.remote = remote_endpoint{"::1", 1};
  const auto& qb = as<request_command>(command_ok(encode(q)));
  CHECK(qb.method == "GET");
  CHECK(qb.remote->address == "::1");
  CHECK_FALSE(qb.body.has_value());
}
