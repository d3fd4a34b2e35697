#include "azbridge/orchestrate/settings.hpp"

#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/orchestrate/session.hpp"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

using setter = std::function<void(settings&, const std::string&)>;

setter text(std::string settings::*field) {
  return [field](settings& s, const std::string& v) { s.*field = v; };
}

setter integer(int settings::*field, int lo, int hi) {
  return [=](settings& s, const std::string& v) {
    int n = 0;
    auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
    if (ec != std::errc{} || p != v.data() + v.size() || n < lo || n > hi) {
      throw error(exit_code::usage, fmt::format("expected a whole number {}..{}, got '{}'", lo, hi, v));
    }
    s.*field = n;
  };
}

setter decimal(double settings::*field, double lo, double hi) {
  return [=](settings& s, const std::string& v) {
    std::size_t used = 0;
    double d = 0;
    try {
      d = std::stod(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v.size() || v.empty() || d < lo || d > hi) {
      throw error(exit_code::usage, fmt::format("expected a number {}..{}, got '{}'", lo, hi, v));
    }
    s.*field = d;
  };
}

setter boolean(bool settings::*field) {
  return [=](settings& s, const std::string& v) {
    if (v == "true" || v == "True" || v == "1" || v == "yes") s.*field = true;
    else if (v == "false" || v == "False" || v == "0" || v == "no") s.*field = false;
    else throw error(exit_code::usage, fmt::format("expected true or false, got '{}'", v));
  };
}

setter duration(std::chrono::seconds settings::*field, std::chrono::seconds lo) {
  return [=](settings& s, const std::string& v) {
    auto d = session::parse_duration(v);
    if (!d || *d < lo) {
      throw error(exit_code::usage, fmt::format("expected a duration of at least {}s like 90s, 15m, 4h or 1d, got '{}'",
                                                lo.count(), v));
    }
    s.*field = *d;
  };
}

setter one_of(std::string settings::*field, std::vector<std::string_view> allowed) {
  return [=](settings& s, const std::string& v) {
    for (auto a : allowed) {
      if (a == v) {
        s.*field = v;
        return;
      }
    }
    throw error(exit_code::usage, fmt::format("expected one of {}, got '{}'", fmt::join(allowed, ", "), v));
  };
}

setter safe_word(std::string settings::*field, std::string_view extra) {
  // Values that end up inside the container's shell command line: no quoting needed, none allowed.
  return [=](settings& s, const std::string& v) {
    if (v.empty()) throw error(exit_code::usage, "must not be empty");
    for (unsigned char c : v) {
      if (!std::isalnum(c) && c != '-' && c != '_' && c != '.' && extra.find(static_cast<char>(c)) == std::string_view::npos) {
        throw error(exit_code::usage, fmt::format("'{}' may only contain letters, digits, '-', '_', '.'{}", v,
                                                  extra.empty() ? "" : fmt::format(" and '{}'", extra)));
      }
    }
    s.*field = v;
  };
}

std::vector<setting_definition> make_definitions() {
  using S = settings;
  return {
      {"iothub-connection-string", "IotHubConnectionString", "AZBRIDGE_IOTHUB_CONNECTION_STRING", "IOT_SERVICE_CONN_STRING",
       "IoT hub connection string of a policy with ServiceConnect (e.g. 'service'); prefer the environment", true, false,
       text(&S::iothub_connection_string)},
      {"iothub-host", "IotHubHost", "AZBRIDGE_IOTHUB_HOST", "",
       "IoT hub host name (HUB.azure-devices.net) when authenticating with Entra ID instead of a connection string",
       false, false, text(&S::iothub_host)},
      {"iothub-endpoint", "IotHubEndpoint", "AZBRIDGE_IOTHUB_ENDPOINT", "",
       "base URL for IoT Hub REST calls (default https://HOST)", false, false, text(&S::iothub_endpoint)},
      {"create-method", "CreateMethod", "AZBRIDGE_CREATE_METHOD", "", "direct method that starts the device's forwarder",
       false, false, text(&S::create_method)},
      {"delete-method", "DeleteMethod", "AZBRIDGE_DELETE_METHOD", "", "direct method that stops it", false, false,
       text(&S::delete_method)},
      {"method-timeout", "MethodTimeout", "AZBRIDGE_METHOD_TIMEOUT", "",
       "seconds IoT Hub waits for the device's answer (5..300)", false, false, integer(&S::method_timeout, 5, 300)},
      {"method-connect-timeout", "MethodConnectTimeout", "AZBRIDGE_METHOD_CONNECT_TIMEOUT", "",
       "seconds IoT Hub waits for an offline device to connect (0..300)", false, false,
       integer(&S::method_connect_timeout, 0, 300)},
      {"method-payload", "MethodPayload", "AZBRIDGE_METHOD_PAYLOAD", "",
       "JSON object merged over the generated CreateConnection payload, or null to send none (the sample's devices)",
       false, false, text(&S::method_payload)},
      {"subscription", "Subscription", "AZBRIDGE_SUBSCRIPTION", "AZURE_SUBSCRIPTION_ID", "Azure subscription id", false,
       false, text(&S::subscription)},
      {"resource-group", "ResourceGroup", "AZBRIDGE_RESOURCE_GROUP", "", "resource group of the container groups", false,
       false, text(&S::resource_group)},
      {"location", "Location", "AZBRIDGE_LOCATION", "", "Azure region (default: the resource group's)", false, false,
       text(&S::location)},
      {"arm-endpoint", "ArmEndpoint", "AZBRIDGE_ARM_ENDPOINT", "", "Azure Resource Manager URL (sovereign clouds, tests)",
       false, false, text(&S::arm_endpoint)},
      {"arm-scope", "ArmScope", "AZBRIDGE_ARM_SCOPE", "", "token scope for ARM", false, false, text(&S::arm_scope)},
      {"aci-api-version", "AciApiVersion", "AZBRIDGE_ACI_API_VERSION", "", "Microsoft.ContainerInstance api-version",
       false, false, text(&S::aci_api_version)},
      {"image", "Image", "AZBRIDGE_IMAGE", "", "container image with azbridge (e.g. myacr.azurecr.io/azbridge:0.16)", false,
       false, text(&S::image)},
      {"azbridge-path", "AzbridgePath", "AZBRIDGE_AZBRIDGE_PATH", "", "path of azbridge inside the image", false, false,
       safe_word(&S::azbridge_path, "/")},
      {"port", "Port", "AZBRIDGE_PORT", "", "public TCP port of the container", false, false, integer(&S::port, 1, 65535)},
      {"port-name", "PortName", "AZBRIDGE_PORT_NAME", "", "logical port name shared with the device's -T (sample: test)",
       false, false, safe_word(&S::port_name, "")},
      {"cpu", "Cpu", "AZBRIDGE_CPU", "", "CPU cores of the container", false, false, decimal(&S::cpu, 0.1, 4)},
      {"memory", "MemoryGb", "AZBRIDGE_MEMORY_GB", "", "memory of the container in GB", false, false,
       decimal(&S::memory_gb, 0.1, 16)},
      {"registry-server", "RegistryServer", "AZBRIDGE_REGISTRY_SERVER", "", "private registry of the image", false, false,
       text(&S::registry_server)},
      {"registry-username", "RegistryUsername", "AZBRIDGE_REGISTRY_USERNAME", "", "registry user name", false, false,
       text(&S::registry_username)},
      {"registry-password", "RegistryPassword", "AZBRIDGE_REGISTRY_PASSWORD", "", "registry password; prefer the environment",
       true, false, text(&S::registry_password)},
      {"dns-label-prefix", "DnsLabelPrefix", "AZBRIDGE_DNS_LABEL_PREFIX", "", "prefix of the container's DNS label", false,
       false, text(&S::dns_label_prefix)},
      {"relay-connection-string", "RelayConnectionString", "AZBRIDGE_RELAY_CONNECTION_STRING", "AZRELAY_CONN_STRING",
       "Azure Relay connection string for the container (Send); prefer the environment", true, false,
       text(&S::relay_connection_string)},
      {"hybrid-connection", "HybridConnection", "AZBRIDGE_HYBRID_CONNECTION", "",
       "hybrid connection name (default: the device id, as in the sample)", false, false, safe_word(&S::hybrid_connection, "")},
      {"ephemeral-relay", "EphemeralRelay", "AZBRIDGE_EPHEMERAL_RELAY", "",
       "create a hybrid connection per session with Listen-only (device) and Send-only (container) rules", false, true,
       boolean(&S::ephemeral_relay)},
      {"relay-namespace", "RelayNamespace", "AZBRIDGE_RELAY_NAMESPACE", "",
       "relay namespace name (default: from the relay connection string's Endpoint)", false, false,
       text(&S::relay_namespace)},
      {"relay-resource-group", "RelayResourceGroup", "AZBRIDGE_RELAY_RESOURCE_GROUP", "",
       "resource group of the relay namespace (default: --resource-group)", false, false, text(&S::relay_resource_group)},
      {"relay-subscription", "RelaySubscription", "AZBRIDGE_RELAY_SUBSCRIPTION", "",
       "subscription of the relay namespace (default: --subscription)", false, false, text(&S::relay_subscription)},
      {"ttl", "Ttl", "AZBRIDGE_TTL", "", "session lifetime recorded in the tags; sweep removes sessions past it", false,
       false, duration(&S::ttl, std::chrono::seconds(60))},
      {"provision-timeout", "ProvisionTimeout", "AZBRIDGE_PROVISION_TIMEOUT", "",
       "how long to wait for ACI provisioning or deletion", false, false, duration(&S::provision_timeout, std::chrono::seconds(1))},
      {"request-timeout", "RequestTimeout", "AZBRIDGE_REQUEST_TIMEOUT", "", "deadline of one HTTP request", false, false,
       duration(&S::request_timeout, std::chrono::seconds(1))},
      {"poll-interval", "PollInterval", "AZBRIDGE_POLL_INTERVAL", "",
       "delay between provisioning polls when Azure gives no Retry-After", false, false,
       [](settings& s, const std::string& v) {
         auto d = session::parse_duration(v);
         if (!d) throw error(exit_code::usage, fmt::format("expected a duration like 2s, got '{}'", v));
         s.poll_interval = std::chrono::duration_cast<std::chrono::milliseconds>(*d);
       }},
      {"credential", "Credential", "AZBRIDGE_CREDENTIAL", "",
       "Entra ID credential: auto, environment, workload-identity, managed-identity, app-service, imds, azure-cli", false,
       false,
       one_of(&S::credential, {"auto", "environment", "workload-identity", "managed-identity", "app-service", "imds", "azure-cli"})},
      {"tenant", "Tenant", "AZBRIDGE_TENANT", "", "Entra ID tenant (overrides AZURE_TENANT_ID)", false, false,
       text(&S::tenant)},
      {"authority-host", "AuthorityHost", "AZBRIDGE_AUTHORITY_HOST", "",
       "Entra ID authority URL (overrides AZURE_AUTHORITY_HOST)", false, false, text(&S::authority_host)},
  };
}

void apply_source(settings& s, const raw_settings& raw, std::string_view source,
                  const std::function<std::string(const setting_definition&)>& name_of) {
  for (const auto& d : setting_definitions()) {
    auto it = raw.find(std::string(d.flag));
    if (it == raw.end()) continue;
    try {
      d.apply(s, it->second);
    } catch (const error& e) {
      throw error(exit_code::usage, fmt::format("{} {}: {}", source, name_of(d), e.what()));
    }
  }
}

}  // namespace

