#include "azbridge/relay_server/catalog.hpp"

#include <catch2/catch.hpp>

using namespace azbridge::relay_server;

namespace {
std::vector<hybrid_connection_settings> names(std::initializer_list<const char*> list) {
  std::vector<hybrid_connection_settings> out;
  for (auto n : list) {
    hybrid_connection_settings s;
    s.name = n;
    out.push_back(s);
  }
  return out;
}
bool none(const std::string&) { return false; }
}  // namespace

TEST_CASE("catalog: configured names", "[relay_server][catalog]") {
  hc_catalog cat(names({"hc1", "Nested/Child", "nested"}));
  CHECK_FALSE(cat.open_mode());
  auto l = cat.resolve_listen("HC1");
  REQUIRE(l);
  CHECK(l->name == "hc1");
  CHECK(l->key == "hc1");
  CHECK_FALSE(cat.resolve_listen("hc1/suffix"));
  CHECK_FALSE(cat.resolve_listen("unknown"));

  auto s = cat.resolve_send("hc1/a/b", none);
  REQUIRE(s);
  CHECK(s->name == "hc1");
  CHECK(s->suffix == "a/b");
  auto n = cat.resolve_send("nested/child/x", none);  // the longest name wins
  REQUIRE(n);
  CHECK(n->name == "Nested/Child");
  CHECK(n->suffix == "x");
  auto p = cat.resolve_send("nested/other", none);
  REQUIRE(p);
  CHECK(p->name == "nested");
  CHECK_FALSE(cat.resolve_send("hc12", none));  // a prefix only at a segment boundary
  CHECK_FALSE(cat.resolve_send("unknown/hc1", none));
  CHECK_FALSE(cat.resolve_send("", none));
}

TEST_CASE("catalog: open mode", "[relay_server][catalog]") {
  hc_catalog cat({});
  CHECK(cat.open_mode());
  auto l = cat.resolve_listen("a/b");
  REQUIRE(l);
  CHECK(l->name == "a/b");
  CHECK(l->settings->requires_client_authorization);
  CHECK_FALSE(cat.resolve_listen("bad name"));
  CHECK_FALSE(cat.resolve_listen("a//b"));

  auto live = [](const std::string& key) { return key == "a/b"; };
  auto s = cat.resolve_send("A/B/c", live);
  REQUIRE(s);
  CHECK(s->key == "a/b");
  CHECK(s->suffix == "c");
  auto first = cat.resolve_send("x/y", live);  // no live name: the first segment, which has no listener
  REQUIRE(first);
  CHECK(first->name == "x");
  CHECK(first->suffix == "y");
}

TEST_CASE("catalog: name rules", "[relay_server][catalog]") {
  CHECK(hc_catalog::valid_name("a.b-c_d/e"));
  CHECK_FALSE(hc_catalog::valid_name("/a"));
  CHECK_FALSE(hc_catalog::valid_name("a/"));
  CHECK_FALSE(hc_catalog::valid_name("a b"));
  CHECK_FALSE(hc_catalog::valid_name(std::string(261, 'a')));
}
