// A tunnel session as recorded in Azure: names derived from the device id (one container group per
// device), the tags that record device, session, expiry and relay entity, and time/duration helpers.
// Sans-I/O; `status` and `sweep` rebuild sessions from tags alone.
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace azbridge::orchestrate::session {

using clock = std::chrono::system_clock;

inline constexpr std::string_view tag_device = "azbridge-device";
inline constexpr std::string_view tag_session = "azbridge-session";
inline constexpr std::string_view tag_created = "azbridge-created";
inline constexpr std::string_view tag_expires = "azbridge-expires";
inline constexpr std::string_view tag_hybrid_connection = "azbridge-hybrid-connection";
inline constexpr std::string_view tag_relay_namespace = "azbridge-relay-namespace";
inline constexpr std::string_view tag_ephemeral = "azbridge-ephemeral-relay";
inline constexpr std::string_view tag_port = "azbridge-port";

struct info {
  std::string device;
  std::string id;  // random, 8 hex digits
  clock::time_point created;
  clock::time_point expires;
  std::string hybrid_connection;
  std::string relay_namespace;  // set for ephemeral hybrid connections (to delete them)
  bool ephemeral = false;
  int port = 0;
};

std::map<std::string, std::string> to_tags(const info& s);
/// nullopt when the tags do not describe a session (not made by azbridge orchestrate).
std::optional<info> from_tags(const std::map<std::string, std::string>& tags);

bool expired(const info& s, clock::time_point now);

/// "azb-{device, lower-case, [a-z0-9-] only, <= 46 chars}-{8 hex of sha256(device)}": a valid ACI name
/// (1-63 chars, no leading/trailing/double '-'), unique per device id.
std::string container_group_name(std::string_view device_id);
/// "{prefix}-{device, sanitized, <= 30}-{8 hex of sha256(subscription/resource group/device)}".
std::string dns_label(std::string_view prefix, std::string_view subscription, std::string_view resource_group,
                      std::string_view device_id);
/// "{device, sanitized}-{session id}" for ephemeral hybrid connections.
std::string ephemeral_hybrid_connection(std::string_view device_id, std::string_view session_id);
std::string new_session_id();

/// RFC 3339 UTC, seconds precision: "2024-05-01T12:00:00Z".
std::string format_time(clock::time_point t);
std::optional<clock::time_point> parse_time(std::string_view text);
/// "90", "90s", "15m", "4h", "2d", "1h30m". nullopt for empty, negative or malformed input.
std::optional<std::chrono::seconds> parse_duration(std::string_view text);

}  // namespace azbridge::orchestrate::session
