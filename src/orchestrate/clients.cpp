#include "azbridge/orchestrate/clients.hpp"

#include "crypto.hpp"

#include <boost/json.hpp>

#include <fmt/format.h>

namespace azbridge::orchestrate {
namespace {

namespace json = boost::json;
using namespace std::chrono;

std::string trim_slash(std::string s) {
  while (!s.empty() && s.back() == '/') s.pop_back();
  return s;
}

}  // namespace

net::awaitable<http_request> iothub_client::make_request(const std::string& device_id, const iothub::method_call& call) {
  http_request r;
  r.method = "POST";
  r.url = trim_slash(endpoint_) + iothub::method_path(device_id);
  r.body = iothub::method_body(call);
  r.set_header("Content-Type", "application/json; charset=utf-8");
  r.set_header("Accept", "application/json");
  r.set_header("Request-Id", crypto::uuid4());  // one id per call, kept across retries
  r.set_header("User-Agent", "azbridge-orchestrate");
  if (sas_) {
    auto expiry = duration_cast<seconds>(system_clock::now().time_since_epoch()).count() + 3600;
    auto token = iothub::make_sas(sas_->host_name, sas_->key_name, sas_->key, expiry);
    if (!token) throw error(exit_code::usage, "IoT Hub connection string: " + token.error());
    r.set_header("Authorization", *token);
  } else {
    if (credential_ == nullptr) throw error(exit_code::usage, "no IoT Hub credential: give a connection string or an Entra ID credential");
    auto t = co_await credential_->get_token(std::string(iothub::entra_scope));
    r.set_header("Authorization", "Bearer " + t.token);
  }
  // The hub does not act on throttled calls; the sample device's methods are idempotent, but a call that
  // got no answer may have reached the device, so it is not repeated.
  r.retry = retry_mode::throttle;
  r.what = fmt::format("direct method {} on device '{}'", call.method_name, device_id);
  co_return r;
}

net::awaitable<iothub::method_result> iothub_client::invoke(const std::string& device_id, const iothub::method_call& call) {
  if (auto why = iothub::validate(call)) throw error(exit_code::usage, *why);
  auto req = co_await make_request(device_id, call);
  // The hub holds the request while it waits for the device: the HTTP deadline must exceed both timeouts.
  auto timeout = seconds(call.response_timeout_s + call.connect_timeout_s + 15);
  auto res = co_await http_.send(std::move(req), duration_cast<milliseconds>(timeout));
  if (res.status != 200) {
    throw iothub::classify(iothub::parse_error(res.status, res.body, res.header("iothub-errorcode")), device_id,
                           call.method_name);
  }
  auto parsed = iothub::parse_method_response(res.body);
  if (!parsed) throw error(exit_code::service, parsed.error());
  co_return std::move(*parsed);
}

net::awaitable<http_response> arm_client::send(std::string method, const std::string& path_and_query,
                                               std::optional<json::value> body, retry_mode retry, std::string what) {
  auto token = co_await credential_.get_token(scope_);
  http_request r;
  r.method = std::move(method);
  r.url = trim_slash(endpoint_) + path_and_query;
  r.set_header("Authorization", "Bearer " + token.token);
  r.set_header("Accept", "application/json");
  if (body) {
    r.body = json::serialize(*body);
    r.set_header("Content-Type", "application/json");
  }
  r.retry = retry;
  r.what = std::move(what);
  co_return co_await http_.send(std::move(r), timeout_);
}

net::awaitable<http_response> arm_client::expect(std::string method, const std::string& path_and_query,
                                                 std::optional<json::value> body, retry_mode retry, std::string what,
                                                 std::vector<int> accepted) {
  auto res = co_await send(std::move(method), path_and_query, std::move(body), retry, what);
  if (res.ok() || std::find(accepted.begin(), accepted.end(), res.status) != accepted.end()) co_return res;
  throw arm::classify(arm::parse_error(res.status, res.body), what);
}

net::awaitable<http_response> arm_client::get_absolute(const std::string& url, const std::string& what) {
  // Operation URLs come from response headers: the token only goes back to the ARM endpoint.
  if (!arm::same_origin(url, endpoint_)) {
    throw error(exit_code::service, fmt::format("{}: ARM asked to poll {}, which is not on {}; not sending the token there",
                                                what, url.substr(0, url.find('?')), endpoint_));
  }
  auto token = co_await credential_.get_token(scope_);
  http_request r;
  r.url = url;
  r.set_header("Authorization", "Bearer " + token.token);
  r.set_header("Accept", "application/json");
  r.retry = retry_mode::idempotent;
  r.what = what + " (status)";
  co_return co_await http_.send(std::move(r), timeout_);
}

net::awaitable<void> arm_client::wait(std::string_view method, const http_response& initial,
                                      const std::string& resource_path, steady_clock::time_point deadline,
                                      const std::string& what, const wait_observer& observer) {
  auto plan = arm::plan_lro(method, initial);
  if (plan.via == arm::poll_via::none) co_return;
  const http_response* last = &initial;
  http_response current;
  for (;;) {
    auto delay = arm::poll_delay(*last, poll_interval_, milliseconds(30000));
    if (steady_clock::now() + delay > deadline) {
      throw error(exit_code::provisioning_timeout,
                  fmt::format("{}: still running when the provisioning timeout elapsed; it may yet finish "
                              "(see `azbridge orchestrate status`)", what));
    }
    co_await sleep_for(delay);
    arm::lro_status s;
    if (plan.via == arm::poll_via::async_operation) {
      current = co_await get_absolute(plan.url, what);
      s = arm::read_async_operation(current);
    } else if (plan.via == arm::poll_via::location) {
      current = co_await get_absolute(plan.url, what);
      s = arm::read_location(current);
    } else {
      current = co_await send("GET", resource_path, std::nullopt, retry_mode::idempotent, what + " (status)");
      s = arm::read_resource(current);
    }
    last = &current;
    if (observer) observer(s.provisioning_state.empty() ? std::string_view("running") : std::string_view(s.provisioning_state));
    if (s.state == arm::lro_state::succeeded) co_return;
    if (s.state == arm::lro_state::failed || s.state == arm::lro_state::canceled) {
      if (current.status == 401 || current.status == 403 || current.status == 429) {
        throw arm::classify(s.error, what);
      }
      auto e = s.error;
      throw error(exit_code::provisioning_failed,
                  fmt::format("{} ended {}{}{}", what, s.state == arm::lro_state::failed ? "Failed" : "Canceled",
                              e.code.empty() ? "" : " (" + e.code + ")", e.message.empty() ? "" : ": " + e.message));
    }
  }
}

}  // namespace azbridge::orchestrate
