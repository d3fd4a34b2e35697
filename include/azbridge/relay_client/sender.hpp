// Sender: opens one relayed WebSocket to a hybrid connection (what a local forwarder does per accepted
// client connection, azbridge-compat.md §4.1.3).
//
//   auto r = co_await relay_client::connect(tls, "sb://ns.servicebus.windows.net/", "db", *tokens, {});
//   if (!r.stream) { log::error("...", "{}", r.error.message); ... }   // r.error.transient() for 404 no-listener
//   net::ws_stream& ws = *r.stream;   // binary, TCP_NODELAY, 64 KiB write buffer, no timeouts set
//
// URL: wss://host[:port]/$hc/{entity}[/suffix]?[app query&]sb-hc-action=connect&sb-hc-id={guid};
// headers: ServiceBusAuthorization (unless the provider has no token), Relay-User-Agent.
#pragma once

#include "azbridge/net/ws_stream.hpp"
#include "azbridge/protocol/control_messages.hpp"
#include "azbridge/relay_client/connect_error.hpp"
#include "azbridge/relay_client/token_provider.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace azbridge::relay_client {

struct connect_options {
  /// The whole connect (token, resolve, TCP, TLS, upgrade). The SDK's default for azbridge is 70 s.
  std::chrono::milliseconds timeout{std::chrono::seconds(70)};
  std::string path_suffix;                 // appended after the entity path ("/suffix"), may be empty
  std::string app_query;                   // application query string without '?', passed verbatim
  std::vector<std::string> subprotocols;   // offered in Sec-WebSocket-Protocol (empty: none)
  protocol::header_list extra_headers;     // reach the listener in accept.connectHeaders
  std::string tracking_id;                 // sb-hc-id; empty: a new GUID
  bool verify_tls = true;                  // TLS verification; off only by explicit user choice
};

struct connect_result {
  std::optional<net::ws_stream> stream;  // set on success
  connect_error error;                   // set on failure
  std::string tracking_id;               // the sb-hc-id used (for correlating logs with the relay)
  std::string subprotocol;               // Sec-WebSocket-Protocol the listener chose, if any
};

/// Opens a sender WebSocket. `endpoint` is the namespace ("sb://host[:port]/", or "ws://host:port/" for a
/// relay run with --no-tls). Never throws for network or relay failures: see connect_result::error.
net::awaitable<connect_result> connect(net::ssl::context& tls, std::string_view endpoint,
                                       std::string_view entity_path, token_provider& tokens,
                                       const connect_options& options = {});

/// "azbridge-cpp/{version} ({OS} {release}; {machine})", shaped like the .NET client's Relay-User-Agent.
const std::string& relay_user_agent();

}  // namespace azbridge::relay_client
