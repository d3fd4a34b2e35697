// Relay-server side of addressing: the sb-hc-* query filter and parsing of WebSocket and HTTP request targets.
#include "azbridge/protocol/relay_url.hpp"

#include "query.hpp"
#include "text.hpp"

#include <utility>

namespace azbridge::protocol {
namespace {

using detail::iequals;

std::string form_decode(std::string_view s) { return detail::percent_decode(s, true); }

std::optional<hc_action> parse_action(std::string_view s) {
  for (const auto a : {hc_action::listen, hc_action::connect, hc_action::accept, hc_action::request})
    if (iequals(s, to_string(a))) return a;
  return std::nullopt;
}

std::optional<int> parse_status(std::string_view s) {
  if (s.empty() || s.size() > 3) return std::nullopt;
  int v = 0;
  for (const char c : s) {
    if (!detail::is_digit(c)) return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

struct split_target {
  std::string_view path;   // raw, before '?'
  std::string_view query;  // raw, after '?', without any '#fragment'
};

split_target split(std::string_view target) {
  target = target.substr(0, target.find('#'));
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {target, {}};
  return {target.substr(0, q), target.substr(q + 1)};
}

std::string_view strip_slashes(std::string_view s) {
  while (!s.empty() && s.front() == '/') s.remove_prefix(1);
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return s;
}

}  // namespace

std::string filter_hc_query(std::string_view query) {
  // HybridConnectionUtility.FilterHybridConnectionQueryParams: a piece is dropped only when it has '=' and its
  // form-decoded key starts with "sb-hc-" (ignoring case); every kept piece is copied byte for byte.
  while (!query.empty() && query.front() == '?') query.remove_prefix(1);
  if (query.empty()) return {};
  std::string out;
  bool first = true;
  detail::for_each_query_pair(query, [&](std::string_view pair, std::string_view key, std::string_view, bool has_eq) {
    if (has_eq && detail::istarts_with(form_decode(key), "sb-hc-")) return;
    if (!first) out.push_back('&');
    first = false;
    out.append(pair);
  });
  return out;
}

expected<hc_target> parse_hc_target(std::string_view target) {
  const auto [raw_path, query] = split(target);
  if (!detail::istarts_with(raw_path, "/$hc/") && !iequals(raw_path, "/$hc"))
    return failure{"the request target does not start with /$hc/"};
  hc_target t;
  t.path = std::string(strip_slashes(detail::percent_decode(raw_path.substr(4), false)));
  if (t.path.empty()) return failure{"the request target names no hybrid connection"};

  // The first occurrence of each parameter counts.
  bool have_action = false, have_id = false, have_token = false, have_code = false, have_description = false;
  detail::for_each_query_pair(query, [&](std::string_view, std::string_view raw_key, std::string_view value, bool has_eq) {
    if (!has_eq) return;
    const std::string key = form_decode(raw_key);
    const auto once = [](bool& seen) { return !std::exchange(seen, true); };
    if (iequals(key, "sb-hc-action") && once(have_action)) {
      t.raw_action = form_decode(value);
      t.action = parse_action(t.raw_action);
    } else if (iequals(key, "sb-hc-id") && once(have_id)) {
      t.id = form_decode(value);
    } else if (iequals(key, "sb-hc-token") && once(have_token)) {
      t.token = form_decode(value);
    } else if ((iequals(key, "sb-hc-statusCode") || iequals(key, "statusCode")) && once(have_code)) {
      t.status_code = parse_status(form_decode(value));
    } else if ((iequals(key, "sb-hc-statusDescription") || iequals(key, "statusDescription")) && once(have_description)) {
      t.status_description = form_decode(value);
    }
  });
  t.app_query = filter_hc_query(query);
  return t;
}

expected<http_target> parse_http_target(std::string_view target) {
  const auto [raw_path, query] = split(target);
  if (raw_path.empty() || raw_path.front() != '/') return failure{"the request target does not start with '/'"};
  http_target t;
  std::string_view path = raw_path;
  path.remove_prefix(1);
  t.path = detail::percent_decode(path, false);
  bool have_token = false;
  detail::for_each_query_pair(query, [&](std::string_view, std::string_view raw_key, std::string_view value, bool has_eq) {
    if (has_eq && !have_token && iequals(form_decode(raw_key), "sb-hc-token")) {
      have_token = true;
      t.token = form_decode(value);
    }
  });
  const std::string filtered = filter_hc_query(query);
  t.filtered_target = std::string(raw_path);
  if (!filtered.empty()) t.filtered_target.append("?").append(filtered);
  return t;
}

}  // namespace azbridge::protocol
