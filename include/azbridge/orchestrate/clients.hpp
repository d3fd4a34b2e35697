// The I/O halves of the REST clients: IoT Hub direct methods (SAS or Entra ID) and ARM calls with bearer
// tokens, classified errors and long-running-operation polling.
#pragma once

#include "azbridge/orchestrate/arm.hpp"
#include "azbridge/orchestrate/http_client.hpp"
#include "azbridge/orchestrate/identity/token_credential.hpp"
#include "azbridge/orchestrate/iothub.hpp"

#include <boost/json/value.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <vector>
#include <string>

namespace azbridge::orchestrate {

class iothub_client {
 public:
  /// SAS from the hub's connection string (`credential` unused), or Entra ID tokens when `sas` is empty.
  /// `endpoint` is the base URL, normally "https://{HostName}".
  iothub_client(http_client& http, std::optional<iothub::connection_string> sas, identity::token_credential* credential,
                std::string endpoint, std::string host_name)
      : http_(http), sas_(std::move(sas)), credential_(credential), endpoint_(std::move(endpoint)),
        host_name_(std::move(host_name)) {}

  /// Invokes a direct method. Returns the device's status and payload; throws a classified error when
  /// IoT Hub answers with an error (offline, timeout, 401 ...).
  net::awaitable<iothub::method_result> invoke(const std::string& device_id, const iothub::method_call& call);

  /// The request invoke() sends (for tests and --dry-run).
  net::awaitable<http_request> make_request(const std::string& device_id, const iothub::method_call& call);

 private:
  http_client& http_;
  std::optional<iothub::connection_string> sas_;
  identity::token_credential* credential_;
  std::string endpoint_;
  std::string host_name_;
};

/// Called while waiting for a long-running operation: the state read at the last poll.
using wait_observer = std::function<void(std::string_view state)>;

class arm_client {
 public:
  arm_client(http_client& http, identity::token_credential& credential, std::string endpoint, std::string scope,
             std::chrono::milliseconds timeout)
      : http_(http), credential_(credential), endpoint_(std::move(endpoint)), scope_(std::move(scope)),
        timeout_(timeout) {}

  /// Sends `method` to endpoint + path_and_query with a bearer token. Returns any answer (no classification).
  net::awaitable<http_response> send(std::string method, const std::string& path_and_query,
                                     std::optional<boost::json::value> body, retry_mode retry, std::string what);

  /// send() that throws arm::classify(...) for non-2xx answers other than those in `accepted`.
  net::awaitable<http_response> expect(std::string method, const std::string& path_and_query,
                                       std::optional<boost::json::value> body, retry_mode retry, std::string what,
                                       std::vector<int> accepted = {});

  /// Follows a long-running operation started by `initial` until it ends or `deadline` passes
  /// (then exit_code::provisioning_timeout). Failed/Canceled throw exit_code::provisioning_failed.
  /// `resource_path` is GET-polled when the service gives no operation URL.
  net::awaitable<void> wait(std::string_view method, const http_response& initial, const std::string& resource_path,
                            std::chrono::steady_clock::time_point deadline, const std::string& what,
                            const wait_observer& observer);

  const std::string& endpoint() const noexcept { return endpoint_; }
  /// Fallback delay between polls when the service sends no Retry-After.
  void set_poll_interval(std::chrono::milliseconds d) { poll_interval_ = d; }

 private:
  net::awaitable<http_response> get_absolute(const std::string& url, const std::string& what);
  http_client& http_;
  identity::token_credential& credential_;
  std::string endpoint_;
  std::string scope_;
  std::chrono::milliseconds timeout_;
  std::chrono::milliseconds poll_interval_{5000};
};

}  // namespace azbridge::orchestrate
