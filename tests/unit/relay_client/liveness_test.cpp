#include "azbridge/relay_client/liveness.hpp"

#include <catch2/catch.hpp>

using azbridge::relay_client::liveness_monitor;
using namespace std::chrono_literals;
using clock_type = liveness_monitor::clock;

TEST_CASE("keepalive every interval, dead after two silent intervals") {
  const auto t0 = clock_type::time_point(1000s);
  liveness_monitor m(30s, 0s, t0);
  CHECK(m.dead_after() == 60s);
  CHECK_FALSE(m.keepalive_due(t0 + 29s));
  CHECK(m.keepalive_due(t0 + 30s));
  m.on_keepalive_sent(t0 + 30s);
  CHECK_FALSE(m.keepalive_due(t0 + 31s));
  CHECK(m.next_event() == t0 + 60s);
  CHECK_FALSE(m.dead(t0 + 59s));
  CHECK(m.dead(t0 + 60s));
}

TEST_CASE("anything received keeps the peer alive; sending does not") {
  const auto t0 = clock_type::time_point(1000s);
  liveness_monitor m(10s, 0s, t0);
  m.on_keepalive_sent(t0 + 10s);
  m.on_keepalive_sent(t0 + 20s);
  CHECK(m.dead(t0 + 20s));
  m.on_received(t0 + 20s);
  CHECK_FALSE(m.dead(t0 + 39s));
  CHECK(m.dead(t0 + 40s));
  CHECK(m.next_event() == t0 + 30s);  // next keepalive comes before the dead line
}

TEST_CASE("an explicit liveness timeout overrides two intervals") {
  const auto t0 = clock_type::time_point(1000s);
  liveness_monitor m(30s, 45s, t0);
  CHECK_FALSE(m.dead(t0 + 44s));
  CHECK(m.dead(t0 + 45s));
}

TEST_CASE("a zero interval disables keepalive and the dead check") {
  const auto t0 = clock_type::time_point(1000s);
  liveness_monitor m(0s, 0s, t0);
  CHECK_FALSE(m.keepalive_due(t0 + 10000s));
  CHECK_FALSE(m.dead(t0 + 10000s));
  CHECK(m.next_event() == clock_type::time_point::max());
}
