#include "azbridge/orchestrate/arm.hpp"

#include "azbridge/orchestrate/retry.hpp"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json.hpp>
#include <boost/url/parse.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate::arm {
namespace {

namespace json = boost::json;
using boost::algorithm::iequals;

std::string str(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

void read_error_fields(const json::object& o, cloud_error& e) {
  e.code = str(o, "code");
  e.message = str(o, "message");
  e.target = str(o, "target");
}

}  // namespace

cloud_error parse_error(int http_status, std::string_view body) {
  cloud_error e;
  e.http_status = http_status;
  boost::system::error_code ec;
  auto v = json::parse(body, ec);
  if (ec || !v.is_object()) {
    if (!body.empty() && body.size() < 200 && body.find('<') == std::string_view::npos) e.message = std::string(body);
    return e;
  }
  const auto& o = v.as_object();
  if (auto* inner = o.if_contains("error"); inner && inner->is_object()) {
    read_error_fields(inner->as_object(), e);
  } else {
    read_error_fields(o, e);
  }
  return e;
}

error classify(const cloud_error& e, std::string_view what) {
  std::string detail = fmt::format("ARM {}", e.http_status);
  if (!e.code.empty()) detail += " " + e.code;
  if (!e.message.empty()) detail += ": " + e.message;
  const auto text = fmt::format("{} failed ({})", what, detail);
  if (e.http_status == 401 || e.http_status == 403) {
    return {exit_code::auth, text + "; check the identity's role assignments (e.g. Contributor on the resource group)"};
  }
  if (e.http_status == 404) return {exit_code::not_found, text};
  if (e.http_status == 429) return {exit_code::throttled, text};
  if (e.http_status >= 500) return {exit_code::service, text};
  if (e.http_status >= 400) return {exit_code::rejected, text};
  return {exit_code::failure, text};
}

lro_plan plan_lro(std::string_view method, const http_response& initial) {
  lro_plan plan;
  if (!initial.ok()) return plan;
  if (auto a = initial.header("Azure-AsyncOperation"); !a.empty()) {
    plan.via = poll_via::async_operation;
    plan.url = std::string(a);
    return plan;
  }
  if (auto l = initial.header("Location"); !l.empty() && (initial.status == 201 || initial.status == 202)) {
    plan.via = poll_via::location;
    plan.url = std::string(l);
    return plan;
  }
  if (iequals(method, "PUT") || iequals(method, "PATCH")) {
    auto s = read_resource(initial);
    if (s.state == lro_state::running && !s.provisioning_state.empty()) plan.via = poll_via::resource;
  }
  return plan;
}

lro_status read_async_operation(const http_response& response) {
  lro_status s;
  if (!response.ok()) {
    s.state = lro_state::failed;
    s.error = parse_error(response.status, response.body);
    return s;
  }
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  if (ec || !v.is_object()) {
    s.state = lro_state::failed;
    s.error = {response.status, "InvalidAsyncOperationResponse", "the operation status is not a JSON object", {}};
    return s;
  }
  const auto& o = v.as_object();
  s.provisioning_state = str(o, "status");
  if (iequals(s.provisioning_state, "Succeeded")) {
    s.state = lro_state::succeeded;
  } else if (iequals(s.provisioning_state, "Failed") || iequals(s.provisioning_state, "Canceled")) {
    s.state = iequals(s.provisioning_state, "Failed") ? lro_state::failed : lro_state::canceled;
    s.error.http_status = response.status;
    if (auto* e = o.if_contains("error"); e && e->is_object()) read_error_fields(e->as_object(), s.error);
  }
  return s;
}

lro_status read_location(const http_response& response) {
  lro_status s;
  if (response.status == 202) return s;
  if (response.ok()) {
    s.state = lro_state::succeeded;
    return s;
  }
  s.state = lro_state::failed;
  s.error = parse_error(response.status, response.body);
  return s;
}

lro_status read_resource(const http_response& response) {
  lro_status s;
  if (!response.ok()) {
    s.state = lro_state::failed;
    s.error = parse_error(response.status, response.body);
    return s;
  }
  boost::system::error_code ec;
  auto v = json::parse(response.body, ec);
  const json::object* props = nullptr;
  if (!ec && v.is_object()) {
    if (auto* p = v.as_object().if_contains("properties"); p && p->is_object()) props = &p->as_object();
  }
  s.provisioning_state = props ? str(*props, "provisioningState") : std::string();
  if (s.provisioning_state.empty() || iequals(s.provisioning_state, "Succeeded")) {
    s.state = lro_state::succeeded;  // no state reported: nothing to wait for
  } else if (iequals(s.provisioning_state, "Failed")) {
    s.state = lro_state::failed;
  } else if (iequals(s.provisioning_state, "Canceled")) {
    s.state = lro_state::canceled;
  }
  if (s.state == lro_state::failed || s.state == lro_state::canceled) {
    s.error = {response.status, s.provisioning_state, "the resource's provisioningState is " + s.provisioning_state, {}};
  }
  return s;
}

std::chrono::milliseconds poll_delay(const http_response& response, std::chrono::milliseconds fallback,
                                     std::chrono::milliseconds max) {
  auto asked = parse_retry_after(response.headers, std::chrono::system_clock::now());
  return std::min(asked.value_or(fallback), max);
}

bool same_origin(std::string_view url, std::string_view endpoint) {
  auto a = boost::urls::parse_uri(url);
  auto b = boost::urls::parse_uri(endpoint);
  if (!a || !b) return false;
  auto port = [](const boost::urls::url_view& u) {
    if (u.has_port() && !u.port().empty()) return std::string(u.port());
    return std::string(u.scheme() == "https" ? "443" : "80");
  };
  return iequals(a->scheme(), b->scheme()) && iequals(a->encoded_host(), b->encoded_host()) && port(*a) == port(*b);
}

}  // namespace azbridge::orchestrate::arm
