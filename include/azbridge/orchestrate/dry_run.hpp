// --dry-run: a transport that sends nothing. It hands every request to a printer and answers as Azure
// would for a fresh start (nothing exists yet; the device accepts; provisioning succeeds at once), so
// that the real operation code runs and shows every request it would send. No token is fetched.
#pragma once

#include "azbridge/orchestrate/http_client.hpp"
#include "azbridge/orchestrate/identity/token_credential.hpp"

#include <boost/json/value.hpp>

#include <functional>
#include <map>
#include <string>

namespace azbridge::orchestrate {

class dry_run_transport final : public http_transport {
 public:
  explicit dry_run_transport(std::function<void(const http_request&)> printer) : printer_(std::move(printer)) {}
  net::awaitable<http_response> send(const http_request& request, std::chrono::milliseconds timeout) override;

  /// The canned answer for a request (exposed for unit tests).
  http_response answer(const http_request& request);

 private:
  std::function<void(const http_request&)> printer_;
  std::map<std::string, boost::json::value> resources_;  // path -> body of what was PUT
};

/// A credential that returns a placeholder token without asking anyone.
class dry_run_credential final : public identity::token_credential {
 public:
  net::awaitable<identity::access_token> get_token(const std::string& scope) override;
  std::string describe() const override { return "none (dry run)"; }
};

}  // namespace azbridge::orchestrate
