#include "azbridge/orchestrate/identity/token_requests.hpp"

#include <boost/json.hpp>

#include <charconv>
#include <ctime>
#include <fmt/format.h>

namespace azbridge::identity {
namespace {

namespace json = boost::json;
using orchestrate::http_request;
using orchestrate::retry_mode;

std::string trim_slash(std::string_view s) {
  while (!s.empty() && s.back() == '/') s.remove_suffix(1);
  return std::string(s);
}

std::optional<long long> to_integer(const json::value* v) {
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64()) return static_cast<long long>(v->as_uint64());
  if (v->is_double()) return static_cast<long long>(v->as_double());
  if (v->is_string()) {
    auto s = std::string_view(v->as_string());
    long long out = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc{} && p == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

std::string string_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

http_request form_post(std::string url, std::string body) {
  http_request r;
  r.method = "POST";
  r.url = std::move(url);
  r.body = std::move(body);
  r.set_header("Content-Type", "application/x-www-form-urlencoded");
  r.set_header("Accept", "application/json");
  r.retry = retry_mode::idempotent;  // asking for a token twice is harmless
  r.what = "Entra ID token request";
  return r;
}

}  // namespace

std::string scope_to_resource(std::string_view scope) {
  // As the SDKs do: "https://management.azure.com/.default" -> "https://management.azure.com".
  constexpr std::string_view suffix = "/.default";
  if (scope.size() > suffix.size() && scope.substr(scope.size() - suffix.size()) == suffix) {
    return std::string(scope.substr(0, scope.size() - suffix.size()));
  }
  return std::string(scope);
}

std::string form_encode(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

http_request client_secret_request(std::string_view authority_host, std::string_view tenant,
                                   std::string_view client_id, std::string_view secret, std::string_view scope) {
  return form_post(fmt::format("{}/{}/oauth2/v2.0/token", trim_slash(authority_host), form_encode(tenant)),
                   fmt::format("grant_type=client_credentials&client_id={}&client_secret={}&scope={}",
                               form_encode(client_id), form_encode(secret), form_encode(scope)));
}

http_request client_assertion_request(std::string_view authority_host, std::string_view tenant,
                                      std::string_view client_id, std::string_view assertion,
                                      std::string_view scope) {
  return form_post(fmt::format("{}/{}/oauth2/v2.0/token", trim_slash(authority_host), form_encode(tenant)),
                   fmt::format("grant_type=client_credentials&client_id={}&client_assertion_type={}"
                               "&client_assertion={}&scope={}",
                               form_encode(client_id),
                               form_encode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"),
                               form_encode(assertion), form_encode(scope)));
}

http_request app_service_request(std::string_view endpoint, std::string_view identity_header,
                                 std::string_view resource, std::string_view client_id) {
  http_request r;
  r.url = fmt::format("{}{}resource={}&api-version=2019-08-01", endpoint,
                      endpoint.find('?') == std::string_view::npos ? "?" : "&", form_encode(resource));
  if (!client_id.empty()) r.url += "&client_id=" + form_encode(client_id);
  r.set_header("X-IDENTITY-HEADER", std::string(identity_header));
  r.set_header("Accept", "application/json");
  r.retry = retry_mode::idempotent;
  r.what = "App Service managed identity token request";
  return r;
}

http_request imds_request(std::string_view imds_host, std::string_view resource, std::string_view client_id) {
  http_request r;
  r.url = fmt::format("{}/metadata/identity/oauth2/token?api-version=2018-02-01&resource={}",
                      trim_slash(imds_host), form_encode(resource));
  if (!client_id.empty()) r.url += "&client_id=" + form_encode(client_id);
  r.set_header("Metadata", "true");
  r.set_header("Accept", "application/json");
  r.retry = retry_mode::idempotent;
  r.what = "IMDS managed identity token request";
  return r;
}

expected<access_token> parse_token_response(std::string_view body, std::chrono::system_clock::time_point now) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) return failure{"the token endpoint's answer is not a JSON object"};
  const auto& o = v.as_object();
  access_token t;
  t.token = string_field(o, "access_token");
  if (t.token.empty()) return failure{"the token endpoint's answer has no access_token"};
  if (auto on = to_integer(o.if_contains("expires_on"))) {
    t.expires_on = std::chrono::system_clock::time_point(std::chrono::seconds(*on));
  } else if (auto in = to_integer(o.if_contains("expires_in"))) {
    t.expires_on = now + std::chrono::seconds(*in);
  } else {
    return failure{"the token endpoint's answer has neither expires_in nor expires_on"};
  }
  return t;
}

std::string describe_token_error(int http_status, std::string_view body) {
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  std::string text;
  if (!ec && v.is_object()) {
    const auto& o = v.as_object();
    text = string_field(o, "error_description");
    if (text.empty()) text = string_field(o, "message");
    if (text.empty()) {
      if (auto* e = o.if_contains("error"); e && e->is_object()) text = string_field(e->as_object(), "message");
    }
    if (text.empty()) text = string_field(o, "error");
  }
  if (auto nl = text.find_first_of("\r\n"); nl != std::string::npos) text.resize(nl);
  if (text.empty()) return fmt::format("HTTP {}", http_status);
  return fmt::format("HTTP {}: {}", http_status, text);
}

std::vector<std::string> az_cli_arguments(std::string_view az_path, std::string_view resource,
                                          std::string_view tenant) {
  std::vector<std::string> argv{std::string(az_path), "account", "get-access-token", "--output", "json",
                                "--resource", std::string(resource)};
  if (!tenant.empty()) {
    argv.emplace_back("--tenant");
    argv.emplace_back(tenant);
  }
  return argv;
}

expected<access_token> parse_az_cli_output(std::string_view output) {
  boost::system::error_code ec;
  auto v = json::parse(output, ec);
  if (ec || !v.is_object()) return failure{"the Azure CLI printed something that is not a JSON object"};
  const auto& o = v.as_object();
  access_token t;
  t.token = string_field(o, "accessToken");
  if (t.token.empty()) return failure{"the Azure CLI's answer has no accessToken"};
  if (auto on = to_integer(o.if_contains("expires_on"))) {
    t.expires_on = std::chrono::system_clock::time_point(std::chrono::seconds(*on));
    return t;
  }
  // Older CLIs: "expiresOn": "2024-05-01 12:34:56.000000" in local time.
  auto text = string_field(o, "expiresOn");
  std::tm tm{};
  if (text.size() < 19 || std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                                      &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return failure{"the Azure CLI's answer has no usable expiry (expires_on / expiresOn)"};
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_isdst = -1;
  t.expires_on = std::chrono::system_clock::from_time_t(std::mktime(&tm));
  return t;
}

}  // namespace azbridge::identity
