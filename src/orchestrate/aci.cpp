#include "azbridge/orchestrate/aci.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate::aci {
namespace {

namespace json = boost::json;

// A named vector: GCC 12 cannot take a braced list inside a co_await expression.
std::vector<int> only_404() { return std::vector<int>{404}; }

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

const json::object* obj(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->as_object() : nullptr;
}

json::array tcp_ports(int port) {
  return json::array{json::object{{"port", port}, {"protocol", "TCP"}}};
}

}  // namespace

json::value group_body(const container_spec& spec) {
  json::array env;
  for (const auto& [k, v] : spec.env) env.push_back(json::object{{"name", k}, {"value", v}});
  for (const auto& [k, v] : spec.secure_env) env.push_back(json::object{{"name", k}, {"secureValue", v}});
  json::array command;
  for (const auto& c : spec.command) command.push_back(json::string(c));

  json::object container_props{
      {"image", spec.image},
      {"ports", tcp_ports(spec.port)},
      {"environmentVariables", std::move(env)},
      {"resources", json::object{{"requests", json::object{{"cpu", spec.cpu}, {"memoryInGB", spec.memory_gb}}}}}};
  if (!command.empty()) container_props["command"] = std::move(command);

  json::object props{
      {"osType", "Linux"},
      {"restartPolicy", spec.restart_policy},
      {"containers", json::array{json::object{{"name", spec.container_name}, {"properties", std::move(container_props)}}}},
      {"ipAddress", json::object{{"type", "Public"}, {"ports", tcp_ports(spec.port)}, {"dnsNameLabel", spec.dns_label}}}};
  if (spec.registry) {
    json::object cred{{"server", spec.registry->server}};
    if (!spec.registry->username.empty()) cred["username"] = spec.registry->username;
    if (!spec.registry->password.empty()) cred["password"] = spec.registry->password;
    props["imageRegistryCredentials"] = json::array{std::move(cred)};
  }
  json::object tags;
  for (const auto& [k, v] : spec.tags) tags[k] = v;
  return json::object{{"location", spec.location}, {"tags", std::move(tags)}, {"properties", std::move(props)}};
}

std::vector<std::string> forwarder_command(std::string_view azbridge_path, int port, std::string_view port_name) {
  return {"/bin/sh", "-c",
          fmt::format("exec {} -x \"$AZRELAY_CONN_STRING\" -L 0.0.0.0:{}/{}:$AZRELAY_HYBRID_CONNECTION", azbridge_path,
                      port, port_name)};
}

group_info parse_group(const json::value& v) {
  group_info g;
  const auto* o = v.if_object();
  if (o == nullptr) return g;
  g.name = str(*o, "name");
  g.location = str(*o, "location");
  if (auto* tags = obj(*o, "tags")) {
    for (const auto& kv : *tags) {
      if (kv.value().is_string()) g.tags[std::string(kv.key())] = std::string(kv.value().as_string());
    }
  }
  if (auto* p = obj(*o, "properties")) {
    g.provisioning_state = str(*p, "provisioningState");
    if (auto* iv = obj(*p, "instanceView")) g.instance_state = str(*iv, "state");
    if (auto* ip = obj(*p, "ipAddress")) {
      g.fqdn = str(*ip, "fqdn");
      g.ip = str(*ip, "ip");
      if (auto* ports = ip->if_contains("ports"); ports && ports->is_array()) {
        for (const auto& e : ports->as_array()) {
          if (auto* po = e.if_object()) {
            if (auto* n = po->if_contains("port"); n && n->is_int64()) g.ports.push_back(static_cast<int>(n->as_int64()));
          }
        }
      }
    }
  }
  return g;
}

std::vector<group_info> parse_group_list(std::string_view body, std::string& next_link) {
  std::vector<group_info> out;
  next_link.clear();
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return out;
  const auto& o = v.as_object();
  if (auto* arr = o.if_contains("value"); arr && arr->is_array()) {
    for (const auto& e : arr->as_array()) out.push_back(parse_group(e));
  }
  next_link = str(o, "nextLink");
  return out;
}

