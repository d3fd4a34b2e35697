// A small HTTP/1.1 client on Beast for the REST calls of `orchestrate` and the Entra ID credentials:
// http:// and https:// (verified TLS via net::make_client_context), one connection per request,
// a deadline on every step, retries as the request's retry_mode allows, and an observer hook that sees
// every request and response (callers redact before printing: see redact.hpp).
#pragma once

#include "azbridge/net/asio.hpp"
#include "azbridge/orchestrate/errors.hpp"
#include "azbridge/orchestrate/http.hpp"
#include "azbridge/orchestrate/retry.hpp"

#include <chrono>
#include <functional>
#include <string>

namespace azbridge::orchestrate {

/// The request could not be completed (DNS, connect, TLS, timeout, malformed answer). Exit status 4.
class network_error : public error {
 public:
  explicit network_error(const std::string& message) : error(exit_code::network, message) {}
};

/// Sends one request and reads one response. Implementations throw network_error.
class http_transport {
 public:
  virtual ~http_transport() = default;
  virtual net::awaitable<http_response> send(const http_request& request, std::chrono::milliseconds timeout) = 0;
};

/// The real transport. `tls` must outlive it.
class beast_transport final : public http_transport {
 public:
  explicit beast_transport(net::ssl::context& tls, std::size_t body_limit = 16 * 1024 * 1024)
      : tls_(tls), body_limit_(body_limit) {}
  net::awaitable<http_response> send(const http_request& request, std::chrono::milliseconds timeout) override;

 private:
  net::ssl::context& tls_;
  std::size_t body_limit_;
};

/// What the observer sees: each attempt, each answer, each failure without an answer.
struct http_event {
  enum kind_t { sending, received, failed } kind;
  const http_request& request;
  const http_response* response;  // set for `received`
  std::string note;               // "attempt 2", "retrying in 1.0s", the failure text
};
using http_observer = std::function<void(const http_event&)>;

class http_client {
 public:
  explicit http_client(http_transport& transport, retry_policy policy = {}, http_observer observer = {})
      : transport_(transport), policy_(policy), observer_(std::move(observer)) {}

  /// Sends with retries per request.retry; returns the final response whatever its status.
  /// Throws network_error when the last attempt got no answer.
  net::awaitable<http_response> send(http_request request, std::chrono::milliseconds timeout);

  void set_observer(http_observer observer) { observer_ = std::move(observer); }
  const retry_policy& policy() const noexcept { return policy_; }

 private:
  http_transport& transport_;
  retry_policy policy_;
  http_observer observer_;
};

/// Sleeps on the current executor (used between retries and LRO polls).
net::awaitable<void> sleep_for(std::chrono::milliseconds delay);

}  // namespace azbridge::orchestrate
