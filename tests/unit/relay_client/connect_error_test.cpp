#include "azbridge/relay_client/connect_error.hpp"

#include <catch2/catch.hpp>

using namespace azbridge;
using namespace azbridge::relay_client;

namespace {

net::ws_connect_result declined(unsigned status, std::string reason) {
  net::ws_connect_result r;
  r.ec = net::websocket::error::upgrade_declined;
  r.response.result(status);
  r.response.reason(reason);
  return r;
}

}  // namespace

TEST_CASE("404 distinguishes an unknown hybrid connection from a missing listener") {
  auto missing = describe_connect_failure(
      declined(404, "Endpoint does not exist. TrackingId:1, SystemTracker:sb://h/x, Timestamp:t"), "send to", "x",
      "h:443");
  CHECK(missing.what == connect_error::kind::no_such_entity);
  CHECK(missing.http_status == 404);
  CHECK_FALSE(missing.transient());
  CHECK(missing.message.find("does not exist") != std::string::npos);
  CHECK(missing.message.find("Endpoint does not exist. TrackingId:1") != std::string::npos);

  auto idle = describe_connect_failure(
      declined(404, "There are no listeners connected for the endpoint. TrackingId:2"), "send to", "x", "h:443");
  CHECK(idle.what == connect_error::kind::no_listener);
  CHECK(idle.transient());
  CHECK(idle.message.find("no listener is connected to hybrid connection 'x'") != std::string::npos);
}

TEST_CASE("401 and 403 name the credential problem and quote the relay") {
  auto e401 = describe_connect_failure(declined(401, "The token has an invalid signature."), "send to", "db", "h:1");
  CHECK(e401.what == connect_error::kind::unauthorized);
  CHECK(e401.message.find("401 The token has an invalid signature.") != std::string::npos);
  auto e403 = describe_connect_failure(declined(403, "Unauthorized access for 'Send'"), "send to", "db", "h:1");
  CHECK(e403.what == connect_error::kind::forbidden);
  CHECK(e403.message.find("Send right") != std::string::npos);
  auto l403 = describe_connect_failure(declined(403, "x"), "listen on", "db", "h:1");
  CHECK(l403.message.find("Listen right") != std::string::npos);
}

TEST_CASE("other statuses, timeouts and network errors") {
  auto rej = describe_connect_failure(declined(400, "Rejected by user code"), "send to", "db", "h:1");
  CHECK(rej.what == connect_error::kind::rejected);
  CHECK(rej.message.find("400 Rejected by user code") != std::string::npos);
  CHECK(describe_connect_failure(declined(503, ""), "send to", "db", "h:1").transient());

  net::ws_connect_result t;
  t.ec = boost::beast::error::timeout;
  CHECK(describe_connect_failure(t, "send to", "db", "h:1").what == connect_error::kind::timeout);
  net::ws_connect_result n;
  n.ec = net::asio::error::connection_refused;
  auto ne = describe_connect_failure(n, "send to", "db", "h:1");
  CHECK(ne.what == connect_error::kind::network);
  CHECK(ne.transient());
  CHECK(ne.message.find("h:1") != std::string::npos);

  net::ws_connect_result ok;
  CHECK_FALSE(describe_connect_failure(ok, "send to", "db", "h:1"));
}
