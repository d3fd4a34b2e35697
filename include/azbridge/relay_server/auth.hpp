// Authorization of relay requests with SAS tokens, as the service does it (hybrid-connections-protocol.md §2.2-2.3):
// 401 for a missing, malformed, unknown-key, badly signed or expired token; 403 for a valid token whose
// audience or rights do not cover the request. Sans-I/O: the caller passes the clock.
#pragma once

#include "azbridge/relay_server/options.hpp"

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace azbridge::relay_server {

enum class required_right { listen, send };

struct auth_request {
  std::string_view token;      // as received (header value or decoded sb-hc-token); empty when none was sent
  std::string_view host;       // the host the client addressed (Host header without port)
  std::string_view hc_name;    // the hybrid connection's name
  std::string_view full_path;  // the whole requested path (hc name + suffix)
  required_right right = required_right::send;
  std::int64_t now_unix = 0;
  std::chrono::seconds clock_skew{0};
};

struct auth_decision {
  int status = 0;               // 0: authorized; else 401 or 403
  std::string reason;           // the reason phrase (no secrets; the caller appends TrackingId etc.)
  std::int64_t expires_at = 0;  // the token's se when authorized
  std::string key_name;         // skn of the token (never a secret)

  bool ok() const noexcept { return status == 0; }
};

/// Checks `req.token` against the hybrid connection's policies first, then the namespace's.
/// The signature check is constant-time (protocol::sas::signature_valid).
auth_decision authorize(const auth_request& req, std::span<const shared_access_policy> hc_policies,
                        std::span<const shared_access_policy> namespace_policies);

/// Unix seconds now (system clock).
std::int64_t unix_now();

/// "2024-05-01T12:00:00Z" for a Unix time (for messages).
std::string format_unix_time(std::int64_t unix_seconds);

}  // namespace azbridge::relay_server
