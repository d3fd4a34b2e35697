#include "azbridge/relay_server/rendezvous_table.hpp"

#include <catch2/catch.hpp>

#include <set>

using azbridge::relay_server::make_rendezvous_id;
using azbridge::relay_server::rendezvous_table;
using namespace std::chrono_literals;

TEST_CASE("rendezvous: ids are 128-bit hex and distinct", "[relay_server][rendezvous]") {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) {
    auto id = make_rendezvous_id();
    REQUIRE(id.size() == 32);
    REQUIRE(id.find_first_not_of("0123456789abcdef") == std::string::npos);
    ids.insert(id);
  }
  CHECK(ids.size() == 1000);
}

TEST_CASE("rendezvous: single use", "[relay_server][rendezvous]") {
  rendezvous_table<int> t;
  auto now = rendezvous_table<int>::clock::time_point{} + 1000s;
  t.add("a", 7, now, 30s);
  auto v = t.take("a", now + 1s);
  REQUIRE(v);
  CHECK(*v == 7);
  CHECK_FALSE(t.take("a", now + 2s));
  CHECK_FALSE(t.take("never", now));
}

TEST_CASE("rendezvous: entries expire after their time to live", "[relay_server][rendezvous]") {
  rendezvous_table<int> t;
  auto now = rendezvous_table<int>::clock::time_point{} + 1000s;
  t.add("a", 1, now, 30s);
  t.add("b", 2, now + 10s, 30s);
  CHECK_FALSE(t.take("a", now + 30s));  // exactly at expiry: gone
  CHECK(t.size() == 1);
  CHECK(t.take("b", now + 39s));

  t.add("c", 3, now, 30s);
  t.add("d", 4, now + 5s, 30s);
  t.add("e", 5, now + 5s, 60s);
  CHECK(t.purge(now + 40s) == 2);
  CHECK(t.size() == 1);
  CHECK(t.take("e", now + 40s));
}

TEST_CASE("rendezvous: adding purges what has expired (bounded table)", "[relay_server][rendezvous]") {
  rendezvous_table<int> t;
  auto now = rendezvous_table<int>::clock::time_point{} + 1000s;
  for (int i = 0; i < 100; ++i) t.add("old" + std::to_string(i), i, now, 30s);
  CHECK(t.size() == 100);
  t.add("new", 0, now + 31s, 30s);
  CHECK(t.size() == 1);
}

TEST_CASE("rendezvous: erase removes an entry before use", "[relay_server][rendezvous]") {
  rendezvous_table<int> t;
  auto now = rendezvous_table<int>::clock::time_point{} + 1000s;
  t.add("x", 1, now, 30s);
  CHECK(t.erase("x"));
  CHECK_FALSE(t.erase("x"));
  CHECK_FALSE(t.take("x", now));
  CHECK(t.purge(now + 60s) == 0);
}
