// What went wrong when opening a WebSocket to the relay, in words a user can act on.
#pragma once

#include "azbridge/net/ws_stream.hpp"

#include <string>
#include <string_view>

namespace azbridge::relay_client {

struct connect_error {
  enum class kind {
    none,
    unauthorized,     // 401: missing, malformed, expired or badly signed token
    forbidden,        // 403: token valid but not for this path or right (Send/Listen)
    no_such_entity,   // 404 "Endpoint does not exist": the hybrid connection is unknown
    no_listener,      // 404 "There are no listeners connected ...": transient for senders
    rejected,         // another HTTP status (e.g. the listener's rejection code and text)
    timeout,          // a step did not finish within the deadline
    network,          // resolve, TCP, TLS or WebSocket failure
    configuration,    // bad endpoint or token provider failure
  };

  kind what = kind::none;
  int http_status = 0;     // the relay's status code for declined upgrades
  std::string reason;      // the relay's reason phrase, verbatim
  std::string message;     // one line for the user (never contains a token)

  explicit operator bool() const noexcept { return what != kind::none; }
  /// Worth retrying later without changing anything (no listener yet, network, timeout, 5xx).
  bool transient() const noexcept;
};

/// Classifies a failed net::ws_connect. `role` is "send to" or "listen on"; `entity` the hybrid connection
/// name; `where` the relay "host:port".
connect_error describe_connect_failure(const net::ws_connect_result& result, std::string_view role,
                                       std::string_view entity, std::string_view where);

}  // namespace azbridge::relay_client
