// The bridge's names for the data phase of a relayed connection: net::ws_channel (a WebSocket whose two
// directions close independently) and its frame codec protocol::ws.
#pragma once

#include "azbridge/net/ws_channel.hpp"

namespace azbridge::bridge {

using net::frame_buffer;
using net::ws_channel;
using net::ws_channel_options;
namespace ws = protocol::ws;

}  // namespace azbridge::bridge