const std::vector<setting_definition>& setting_definitions() {
  static const std::vector<setting_definition> defs = make_definitions();
  return defs;
}

raw_settings read_yaml_settings(const std::string& path) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw error(exit_code::usage, fmt::format("cannot read the configuration file {}", path));
  } catch (const YAML::Exception& e) {
    throw error(exit_code::usage, fmt::format("{}: {}", path, e.what()));
  }
  raw_settings out;
  if (!root.IsMap() || !root["Orchestrate"]) return out;
  auto section = root["Orchestrate"];
  if (section.IsNull()) return out;
  if (!section.IsMap()) throw error(exit_code::usage, fmt::format("{}: Orchestrate must be a mapping", path));
  for (const auto& kv : section) {
    auto key = kv.first.as<std::string>();
    const setting_definition* def = nullptr;
    for (const auto& d : setting_definitions()) {
      if (d.yaml == key) def = &d;
    }
    if (def == nullptr) throw error(exit_code::usage, fmt::format("{}: unknown setting Orchestrate.{}", path, key));
    if (!kv.second.IsScalar()) throw error(exit_code::usage, fmt::format("{}: Orchestrate.{} must be a single value", path, key));
    out[std::string(def->flag)] = kv.second.as<std::string>();
  }
  return out;
}

raw_settings read_environment_settings(const std::function<const char*(const char*)>& getenv_fn) {
  raw_settings out;
  for (const auto& d : setting_definitions()) {
    for (auto name : {d.env, d.alias_env}) {
      if (name.empty()) continue;
      const char* v = getenv_fn(std::string(name).c_str());
      if (v != nullptr && *v != '\0') {
        out[std::string(d.flag)] = v;
        break;
      }
    }
  }
  return out;
}

