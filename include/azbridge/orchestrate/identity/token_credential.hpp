// Entra ID (Azure AD) access tokens without an SDK: the credential interface, its failures, and the
// chain/caching used by `azbridge orchestrate` (ARM, IoT Hub) and usable by the forwarders for
// Entra-authenticated relay connections (scope https://relay.azure.net/.default).
// No command-line dependency: everything comes from an identity_environment (see credentials.hpp).
#pragma once

#include "azbridge/net/asio.hpp"
#include "azbridge/orchestrate/errors.hpp"

#include <chrono>
#include <string>

namespace azbridge::identity {

struct access_token {
  std::string token;  // the raw JWT (no "Bearer " prefix)
  std::chrono::system_clock::time_point expires_on;
};

/// This credential cannot be used here (variables unset, endpoint absent, tool not installed).
/// A chain moves on to the next credential.
class credential_unavailable : public orchestrate::error {
 public:
  explicit credential_unavailable(const std::string& message) : error(orchestrate::exit_code::auth, message) {}
};

/// The credential applies but the token was refused (bad secret, unknown client, no consent ...).
/// A chain stops here: trying the next one would hide the real problem.
class authentication_failed : public orchestrate::error {
 public:
  explicit authentication_failed(const std::string& message) : error(orchestrate::exit_code::auth, message) {}
};

class token_credential {
 public:
  virtual ~token_credential() = default;
  /// A token for one scope, e.g. "https://management.azure.com/.default".
  /// Throws credential_unavailable, authentication_failed or network_error.
  virtual net::awaitable<access_token> get_token(const std::string& scope) = 0;
  /// Which credential this is (for a chain: the one that produced the last token), for --verbose.
  virtual std::string describe() const = 0;
};

}  // namespace azbridge::identity
