// Small helpers for the relay's server-side WebSockets.
#pragma once

#include "azbridge/net/ws_stream.hpp"

#include <string>
#include <string_view>

namespace azbridge::relay_server {

/// A close reason whose text fits a close frame (at most 123 bytes).
net::websocket::close_reason make_close_reason(net::websocket::close_code code, std::string_view text);
net::websocket::close_reason make_close_reason(std::uint16_t code, std::string_view text);

/// Completes the server handshake for `req` (already read): no compression, binary, no auto-fragmenting,
/// `protocol` echoed in Sec-WebSocket-Protocol when not empty. Bounded by `timeout`.
net::awaitable<net::error_code> accept_websocket(net::ws_stream& ws,
                                                 const net::http::request<net::http::empty_body>& req,
                                                 std::string_view protocol, std::chrono::milliseconds timeout);

/// "closed by peer (1000 bye)" / the error's message, for logs.
std::string describe_end(const net::ws_stream& ws, const net::error_code& ec);

}  // namespace azbridge::relay_server
