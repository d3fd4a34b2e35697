// Client-side Hybrid Connections addresses: tracking ids, the WebSocket URLs to open, the URI to sign.
#include "azbridge/protocol/relay_url.hpp"

#include "azbridge/protocol/sas.hpp"

#include "crypto.hpp"
#include "text.hpp"
#include "uri.hpp"

#include <array>
#include <cstdio>
#include <stdexcept>

namespace azbridge::protocol {
namespace {

struct endpoint_parts {
  std::string ws_scheme;  // "wss" for sb://, "ws" for our plain-text extension ws://
  std::string authority;  // host[:port], host lower-case, port only when given
  std::string base_path;  // the endpoint's path, still encoded
};

expected<endpoint_parts> split_endpoint(std::string_view endpoint) {
  const auto parsed = detail::parse_absolute_endpoint(detail::trim(endpoint));
  if (!parsed) return failure{"the endpoint '" + std::string(endpoint) + "' is not an absolute URI"};
  const boost::urls::url_view& u = *parsed;
  endpoint_parts parts;
  const std::string scheme = detail::to_lower(u.scheme());
  if (scheme == "sb")
    parts.ws_scheme = "wss";
  else if (scheme == "ws")
    parts.ws_scheme = "ws";
  else
    return failure{"the endpoint '" + std::string(endpoint) + "' must start with sb:// (or ws:// for a relay without TLS)"};
  if (!u.has_authority() || u.encoded_host().empty())
    return failure{"the endpoint '" + std::string(endpoint) + "' has no host name"};
  parts.authority = u.host_type() == boost::urls::host_type::name ? detail::to_lower(u.encoded_host())
                                                                  : std::string(u.encoded_host());
  if (u.has_port() && !u.port().empty()) parts.authority.append(":").append(u.port());
  parts.base_path = std::string(u.encoded_path());
  return parts;
}

// Percent-encodes what may not appear in a path segment; '/' separates segments and valid %XX escapes stay.
std::string encode_path(std::string_view path) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    const auto b = static_cast<unsigned char>(path[i]);
    const bool pchar = (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') ||
                       std::string_view("-._~!$&'()*+,;=:@/").find(static_cast<char>(b)) != std::string_view::npos;
    const bool escape = b == '%' && i + 2 < path.size() && detail::hex_value(path[i + 1]) >= 0 &&
                        detail::hex_value(path[i + 2]) >= 0;
    if (pchar || escape) {
      out.push_back(static_cast<char>(b));
    } else {
      out.push_back('%');
      out.push_back(hex[b >> 4]);
      out.push_back(hex[b & 0x0F]);
    }
  }
  return out;
}

// The entity path resolved as a relative URI against the endpoint, as `new Uri(endpoint, entityPath)` does:
// "/" + "db" -> "/db", "/prefix/" + "db" -> "/prefix/db", and an entity path starting with '/' replaces the path.
std::string resolve_entity(const endpoint_parts& ep, std::string_view entity_path) {
  const std::string entity = encode_path(entity_path);
  if (!entity.empty() && entity.front() == '/') return entity;
  const std::size_t last_slash = ep.base_path.rfind('/');
  const std::string dir = last_slash == std::string::npos ? "/" : ep.base_path.substr(0, last_slash + 1);
  return dir + entity;
}

}  // namespace

std::string_view to_string(hc_action a) {
  switch (a) {
    case hc_action::listen: return "listen";
    case hc_action::connect: return "connect";
    case hc_action::accept: return "accept";
    case hc_action::request: return "request";
  }
  return "unknown";
}

std::string make_tracking_id() {
  std::array<std::uint8_t, 16> b{};
  if (!detail::random_bytes(b.data(), b.size())) {
    // Tracking ids are diagnostics, not secrets; still, never hand out a predictable one silently.
    throw std::runtime_error("OpenSSL could not produce random bytes for a tracking id");
  }
  b[6] = static_cast<std::uint8_t>((b[6] & 0x0F) | 0x40);  // version 4, as Guid.NewGuid()
  b[8] = static_cast<std::uint8_t>((b[8] & 0x3F) | 0x80);  // RFC 4122 variant
  std::array<char, 37> text{};
  std::snprintf(text.data(), text.size(), "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
                b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return std::string(text.data(), 36);
}

expected<std::string> make_relay_url(std::string_view endpoint, std::string_view entity_path, hc_action action,
                                     std::string_view tracking_id, std::string_view app_query) {
  auto ep = split_endpoint(endpoint);
  if (!ep) return failure{ep.error()};
  std::string url = ep->ws_scheme + "://" + ep->authority + "/$hc" + resolve_entity(*ep, entity_path) + "?";
  while (!app_query.empty() && app_query.front() == '?') app_query.remove_prefix(1);
  if (!app_query.empty()) url.append(app_query).append("&");
  url.append("sb-hc-action=").append(to_string(action));
  url.append("&sb-hc-id=").append(sas::url_encode(tracking_id));
  return url;
}

expected<std::string> make_resource_uri(std::string_view endpoint, std::string_view entity_path) {
  auto ep = split_endpoint(endpoint);
  if (!ep) return failure{ep.error()};
  return "sb://" + ep->authority + resolve_entity(*ep, entity_path);
}

}  // namespace azbridge::protocol
