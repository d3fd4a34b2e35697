#include "azbridge/orchestrate/relay_arm.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace azbridge::orchestrate;
namespace json = boost::json;

TEST_CASE("relay ARM paths and bodies", "[relay_arm]") {
  auto ns = relay_arm::namespace_path("sub", "rg", "ns");
  auto hc = relay_arm::hybrid_connection_path(ns, "dev1-abcd");
  CHECK(hc == "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Relay/namespaces/ns/hybridConnections/dev1-abcd");
  CHECK(relay_arm::rule_path(hc, "device-listen") == hc + "/authorizationRules/device-listen");
  auto body = relay_arm::hybrid_connection_body("azbridge-session=abcd;device=dev1");
  CHECK(body.at("properties").at("requiresClientAuthorization") == true);
  CHECK(body.at("properties").at("userMetadata") == "azbridge-session=abcd;device=dev1");
  auto rule = relay_arm::rule_body({"Listen"});
  CHECK(json::serialize(rule) == R"({"properties":{"rights":["Listen"]}})");
}

TEST_CASE("listKeys answers", "[relay_arm]") {
  auto k = relay_arm::parse_keys(R"({"primaryConnectionString":"Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=device-listen;SharedAccessKey=K;EntityPath=dev1","secondaryConnectionString":"x","primaryKey":"K","secondaryKey":"K2","keyName":"device-listen"})");
  REQUIRE(k);
  CHECK(k->key_name == "device-listen");
  CHECK(k->primary_connection_string.find("EntityPath=dev1") != std::string::npos);
  CHECK_FALSE(relay_arm::parse_keys(R"({"keyName":"x"})"));
  CHECK_FALSE(relay_arm::parse_keys("nope"));
}

TEST_CASE("namespace from an endpoint", "[relay_arm]") {
  CHECK(relay_arm::namespace_from_endpoint("sb://myns.servicebus.windows.net/") == "myns");
  CHECK(relay_arm::namespace_from_endpoint("not a uri").empty());
}
