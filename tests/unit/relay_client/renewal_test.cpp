#include "azbridge/relay_client/renewal.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::relay_client;
using namespace std::chrono_literals;

TEST_CASE("renewal point is 80 % of the lifetime by default") {
  const auto issued = wall_clock::time_point(1'700'000'000s);
  CHECK(renewal_point(issued, issued + 3600s) == issued + 2880s);
  CHECK(renewal_point(issued, issued + 5s) == issued + 4s);
  CHECK(renewal_point(issued, issued + 10s, 0.5) == issued + 5s);
}

TEST_CASE("an already expired or zero-lifetime token is renewed at once") {
  const auto issued = wall_clock::time_point(1'700'000'000s);
  CHECK(renewal_point(issued, issued) == issued);
  CHECK(renewal_point(issued, issued - 10s) == issued);
  CHECK(refresh_due(issued, issued - 10s, issued));
}

TEST_CASE("refresh is due from the renewal point on") {
  const auto issued = wall_clock::time_point(1'700'000'000s);
  const auto expires = issued + 100s;
  CHECK_FALSE(refresh_due(issued, expires, issued));
  CHECK_FALSE(refresh_due(issued, expires, issued + 79s));
  CHECK(refresh_due(issued, expires, issued + 80s));
  CHECK(refresh_due(issued, expires, issued + 200s));
}
