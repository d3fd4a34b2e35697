// Hybrid Connections addressing: the URLs clients open and the request targets the relay server parses.
// See hybrid-connections-protocol.md §1.
#pragma once

#include "azbridge/util/expected.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace azbridge::protocol {

enum class hc_action { listen, connect, accept, request };
std::string_view to_string(hc_action a);

/// A new random tracking id in GUID "D" format (8-4-4-4-12 lower-case hex), used as sb-hc-id.
std::string make_tracking_id();

/// Client side. From a namespace endpoint ("sb://host[:port]/" means wss; our extension "ws://host[:port]/" means
/// plain WebSocket for a --no-tls relay) builds
///   wss://host[:port]/$hc/{entity_path}[?{app_query}&]sb-hc-action={action}&sb-hc-id={tracking_id}
/// (ws:// for a ws:// endpoint). The port appears only when the endpoint gives one. The entity path is resolved
/// against the endpoint's path like a relative URI ("sb://ns/" + "db" -> "/db"; "sb://ns/pre/" + "db" ->
/// "/pre/db"), characters not allowed in a path percent-encoded ('/' and valid %XX kept); leading '?' of
/// app_query dropped, the rest appended verbatim. Failure for an endpoint that is not sb:// or ws:// with a host.
expected<std::string> make_relay_url(std::string_view endpoint, std::string_view entity_path, hc_action action,
                                     std::string_view tracking_id, std::string_view app_query = {});

/// The resource URI a client signs for an entity: "sb://host[:port]/{entity_path}" (port kept; the token
/// normalization drops it).
expected<std::string> make_resource_uri(std::string_view endpoint, std::string_view entity_path);

/// Drops every key=value pair whose (form-decoded) key starts with "sb-hc-" (case-insensitive); keeps the rest
/// verbatim, empty pieces included ("a=1&a=2&" stays as is). "sb-hc-undefined" without '=' is kept, as the
/// service does. `query` has no leading '?' (any are skipped); the result never starts with '?'.
std::string filter_hc_query(std::string_view query);

/// Server side: a WebSocket request target "/$hc/{path}[?query]".
struct hc_target {
  std::string path;           // percent-decoded path after "/$hc/", without leading/trailing '/', e.g. "db" or "a/b/suffix"
  std::optional<hc_action> action;  // nullopt when sb-hc-action is missing or unknown
  std::string raw_action;     // sb-hc-action as given
  std::string id;             // sb-hc-id (decoded), may be empty
  std::string token;          // sb-hc-token (decoded), may be empty
  std::string app_query;      // the query with every sb-hc-* pair removed, verbatim
  std::optional<int> status_code;  // sb-hc-statusCode or (node clients) statusCode, for rejections
  std::string status_description;  // sb-hc-statusDescription or statusDescription, decoded
};
/// Failure when the target does not start with "/$hc/" (case-insensitive "$hc") or names no path. The first
/// occurrence of each sb-hc-* parameter counts. Never throws on any input.
expected<hc_target> parse_hc_target(std::string_view target);

/// Server side: an HTTP sender's request target "/{path}[?query]" (no "$hc").
struct http_target {
  std::string path;             // percent-decoded path without leading '/', e.g. "hc1/sub/path"
  std::string token;            // sb-hc-token (decoded), may be empty
  std::string filtered_target;  // the target with every sb-hc-* query pair removed (what the listener sees)
};
/// Failure when the target does not start with '/'. filtered_target has no '?' when nothing is left of the
/// query. Never throws on any input.
expected<http_target> parse_http_target(std::string_view target);

}  // namespace azbridge::protocol
