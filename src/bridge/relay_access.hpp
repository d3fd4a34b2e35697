// Where and how a forwarder reaches its hybrid connection (internal): endpoint, entity, credentials, and the
// sender's side of azbridge's preamble (connect, 01 00 MODE LEN + name, check the 3-byte reply).
#pragma once

#include "azbridge/bridge/ws_channel.hpp"
#include "azbridge/config/config.hpp"
#include "azbridge/protocol/preamble.hpp"
#include "azbridge/relay_client/token_provider.hpp"
#include "azbridge/util/expected.hpp"
#include "runtime.hpp"

#include <chrono>
#include <memory>
#include <string>

namespace azbridge::bridge::detail {

struct relay_access {
  std::string endpoint;  // "sb://host[:port]/" (or "ws://" for a --no-tls relay)
  std::string entity;    // the relay name
  std::shared_ptr<relay_client::token_provider> tokens;
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(70)};
};

/// For a local forwarder binding (the binding's NoAuthentication applies). Failure: a message for the user.
expected<relay_access> sender_access(const config::config& cfg, const config::local_forward& forward,
                                     const config::local_forward_binding& binding);
/// For a remote forwarder's listener.
expected<relay_access> listener_access(const config::config& cfg, const config::remote_forward& forward);

struct opened_channel {
  ws_channel channel;  // set on success
  std::string error;   // why not, in words (empty on success)
  bool refused = false;  // the remote forwarder answered but did not accept (port name, mode, version)
};

/// Opens a relayed connection and performs the sender's side of the preamble within the connect timeout
/// plus the runtime's preamble timeout.
net::awaitable<opened_channel> open_relayed(runtime& rt, const relay_access& access, protocol::preamble::mode mode,
                                            const std::string& port_name);

}  // namespace azbridge::bridge::detail
