#include "azbridge/orchestrate/session.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>

using namespace azbridge::orchestrate;
using namespace std::chrono;

namespace {
// ACI container group names: 1-63 lower-case letters, digits and '-', no leading/trailing/double '-'.
bool valid_aci_name(const std::string& n) {
  static const std::regex re("^[a-z0-9]([a-z0-9]|-(?!-))*[a-z0-9]$");
  return n.size() <= 63 && std::regex_match(n, re);
}
}  // namespace

TEST_CASE("one valid, distinct container group name per device", "[session]") {
  std::set<std::string> names;
  for (const std::string& d : std::vector<std::string>{"device-st-sample", "Device_ST_Sample", "dev.1", "dev:1", "DEV 1", "---", "é",
                        std::string(128, 'x'), std::string(128, 'x') + "y"}) {
    auto n = session::container_group_name(d);
    INFO(d << " -> " << n);
    CHECK(valid_aci_name(n));
    names.insert(n);
    CHECK(session::container_group_name(d) == n);  // stable
  }
  CHECK(names.size() == 9);
  CHECK(session::container_group_name("device-st-sample").rfind("azb-device-st-sample-", 0) == 0);
}

TEST_CASE("DNS labels depend on subscription, resource group and device", "[session]") {
  auto a = session::dns_label("azb", "s1", "rg", "dev1");
  CHECK(valid_aci_name(a));
  CHECK(a.rfind("azb-dev1-", 0) == 0);
  CHECK(a != session::dns_label("azb", "s2", "rg", "dev1"));
  CHECK(a != session::dns_label("azb", "s1", "rg2", "dev1"));
  CHECK(valid_aci_name(session::dns_label("", "s", "r", std::string(200, 'Z'))));
}

TEST_CASE("tags round trip and tell our groups from others", "[session]") {
  session::info s;
  s.device = "dev1";
  s.id = "0a1b2c3d";
  s.created = session::clock::from_time_t(1700000000);
  s.expires = s.created + hours(4);
  s.hybrid_connection = "dev1-0a1b2c3d";
  s.relay_namespace = "ns";
  s.ephemeral = true;
  s.port = 8090;
  auto tags = session::to_tags(s);
  CHECK(tags.at("azbridge-expires") == "2023-11-15T02:13:20Z");
  CHECK(tags.at("azbridge-created") == "2023-11-14T22:13:20Z");
  for (const auto& [k, v] : tags) {
    CHECK(k.size() <= 512);
    CHECK(v.size() <= 256);
  }
  auto back = session::from_tags(tags);
  REQUIRE(back);
  CHECK(back->device == "dev1");
  CHECK(back->id == "0a1b2c3d");
  CHECK(back->expires == s.expires);
  CHECK(back->ephemeral);
  CHECK(back->relay_namespace == "ns");
  CHECK(back->port == 8090);
  CHECK_FALSE(session::from_tags({{"owner", "someone"}}));
  CHECK_FALSE(session::from_tags({{"azbridge-device", "d"}}));
}

TEST_CASE("expiry", "[session]") {
  session::info s;
  s.expires = session::clock::from_time_t(1000);
  CHECK(session::expired(s, session::clock::from_time_t(1000)));
  CHECK(session::expired(s, session::clock::from_time_t(1001)));
  CHECK_FALSE(session::expired(s, session::clock::from_time_t(999)));
  // unreadable expiry -> epoch -> expired: sweep removes sessions it cannot date
  auto t = session::from_tags({{"azbridge-device", "d"}, {"azbridge-session", "x"}, {"azbridge-expires", "tomorrow"}});
  REQUIRE(t);
  CHECK(session::expired(*t, session::clock::now()));
}

TEST_CASE("RFC 3339 times", "[session]") {
  CHECK(session::format_time(session::clock::from_time_t(0)) == "1970-01-01T00:00:00Z");
  CHECK(session::parse_time("2024-02-29T23:59:59Z") == session::clock::from_time_t(1709251199));
  CHECK_FALSE(session::parse_time("2024-02-29 23:59:59"));
  CHECK_FALSE(session::parse_time("2024-13-01T00:00:00Z"));
  CHECK_FALSE(session::parse_time(""));
}

TEST_CASE("durations", "[session]") {
  CHECK(session::parse_duration("90") == seconds(90));
  CHECK(session::parse_duration("90s") == seconds(90));
  CHECK(session::parse_duration("15m") == minutes(15));
  CHECK(session::parse_duration("4h") == hours(4));
  CHECK(session::parse_duration("2d") == hours(48));
  CHECK(session::parse_duration("1h30m") == minutes(90));
  CHECK_FALSE(session::parse_duration(""));
  CHECK_FALSE(session::parse_duration("-5m"));
  CHECK_FALSE(session::parse_duration("5w"));
  CHECK_FALSE(session::parse_duration("1h30"));
  CHECK_FALSE(session::parse_duration("h"));
}

TEST_CASE("session ids and ephemeral hybrid connection names", "[session]") {
  auto a = session::new_session_id(), b = session::new_session_id();
  CHECK(a.size() == 8);
  CHECK(a != b);
  CHECK(session::ephemeral_hybrid_connection("Dev_1", "abcd1234") == "dev_1-abcd1234");
}
