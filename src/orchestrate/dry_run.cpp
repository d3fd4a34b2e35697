#include "azbridge/orchestrate/dry_run.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

namespace json = boost::json;
using boost::algorithm::ends_with;
using boost::algorithm::icontains;

http_response json_answer(int status, const json::value& body) {
  http_response r;
  r.status = status;
  r.reason = "dry run";
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = json::serialize(body);
  return r;
}

// The path segment that follows `name` ("namespaces" -> "ns").
std::string segment_after(const std::string& path, std::string_view name) {
  const std::string key = fmt::format("/{}/", name);
  const auto pos = path.find(key);
  if (pos == std::string::npos) return {};
  const auto start = pos + key.size();
  auto end = path.find('/', start);
  if (end == std::string::npos) end = path.size();
  return path.substr(start, end - start);
}

}  // namespace

http_response dry_run_transport::answer(const http_request& request) {
  auto parsed = boost::urls::parse_uri(request.url);
  std::string path = parsed ? std::string(parsed->encoded_path()) : request.url;
  const auto& m = request.method;

  if (path.find("/twins/") != std::string::npos && ends_with(path, "/methods")) {
    return json_answer(200, json::object{{"status", 200}, {"payload", json::object{{"result", "dry run: not sent"}}}});
  }
  if (ends_with(path, "/listKeys")) {
    auto ns = segment_after(path, "namespaces");
    auto hc = segment_after(path, "hybridConnections");
    auto rule = segment_after(path, "authorizationRules");
    return json_answer(200, json::object{{"keyName", rule},
                                         {"primaryConnectionString",
                                          fmt::format("Endpoint=sb://{}.servicebus.windows.net/;SharedAccessKeyName={};"
                                                      "SharedAccessKey=dry-run-key;EntityPath={}", ns, rule, hc)}});
  }
  if (m == "GET" && icontains(path, "/resourcegroups/") && path.find("/providers/") == std::string::npos) {
    return json_answer(200, json::object{{"location", "resource-group-location"}});
  }
  if (m == "GET" && ends_with(path, "/containerGroups")) return json_answer(200, json::object{{"value", json::array{}}});
  if (m == "GET") {
    auto it = resources_.find(path);
    if (it == resources_.end()) {
      return json_answer(404, json::object{{"error", json::object{{"code", "ResourceNotFound"}, {"message", "dry run"}}}});
    }
    return json_answer(200, it->second);
  }
  if (m == "PUT") {
    boost::system::error_code ec;
    auto body = json::parse(request.body, ec);
    if (ec || !body.is_object()) body = json::object{};
    auto& props = body.as_object()["properties"];
    if (!props.is_object()) props = json::object{};
    props.as_object()["provisioningState"] = "Succeeded";
    if (path.find("/containerGroups/") != std::string::npos) {
      props.as_object()["instanceView"] = json::object{{"state", "Running"}};
      if (auto* ip = props.as_object().if_contains("ipAddress"); ip && ip->is_object()) {
        std::string label, location = "location";
        if (auto* l = ip->as_object().if_contains("dnsNameLabel"); l && l->is_string()) label = l->as_string();
        if (auto* l = body.as_object().if_contains("location"); l && l->is_string()) location = l->as_string();
        ip->as_object()["fqdn"] = fmt::format("{}.{}.azurecontainer.io", label, location);
      }
      body.as_object()["name"] = path.substr(path.rfind('/') + 1);
    }
    resources_[path] = body;
    return json_answer(201, body);
  }
  if (m == "DELETE") {
    bool existed = resources_.erase(path) > 0;
    http_response r;
    r.status = existed ? 200 : 204;
    r.reason = "dry run";
    return r;
  }
  http_response r;
  r.status = 204;
  r.reason = "dry run";
  return r;
}

net::awaitable<http_response> dry_run_transport::send(const http_request& request, std::chrono::milliseconds) {
  if (printer_) printer_(request);
  co_return answer(request);
}

net::awaitable<identity::access_token> dry_run_credential::get_token(const std::string&) {
  co_return identity::access_token{"dry-run-token", std::chrono::system_clock::now() + std::chrono::hours(1)};
}

}  // namespace azbridge::orchestrate
