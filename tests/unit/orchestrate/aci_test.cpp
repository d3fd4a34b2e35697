#include "azbridge/orchestrate/aci.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

using namespace azbridge::orchestrate;
namespace json = boost::json;

TEST_CASE("container group body: secrets in secureValue, command, public IP with label, tags", "[aci]") {
  aci::container_spec s;
  s.location = "westeurope";
  s.image = "myacr.azurecr.io/azbridge:0.16";
  s.command = aci::forwarder_command("/app/azbridge", 8090, "test");
  s.port = 8090;
  s.env = {{"AZRELAY_HYBRID_CONNECTION", "dev1"}};
  s.secure_env = {{"AZRELAY_CONN_STRING", "Endpoint=sb://ns/;SharedAccessKeyName=send;SharedAccessKey=K"}};
  s.registry = aci::registry_credential{"myacr.azurecr.io", "user", "pw"};
  s.dns_label = "azb-dev1-12345678";
  s.tags = {{"azbridge-device", "dev1"}};
  auto v = aci::group_body(s);
  auto& o = v.as_object();
  CHECK(o.at("location") == "westeurope");
  CHECK(o.at("tags").at("azbridge-device") == "dev1");
  auto& p = o.at("properties").as_object();
  CHECK(p.at("osType") == "Linux");
  CHECK(p.at("ipAddress").at("type") == "Public");
  CHECK(p.at("ipAddress").at("dnsNameLabel") == "azb-dev1-12345678");
  CHECK(p.at("ipAddress").at("ports").at(0).at("port") == 8090);
  CHECK(p.at("ipAddress").at("ports").at(0).at("protocol") == "TCP");
  CHECK(p.at("imageRegistryCredentials").at(0).at("password") == "pw");
  auto& c = p.at("containers").at(0).as_object();
  CHECK(c.at("name") == "azbridge");
  auto& cp = c.at("properties").as_object();
  CHECK(cp.at("image") == "myacr.azurecr.io/azbridge:0.16");
  CHECK(cp.at("resources").at("requests").at("cpu") == 1.0);
  CHECK(cp.at("resources").at("requests").at("memoryInGB") == 1.0);
  auto& env = cp.at("environmentVariables").as_array();
  REQUIRE(env.size() == 2);
  CHECK(env[0].at("value") == "dev1");
  CHECK(env[1].at("name") == "AZRELAY_CONN_STRING");
  CHECK(env[1].as_object().contains("secureValue"));
  CHECK_FALSE(env[1].as_object().contains("value"));
  // The command line (readable in GET) carries no secret, only a reference to the variable.
  auto cmd = json::serialize(cp.at("command"));
  CHECK(cmd.find("SharedAccessKey") == std::string::npos);
  CHECK(cmd.find("$AZRELAY_CONN_STRING") != std::string::npos);
}

TEST_CASE("the forwarder command binds 0.0.0.0 with the logical port name", "[aci]") {
  auto c = aci::forwarder_command("/app/azbridge", 8090, "test");
  REQUIRE(c.size() == 3);
  CHECK(c[0] == "/bin/sh");
  CHECK(c[1] == "-c");
  CHECK(c[2] == "exec /app/azbridge -x \"$AZRELAY_CONN_STRING\" -L 0.0.0.0:8090/test:$AZRELAY_HYBRID_CONNECTION");
}

TEST_CASE("container group GET and list answers", "[aci]") {
  auto g = aci::parse_group(json::parse(R"({"name":"azb-dev1-1","location":"westeurope","tags":{"azbridge-device":"dev1"},
     "properties":{"provisioningState":"Succeeded","instanceView":{"state":"Running"},
     "ipAddress":{"ip":"20.1.2.3","fqdn":"azb-dev1.westeurope.azurecontainer.io","ports":[{"port":8090,"protocol":"TCP"}]}}})"));
  CHECK(g.name == "azb-dev1-1");
  CHECK(g.provisioning_state == "Succeeded");
  CHECK(g.instance_state == "Running");
  CHECK(g.fqdn == "azb-dev1.westeurope.azurecontainer.io");
  CHECK(g.ip == "20.1.2.3");
  CHECK(g.ports == std::vector<int>{8090});
  CHECK(g.tags.at("azbridge-device") == "dev1");
  std::string next;
  auto list = aci::parse_group_list(R"({"value":[{"name":"a"},{"name":"b"}],"nextLink":"https://m/next"})", next);
  CHECK(list.size() == 2);
  CHECK(next == "https://m/next");
  aci::parse_group_list(R"({"value":[]})", next);
  CHECK(next.empty());
}

TEST_CASE("container group paths", "[aci]") {
  CHECK(aci::with_api(aci::group_path("sub", "rg", "g"), "2023-05-01") ==
        "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/g?api-version=2023-05-01");
}