settings resolve_settings(const raw_settings& yaml, const raw_settings& env, const raw_settings& flags) {
  settings s;
  apply_source(s, yaml, "configuration file:", [](const setting_definition& d) { return "Orchestrate." + std::string(d.yaml); });
  apply_source(s, env, "environment:", [](const setting_definition& d) { return std::string(d.env); });
  apply_source(s, flags, "option", [](const setting_definition& d) { return "--" + std::string(d.flag); });
  return s;
}

void require_for(const settings& s, std::string_view command) {
  std::vector<std::string> missing;
  auto need = [&](bool ok, std::string_view what) {
    if (!ok) missing.emplace_back(what);
  };
  need(!s.subscription.empty(), "--subscription (AZBRIDGE_SUBSCRIPTION)");
  need(!s.resource_group.empty(), "--resource-group (AZBRIDGE_RESOURCE_GROUP)");
  if (command == "open" || command == "close" || command == "sweep") {
    need(!s.iothub_connection_string.empty() || !s.iothub_host.empty(),
         "--iothub-connection-string (AZBRIDGE_IOTHUB_CONNECTION_STRING) or --iothub-host");
  }
  if (command == "open") {
    need(!s.image.empty(), "--image (AZBRIDGE_IMAGE)");
    if (s.ephemeral_relay) {
      need(!s.relay_namespace.empty() || !s.relay_connection_string.empty(),
           "--relay-namespace or --relay-connection-string (to name the namespace) with --ephemeral-relay");
    } else {
      need(!s.relay_connection_string.empty(),
           "--relay-connection-string (AZBRIDGE_RELAY_CONNECTION_STRING) or --ephemeral-relay");
    }
    need(s.registry_password.empty() || !s.registry_server.empty(), "--registry-server (a registry password is set)");
  }
  if (!missing.empty()) {
    throw error(exit_code::usage, fmt::format("orchestrate {} needs {}", command, fmt::join(missing, ", ")));
  }
}

}  // namespace azbridge::orchestrate
