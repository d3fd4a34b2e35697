#include "azbridge/bridge/udp_routes.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::bridge;
using namespace std::chrono_literals;
using bytes = std::vector<std::uint8_t>;

TEST_CASE("udp_routes: one route per source, queued until open", "[udp_routes]") {
  udp_routes r;
  auto t0 = udp_routes::clock::time_point{} + 1h;
  auto a1 = r.on_datagram("127.0.0.1:1000", bytes{1}, t0);
  CHECK(a1.what == udp_routes::verdict::opened);
  auto a2 = r.on_datagram("127.0.0.1:1000", bytes{2}, t0);
  CHECK(a2.what == udp_routes::verdict::queued);
  CHECK(a2.id == a1.id);
  auto b1 = r.on_datagram("127.0.0.1:1001", bytes{3}, t0);
  CHECK(b1.what == udp_routes::verdict::opened);
  CHECK(b1.id != a1.id);
  CHECK(r.size() == 2);

  auto queued = r.on_open(a1.id, t0);
  REQUIRE(queued.size() == 2);
  CHECK(queued[0] == bytes{1});
  CHECK(queued[1] == bytes{2});
  CHECK(r.on_datagram("127.0.0.1:1000", bytes{4}, t0).what == udp_routes::verdict::forward);
  CHECK(r.source_of(a1.id) == "127.0.0.1:1000");
}

TEST_CASE("udp_routes: idle routes expire after 4 minutes, traffic both ways refreshes", "[udp_routes]") {
  udp_routes r;
  auto t0 = udp_routes::clock::time_point{} + 1h;
  auto a = r.on_datagram("a", bytes{1}, t0).id;
  auto b = r.on_datagram("b", bytes{1}, t0).id;
  r.on_open(a, t0);
  r.on_open(b, t0);
  CHECK(r.next_expiry() == t0 + 4min);
  r.on_reply(a, t0 + 3min);  // a reply from the relay keeps `a` alive
  CHECK(r.expire(t0 + 4min - 1s).empty());
  auto gone = r.expire(t0 + 4min);
  REQUIRE(gone.size() == 1);
  CHECK(gone[0] == b);
  CHECK_FALSE(r.source_of(b));
  // A new datagram from the expired source opens a new route.
  auto again = r.on_datagram("b", bytes{1}, t0 + 5min);
  CHECK(again.what == udp_routes::verdict::opened);
  CHECK(again.id != b);
  CHECK(r.expire(t0 + 7min).size() == 1);  // `a`: last traffic at 3 min
}

TEST_CASE("udp_routes: bounds on datagram size, queue and table", "[udp_routes]") {
  udp_routes r(4min, 2);
  auto t0 = udp_routes::clock::time_point{} + 1h;
  CHECK(r.on_datagram("a", bytes(65508), t0).what == udp_routes::verdict::dropped);
  CHECK(r.on_datagram("a", bytes(65507), t0).what == udp_routes::verdict::opened);
  CHECK(r.on_datagram("b", bytes{1}, t0).what == udp_routes::verdict::opened);
  CHECK(r.on_datagram("c", bytes{1}, t0).what == udp_routes::verdict::dropped);  // table full
  // The queue of an opening route is bounded in count and bytes.
  for (std::size_t i = 1; i < udp_routes::max_queued_datagrams; ++i) {
    CHECK(r.on_datagram("b", bytes{1}, t0).what == udp_routes::verdict::queued);
  }
  CHECK(r.on_datagram("b", bytes{1}, t0).what == udp_routes::verdict::dropped);
  std::size_t queued_bytes = 65507;
  while (queued_bytes + 65507 <= udp_routes::max_queued_bytes) {
    CHECK(r.on_datagram("a", bytes(65507), t0).what == udp_routes::verdict::queued);
    queued_bytes += 65507;
  }
  CHECK(r.on_datagram("a", bytes(65507), t0).what == udp_routes::verdict::dropped);
  r.remove(r.on_datagram("a", bytes{}, t0).id);
  CHECK(r.size() == 1);
  CHECK(r.on_datagram("c", bytes{1}, t0).what == udp_routes::verdict::opened);
}