std::string groups_path(std::string_view subscription, std::string_view resource_group) {
  return fmt::format("/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerInstance/containerGroups",
                     subscription, resource_group);
}

std::string group_path(std::string_view subscription, std::string_view resource_group, std::string_view name) {
  return groups_path(subscription, resource_group) + "/" + std::string(name);
}

std::string with_api(std::string_view path, std::string_view api_version) {
  return fmt::format("{}{}api-version={}", path, path.find('?') == std::string_view::npos ? '?' : '&', api_version);
}

net::awaitable<std::optional<group_info>> get_group(arm_client& arm, const std::string& path, std::string_view api) {
  auto res = co_await arm.expect("GET", with_api(path, api), std::nullopt, retry_mode::idempotent,
                                 "reading container group " + path.substr(path.rfind('/') + 1), only_404());
  if (res.status == 404) {
    // A missing resource group is an error; a missing group is an answer.
    auto e = arm::parse_error(res.status, res.body);
    if (e.code == "ResourceGroupNotFound" || e.code == "SubscriptionNotFound") {
      throw arm::classify(e, "reading container group " + path.substr(path.rfind('/') + 1));
    }
    co_return std::nullopt;
  }
  boost::system::error_code ec;
  auto v = boost::json::parse(res.body, ec);
  if (ec || !v.is_object()) throw error(exit_code::service, "reading container group: the answer is not a JSON object");
  co_return parse_group(v);
}

net::awaitable<group_info> put_group(arm_client& arm, const std::string& path, std::string_view api,
                                     const json::value& body, std::chrono::steady_clock::time_point deadline,
                                     const wait_observer& observer) {
  auto name = path.substr(path.rfind('/') + 1);
  auto what = "creating container group " + name;
  // PUT is idempotent in ARM: the same body twice gives the same group.
  auto res = co_await arm.expect("PUT", with_api(path, api), body, retry_mode::idempotent, what);
  co_await arm.wait("PUT", res, with_api(path, api), deadline, what, observer);
  auto g = co_await get_group(arm, path, api);
  if (!g) throw error(exit_code::service, what + ": the group is gone right after provisioning");
  co_return *g;
}

net::awaitable<void> start_group(arm_client& arm, const std::string& path, std::string_view api,
                                 std::chrono::steady_clock::time_point deadline, const wait_observer& observer) {
  auto what = "starting container group " + path.substr(path.rfind('/') + 1);
  auto res = co_await arm.expect("POST", with_api(path + "/start", api), std::nullopt, retry_mode::throttle, what);
  co_await arm.wait("POST", res, with_api(path, api), deadline, what, observer);
}

net::awaitable<bool> delete_group(arm_client& arm, const std::string& path, std::string_view api,
                                  std::chrono::steady_clock::time_point deadline, const wait_observer& observer) {
  auto what = "deleting container group " + path.substr(path.rfind('/') + 1);
  auto res = co_await arm.expect("DELETE", with_api(path, api), std::nullopt, retry_mode::idempotent, what, only_404());
  if (res.status == 404 || res.status == 204) co_return false;
  co_await arm.wait("DELETE", res, with_api(path, api), deadline, what, observer);
  co_return true;
}

net::awaitable<std::vector<group_info>> list_groups(arm_client& arm, std::string_view subscription,
                                                    std::string_view resource_group, std::string_view api) {
  std::vector<group_info> all;
  std::string path = with_api(groups_path(subscription, resource_group), api);
  for (int page = 0; page < 100; ++page) {
    auto res = co_await arm.expect("GET", path, std::nullopt, retry_mode::idempotent, "listing container groups");
    std::string next;
    auto groups = parse_group_list(res.body, next);
    all.insert(all.end(), groups.begin(), groups.end());
    if (next.empty()) break;
    if (!arm::same_origin(next, arm.endpoint())) throw error(exit_code::service, "listing container groups: nextLink leaves the ARM endpoint");
    auto scheme_end = next.find("://");
    auto path_start = next.find('/', scheme_end + 3);
    path = path_start == std::string::npos ? "/" : next.substr(path_start);
  }
  co_return all;
}

}  // namespace azbridge::orchestrate::aci
