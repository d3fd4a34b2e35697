#include "azbridge/orchestrate/dry_run.hpp"
#include "azbridge/orchestrate/operations.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace azbridge::orchestrate;
namespace json = boost::json;

namespace {
session::info sample_session() {
  session::info i;
  i.device = "dev1";
  i.id = "abcd1234";
  i.expires = session::clock::from_time_t(1700000000);
  i.hybrid_connection = "dev1";
  return i;
}
}  // namespace

TEST_CASE("CreateConnection payload: generated fields, the device's credential, --method-payload", "[payload]") {
  settings s;
  auto p = orchestrator::create_payload(s, sample_session(), "");
  CHECK(p.at("hybridConnection") == "dev1");
  CHECK(p.at("portName") == "test");
  CHECK(p.at("sessionId") == "abcd1234");
  CHECK(p.at("expiresAt") == "2023-11-14T22:13:20Z");
  CHECK_FALSE(p.as_object().contains("relayConnectionString"));

  auto e = orchestrator::create_payload(s, sample_session(), "Endpoint=sb://ns/;SharedAccessKeyName=device-listen;SharedAccessKey=K");
  CHECK(e.at("relayConnectionString").as_string().starts_with("Endpoint=sb://ns/"));

  s.method_payload = R"({"target":"localhost:22","portName":"ssh"})";
  auto m = orchestrator::create_payload(s, sample_session(), "");
  CHECK(m.at("target") == "localhost:22");
  CHECK(m.at("portName") == "ssh");

  s.method_payload = "null";  // the sample's devices take no payload
  CHECK(orchestrator::create_payload(s, sample_session(), "").is_null());
  CHECK_THROWS_AS(orchestrator::create_payload(s, sample_session(), "Endpoint=x"), error);
  s.method_payload = "[1]";
  CHECK_THROWS_AS(orchestrator::create_payload(s, sample_session(), ""), error);
}

TEST_CASE("dry run answers as for a fresh start", "[payload]") {
  dry_run_transport t({});
  http_request get;
  get.url = "https://management.azure.com/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g?api-version=1";
  CHECK(t.answer(get).status == 404);
  http_request put = get;
  put.method = "PUT";
  put.body = R"({"location":"westeurope","properties":{"ipAddress":{"dnsNameLabel":"lbl"}}})";
  auto created = t.answer(put);
  CHECK(created.status == 201);
  auto after = t.answer(get);
  REQUIRE(after.status == 200);
  auto v = json::parse(after.body);
  CHECK(v.at("properties").at("ipAddress").at("fqdn") == "lbl.westeurope.azurecontainer.io");
  http_request keys;
  keys.method = "POST";
  keys.url = "https://m/subscriptions/s/resourceGroups/rg/providers/Microsoft.Relay/namespaces/ns/hybridConnections/h/authorizationRules/r/listKeys?api-version=1";
  auto k = json::parse(t.answer(keys).body);
  CHECK(k.at("primaryConnectionString").as_string().starts_with("Endpoint=sb://ns.servicebus.windows.net/"));
}
