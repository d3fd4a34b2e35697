#include "azbridge/relay_client/backoff.hpp"

#include <catch2/catch.hpp>

using azbridge::relay_client::reconnect_backoff;
using std::chrono::milliseconds;

TEST_CASE("backoff follows 0/1/2/5/10/30 s and sticks at 30 s") {
  reconnect_backoff b;
  const long long expected[] = {0, 1000, 2000, 5000, 10000, 30000, 30000, 30000};
  for (long long ms : expected) CHECK(b.next(0.0) == milliseconds(ms));
}

TEST_CASE("backoff jitter is bounded: at least 100 ms, else 20 % of the step") {
  reconnect_backoff b;
  CHECK(b.next(1.0) == milliseconds(100));     // step 0 s: up to the 100 ms minimum
  CHECK(b.next(1.0) == milliseconds(1200));    // 1 s + 20 %
  CHECK(b.next(0.5) == milliseconds(2200));    // 2 s + half of 400 ms
  CHECK(b.next(1.0) == milliseconds(6000));    // 5 s + 1 s
  CHECK(b.next(1.0) == milliseconds(12000));
  CHECK(b.next(1.0) == milliseconds(36000));
  CHECK(b.next(7.0) == milliseconds(36000));   // out-of-range draws are clamped
  CHECK(b.next(-1.0) == milliseconds(30000));
}

TEST_CASE("backoff starts over after a successful connect") {
  reconnect_backoff b;
  b.next(0.0);
  b.next(0.0);
  b.next(0.0);
  CHECK(b.index() == 3);
  b.reset();
  CHECK(b.index() == 0);
  CHECK(b.next(0.0) == milliseconds(0));
  CHECK(b.next(0.0) == milliseconds(1000));
}
