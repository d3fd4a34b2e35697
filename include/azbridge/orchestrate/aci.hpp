// Azure Container Instances container groups running the local forwarder: the PUT body, the parsing of
// GET/list answers, resource paths (sans-I/O; shared reference orchestration-apis.md §3), and the few
// calls the operations make.
#pragma once

#include "azbridge/orchestrate/clients.hpp"

#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace azbridge::orchestrate::aci {

inline constexpr std::string_view default_api_version = "2023-05-01";

struct registry_credential {
  std::string server;
  std::string username;
  std::string password;
};

struct container_spec {
  std::string location;
  std::string image;
  std::vector<std::string> command;  // replaces the image's entrypoint
  int port = 8090;
  double cpu = 1.0;
  double memory_gb = 1.0;
  std::vector<std::pair<std::string, std::string>> env;         // plain values (visible in GET)
  std::vector<std::pair<std::string, std::string>> secure_env;  // secureValue (GET returns null)
  std::optional<registry_credential> registry;
  std::string dns_label;
  std::map<std::string, std::string> tags;
  std::string container_name = "azbridge";
  std::string restart_policy = "Always";
};

/// The container group PUT body: Linux, one container, public IP with the DNS label and the TCP port.
boost::json::value group_body(const container_spec& spec);

/// `sh -c 'exec {azbridge} -x "$AZRELAY_CONN_STRING" -L 0.0.0.0:{port}/{port_name}:$AZRELAY_HYBRID_CONNECTION'`:
/// the connection string stays in a secureValue variable instead of the (readable) command line.
std::vector<std::string> forwarder_command(std::string_view azbridge_path, int port, std::string_view port_name);

struct group_info {
  std::string name;
  std::string location;
  std::string provisioning_state;
  std::string instance_state;  // properties.instanceView.state: Running, Stopped, Pending ...
  std::string fqdn;
  std::string ip;
  std::vector<int> ports;
  std::map<std::string, std::string> tags;
};

group_info parse_group(const boost::json::value& v);
/// {"value":[...],"nextLink":...}; `next_link` receives the continuation URL (empty at the end).
std::vector<group_info> parse_group_list(std::string_view body, std::string& next_link);

std::string groups_path(std::string_view subscription, std::string_view resource_group);
std::string group_path(std::string_view subscription, std::string_view resource_group, std::string_view name);
/// "?api-version=V" appended to a path.
std::string with_api(std::string_view path, std::string_view api_version);

// --- calls -------------------------------------------------------------------------------------------

/// GET; nullopt on 404.
net::awaitable<std::optional<group_info>> get_group(arm_client& arm, const std::string& path, std::string_view api);
/// PUT and wait until provisioned; returns the group as read afterwards.
net::awaitable<group_info> put_group(arm_client& arm, const std::string& path, std::string_view api,
                                     const boost::json::value& body, std::chrono::steady_clock::time_point deadline,
                                     const wait_observer& observer);
/// POST .../start and wait.
net::awaitable<void> start_group(arm_client& arm, const std::string& path, std::string_view api,
                                 std::chrono::steady_clock::time_point deadline, const wait_observer& observer);
/// DELETE and wait; false when it did not exist.
net::awaitable<bool> delete_group(arm_client& arm, const std::string& path, std::string_view api,
                                  std::chrono::steady_clock::time_point deadline, const wait_observer& observer);
/// Every group of the resource group (follows nextLink on the ARM endpoint).
net::awaitable<std::vector<group_info>> list_groups(arm_client& arm, std::string_view subscription,
                                                    std::string_view resource_group, std::string_view api);

}  // namespace azbridge::orchestrate::aci
