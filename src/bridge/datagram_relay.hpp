// UDP over a relayed connection (internal): each datagram is one binary WebSocket message
// [len_hi, len_lo, payload] (azbridge-compat.md §4.4; protocol/udp_framing.hpp).
#pragma once

#include "azbridge/bridge/ws_channel.hpp"
#include "runtime.hpp"

#include <boost/asio/ip/udp.hpp>

#include <chrono>
#include <functional>
#include <span>
#include <string>

namespace azbridge::bridge::detail {

inline constexpr std::chrono::minutes udp_idle_expiry{4};

/// Sends one datagram as one framed message. `buffer` holds the payload at payload()+2 ... see
/// datagram_buffer(); the frame is built in place.
net::awaitable<net::error_code> send_datagram(ws_channel& ch, frame_buffer& buffer, std::size_t payload_size);

/// A frame_buffer large enough for the biggest datagram plus its 2-byte prefix; receive datagrams at
/// `payload() + 2`.
frame_buffer make_datagram_buffer();

/// Reads framed datagrams from the relay until it closes or fails, calling `deliver` for each well-formed one;
/// messages that break the one-datagram-per-message rule are dropped (and counted). Returns the end reason.
net::awaitable<net::error_code> receive_datagrams(ws_channel& ch, const std::function<void(std::span<const std::uint8_t>)>& deliver,
                                                  std::uint64_t& received, std::uint64_t& malformed);

/// The remote side of one relayed UDP connection: datagrams from the relay go to `target` (a connected socket),
/// datagrams from the target go back; ends after 4 minutes without traffic, when the relay closes, or on stop.
net::awaitable<void> serve_udp_target(runtime& rt, ws_channel ch, net::asio::ip::udp::socket target, std::string what);

}  // namespace azbridge::bridge::detail
