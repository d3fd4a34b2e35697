// Azure Relay management through ARM (api-version 2021-11-01): a hybrid connection per session with a
// Listen-only rule for the device and a Send-only rule for the container (orchestration-apis.md §5).
#pragma once

#include "azbridge/orchestrate/clients.hpp"
#include "azbridge/util/expected.hpp"

#include <boost/json/value.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace azbridge::orchestrate::relay_arm {

inline constexpr std::string_view api_version = "2021-11-01";
inline constexpr std::string_view device_rule = "device-listen";
inline constexpr std::string_view container_rule = "container-send";

std::string namespace_path(std::string_view subscription, std::string_view resource_group, std::string_view ns);
std::string hybrid_connection_path(std::string_view namespace_path, std::string_view hc);
std::string rule_path(std::string_view hc_path, std::string_view rule);

/// {"properties":{"requiresClientAuthorization":true,"userMetadata":...}}
boost::json::value hybrid_connection_body(std::string_view user_metadata);
/// {"properties":{"rights":[...]}}
boost::json::value rule_body(const std::vector<std::string>& rights);

struct keys {
  std::string key_name;
  std::string primary_connection_string;  // ends with ;EntityPath={hc}
};
/// The listKeys answer.
expected<keys> parse_keys(std::string_view body);

/// "sb://ns.servicebus.windows.net/" -> "ns" (first label of the endpoint host); empty if not parsable.
std::string namespace_from_endpoint(std::string_view endpoint);

// --- calls -------------------------------------------------------------------------------------------

net::awaitable<void> put_hybrid_connection(arm_client& arm, const std::string& hc_path, std::string_view user_metadata);
/// PUT the rule, then POST listKeys: the rule's connection string.
net::awaitable<keys> make_rule(arm_client& arm, const std::string& hc_path, std::string_view rule,
                               const std::vector<std::string>& rights);
/// DELETE; false when it did not exist.
net::awaitable<bool> delete_hybrid_connection(arm_client& arm, const std::string& hc_path);

}  // namespace azbridge::orchestrate::relay_arm
