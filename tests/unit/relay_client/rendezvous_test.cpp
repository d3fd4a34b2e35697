#include "azbridge/relay_client/rendezvous.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::relay_client;

TEST_CASE("rejection URL appends sb-hc-statusCode and an encoded description") {
  const std::string address =
      "wss://g63-prod-xxx-001-sb.servicebus.windows.net:443/$hc/hc1/suffix?foo=bar&sb-hc-action=accept&sb-hc-id=GUID_G0_G1";
  CHECK(make_reject_url(address, 403, "No") == address + "&sb-hc-statusCode=403&sb-hc-statusDescription=No");
  CHECK(make_reject_url(address, 400, "Rejected by user code") ==
        address + "&sb-hc-statusCode=400&sb-hc-statusDescription=Rejected%20by%20user%20code");
  CHECK(make_reject_url(address, 401, "a&b=c/d?é") ==
        address + "&sb-hc-statusCode=401&sb-hc-statusDescription=a%26b%3Dc%2Fd%3F%C3%A9");
}

TEST_CASE("rejection URL starts a query when the address has none") {
  CHECK(make_reject_url("wss://h/$hc/x", 500, "x-y_z.~") ==
        "wss://h/$hc/x?sb-hc-statusCode=500&sb-hc-statusDescription=x-y_z.~");
  CHECK(make_reject_url("wss://h/$hc/x?", 500, "") == "wss://h/$hc/x?sb-hc-statusCode=500&sb-hc-statusDescription=");
}

TEST_CASE("the first offered subprotocol is echoed (ws 1.x and .NET list styles)") {
  using azbridge::protocol::header_list;
  CHECK(choose_subprotocol(header_list{{"Sec-WebSocket-Key", "k"}}) == std::nullopt);
  CHECK(choose_subprotocol(header_list{{"Sec-WebSocket-Protocol", "proto1,proto2"}}) == "proto1");
  CHECK(choose_subprotocol(header_list{{"sec-websocket-protocol", " a , b"}}) == "a");
  CHECK(choose_subprotocol(header_list{{"Sec-WebSocket-Protocol", " , b"}}) == "b");
  CHECK(choose_subprotocol(header_list{{"Sec-WebSocket-Protocol", ""}}) == std::nullopt);
}

TEST_CASE("responses: control channel up to 64 KiB, else rendezvous") {
  CHECK(choose_response_route(false, 200, 0) == response_route::control_channel);
  CHECK(choose_response_route(false, 200, 65536) == response_route::control_channel);
  CHECK(choose_response_route(false, 200, 65537) == response_route::rendezvous);
  CHECK(choose_response_route(false, 65536, 10) == response_route::rendezvous);
  // A request that came over a rendezvous is answered there, whatever the size.
  CHECK(choose_response_route(true, 200, 0) == response_route::rendezvous);
}
