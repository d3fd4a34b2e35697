#include "azbridge/relay_server/listener_registry.hpp"

#include <catch2/catch.hpp>

#include <random>
#include <set>

using azbridge::relay_server::basic_listener_registry;

namespace {
struct fake_listener {
  int id = 0;
  bool closing = false;
};
}  // namespace

TEST_CASE("registry: at most N listeners per hybrid connection", "[relay_server][registry]") {
  basic_listener_registry<fake_listener> reg(25);
  std::vector<std::shared_ptr<fake_listener>> ls;
  for (int i = 0; i < 25; ++i) {
    ls.push_back(std::make_shared<fake_listener>(fake_listener{i}));
    REQUIRE(reg.attach("hc1", "HC1", ls.back()));
  }
  CHECK(reg.count("hc1") == 25);
  CHECK_FALSE(reg.has_room("hc1"));
  CHECK_FALSE(reg.attach("hc1", "HC1", std::make_shared<fake_listener>(fake_listener{25})));
  CHECK(reg.count("hc1") == 25);
  // Another hybrid connection has its own quota.
  CHECK(reg.attach("hc2", "hc2", std::make_shared<fake_listener>()));
  // Detaching one makes room again.
  CHECK(reg.detach("hc1", ls[3].get()));
  CHECK(reg.has_room("hc1"));
  CHECK_FALSE(reg.detach("hc1", ls[3].get()));
}

TEST_CASE("registry: a name without listeners disappears", "[relay_server][registry]") {
  basic_listener_registry<fake_listener> reg(2);
  auto a = std::make_shared<fake_listener>();
  REQUIRE(reg.attach("x", "x", a));
  CHECK(reg.contains("x"));
  CHECK(reg.detach("x", a.get()));
  CHECK_FALSE(reg.contains("x"));
  CHECK(reg.hybrid_connection_count() == 0);
  // A refused attach on a full-but-empty entry does not leave an entry behind either.
  basic_listener_registry<fake_listener> none(0);
  CHECK_FALSE(none.attach("y", "y", a));
  CHECK_FALSE(none.contains("y"));
}

TEST_CASE("registry: pick spreads over listeners and honours the filter", "[relay_server][registry]") {
  basic_listener_registry<fake_listener> reg(25);
  std::vector<std::shared_ptr<fake_listener>> ls;
  for (int i = 0; i < 5; ++i) {
    ls.push_back(std::make_shared<fake_listener>(fake_listener{i}));
    reg.attach("hc", "hc", ls.back());
  }
  std::mt19937_64 rng(42);
  std::set<int> seen;
  for (int i = 0; i < 200; ++i) seen.insert(reg.pick("hc", rng)->id);
  CHECK(seen.size() == 5);

  ls[0]->closing = ls[1]->closing = ls[2]->closing = ls[3]->closing = true;
  for (int i = 0; i < 50; ++i) {
    auto p = reg.pick("hc", rng, [](const fake_listener& l) { return !l.closing; });
    REQUIRE(p);
    CHECK(p->id == 4);
  }
  ls[4]->closing = true;
  CHECK(reg.pick("hc", rng, [](const fake_listener& l) { return !l.closing; }) == nullptr);
  CHECK(reg.pick("unknown", rng) == nullptr);
  CHECK(reg.all().size() == 5);
}
