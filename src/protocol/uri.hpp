// Absolute-URI parsing for relay endpoints (internal; not installed).
#pragma once

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

#include <optional>
#include <string_view>

namespace azbridge::protocol::detail {

/// boost::urls::parse_uri plus the RFC 3986 rule that Boost 1.81 misses: after an authority the path is empty or
/// starts with '/'. Boost 1.81 reads "sb://host:x" as host "host", an empty port and the path "x", which then
/// prints as "sb://hostx", another host (found by config_yaml_fuzzer). System.Uri rejects that port as well.
inline std::optional<boost::urls::url_view> parse_absolute_endpoint(std::string_view text) {
  auto parsed = boost::urls::parse_uri(text);
  if (!parsed) return std::nullopt;
  const std::string_view path = parsed->encoded_path();
  if (parsed->has_authority() && !path.empty() && path.front() != '/') return std::nullopt;
  return *parsed;
}

}  // namespace azbridge::protocol::detail
