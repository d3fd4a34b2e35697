// Taking the transport out of a handshaken Beast WebSocket (internal to net: ws_channel).
#pragma once

#include "azbridge/net/ws_stream.hpp"

#include <cstdint>
#include <variant>
#include <vector>

namespace azbridge::net::detail {

using plain_transport = net::beast::tcp_stream;
using tls_transport = net::tls_stream;
using transport = std::variant<plain_transport, tls_transport>;

struct taken_over {
  transport stream;
  std::vector<std::uint8_t> leftover;  // bytes Beast read after the handshake response, not yet decoded
};

/// Moves the TCP or TLS stream out of `ws` together with the bytes Beast buffered beyond the handshake.
taken_over take_over(net::ws_stream&& ws);

}  // namespace azbridge::net::detail
