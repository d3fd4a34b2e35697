#include "azbridge/relay_server/http_headers.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/beast/http/field.hpp>

#include <algorithm>
#include <array>

namespace azbridge::relay_server {
namespace http = boost::beast::http;
using boost::algorithm::iequals;

bool is_hop_by_hop(std::string_view name) {
  static constexpr std::array<std::string_view, 12> names = {
      "Connection", "Keep-Alive", "Proxy-Authenticate", "Proxy-Authorization", "Proxy-Connection", "TE",
      "Trailer",    "Trailers",   "Transfer-Encoding",  "Upgrade",             "Host",             "Close"};
  if (iequals(name, "Content-Length")) return true;
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return iequals(n, name); });
}

std::vector<std::string> split_token_list(std::string_view value) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= value.size()) {
    auto comma = value.find(',', start);
    auto item = value.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
    while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

namespace {

bool named_in_connection(const http::fields& fields, std::string_view name) {
  for (auto it = fields.find(http::field::connection); it != fields.end() && it->name() == http::field::connection;
       ++it) {
    for (const auto& token : split_token_list(it->value())) {
      if (iequals(token, name)) return true;
    }
  }
  return false;
}

void add_joined(protocol::header_list& out, std::string_view name, std::string_view value) {
  for (auto& [n, v] : out) {
    if (iequals(n, name)) {
      v += iequals(name, "Cookie") ? "; " : ", ";
      v += value;
      return;
    }
  }
  out.emplace_back(std::string(name), std::string(value));
}

}  // namespace

protocol::header_list request_headers_for_listener(const http::fields& fields, bool authorization_was_token) {
  protocol::header_list out;
  for (const auto& f : fields) {
    auto name = f.name_string();
    if (is_hop_by_hop(name) || named_in_connection(fields, name)) continue;
    if (iequals(name, "ServiceBusAuthorization") || iequals(name, "Expect")) continue;
    if (authorization_was_token && iequals(name, "Authorization")) continue;
    add_joined(out, name, f.value());
  }
  return out;
}

protocol::header_list connect_headers_for_listener(const http::fields& fields) {
  protocol::header_list out;
  for (const auto& f : fields) {
    auto name = f.name_string();
    if (iequals(name, "ServiceBusAuthorization") || iequals(name, "Sec-WebSocket-Extensions")) continue;
    add_joined(out, name, f.value());
  }
  return out;
}

void apply_listener_response_headers(http::fields& out, const protocol::header_list& headers) {
  // Connection may name further hop-by-hop headers of the listener's response.
  std::vector<std::string> named;
  for (const auto& [n, v] : headers) {
    if (iequals(n, "Connection")) {
      auto tokens = split_token_list(v);
      named.insert(named.end(), tokens.begin(), tokens.end());
    }
  }
  for (const auto& [n, v] : headers) {
    if (n.empty() || is_hop_by_hop(n)) continue;
    if (std::any_of(named.begin(), named.end(), [&](const std::string& x) { return iequals(x, n); })) continue;
    // A header value must not carry line breaks (response splitting).
    if (v.find_first_of("\r\n") != std::string::npos || n.find_first_of("\r\n: ") != std::string::npos) continue;
    out.insert(n, v);
  }
}

std::string via_value(std::string_view existing, std::string_view host, unsigned http_version) {
  std::string protocol = http_version == 10 ? "1.0" : "1.1";
  std::string mine = protocol + " " + std::string(host);
  if (existing.empty()) return mine;
  return std::string(existing) + ", " + mine;
}

std::size_t header_bytes(const protocol::header_list& headers) {
  std::size_t n = 0;
  for (const auto& [k, v] : headers) n += k.size() + v.size() + 4;
  return n;
}

std::string sanitize_reason(std::string_view text, std::size_t max) {
  std::string out;
  out.reserve(std::min(text.size(), max));
  for (char c : text) {
    if (out.size() >= max) break;
    auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : ' ');
  }
  return out;
}

bool is_plain_authority(std::string_view authority) {
  if (authority.empty() || authority.size() > 255) return false;
  return std::all_of(authority.begin(), authority.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
           c == ':' || c == '[' || c == ']' || c == '_';
  });
}

std::string_view authority_host(std::string_view authority) {
  if (!authority.empty() && authority.front() == '[') {
    auto close = authority.find(']');
    return close == std::string_view::npos ? authority.substr(1) : authority.substr(1, close - 1);
  }
  auto colon = authority.find(':');
  if (colon != std::string_view::npos && authority.find(':', colon + 1) == std::string_view::npos) {
    return authority.substr(0, colon);
  }
  return authority;
}

}  // namespace azbridge::relay_server
