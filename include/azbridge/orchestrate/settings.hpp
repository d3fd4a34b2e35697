// Settings of `azbridge orchestrate`, from (lowest to highest precedence) built-in defaults, the
// `Orchestrate:` section of a YAML file, environment variables and command-line flags. One table
// (setting_definitions) names every setting in all three forms, so help, docs and parsing agree.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace azbridge::orchestrate {

struct settings {
  // IoT Hub
  std::string iothub_connection_string;  // service policy connection string (secret)
  std::string iothub_host;               // for Entra ID auth without a connection string
  std::string iothub_endpoint;           // base URL override (private endpoints, tests)
  std::string create_method = "CreateConnection";
  std::string delete_method = "DeleteConnection";
  int method_timeout = 30;               // responseTimeoutInSeconds
  int method_connect_timeout = 0;        // connectTimeoutInSeconds
  std::string method_payload;            // JSON object merged over the generated payload, or "null"
  // ARM
  std::string subscription;
  std::string resource_group;
  std::string location;                  // default: the resource group's
  std::string arm_endpoint = "https://management.azure.com";
  std::string arm_scope = "https://management.azure.com/.default";
  std::string aci_api_version = "2023-05-01";
  // Container (the local forwarder)
  std::string image;
  std::string azbridge_path = "/app/azbridge";
  int port = 8090;
  std::string port_name = "test";
  double cpu = 1.0;
  double memory_gb = 1.0;
  std::string registry_server;
  std::string registry_username;
  std::string registry_password;         // secret
  std::string dns_label_prefix = "azb";
  // Relay
  std::string relay_connection_string;   // the container's credential unless --ephemeral-relay (secret)
  std::string hybrid_connection;         // default: the device id
  bool ephemeral_relay = false;
  std::string relay_namespace;           // default: from the relay connection string's Endpoint
  std::string relay_resource_group;      // default: resource_group
  std::string relay_subscription;        // default: subscription
  // Session and timing
  std::chrono::seconds ttl{4 * 3600};
  std::chrono::seconds provision_timeout{600};
  std::chrono::seconds request_timeout{60};
  std::chrono::milliseconds poll_interval{5000};
  // Credentials
  std::string credential = "auto";
  std::string tenant;                    // overrides AZURE_TENANT_ID
  std::string authority_host;            // overrides AZURE_AUTHORITY_HOST
};

struct setting_definition {
  std::string_view flag;     // "resource-group" (used as --resource-group)
  std::string_view yaml;     // "ResourceGroup"
  std::string_view env;      // "AZBRIDGE_RESOURCE_GROUP"
  std::string_view alias_env;// a second variable read when the first is unset (the sample's names), or empty
  std::string_view help;
  bool secret = false;       // never printed
  bool is_switch = false;    // a flag without a value ("true"/"false" in YAML and environment)
  std::function<void(settings&, const std::string&)> apply;  // throws error(usage) on a bad value
};

const std::vector<setting_definition>& setting_definitions();

/// flag name -> raw value, as collected from one source.
using raw_settings = std::map<std::string, std::string>;

/// The `Orchestrate:` mapping of a YAML file (other top-level keys are ignored; unknown keys inside the
/// section are errors). Throws error(usage) naming the file.
raw_settings read_yaml_settings(const std::string& path);
/// Environment variables of setting_definitions (getenv by default).
raw_settings read_environment_settings(const std::function<const char*(const char*)>& getenv_fn);

/// defaults <- yaml <- env <- flags. Throws error(usage) naming the source of a bad value.
settings resolve_settings(const raw_settings& yaml, const raw_settings& env, const raw_settings& flags);

/// Checks what `open`/`close`/`status`/`sweep` need; throws error(usage) listing what is missing.
void require_for(const settings& s, std::string_view command);

}  // namespace azbridge::orchestrate
