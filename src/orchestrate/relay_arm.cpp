#include "azbridge/orchestrate/relay_arm.hpp"

#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate::relay_arm {
namespace {

namespace json = boost::json;

// A named vector: GCC 12 cannot take a braced list inside a co_await expression.
std::vector<int> only_404() { return std::vector<int>{404}; }

std::string api(std::string_view path) { return fmt::format("{}?api-version={}", path, api_version); }

}  // namespace

std::string namespace_path(std::string_view subscription, std::string_view resource_group, std::string_view ns) {
  return fmt::format("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Relay/namespaces/{}", subscription,
                     resource_group, ns);
}

std::string hybrid_connection_path(std::string_view namespace_path, std::string_view hc) {
  return fmt::format("{}/hybridConnections/{}", namespace_path, hc);
}

std::string rule_path(std::string_view hc_path, std::string_view rule) {
  return fmt::format("{}/authorizationRules/{}", hc_path, rule);
}

json::value hybrid_connection_body(std::string_view user_metadata) {
  return json::object{{"properties", json::object{{"requiresClientAuthorization", true}, {"userMetadata", user_metadata}}}};
}

json::value rule_body(const std::vector<std::string>& rights) {
  json::array r;
  for (const auto& x : rights) r.push_back(json::string(x));
  return json::object{{"properties", json::object{{"rights", std::move(r)}}}};
}

expected<keys> parse_keys(std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return failure{"the listKeys answer is not a JSON object"};
  const auto& o = v.as_object();
  keys k;
  if (auto* s = o.if_contains("primaryConnectionString"); s && s->is_string()) k.primary_connection_string = s->as_string();
  if (auto* s = o.if_contains("keyName"); s && s->is_string()) k.key_name = s->as_string();
  if (k.primary_connection_string.empty()) return failure{"the listKeys answer has no primaryConnectionString"};
  return k;
}

std::string namespace_from_endpoint(std::string_view endpoint) {
  auto u = boost::urls::parse_uri(endpoint);
  if (!u) return {};
  std::string host(u->encoded_host());
  return host.substr(0, host.find('.'));
}

net::awaitable<void> put_hybrid_connection(arm_client& arm, const std::string& hc_path, std::string_view user_metadata) {
  co_await arm.expect("PUT", api(hc_path), hybrid_connection_body(user_metadata), retry_mode::idempotent,
                      "creating hybrid connection " + hc_path.substr(hc_path.rfind('/') + 1));
}

net::awaitable<keys> make_rule(arm_client& arm, const std::string& hc_path, std::string_view rule,
                               const std::vector<std::string>& rights) {
  auto path = rule_path(hc_path, rule);
  co_await arm.expect("PUT", api(path), rule_body(rights), retry_mode::idempotent,
                      fmt::format("creating authorization rule {}", rule));
  // listKeys reads and changes nothing: safe to repeat.
  auto res = co_await arm.expect("POST", api(path + "/listKeys"), std::nullopt, retry_mode::idempotent,
                                 fmt::format("reading the keys of rule {}", rule));
  auto k = parse_keys(res.body);
  if (!k) throw error(exit_code::service, k.error());
  co_return *k;
}

net::awaitable<bool> delete_hybrid_connection(arm_client& arm, const std::string& hc_path) {
  auto res = co_await arm.expect("DELETE", api(hc_path), std::nullopt, retry_mode::idempotent,
                                 "deleting hybrid connection " + hc_path.substr(hc_path.rfind('/') + 1), only_404());
  co_return res.status != 404 && res.status != 204;
}

}  // namespace azbridge::orchestrate::relay_arm
