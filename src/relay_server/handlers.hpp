// One accepted connection whose request head has been read, and the handlers that take it from there
// (listen, connect, accept/request rendezvous, plain HTTP). Each handler owns the connection until it returns;
// a WebSocket upgrade moves the stream out of it.
#pragma once

#include "azbridge/protocol/relay_url.hpp"
#include "azbridge/relay_server/auth.hpp"
#include "relay_context.hpp"
#include "reply.hpp"
#include "server_stream.hpp"

#include <optional>

namespace azbridge::relay_server {

struct connection {
  std::shared_ptr<relay_context> ctx;
  std::optional<server_stream> stream;  // empty once moved into a WebSocket
  connection_slot slot;
  net::beast::flat_buffer buffer;
  std::optional<net::http::request_parser<net::http::empty_body>> parser;
  net::tcp::endpoint remote;
  std::string authority;  // the Host the client addressed (validated) or the relay's own address
  request_info info;

  net::http::request<net::http::empty_body>& request() { return parser->get(); }

  /// Answers with an error and ends the connection (see reply.hpp).
  net::awaitable<void> reject(int status, std::string_view message, body_style style = body_style::text);
  /// Answers with the status and reason phrase exactly as given (a listener's rejection).
  net::awaitable<void> reject_verbatim(int status, std::string_view reason);
};

/// Checks the token for `right` on `hc` (anonymous senders are fine when the hybrid connection does not
/// require client authorization).
auth_decision check_access(connection& c, const resolved_hc& hc, std::string_view token, required_right right,
                           std::string_view full_path);

/// The token of a WebSocket request: ServiceBusAuthorization header, else sb-hc-token.
std::string websocket_token(connection& c, const protocol::hc_target& target);

net::awaitable<void> handle_listen(connection& c, const protocol::hc_target& target);
net::awaitable<void> handle_connect(connection& c, const protocol::hc_target& target);
net::awaitable<void> handle_accept_rendezvous(connection& c, const protocol::hc_target& target);
net::awaitable<void> handle_request_rendezvous(connection& c, const protocol::hc_target& target);
net::awaitable<void> handle_http(connection& c);

}  // namespace azbridge::relay_server
