#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/orchestrate/settings.hpp"

#include <catch2/catch.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <unistd.h>
#include <set>

using namespace azbridge::orchestrate;

TEST_CASE("every setting has a flag, a YAML key and an environment variable, all distinct", "[settings]") {
  std::set<std::string_view> flags, keys, envs;
  for (const auto& d : setting_definitions()) {
    CHECK(flags.insert(d.flag).second);
    CHECK(keys.insert(d.yaml).second);
    CHECK(envs.insert(d.env).second);
    CHECK(d.env.rfind("AZBRIDGE_", 0) == 0);
    CHECK_FALSE(d.help.empty());
  }
}

TEST_CASE("precedence: defaults < YAML < environment < flags", "[settings]") {
  auto s = resolve_settings({{"resource-group", "from-yaml"}, {"port", "9000"}, {"location", "yaml-loc"}},
                            {{"resource-group", "from-env"}, {"port", "9100"}},
                            {{"port", "9200"}});
  CHECK(s.resource_group == "from-env");
  CHECK(s.port == 9200);
  CHECK(s.location == "yaml-loc");
  CHECK(s.create_method == "CreateConnection");
  CHECK(s.arm_endpoint == "https://management.azure.com");
}

TEST_CASE("bad values name their source", "[settings]") {
  auto message = [](const raw_settings& y, const raw_settings& e, const raw_settings& f) {
    try {
      resolve_settings(y, e, f);
    } catch (const error& x) {
      CHECK(x.code() == exit_code::usage);
      return std::string(x.what());
    }
    return std::string();
  };
  CHECK(message({{"port", "0"}}, {}, {}).find("Orchestrate.Port") != std::string::npos);
  CHECK(message({}, {{"ttl", "forever"}}, {}).find("AZBRIDGE_TTL") != std::string::npos);
  CHECK(message({}, {}, {{"method-timeout", "500"}}).find("--method-timeout") != std::string::npos);
  CHECK(message({}, {}, {{"credential", "vscode"}}).find("azure-cli") != std::string::npos);
  CHECK(message({}, {}, {{"port-name", "a b"}}).find("--port-name") != std::string::npos);
  CHECK(message({}, {}, {{"azbridge-path", "/app/az;rm"}}).find("--azbridge-path") != std::string::npos);
}

TEST_CASE("environment variables and the sample's aliases", "[settings]") {
  std::map<std::string, std::string> vars{{"AZURE_SUBSCRIPTION_ID", "alias-sub"},
                                          {"AZRELAY_CONN_STRING", "alias-relay"},
                                          {"AZBRIDGE_RELAY_CONNECTION_STRING", "primary-relay"},
                                          {"AZBRIDGE_EPHEMERAL_RELAY", "true"}};
  auto raw = read_environment_settings([&](const char* n) -> const char* {
    auto it = vars.find(n);
    return it == vars.end() ? nullptr : it->second.c_str();
  });
  auto s = resolve_settings({}, raw, {});
  CHECK(s.subscription == "alias-sub");
  CHECK(s.relay_connection_string == "primary-relay");
  CHECK(s.ephemeral_relay);
}

TEST_CASE("YAML Orchestrate section", "[settings]") {
  auto path = (std::filesystem::temp_directory_path() / ("azb-orch-settings-" + std::to_string(::getpid()) + ".yml")).string();
  {
    std::ofstream f(path);
    f << "LogLevel: INFO\nOrchestrate:\n  Subscription: sub1\n  ResourceGroup: rg1\n  Port: 8091\n  EphemeralRelay: true\n";
  }
  auto raw = read_yaml_settings(path);
  auto s = resolve_settings(raw, {}, {});
  CHECK(s.subscription == "sub1");
  CHECK(s.port == 8091);
  CHECK(s.ephemeral_relay);
  {
    std::ofstream f(path);
    f << "Orchestrate:\n  Subscriptoin: typo\n";
  }
  CHECK_THROWS_WITH(read_yaml_settings(path), Catch::Contains("unknown setting Orchestrate.Subscriptoin"));
  std::remove(path.c_str());
  CHECK_THROWS_WITH(read_yaml_settings(path), Catch::Contains("cannot read"));
}

TEST_CASE("each command says what it is missing", "[settings]") {
  // Built through resolve_settings (plain assignments of short literals trip a GCC 12 -Wrestrict false positive).
  raw_settings raw;
  CHECK_THROWS_WITH(require_for(resolve_settings(raw, {}, {}), "status"),
                    Catch::Contains("--subscription") && Catch::Contains("--resource-group"));
  raw["subscription"] = "sub-1";
  raw["resource-group"] = "rg-1";
  CHECK_NOTHROW(require_for(resolve_settings(raw, {}, {}), "status"));
  CHECK_THROWS_WITH(require_for(resolve_settings(raw, {}, {}), "open"),
                    Catch::Contains("--iothub-connection-string") && Catch::Contains("--image") &&
                        Catch::Contains("--relay-connection-string"));
  raw["iothub-host"] = "hub.azure-devices.net";
  raw["image"] = "acr.azurecr.io/azbridge";
  raw["ephemeral-relay"] = "true";
  CHECK_THROWS_WITH(require_for(resolve_settings(raw, {}, {}), "open"), Catch::Contains("--relay-namespace"));
  raw["relay-namespace"] = "namespace-1";
  CHECK_NOTHROW(require_for(resolve_settings(raw, {}, {}), "open"));
}
